"""Online interviews (在线访谈, I05): an interview page with its guests, schedule and
status; the live text moderators post during the event; the public's questions, hidden
until a moderator approves them; and the archived transcript.

Only `Question.objects.public()` may ever feed a public page, the live JSON or the API:
everything public reads questions through it.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy
from modelcluster.fields import ParentalKey
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel
from wagtail.api import APIField
from wagtail.fields import RichTextField
from wagtail.models import Orderable, Page
from wagtail.rich_text import get_text_for_indexing
from wagtail.search import index

from cms.items import Item, SearchDocument
from cms.pages import ColumnType


class Status(models.TextChoices):
    PREVIEW = "preview", "预告"
    LIVE = "live", "直播中"
    ENDED = "ended", "已结束"


# The status as the public pages say it, in the site's language (the choices' labels are
# the editors' Chinese).
STATUS_LABELS = {
    Status.PREVIEW: gettext_lazy("Upcoming"),
    Status.LIVE: gettext_lazy("Live now"),
    Status.ENDED: gettext_lazy("Ended"),
}


class Interview(Item, Page):
    """One interview: announced (预告), live (直播中), then archived (已结束)."""

    # 预告 / 直播中 / 已结束 follow the clock: rendered per request.
    publish_as_file = False

    summary = models.TextField(gettext_lazy("Interview summary"), max_length=1000)
    starts_at = models.DateTimeField(gettext_lazy("Start time"))
    ends_at = models.DateTimeField(gettext_lazy("End time"))
    status = models.CharField(
        gettext_lazy("Status"), max_length=10, choices=Status.choices, default=Status.PREVIEW
    )
    accepts_questions = models.BooleanField(gettext_lazy("Accepts questions from the public"), default=True)
    video_url = models.URLField(gettext_lazy("Video URL"), blank=True)
    transcript = RichTextField(
        gettext_lazy("Transcript"),
        blank=True,
        help_text=gettext_lazy("The full transcript, prepared after the interview ends."),
    )

    content_panels = Page.content_panels + [
        FieldPanel("summary"),
        FieldRowPanel([FieldPanel("starts_at"), FieldPanel("ends_at")], "时间"),
        FieldRowPanel([FieldPanel("status"), FieldPanel("accepts_questions")], "状态"),
        InlinePanel("guests", label="嘉宾", min_num=1),
        MultiFieldPanel([FieldPanel("video_url"), InlinePanel("photos", label="图片")], "视频和图片"),
        FieldPanel("transcript"),
    ]
    search_fields = Page.search_fields + [index.SearchField("summary"), index.SearchField("transcript")]
    api_fields = [
        APIField(name)
        for name in ("summary", "starts_at", "ends_at", "status", "video_url", "transcript", "guests")
    ]
    parent_page_types = ["cms.ColumnPage"]
    subpage_types = []
    template = "interaction/interview_page.html"

    item_key = "interview"
    allowed_column_types = (ColumnType.INTERVIEW,)  # where editors add it (cms.items),
    reserves_column_types = True  # and such a column offers interviews alone
    item_label = gettext_lazy("Online interview")
    api_serializer = "interaction.api.InterviewSerializer"
    wechat_source = "interaction.wechat.InterviewSource"
    wap_view = "interaction.wap.interview_view"

    class Meta:
        verbose_name = gettext_lazy("Online interview")

    def clean(self):
        super().clean()
        from django.core.exceptions import ValidationError

        if self.starts_at and self.ends_at and self.ends_at <= self.starts_at:
            raise ValidationError({"ends_at": "结束时间须晚于开始时间。"})

    # -- the item protocol (cms.items) -----------------------------------------------------

    def search_document(self):
        """Summary, guests, the public's questions with their answers, the archived
        transcript and the live entries. Questions are read through public_questions()
        only: a question no moderator has approved must never be findable."""
        guests = list(self.guests.all())
        entries = [f"{e.speaker}：{e.text}" for e in self.entries.order_by("posted_at", "pk")]
        questions = [
            f"{q.nickname}问：{q.text}" + (f" {q.answered_by or ''}答：{q.answer}" if q.answer else "")
            for q in self.public_questions()
        ]
        # Questions before the transcript: a long transcript must not push the answers past
        # the indexed text's length limit.
        parts = [
            self.summary,
            "访谈嘉宾：" + "、".join(f"{g.title} {g.name}" for g in guests) if guests else "",
            "\n".join(questions),
            get_text_for_indexing(self.transcript) if self.transcript else "",
            "\n".join(entries),
        ]
        return SearchDocument(parts=parts, meta=[g.name for g in guests])

    def public_questions(self):
        """The questions the public may see (approved), oldest first: the one way anything
        public reads questions."""
        return Question.objects.public().filter(interview_id=self.pk)

    def schedule_text(self):
        """The time in words, in the site's time zone, e.g. 2014年6月18日 09:30—11:00 (the
        end's date only when it is another day)."""
        start, end = timezone.localtime(self.starts_at), timezone.localtime(self.ends_at)
        text = f"{start.year}年{start.month}月{start.day}日 {start:%H:%M}—"
        if end.date() != start.date():
            text += f"{end.year}年{end.month}月{end.day}日 "
        return text + f"{end:%H:%M}"

    @property
    def status_label(self):
        return STATUS_LABELS.get(self.status, self.status)

    @property
    def is_open_for_questions(self):
        return self.accepts_questions and self.status in (Status.PREVIEW, Status.LIVE)

    def get_context(self, request, *args, **kwargs):
        from .forms import QuestionForm

        context = super().get_context(request, *args, **kwargs)
        context["guests"] = list(self.guests.all())
        context["photos"] = list(self.photos.select_related("image"))
        context["entries"] = list(self.entries.order_by("posted_at", "pk"))
        context["answered"] = list(Question.objects.public().filter(interview=self))
        context.setdefault("form", QuestionForm(interview=self))
        limit, window = settings.INTERVIEW_QUESTION_RATE
        context["rate_limit"] = (limit, window // 60)
        return context

    @classmethod
    def yearly_counts(cls):
        """Interviews held per year (the annual report counts them)."""
        counts = {}
        for start in cls.objects.live().exact_type(cls).values_list("starts_at", flat=True):
            year = timezone.localtime(start).year
            counts[year] = counts.get(year, 0) + 1
        return counts


class InterviewGuest(Orderable):
    page = ParentalKey(Interview, related_name="guests", on_delete=models.CASCADE)
    name = models.CharField(gettext_lazy("Full name"), max_length=50)
    title = models.CharField(gettext_lazy("Position"), max_length=100)

    panels = [FieldPanel("name"), FieldPanel("title")]
    api_fields = [APIField("name"), APIField("title")]

    def __str__(self):
        return f"{self.title} {self.name}"


class InterviewPhoto(Orderable):
    page = ParentalKey(Interview, related_name="photos", on_delete=models.CASCADE)
    image = models.ForeignKey(
        "wagtailimages.Image", verbose_name=gettext_lazy("Image"), on_delete=models.CASCADE, related_name="+"
    )
    caption = models.CharField(gettext_lazy("Caption (alternative text)"), max_length=200)

    panels = [FieldPanel("image"), FieldPanel("caption")]


class LiveEntry(models.Model):
    """One line of the live text, posted by a moderator during the event."""

    interview = models.ForeignKey(
        Interview, verbose_name=gettext_lazy("Interview"), on_delete=models.CASCADE, related_name="entries"
    )
    speaker = models.CharField(
        gettext_lazy("Speaker"),
        max_length=50,
        help_text=gettext_lazy("e.g. host, director of the municipal finance bureau"),
    )
    text = models.TextField(gettext_lazy("Content"), max_length=5000)
    posted_at = models.DateTimeField(gettext_lazy("Time"), default=timezone.now, db_index=True)

    panels = [FieldPanel("interview"), FieldPanel("speaker"), FieldPanel("text"), FieldPanel("posted_at")]

    class Meta:
        verbose_name = gettext_lazy("Live text entry")
        verbose_name_plural = gettext_lazy("Live text entries")
        ordering = ["posted_at", "pk"]

    def __str__(self):
        return f"{self.speaker}：{self.text[:30]}"

    def as_json(self):
        return {
            "id": self.pk,
            "speaker": self.speaker,
            "text": self.text,
            "posted_at": timezone.localtime(self.posted_at).isoformat(),
        }


class QuestionStatus(models.TextChoices):
    PENDING = "pending", "待审核"
    APPROVED = "approved", "已通过"
    REJECTED = "rejected", "不予显示"


class QuestionQuerySet(models.QuerySet):
    def public(self):
        """The only questions the public may see: approved ones (with or without an answer)."""
        return self.filter(status=QuestionStatus.APPROVED).order_by("submitted_at", "pk")


class Question(models.Model):
    """A question from the public; hidden until a moderator approves it."""

    interview = models.ForeignKey(
        Interview, verbose_name=gettext_lazy("Interview"), on_delete=models.CASCADE, related_name="questions"
    )
    nickname = models.CharField(gettext_lazy("Public nickname"), max_length=30)
    text = models.TextField(gettext_lazy("Question"), max_length=500)
    submitted_at = models.DateTimeField(gettext_lazy("Asked at"), default=timezone.now)
    status = models.CharField(
        gettext_lazy("Review status"),
        max_length=10,
        choices=QuestionStatus.choices,
        default=QuestionStatus.PENDING,
        db_index=True,
    )
    answer = models.TextField(gettext_lazy("Answer"), blank=True)
    answered_by = models.CharField(gettext_lazy("Answering guest"), max_length=50, blank=True)
    # A keyed hash of the sender's address: enough to see repeated senders, not who they are.
    sender = models.CharField(max_length=64, editable=False, blank=True)

    objects = QuestionQuerySet.as_manager()
    panels = [
        FieldPanel("interview", read_only=True),
        FieldPanel("nickname", read_only=True),
        FieldPanel("text"),
        FieldPanel("status"),
        FieldPanel("answered_by"),
        FieldPanel("answer"),
    ]

    class Meta:
        verbose_name = gettext_lazy("Question from the public")
        verbose_name_plural = gettext_lazy("Questions from the public")
        ordering = ["-submitted_at", "-pk"]

    def __str__(self):
        return f"{self.nickname}：{self.text[:30]}"

    def as_json(self):
        return {"id": self.pk, "nickname": self.nickname, "text": self.text, "answer": self.answer,
                "answered_by": self.answered_by}  # fmt: skip
