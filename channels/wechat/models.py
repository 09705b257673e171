"""WeChat records: each site's account (secrets from the environment or encrypted at rest),
the images already uploaded to it, the draft each page has there and the mass sends made.

Imported by channels/models.py so they belong to the portal_channels app."""

import base64
import hashlib
import os

from cryptography.fernet import Fernet, InvalidToken
from django import forms
from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.panels import FieldPanel
from wagtail.contrib.settings.models import BaseSiteSetting, register_setting


def _fernet():
    # A key derived from SECRET_KEY: rotating SECRET_KEY means re-entering the secrets.
    digest = hashlib.sha256(b"wechat-account-secrets:" + settings.SECRET_KEY.encode()).digest()
    return Fernet(base64.urlsafe_b64encode(digest))


def encrypt(value):
    return _fernet().encrypt(value.encode()).decode() if value else ""


def decrypt(value):
    if not value:
        return ""
    try:
        return _fernet().decrypt(value.encode()).decode()
    except InvalidToken:
        return ""


class WeChatAccountForm(WagtailAdminModelForm):
    """Secret fields are write-only: empty keeps the stored value, nothing is rendered back."""

    new_secret = forms.CharField(
        label="AppSecret", required=False, widget=forms.PasswordInput, help_text="留空则保持不变。"
    )
    new_token = forms.CharField(
        label="令牌（Token）", required=False, widget=forms.PasswordInput, help_text="留空则保持不变。"
    )
    new_aes_key = forms.CharField(
        label="消息加解密密钥（EncodingAESKey）",
        required=False,
        widget=forms.PasswordInput,
        help_text="留空则保持不变。",
    )

    def save(self, commit=True):
        self.instance.set_secrets(
            secret=self.cleaned_data.get("new_secret") or None,
            token=self.cleaned_data.get("new_token") or None,
            aes_key=self.cleaned_data.get("new_aes_key") or None,
        )
        return super().save(commit=commit)


@register_setting(icon="mail")
class WeChatAccount(BaseSiteSetting):
    """A site's WeChat Official Account. The secret, token and EncodingAESKey come from
    WECHAT_<APPID>_SECRET / _TOKEN / _AES_KEY when set, otherwise from the encrypted
    fields, which the admin form writes but never shows back (WeChatAccountForm)."""

    appid = models.CharField(_("AppID"), max_length=32, blank=True)
    name = models.CharField(_("Official account name"), max_length=64, blank=True)
    enabled = models.BooleanField(
        _("Enabled"),
        default=False,
        help_text=_(
            "When enabled, items in columns with the WeChat channel are published to the official account."
        ),
    )
    secret_encrypted = models.TextField(blank=True, editable=False)
    token_encrypted = models.TextField(blank=True, editable=False)
    aes_key_encrypted = models.TextField(blank=True, editable=False)

    base_form_class = WeChatAccountForm
    panels = [
        FieldPanel("name"),
        FieldPanel("appid"),
        FieldPanel("enabled"),
        FieldPanel("new_secret"),
        FieldPanel("new_token"),
        FieldPanel("new_aes_key"),
    ]

    class Meta:
        verbose_name = _("WeChat official account")

    def __str__(self):
        return self.name or self.appid

    def _env(self, suffix):
        return os.environ.get(f"WECHAT_{self.appid.upper()}_{suffix}", "")

    @property
    def secret(self):
        return self._env("SECRET") or decrypt(self.secret_encrypted)

    @property
    def token(self):
        return self._env("TOKEN") or decrypt(self.token_encrypted)

    @property
    def aes_key(self):
        return self._env("AES_KEY") or decrypt(self.aes_key_encrypted)

    def set_secrets(self, *, secret=None, token=None, aes_key=None):
        """Store secrets encrypted; None leaves a value unchanged."""
        if secret is not None:
            self.secret_encrypted = encrypt(secret)
        if token is not None:
            self.token_encrypted = encrypt(token)
        if aes_key is not None:
            self.aes_key_encrypted = encrypt(aes_key)

    @property
    def is_configured(self):
        return bool(self.enabled and self.appid and self.secret)


class WeChatUpload(models.Model):
    """An image already on the account: a re-publish reuses it instead of uploading again.
    `source_key` names the exact bytes (image file hash + rendition spec)."""

    class Kind(models.TextChoices):
        THUMB = "thumb", "封面缩略图"
        CONTENT = "content", "正文图片"

    account = models.ForeignKey(WeChatAccount, on_delete=models.CASCADE, related_name="uploads")
    kind = models.CharField(max_length=10, choices=Kind)
    source_key = models.CharField(max_length=200)
    media_id = models.CharField(max_length=128, blank=True)
    url = models.URLField(max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("WeChat image")
        constraints = [
            models.UniqueConstraint(fields=["account", "kind", "source_key"], name="wechat_upload_unique")
        ]


class WeChatArticle(models.Model):
    """A page's article on one account: its draft (media_id, reused by every re-publish),
    the revision in the draft, the submitted publish job and the resulting article URL."""

    page = models.ForeignKey("wagtailcore.Page", on_delete=models.CASCADE, related_name="+")
    account = models.ForeignKey(WeChatAccount, on_delete=models.CASCADE, related_name="articles")
    media_id = models.CharField(max_length=128, blank=True)
    draft_revision_id = models.BigIntegerField(null=True, blank=True)
    submitted_revision_id = models.BigIntegerField(null=True, blank=True)
    publish_id = models.CharField(max_length=64, blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    article_id = models.CharField(max_length=128, blank=True)
    url = models.URLField(_("Article URL"), max_length=500, blank=True)
    # When an unpublish took the article down (freepublish/delete); cleared by a publish.
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("WeChat article")
        constraints = [models.UniqueConstraint(fields=["page", "account"], name="wechat_article_unique")]

    def seconds_since_submit(self):
        if self.submitted_at is None:
            return 0.0
        return (timezone.now() - self.submitted_at).total_seconds()


class WeChatMassSend(models.Model):
    """A notification to followers. `clientmsgid` is derived from (page, revision), and
    WeChat itself refuses a repeated one (45065), so the same revision goes out once. The
    row is written (status `sending`) before the request, so it is also the lock that
    turns a double click into one send."""

    class Status(models.TextChoices):
        SENDING = "sending", "正在群发"
        SENT = "sent", "已群发"
        FAILED = "failed", "群发失败"

    account = models.ForeignKey(WeChatAccount, on_delete=models.CASCADE, related_name="mass_sends")
    page = models.ForeignKey("wagtailcore.Page", on_delete=models.CASCADE, related_name="+")
    revision_id = models.BigIntegerField()
    clientmsgid = models.CharField(max_length=64)
    msg_id = models.CharField(max_length=64, blank=True)
    status = models.CharField(_("Status"), max_length=10, choices=Status, default=Status.SENT)
    error = models.TextField(_("Failure reason"), blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    sent_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("WeChat mass send")
        constraints = [
            models.UniqueConstraint(fields=["account", "clientmsgid"], name="wechat_mass_send_unique")
        ]
