"""The mayor's mailbox and the other mailboxes of the cluster (I01, I03): the mailbox page
(a column of its own kind, on any site, answered for by one organisation), the letters
citizens write to it (a private case file: only the writer, with the tracking code and
password, and the handlers see it), the handling units' members, and the published letter
(`LetterPage`, an item of the item protocol, made from a letter when its reply is public).

A letter's personal data (name, contacts, the address it came from) never leaves the
`Letter` row: the published page holds only what the handler chose to publish, with the
writer's name masked.
"""

import calendar
import os
import secrets

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.module_loading import import_string
from django.utils.translation import gettext, gettext_lazy
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.models import Page

from cms.items import RENDERED_CHANNELS, Item, SearchDocument
from cms.pages import ColumnPage, ColumnType
from cms.workdays import add_working_days

#: I03's national hard line: no valid letter unanswered for more than this many months.
HARD_LINE_MONTHS = 3


class MailboxPage(RoutablePageMixin, ColumnPage):
    """A mailbox (市长信箱, a department's or a county's 信箱): where letters are written,
    looked up and, once answered and published, listed."""

    # Its statistics and letter states change with every letter: rendered per request.
    publish_as_file = False

    organisation = models.ForeignKey(
        "cms.Organisation",
        verbose_name=gettext_lazy("Responsible organisation"),
        on_delete=models.PROTECT,
        related_name="mailboxes",
    )
    accept_days = models.PositiveSmallIntegerField(
        gettext_lazy("Working days to accept"),
        default=2,
        help_text=gettext_lazy("A letter must be accepted or declined within this many working days."),
    )
    reply_days = models.PositiveSmallIntegerField(
        gettext_lazy("Working days to reply"),
        default=15,
        help_text=gettext_lazy("A letter must be answered within this many working days of its arrival."),
    )
    remind_days = models.PositiveSmallIntegerField(
        gettext_lazy("Remind handlers this many working days before a deadline"), default=2
    )
    introduction = models.TextField(gettext_lazy("Introduction"), blank=True, max_length=2000)
    accepts_letters = models.BooleanField(gettext_lazy("Accepts letters"), default=True)

    content_panels = ColumnPage.content_panels + [
        FieldPanel("organisation"),
        FieldPanel("introduction"),
        MultiFieldPanel(
            [
                FieldPanel("accepts_letters"),
                FieldRowPanel(
                    [FieldPanel("accept_days"), FieldPanel("reply_days"), FieldPanel("remind_days")]
                ),
            ],
            gettext_lazy("Handling deadlines"),
        ),
    ]
    subpage_types = ["interaction.LetterPage"]
    template = "interaction/mailbox_page.html"
    # The WAP mailbox: its published letters, writing and lookup (interaction/letter_wap.py).
    wap_view = "interaction.letter_wap.mailbox_view"

    class Meta:
        verbose_name = gettext_lazy("Mailbox")

    def save(self, *args, **kwargs):
        self.column_type = ColumnType.CONSULT
        super().save(*args, **kwargs)

    def get_context(self, request, *args, **kwargs):
        # The column's own article list (ColumnPage) is not this page's content.
        return Page.get_context(self, request, *args, **kwargs)

    def deadlines_text(self):
        """The deadlines in the public's words (the write form, the mailbox page, WAP)."""
        return gettext(
            "Letters are accepted or declined within %(accept)s working days and answered within "
            "%(reply)s working days of their arrival. Working days follow the national calendar: "
            "statutory holidays do not count, make-up working days do."
        ) % {"accept": self.accept_days, "reply": self.reply_days}

    # The mailbox's public pages. Each view lives in the module of its concern and is
    # named by dotted path, as the item protocol names a type's views (cms.items): the
    # views import this module, not the other way round.
    @path("", name="index")
    def index_route(self, request):
        return import_string("interaction.letter_views.mailbox_index")(request, self)

    @path("xiexin/", name="write")
    def write_route(self, request):
        return import_string("interaction.letter_views.write")(request, self)

    @path("chaxun/", name="lookup")
    def lookup_route(self, request):
        return import_string("interaction.letter_views.lookup")(request, self)

    @path("tongji/", name="statistics")
    def statistics_route(self, request):
        return import_string("interaction.statistics_pages.statistics_view")(request, self)

    @path("tongji/<str:fmt>/", name="statistics_download")
    def statistics_download_route(self, request, fmt):
        return import_string("interaction.statistics_pages.statistics_download")(request, self, fmt)


