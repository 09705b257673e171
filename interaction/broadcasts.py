"""TV inquiry (电视问政) and live broadcasts (网上直播): a broadcast is an online interview
(multi-table inheritance, so its guests, live text, moderated questions and the interview
views serve it unchanged) with a kind, the departments on stage, a stream link or a video
the platform serves itself, and the problems raised on the show tracked to resolution
(整改事项).

A problem as raised (its text, responsible department, deadline) is part of the page and
versioned with it; its progress (status, public note, date resolved) is live data the
responsible department updates outside the page editor, like an interview's answers. So
a publish of an older revision never rolls progress back (`with_content_json`), and a
progress change announces itself through `cms.items.item_changed`
(interaction/broadcast_signals.py).
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy
from modelcluster.fields import ParentalKey
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel
from wagtail.models import Orderable, Page

from cms.pages import ColumnType

from .interviews import Interview

# Extension → the content kinds (filetype's names) the file may hold: the upload policy's
# rule (cms/uploads.py) for the videos a broadcast page plays itself.
VIDEO_KINDS = {"mp4": {"mp4", "m4v"}, "webm": {"webm"}}


def _is_new_upload(value):
    # A stored file was checked when it was uploaded; only a new upload is read again.
    return bool(value) and getattr(value, "_committed", True) is False


def check_video(value):
    """The upload policy for a broadcast's video: mp4 or webm by extension and by content
    (an HTML page renamed to .mp4 is refused), within BROADCAST_VIDEO_MAX_SIZE."""
    if not _is_new_upload(value):
        return
    # Imported here: cms.uploads loads Wagtail's admin forms, which need the models ready.
    from cms.uploads import content_kind, extension_of, read_head

    extension = extension_of(value.name)
    if extension not in VIDEO_KINDS:
        raise ValidationError(
            "不接受扩展名为“%(ext)s”的视频文件，只接受：%(allowed)s。",
            code="extension",
            params={"ext": extension or "（无）", "allowed": "、".join(sorted(VIDEO_KINDS))},
        )
    if value.size > settings.BROADCAST_VIDEO_MAX_SIZE:
        raise ValidationError(
            "视频文件超过 %(limit)s MB，请压缩后上传或改填直播地址。",
            code="size",
            params={"limit": settings.BROADCAST_VIDEO_MAX_SIZE // (1024 * 1024)},
        )
    if content_kind(read_head(value)) not in VIDEO_KINDS[extension]:
        raise ValidationError(
            "文件内容与扩展名“%(ext)s”不符，可能是改了扩展名的其他文件，未保存。",
            code="content",
            params={"ext": extension},
        )


def check_captions(value):
    """Captions are a WebVTT text file (.vtt beginning with WEBVTT), nothing else."""
    if not _is_new_upload(value):
        return
    from cms.uploads import content_kind, extension_of, read_head

    if extension_of(value.name) != "vtt" or value.size > 2 * 1024 * 1024:
        raise ValidationError("字幕只接受不超过 2 MB 的 WebVTT（.vtt）文件。", code="extension")
    head = read_head(value)
    if content_kind(head) != "text" or not head.lstrip(b"\xef\xbb\xbf").startswith(b"WEBVTT"):
        raise ValidationError("字幕文件不是 WebVTT 格式（应以 WEBVTT 开头），未保存。", code="content")


class BroadcastKind(models.TextChoices):
    TV_INQUIRY = "tv", "电视问政"
    LIVE = "live", "网上直播"


# The kind as the public pages say it, in the site's language.
KIND_LABELS = {
    BroadcastKind.TV_INQUIRY: gettext_lazy("TV inquiry"),
    BroadcastKind.LIVE: gettext_lazy("Live broadcast"),
}


class RectificationStatus(models.TextChoices):
    PENDING = "pending", "待整改"
    IN_PROGRESS = "in_progress", "整改中"
    RESOLVED = "resolved", "已整改"
    DECLINED = "declined", "不予整改"


RECTIFICATION_LABELS = {
    RectificationStatus.PENDING: gettext_lazy("To be rectified"),
    RectificationStatus.IN_PROGRESS: gettext_lazy("Being rectified"),
    RectificationStatus.RESOLVED: gettext_lazy("Rectified"),
    RectificationStatus.DECLINED: gettext_lazy("Not to be rectified"),
}

# What the responsible department updates; the rest of a problem is the page's.
PROGRESS_FIELDS = ("status", "progress_note", "resolved_on")


class BroadcastPage(Interview):
    """A TV inquiry or live broadcast: an interview with departments on stage, a stream or
    a served video, and the problems raised on the show with their public status."""

    kind = models.CharField(
        gettext_lazy("Broadcast kind"),
        max_length=10,
        choices=BroadcastKind.choices,
        default=BroadcastKind.TV_INQUIRY,
    )
    video_file = models.FileField(
        gettext_lazy("Video file"),
        upload_to="broadcasts/%Y/",
        max_length=200,
        blank=True,
        validators=[check_video],
        help_text=gettext_lazy("MP4 or WebM, played on the page from this platform's own storage."),
    )
    captions_file = models.FileField(
        gettext_lazy("Captions (WebVTT)"),
        upload_to="broadcasts/%Y/",
        max_length=200,
        blank=True,
        validators=[check_captions],
    )

    content_panels = Page.content_panels + [
        FieldPanel("kind"),
        FieldPanel("summary"),
        FieldRowPanel([FieldPanel("starts_at"), FieldPanel("ends_at")], "时间"),
        FieldRowPanel([FieldPanel("status"), FieldPanel("accepts_questions")], "状态"),
        InlinePanel("departments", label="上场部门"),
        InlinePanel("guests", label="嘉宾和主持人"),
        MultiFieldPanel(
            [FieldPanel("video_url"), FieldPanel("video_file"), FieldPanel("captions_file")],
            "直播地址或视频",
            help_text="填写直播或视频页面地址，或上传由本平台播放的视频文件。",
        ),
        InlinePanel("photos", label="图片"),
        # The problem as raised; its progress is updated under 整改事项 (broadcast_admin).
        InlinePanel(
            "rectifications",
            label="问政问题（整改事项）",
            panels=[FieldPanel("problem"), FieldPanel("organisation"), FieldPanel("deadline")],
        ),
        FieldPanel("transcript"),
    ]
    template = "interaction/broadcast_page.html"

    item_key = "broadcast"
    item_label = gettext_lazy("TV inquiry and live broadcast")
    allowed_column_types = (ColumnType.INTERVIEW,)
    api_serializer = "interaction.broadcast_api.BroadcastSerializer"
    wechat_source = "interaction.broadcast_wechat.BroadcastSource"
    wap_view = "interaction.broadcast_wap.broadcast_view"

    class Meta:
        verbose_name = gettext_lazy("TV inquiry or live broadcast")

    @property
    def kind_label(self):
        return KIND_LABELS.get(self.kind, self.kind)

    @property
    def video_type(self):
        """The <source> type of the served video."""
        return "video/webm" if self.video_file.name.lower().endswith(".webm") else "video/mp4"

    def with_content_json(self, content):
        """A revision's page with each problem's progress as it stands now: progress is
        updated outside the page editor, and publishing must not roll it back."""
        page = super().with_content_json(content)
        current = {
            row["pk"]: row
            for row in RectificationItem.objects.filter(page_id=self.pk).values("pk", *PROGRESS_FIELDS)
        }
        for item in page.rectifications.all():
            row = current.get(item.pk)
            if row is not None:
                for name in PROGRESS_FIELDS:
                    setattr(item, name, row[name])
        return page

    def rectification_counts(self):
        """{"raised": n, "resolved": n} of the problems raised on the show."""
        statuses = [item.status for item in self.rectifications.all()]
        return {
            "raised": len(statuses),
            "resolved": statuses.count(RectificationStatus.RESOLVED),
        }

    def search_document(self):
        """The interview's document (summary, guests, public questions, transcript, live
        text) with the departments on stage and each problem, its status and its note."""
        document = super().search_document()
        departments = list(self.departments.select_related("organisation"))
        problems = [
            f"{item.problem}（{item.organisation.name}：{item.get_status_display()}）{item.progress_note}"
            for item in self.rectifications.select_related("organisation")
        ]
        extra = [
            "上场部门：" + "、".join(str(d) for d in departments) if departments else "",
            "\n".join(problems),
        ]
        document.parts[1:1] = extra
        document.meta += [d.organisation.name for d in departments]
        return document

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["departments"] = list(self.departments.select_related("organisation"))
        context["rectifications"] = list(self.rectifications.select_related("organisation"))
        context["rectification_counts"] = self.rectification_counts()
        return context


class BroadcastDepartment(Orderable):
    """A department on stage and the official who answers for it."""

    page = ParentalKey(BroadcastPage, related_name="departments", on_delete=models.CASCADE)
    organisation = models.ForeignKey(
        "cms.Organisation",
        verbose_name=gettext_lazy("Department"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    official = models.CharField(
        gettext_lazy("Official present"),
        max_length=100,
        blank=True,
        help_text=gettext_lazy("e.g. director 张明"),
    )

    panels = [FieldPanel("organisation"), FieldPanel("official")]

    class Meta(Orderable.Meta):
        ordering = ["sort_order", "pk"]  # rows added in code have no sort order: still stable

    def __str__(self):
        return f"{self.organisation.name} {self.official}".strip()


class RectificationItem(Orderable):
    """A problem raised on the show (整改事项), its responsible department and deadline,
    and its public progress."""

    page = ParentalKey(
        BroadcastPage,
        verbose_name=gettext_lazy("TV inquiry or live broadcast"),
        related_name="rectifications",
        on_delete=models.CASCADE,
    )
    problem = models.TextField(gettext_lazy("Problem raised"), max_length=2000)
    organisation = models.ForeignKey(
        "cms.Organisation",
        verbose_name=gettext_lazy("Responsible department"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    deadline = models.DateField(gettext_lazy("Rectification deadline"), null=True, blank=True)
    status = models.CharField(
        gettext_lazy("Rectification status"),
        max_length=12,
        choices=RectificationStatus.choices,
        default=RectificationStatus.PENDING,
        db_index=True,
    )
    progress_note = models.TextField(
        gettext_lazy("Public progress note"),
        max_length=2000,
        blank=True,
        help_text=gettext_lazy("Shown on the broadcast page: what was done, or why it will not be done."),
    )
    resolved_on = models.DateField(gettext_lazy("Date resolved"), null=True, blank=True)
    updated_at = models.DateTimeField(gettext_lazy("Progress updated at"), auto_now=True)

    class Meta(Orderable.Meta):
        ordering = ["sort_order", "pk"]
        verbose_name = gettext_lazy("Rectification item")
        verbose_name_plural = gettext_lazy("Rectification items")

    def __str__(self):
        return self.problem[:40]

    @property
    def status_label(self):
        return RECTIFICATION_LABELS.get(self.status, self.status)

    def clean(self):
        super().clean()
        if self.status == RectificationStatus.RESOLVED and not self.resolved_on:
            raise ValidationError({"resolved_on": "已整改的事项须填写整改完成日期。"})
        if self.status != RectificationStatus.RESOLVED and self.resolved_on:
            raise ValidationError({"resolved_on": "只有已整改的事项才填写整改完成日期。"})
        if self.status == RectificationStatus.DECLINED and not self.progress_note.strip():
            raise ValidationError({"progress_note": "不予整改须在进展说明中公开说明理由。"})
