"""Public input (互动交流): online interviews with moderated questions (I05)."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy


class InteractionConfig(AppConfig):
    name = "interaction"
    label = "interaction"
    verbose_name = "互动交流"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        # Interviews live in columns (在线访谈, Interview.parent_page_types); the content
        # model does not know this app, so the app adds itself to what a column lists.
        from cms.listing import ChildList, register_child_list

        from . import signals
        from .interviews import Interview

        signals.connect()

        register_child_list(
            ChildList(
                key="interviews",
                model=Interview,
                heading=gettext_lazy("Online interviews"),
                order_by=("-starts_at", "-pk"),
                time=lambda interview: interview.starts_at,
                label=lambda interview: (interview.status, interview.status_label),
                defer=("summary", "transcript"),
                time_format="%Y-%m-%d %H:%M",  # an upcoming interview's hour matters
            )
        )