class Category(models.TextChoices):
    CONSULTATION = "consult", "咨询"
    SUGGESTION = "suggest", "建议"
    COMPLAINT = "complain", "投诉"
    HELP = "help", "求助"
    OTHER = "other", "其他"


# The public's words for the categories (the choices' labels are the editors' Chinese).
CATEGORY_LABELS = {
    Category.CONSULTATION: gettext_lazy("Enquiry"),
    Category.SUGGESTION: gettext_lazy("Suggestion"),
    Category.COMPLAINT: gettext_lazy("Complaint"),
    Category.HELP: gettext_lazy("Request for help"),
    Category.OTHER: gettext_lazy("Other"),
}


class LetterStatus(models.TextChoices):
    RECEIVED = "received", "待受理"
    ACCEPTED = "accepted", "已受理"
    ASSIGNED = "assigned", "办理中"
    REVIEWING = "reviewing", "答复待审核"
    REPLIED = "replied", "已答复"
    REJECTED = "rejected", "不予受理"
    DUPLICATE = "duplicate", "重复来信"


#: Letters that count as valid (I02: reply rate = replied ÷ valid).
VALID_STATUSES = (
    LetterStatus.ACCEPTED,
    LetterStatus.ASSIGNED,
    LetterStatus.REVIEWING,
    LetterStatus.REPLIED,
)
#: Valid letters still waiting for their reply (deadlines, reminders, the 3-month line).
OPEN_STATUSES = (LetterStatus.RECEIVED, LetterStatus.ACCEPTED, LetterStatus.ASSIGNED, LetterStatus.REVIEWING)


class Satisfaction(models.IntegerChoices):
    SATISFIED = 3, "满意"
    BASIC = 2, "基本满意"
    UNSATISFIED = 1, "不满意"


SATISFACTION_LABELS = {
    Satisfaction.SATISFIED: gettext_lazy("Satisfied"),
    Satisfaction.BASIC: gettext_lazy("Basically satisfied"),
    Satisfaction.UNSATISFIED: gettext_lazy("Not satisfied"),
}


