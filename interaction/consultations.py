"""Consultations (意见征集, I04): a draft document put out for comment, article by article,
between an opening and a closing time, and the feedback notice (反馈意见: what was
received, what was adopted and why) the indicators require once it has closed.

`Participation` holds what consultations and surveys share: the period, the phase the
public sees (未开始 / 征集中 / 已结束), the feedback notice and the rule that flags a closed
one without feedback to its editors after settings.CONSULTATION_FEEDBACK_DAYS days;
`feedback_statistics()` counts them for the public 互动交流 page and the admin.

A comment is the public's and hidden until a moderator approves it: only
`ConsultationComment.objects.public()` may feed a public page, the API or search. Its
sender is a keyed hash of the address (interaction.forms.sender_key), nothing more.
"""

import datetime as dt

from django.apps import apps
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy
from modelcluster.fields import ParentalKey
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel
from wagtail.fields import RichTextField
from wagtail.models import Orderable, Page
from wagtail.rich_text import get_text_for_indexing
from wagtail.search import index

from cms.items import Item, SearchDocument
from cms.pages import ColumnType


class Phase(models.TextChoices):
    UPCOMING = "upcoming", "未开始"
    OPEN = "open", "征集中"
    CLOSED = "closed", "已结束"


class Participation(models.Model):
    """The period, phase and feedback notice of a consultation or a survey."""

    opens_at = models.DateTimeField(gettext_lazy("Opens at"))
    closes_at = models.DateTimeField(gettext_lazy("Closes at"))
    feedback = RichTextField(
        gettext_lazy("Feedback notice"),
        blank=True,
        help_text=gettext_lazy("What was received, what was adopted and why (反馈意见)."),
    )
    feedback_published_at = models.DateField(gettext_lazy("Feedback published on"), null=True, blank=True)
    # Set once its closing has been announced (consultation_signals.announce_closed).
    closing_announced = models.BooleanField(default=False, editable=False)

    #: The phases in the public's words, in the site's language (a subclass may say them
    #: its own way).
    phase_labels = {
        Phase.UPCOMING: gettext_lazy("Not yet open"),
        Phase.OPEN: gettext_lazy("Open for comments"),
        Phase.CLOSED: gettext_lazy("Closed"),
    }

    period_panels = [
        FieldRowPanel([FieldPanel("opens_at"), FieldPanel("closes_at")], gettext_lazy("Period")),
    ]
    feedback_panels = [
        MultiFieldPanel(
            [FieldPanel("feedback_published_at"), FieldPanel("feedback")], gettext_lazy("Feedback notice")
        )
    ]

    class Meta:
        abstract = True

    def clean(self):
        super().clean()
        if self.opens_at and self.closes_at and self.closes_at <= self.opens_at:
            raise ValidationError({"closes_at": "结束时间须晚于开始时间。"})
        if self.feedback and not self.feedback_published_at:
            raise ValidationError({"feedback_published_at": "请填写反馈意见的发布日期。"})

    def save(self, *args, **kwargs):
        if self.closes_at and self.closes_at > timezone.now():
            self.closing_announced = False  # reopened: its next closing is announced again
        super().save(*args, **kwargs)

    def phase(self, now=None):
        now = now or timezone.now()
        if now < self.opens_at:
            return Phase.UPCOMING
        return Phase.OPEN if now < self.closes_at else Phase.CLOSED

    def is_open(self, now=None):
        return self.phase(now) == Phase.OPEN

    def phase_label(self, now=None):
        return self.phase_labels[self.phase(now)]

    @property
    def status_label(self):
        return self.phase_label()

    @property
    def has_feedback(self):
        return bool(get_text_for_indexing(self.feedback or "").strip())

    def feedback_due_on(self):
        """The last day (Beijing time) the feedback notice is due on."""
        closed = timezone.localtime(self.closes_at).date()
        return closed + dt.timedelta(days=settings.CONSULTATION_FEEDBACK_DAYS)

    def feedback_overdue(self, now=None):
        """Closed more than CONSULTATION_FEEDBACK_DAYS days ago and still without feedback."""
        now = now or timezone.now()
        return not self.has_feedback and timezone.localtime(now).date() > self.feedback_due_on()

    def period_text(self):
        """e.g. 2014年6月1日—2014年6月30日 (Beijing time)."""
        start, end = timezone.localtime(self.opens_at), timezone.localtime(self.closes_at)
        return f"{start.year}年{start.month}月{start.day}日—{end.year}年{end.month}月{end.day}日"


