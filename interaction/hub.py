"""The 互动交流 page: the one place a citizen finds every way to write to the government
(I01–I05) — the site's mailboxes with their latest answered letters and this year's
figures, the consultations and surveys open now and the feedback on closed ones, and the
broadcasts and interviews upcoming, live or archived. It is a column of its own kind
whose sections read the interaction pages below it, so a county's 互动交流 shows the
county's mailbox and events only."""

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy
from wagtail.models import Page

from cms.pages import ColumnPage, ColumnType

from .consultations import ConsultationPage, feedback_statistics
from .interviews import Interview
from .letter_statistics import compute, day_range, default_period
from .mailbox import LetterPage, MailboxPage
from .surveys import SurveyPage

LATEST = 5


class InteractionHubPage(ColumnPage):
    """互动交流: the entrance to the mailboxes, consultations, surveys and broadcasts."""

    # Shows the mailboxes' and consultations' live figures: rendered per request.
    publish_as_file = False

    template = "interaction/hub_page.html"
    wap_view = "interaction.hub_wap.hub_view"

    class Meta:
        verbose_name = gettext_lazy("Interaction hub")

    def save(self, *args, **kwargs):
        self.column_type = ColumnType.CONSULT
        super().save(*args, **kwargs)

    def get_context(self, request, *args, **kwargs):
        # The column's article list (ColumnPage) is not this page's content: its sections are.
        context = Page.get_context(self, request, *args, **kwargs)
        now = timezone.now()
        context["subcolumns"] = self.child_sections(ColumnPage)
        context["mailboxes"] = self.mailbox_sections()
        context["participation"] = self.participation_pages(now)
        context["feedback"] = feedback_statistics(root=self, now=now)
        context["events"] = self.events()
        context["now"] = now
        return context

    def events(self):
        """The latest broadcasts and interviews below the page, newest first."""
        return list(
            Interview.objects.live().descendant_of(self).order_by("-starts_at", "-pk").specific()[:LATEST]
        )

    def mailbox_sections(self):
        """[(mailbox, the statistics of its latest half-year, its latest published
        letters)]: a few queries per mailbox (a site has a handful), whatever the number
        of letters."""
        mailboxes = list(MailboxPage.objects.live().descendant_of(self).order_by("path"))
        return [
            (
                mailbox,
                compute([mailbox.pk], default_period(day_range([mailbox.pk])[1])),
                list(
                    LetterPage.objects.live()
                    .child_of(mailbox)
                    .order_by("-replied_at", "-pk")
                    .only("title", "url_path", "replied_at", "reply_unit")[:LATEST]
                ),
            )
            for mailbox in mailboxes
        ]

    def participation_pages(self, now):
        """Consultations and surveys that are open or upcoming (closing first), then the
        latest closed ones, each with its kind's label."""
        pages = []
        for model in (ConsultationPage, SurveyPage):
            base = model.objects.live().descendant_of(self)
            current = base.filter(closes_at__gt=now).order_by("closes_at")[:LATEST]
            closed = base.filter(~Q(closes_at__gt=now)).order_by("-closes_at")[:LATEST]
            pages += [(page, model.item_label) for page in [*current, *closed]]
        # Open and upcoming before closed; among them the nearest closing first, among the
        # closed the latest first.
        pages.sort(key=lambda pair: (pair[0].closes_at <= now, _closing_order(pair[0], now)))
        return pages[: LATEST * 2]


def _closing_order(page, now):
    seconds = (page.closes_at - now).total_seconds()
    return seconds if seconds > 0 else -seconds