class Letter(models.Model):
    """One letter to a mailbox and its handling: the private case file."""

    mailbox = models.ForeignKey(
        MailboxPage, verbose_name=gettext_lazy("Mailbox"), on_delete=models.PROTECT, related_name="letters"
    )
    tracking_code = models.CharField(gettext_lazy("Tracking code"), max_length=20, unique=True)
    password_hash = models.CharField(max_length=128, editable=False)
    category = models.CharField(gettext_lazy("Category"), max_length=10, choices=Category.choices)
    title = models.CharField(gettext_lazy("Title"), max_length=100)
    content = models.TextField(gettext_lazy("Content"), max_length=5000)
    # The writer (all optional but the consent): never shown on any public page.
    name = models.CharField(gettext_lazy("Name"), max_length=50, blank=True)
    phone = models.CharField(gettext_lazy("Telephone"), max_length=20, blank=True)
    email = models.EmailField(gettext_lazy("Email"), blank=True)
    address = models.CharField(gettext_lazy("Postal address"), max_length=200, blank=True)
    consent_publish = models.BooleanField(gettext_lazy("The writer agrees to publication"), default=False)
    # A keyed hash of the address the letter came from (rate limits, duplicates), not the address.
    sender = models.CharField(max_length=64, editable=False, blank=True, db_index=True)
    # The normalised text's hash: near-identical letters of one writer are found by it.
    fingerprint = models.CharField(max_length=64, editable=False, blank=True, db_index=True)

    submitted_at = models.DateTimeField(gettext_lazy("Received at"), default=timezone.now, db_index=True)
    status = models.CharField(
        gettext_lazy("Status"),
        max_length=10,
        choices=LetterStatus.choices,
        default=LetterStatus.RECEIVED,
        db_index=True,
    )
    accept_due = models.DateField(gettext_lazy("Accept by"), null=True, blank=True)
    reply_due = models.DateField(gettext_lazy("Reply by"), null=True, blank=True, db_index=True)
    accepted_at = models.DateTimeField(gettext_lazy("Accepted at"), null=True, blank=True)
    rejection_reason = models.TextField(gettext_lazy("Reason for not accepting"), blank=True, max_length=1000)
    duplicate_of = models.ForeignKey(
        "self",
        verbose_name=gettext_lazy("Duplicate of"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="duplicates",
    )
    handling_unit = models.ForeignKey(
        "cms.Organisation",
        verbose_name=gettext_lazy("Handling unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="letters",
    )
    assigned_at = models.DateTimeField(gettext_lazy("Passed on at"), null=True, blank=True)
    reply = models.TextField(gettext_lazy("Reply"), blank=True, max_length=10000)
    reply_unit = models.CharField(gettext_lazy("Replying unit"), max_length=100, blank=True)
    reply_drafted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reply_reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    replied_at = models.DateTimeField(gettext_lazy("Replied at"), null=True, blank=True)
    satisfaction = models.PositiveSmallIntegerField(
        gettext_lazy("Satisfaction"), choices=Satisfaction.choices, null=True, blank=True
    )
    evaluated_at = models.DateTimeField(gettext_lazy("Evaluated at"), null=True, blank=True)
    page = models.OneToOneField(
        "interaction.LetterPage",
        verbose_name=gettext_lazy("Published letter"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="letter",
    )

    class Meta:
        verbose_name = gettext_lazy("Letter")
        verbose_name_plural = gettext_lazy("Letters")
        ordering = ["-submitted_at", "-pk"]
        indexes = [models.Index(fields=["mailbox", "status", "-submitted_at"], name="letter_mailbox_status")]

    def __str__(self):
        return f"{self.tracking_code} {self.title}"

    @property
    def received_on(self):
        """The day the letter arrived, in the site's time zone (day 0 of its deadlines)."""
        return timezone.localdate(self.submitted_at)

    def set_deadlines(self):
        """accept_due and reply_due: the mailbox's working days after the day of arrival."""
        self.accept_due = add_working_days(self.received_on, self.mailbox.accept_days)
        self.reply_due = add_working_days(self.received_on, self.mailbox.reply_days)

    @property
    def hard_line(self):
        """The last day of the national 3-month line (calendar months, the day clamped to
        the month's end: a letter of 30 November must be answered by 28/29 February)."""
        return add_months(self.received_on, HARD_LINE_MONTHS)


def add_months(day, months):
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    last = calendar.monthrange(year, month)[1]
    return day.replace(year=year, month=month, day=min(day.day, last))


def attachment_path(attachment, filename):
    """Where a writer's file is stored: under a random name (its original name is kept on
    the row), so that no address of it can be guessed; handlers download it through the
    admin (interaction.letter_admin.letter_attachment), which checks who asks."""
    return f"letters/{timezone.now():%Y/%m}/{secrets.token_hex(16)}{os.path.splitext(filename)[1].lower()}"


class LetterAttachment(models.Model):
    """A file the writer attached (checked by the upload policy; images re-encoded)."""

    letter = models.ForeignKey(Letter, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(upload_to=attachment_path, max_length=200)
    original_name = models.CharField(max_length=200)
    size = models.PositiveIntegerField()

    class Meta:
        verbose_name = gettext_lazy("Letter attachment")
        verbose_name_plural = gettext_lazy("Letter attachments")


class LetterEvent(models.Model):
    """One step of a letter's handling, in order: what the writer's lookup shows (the
    public note) and the audit trail the handlers see."""

    letter = models.ForeignKey(Letter, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField(default=timezone.now)
    action = models.CharField(max_length=20)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["at", "pk"]


class HandlerMembership(models.Model):
    """A user of a handling unit: such a user sees only the letters passed to the unit."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="letter_units")
    organisation = models.ForeignKey(
        "cms.Organisation",
        verbose_name=gettext_lazy("Handling unit"),
        on_delete=models.CASCADE,
        related_name="handlers",
    )

    class Meta:
        verbose_name = gettext_lazy("Handling unit member")
        verbose_name_plural = gettext_lazy("Handling unit members")
        constraints = [
            models.UniqueConstraint(fields=["user", "organisation"], name="one_membership_per_unit")
        ]


class LetterReminder(models.Model):
    """A reminder sent about a letter: one row per (letter, kind, responsible unit), written
    before the reminder goes out, so a worker killed mid-way never sends one twice. The
    unit is part of the key (0: the mailbox's own managers), so a letter passed on to
    another unit reminds that unit's members too."""

    letter = models.ForeignKey(Letter, on_delete=models.CASCADE, related_name="reminders")
    kind = models.CharField(max_length=20)
    # The handling unit's id when it was sent, 0 for none (not a nullable key: NULLs would
    # not collide in the unique constraint).
    unit_key = models.PositiveBigIntegerField(default=0)
    sent_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["letter", "kind", "unit_key"], name="one_reminder_per_kind_and_unit"
            )
        ]


class LetterPage(Item, Page):
    """A published letter with its reply (I01): both dates, the replying unit, the writer's
    name masked; nothing else of the writer."""

    category = models.CharField(gettext_lazy("Category"), max_length=10, choices=Category.choices)
    question = models.TextField(gettext_lazy("Letter"), max_length=5000)
    writer = models.CharField(gettext_lazy("Writer (masked)"), max_length=20, blank=True)
    received_at = models.DateTimeField(gettext_lazy("Received at"))
    replied_at = models.DateTimeField(gettext_lazy("Replied at"))
    reply_unit = models.CharField(gettext_lazy("Replying unit"), max_length=100)
    reply = models.TextField(gettext_lazy("Reply"), max_length=10000)

    content_panels = Page.content_panels + [
        FieldPanel("category"),
        FieldPanel("question"),
        FieldRowPanel([FieldPanel("writer"), FieldPanel("received_at", read_only=True)]),
        FieldRowPanel([FieldPanel("reply_unit"), FieldPanel("replied_at", read_only=True)]),
        FieldPanel("reply"),
    ]
    parent_page_types = ["interaction.MailboxPage"]
    subpage_types = []
    template = "interaction/letter_page.html"

    # Made from a letter by its handlers (interaction.handling), never by hand.
    is_creatable = False
    item_key = "letter"
    item_label = gettext_lazy("Letter")
    api_serializer = "interaction.letter_api.LetterSerializer"
    wap_view = "interaction.letter_wap.letter_view"
    # The web and WAP pages only: a reply to one citizen is no article to push to every
    # follower (WeChat answers a writer's "查询 <code>" instead: interaction/letter_lookup.py).
    item_channels = RENDERED_CHANNELS

    class Meta:
        verbose_name = gettext_lazy("Published letter")

    def search_document(self):
        return SearchDocument(parts=[self.question, self.reply], meta=[self.reply_unit])

    def item_moment(self):
        return self.replied_at

    def push_summary(self):
        return self.question[:120]

    def content_source(self, portal):
        return self.reply_unit or portal.name

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["category_label"] = CATEGORY_LABELS.get(self.category, "")
        return context