def participation_models():
    """The page models with a period and a feedback notice (consultations, surveys)."""
    return [m for m in apps.get_models() if issubclass(m, Participation) and issubclass(m, Page)]


def overdue_feedback(pages=None, now=None):
    """The live consultations and surveys (within `pages`, a Page queryset, if given) closed
    more than CONSULTATION_FEEDBACK_DAYS days before `now` without a feedback notice."""
    now = now or timezone.now()
    due_before = now - dt.timedelta(days=settings.CONSULTATION_FEEDBACK_DAYS)
    found = []
    for model in participation_models():
        queryset = model.objects.live().filter(closes_at__lt=due_before)
        if pages is not None:
            queryset = queryset.filter(pk__in=pages.values("pk"))
        found += [page for page in queryset.order_by("closes_at") if page.feedback_overdue(now)]
    return found


def feedback_statistics(root=None, now=None):
    """Counts for the public 互动交流 page and the admin, over live pages (below `root`, a
    site's root page, if given): consultations, surveys, how many have closed, how many of
    those carry a feedback notice, and how many are overdue without one."""
    now = now or timezone.now()
    counts = {"consultations": 0, "surveys": 0, "closed": 0, "with_feedback": 0, "missing_feedback": 0}
    for model in participation_models():
        queryset = model.objects.live()
        if root is not None:
            queryset = queryset.descendant_of(root)
        pages = list(queryset.only("opens_at", "closes_at", "feedback"))
        counts[model.participation_kind] += len(pages)
        for page in pages:
            if page.phase(now) != Phase.CLOSED:
                continue
            counts["closed"] += 1
            if page.has_feedback:
                counts["with_feedback"] += 1
            elif page.feedback_overdue(now):
                counts["missing_feedback"] += 1
    return counts


class ConsultationPage(Item, Participation, Page):
    """A draft put out for comment: its articles (each with a stable anchor the comments
    refer to), the period, the organisation asking and, once closed, the feedback."""

    # Open or closed by the clock, comments counted as they come: rendered per request.
    publish_as_file = False

    summary = models.TextField(gettext_lazy("Summary"), max_length=1000)
    organisation = models.ForeignKey(
        "cms.Organisation",
        verbose_name=gettext_lazy("Organisation asking"),
        on_delete=models.PROTECT,
        related_name="consultations",
    )
    participation_kind = "consultations"

    content_panels = (
        Page.content_panels
        + [FieldPanel("summary"), FieldPanel("organisation")]
        + Participation.period_panels
        + [InlinePanel("sections", label="征求意见稿条款", min_num=1)]
        + Participation.feedback_panels
    )
    search_fields = Page.search_fields + [index.SearchField("summary")]
    parent_page_types = ["cms.ColumnPage"]
    subpage_types = []
    template = "interaction/consultation_page.html"

    item_key = "consultation"
    item_label = gettext_lazy("Consultation")
    allowed_column_types = (ColumnType.SURVEY,)  # 征集调查 columns hold consultations and surveys
    reserves_column_types = True
    api_serializer = "interaction.consultation_api.ConsultationSerializer"
    wechat_source = "interaction.consultation_wechat.ConsultationSource"
    wap_view = "interaction.consultation_wap.consultation_view"

    class Meta:
        verbose_name = gettext_lazy("Consultation")

    def clean(self):
        super().clean()
        self.assign_anchors()

    def assign_anchors(self):
        """Give each new article an anchor (p1, p2, ...) never used on this page before:
        comments keep pointing at their article when others are added, moved or removed."""
        sections = list(self.sections.all())
        used = {s.anchor for s in sections if s.anchor}
        if self.pk:
            used |= set(ConsultationComment.objects.filter(page_id=self.pk).values_list("anchor", flat=True))
        numbers = [int(a[1:]) for a in used if a.startswith("p") and a[1:].isdigit()]
        following = max(numbers, default=0) + 1
        for section in sections:
            if not section.anchor:
                section.anchor = f"p{following}"
                following += 1

    # -- the item protocol (cms.items) -----------------------------------------------------

    def search_document(self):
        """Summary, the draft's articles, the feedback and the approved comments (read
        through public_comments(): a comment no moderator approved is never findable)."""
        sections = [f"{s.heading} {s.text}".strip() for s in self.sections.all()]
        comments = [c.text for c in self.public_comments()]
        parts = [
            self.summary,
            "\n".join(sections),
            get_text_for_indexing(self.feedback) if self.feedback else "",
            "\n".join(comments),
        ]
        return SearchDocument(parts=parts, meta=[self.organisation.name])

    def item_moment(self):
        return self.opens_at

    def public_comments(self):
        """The comments the public may see, oldest first: the one way anything public reads them."""
        return ConsultationComment.objects.public().filter(page_id=self.pk)

    def get_context(self, request, *args, **kwargs):
        from .consultation_forms import CommentForm, rate_limit_text

        context = super().get_context(request, *args, **kwargs)
        sections = list(self.sections.all())
        by_anchor = {}
        for comment in self.public_comments():
            by_anchor.setdefault(comment.anchor, []).append(comment)
        context["sections"] = [(s, by_anchor.get(s.anchor, [])) for s in sections]
        context["general_comments"] = by_anchor.get("", [])
        context["comment_count"] = sum(len(v) for v in by_anchor.values())
        context["phase"] = self.phase()
        # ?anchor= (each article's "comment on" link) preselects the article without script.
        context.setdefault("form", CommentForm(page=self, initial={"anchor": request.GET.get("anchor", "")}))
        context["rate_limit"] = rate_limit_text(settings.CONSULTATION_COMMENT_RATE)
        return context


