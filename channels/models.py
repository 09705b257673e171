"""The publish outbox: one Delivery row per (page, revision, channel, action).

A row is written in the same transaction as the publish or unpublish that caused it, so a
published page always has its deliveries recorded, and a delivery is never recorded for a
publish that rolled back. The row is also the lock and the memory of the delivery: its
unique `idempotency_key` keeps a duplicate signal from creating a second row, its `status`
moves pending → running → delivered/failed by conditional updates (one worker at a time),
or to waiting while the channel finishes work it accepted (a WeChat publish job), and its
`state` holds what the adapter reported (e.g. the WeChat draft's media_id).
"""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .adapters import channel_label


class Delivery(models.Model):
    class Action(models.TextChoices):
        DELIVER = "deliver", "发布"
        WITHDRAW = "withdraw", "撤下"

    class Status(models.TextChoices):
        PENDING = "pending", "等待发送"
        RUNNING = "running", "正在发送"
        # The channel accepted the delivery and is still processing it (WeChat reviews and
        # publishes a submitted article within seconds to minutes); the outbox checks
        # again at next_attempt_at without holding a worker meanwhile.
        WAITING = "waiting", "渠道处理中"
        DELIVERED = "delivered", "已送达"
        FAILED = "failed", "失败"
        # A newer publish or an unpublish of the same page on the same channel came before
        # this row ran; delivering an outdated revision would only overwrite the newer one.
        SUPERSEDED = "superseded", "已被更新的版本取代"

    page = models.ForeignKey(
        "wagtailcore.Page", verbose_name=_("Page"), on_delete=models.CASCADE, related_name="deliveries"
    )
    revision = models.ForeignKey(
        "wagtailcore.Revision",
        verbose_name=_("Revision"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    channel = models.CharField(_("Channel"), max_length=20)
    action = models.CharField(_("Action"), max_length=10, choices=Action, default=Action.DELIVER)
    # page:revision:channel:action. A string rather than a composite constraint because the
    # revision of a withdraw may be empty, and NULLs never collide in a unique index.
    idempotency_key = models.CharField(_("Idempotency key"), max_length=100, unique=True)
    status = models.CharField(_("Status"), max_length=12, choices=Status, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(_("Attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("Next attempt at"), null=True, blank=True)
    # When the current attempt started: a running row older than the lease belongs to a
    # worker that died, and the sweep hands it to another.
    locked_at = models.DateTimeField(_("Sending started at"), null=True, blank=True)
    last_error = models.TextField(_("Last error"), blank=True)
    error_code = models.CharField(_("Error code"), max_length=50, blank=True)
    state = models.JSONField(_("Channel response"), default=dict, blank=True)
    created_at = models.DateTimeField(_("Created at"), default=timezone.now)
    delivered_at = models.DateTimeField(_("Delivered at"), null=True, blank=True)

    class Meta:
        verbose_name = _("Delivery")
        verbose_name_plural = _("Deliveries")
        ordering = ["-pk"]
        indexes = [
            models.Index(fields=["status", "next_attempt_at"], name="delivery_due"),
            models.Index(fields=["page", "channel", "-id"], name="delivery_page_channel"),
        ]

    def __str__(self):
        return f"{self.page_id} {self.channel} {self.action} {self.status}"

    @staticmethod
    def make_key(page_id, revision_id, channel, action):
        return f"{page_id}:{revision_id or '-'}:{channel}:{action}"

    @property
    def channel_label(self):
        return channel_label(self.channel)

    @property
    def retryable_by_editor(self):
        return self.status == self.Status.FAILED

    def previous(self):
        """The last delivered row of the same page and channel before this one (an adapter
        that updates what it published before — a WeChat draft — reads its state here)."""
        return (
            Delivery.objects.filter(
                page_id=self.page_id,
                channel=self.channel,
                action=self.Action.DELIVER,
                status=self.Status.DELIVERED,
                pk__lt=self.pk,
            )
            .order_by("-pk")
            .first()
        )

    def save_state(self, **values):
        """Persist part of the adapter's outcome now, mid-delivery, so that a worker killed
        after a step that must not be repeated (a WeChat draft/add) resumes after it."""
        self.state = {**self.state, **values}
        Delivery.objects.filter(pk=self.pk).update(state=self.state)


# The app's models include the WeChat channel's and static publishing's, defined with the
# rest of their channel.
from channels.web.models import PublishedChrome, PublishedCoverage  # noqa: F401,E402
from channels.wechat.models import WeChatAccount, WeChatArticle, WeChatMassSend, WeChatUpload  # noqa: F401,E402
