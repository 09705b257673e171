"""Public input (互动交流): online interviews (I05), the mailboxes and their letters (I01–I03),
consultations and surveys (I04), broadcasts and TV inquiry."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy


class InteractionConfig(AppConfig):
    name = "interaction"
    label = "interaction"
    verbose_name = "互动交流"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from cms import lookups

        from . import broadcast_signals, consultation_signals, letter_statistics, signals
        from .letter_lookup import COMMAND, answer_command

        # Public content that changes without a new revision (cms.items.item_changed).
        signals.connect()  # interviews' live text and questions
        consultation_signals.connect()  # approved comments, closings
        broadcast_signals.connect()  # 整改 progress
        letter_statistics.connect()  # the statistics' day table follows every letter
        # A follower's "查询 <code> <password>" (WeChat) is answered from the letters.
        lookups.register("letter", COMMAND, answer_command)
        # The columns' lists of this app's page types: the content model does not know
        # this app, so the app adds its types to what a column lists.
        self.register_column_lists()

    def register_column_lists(self):
        from cms.listing import ChildList, register_child_list

        from .broadcasts import BroadcastPage
        from .consultations import ConsultationPage
        from .interviews import Interview
        from .surveys import SurveyPage

        # Events: newest first, with the hour (an upcoming event's hour matters).
        for key, model, heading in (
            ("interviews", Interview, gettext_lazy("Online interviews")),
            ("broadcasts", BroadcastPage, gettext_lazy("TV inquiry and live broadcasts")),
        ):
            register_child_list(
                ChildList(
                    key=key,
                    model=model,
                    heading=heading,
                    order_by=("-starts_at", "-pk"),
                    time=lambda event: event.starts_at,
                    label=lambda event: (event.status, event.status_label),
                    defer=("summary", "transcript"),
                    time_format="%Y-%m-%d %H:%M",
                )
            )
        # Consultations and surveys: newest opening first, with their phase.
        for key, model, heading in (
            ("consultations", ConsultationPage, gettext_lazy("Consultations")),
            ("surveys", SurveyPage, gettext_lazy("Online surveys")),
        ):
            register_child_list(
                ChildList(
                    key=key,
                    model=model,
                    heading=heading,
                    order_by=("-opens_at", "-pk"),
                    time=lambda page: page.opens_at,
                    label=lambda page: (page.phase(), page.phase_label()),
                    defer=("summary", "feedback"),
                )
            )