class ConsultationSection(Orderable):
    """One article or paragraph of the draft."""

    page = ParentalKey(ConsultationPage, related_name="sections", on_delete=models.CASCADE)
    # Set once (ConsultationPage.assign_anchors), never edited: comments refer to it.
    anchor = models.CharField(max_length=12, blank=True, editable=False)
    heading = models.CharField(
        gettext_lazy("Heading"), max_length=100, blank=True, help_text=gettext_lazy("e.g. 第一条")
    )
    text = models.TextField(gettext_lazy("Text"), max_length=10000)

    panels = [FieldPanel("heading"), FieldPanel("text")]

    def __str__(self):
        return self.heading or self.text[:20]

    @property
    def label(self):
        return self.heading or self.text[:20]


class CommentStatus(models.TextChoices):
    PENDING = "pending", "待审核"
    APPROVED = "approved", "已通过"
    REJECTED = "rejected", "不予显示"


class CommentQuerySet(models.QuerySet):
    def public(self):
        """The only comments the public may see: approved ones."""
        return self.filter(status=CommentStatus.APPROVED).order_by("submitted_at", "pk")


class ConsultationComment(models.Model):
    """A comment of the public on one article of a draft, or on the whole draft (no anchor)."""

    page = models.ForeignKey(
        ConsultationPage,
        verbose_name=gettext_lazy("Consultation"),
        on_delete=models.CASCADE,
        related_name="comments",
    )
    anchor = models.CharField(gettext_lazy("Article"), max_length=12, blank=True)
    nickname = models.CharField(gettext_lazy("Public nickname"), max_length=30, blank=True)
    text = models.TextField(gettext_lazy("Comment"), max_length=2000)
    submitted_at = models.DateTimeField(gettext_lazy("Submitted at"), default=timezone.now)
    status = models.CharField(
        gettext_lazy("Review status"),
        max_length=10,
        choices=CommentStatus.choices,
        default=CommentStatus.PENDING,
        db_index=True,
    )
    # A keyed hash of the sender's address: enough to see repeated senders, not who they are.
    sender = models.CharField(max_length=64, editable=False, blank=True)

    objects = CommentQuerySet.as_manager()
    panels = [
        FieldPanel("page", read_only=True),
        FieldPanel("anchor", read_only=True),
        FieldPanel("nickname", read_only=True),
        FieldPanel("text", read_only=True),
        FieldPanel("status"),
    ]

    class Meta:
        verbose_name = gettext_lazy("Comment on a consultation")
        verbose_name_plural = gettext_lazy("Comments on consultations")
        ordering = ["-submitted_at", "-pk"]

    def __str__(self):
        return f"{self.nickname or '网友'}：{self.text[:30]}"

    def section_label(self):
        if not self.anchor:
            return "全文"
        section = self.page.sections.filter(anchor=self.anchor).first()
        return section.label if section else self.anchor
