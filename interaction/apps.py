"""Public input (互动交流): online interviews with moderated questions (I05)."""

from django.apps import AppConfig


class InteractionConfig(AppConfig):
    name = "interaction"
    label = "interaction"
    verbose_name = "互动交流"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        # Interviews live in columns (在线访谈); the content model does not know this app, so
        # the app adds itself to what a column may contain.
        from cms.pages import ColumnPage

        if "interaction.Interview" not in ColumnPage.subpage_types:
            ColumnPage.subpage_types = [*ColumnPage.subpage_types, "interaction.Interview"]
