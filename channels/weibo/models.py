"""Microblog records: each site's Weibo account (its OAuth2 access token from the
environment or encrypted at rest) and the post each page has there.

A WeiboPost is also the memory of a post that may have been made: its `sending_key` (the
hash of the text, text.text_key) is committed before statuses/share is called and cleared
once Weibo's answer is known, so an attempt after a lost answer or a killed worker looks
for that text on the account's timeline before it posts anything."""

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


class SecretBox:
    """Symmetric encryption of the account's token with a key derived from SECRET_KEY
    (rotating SECRET_KEY means entering the token again)."""

    PURPOSE = b"weibo-account-token:"

    @classmethod
    def _key(cls):
        return Fernet(
            base64.urlsafe_b64encode(hashlib.sha256(cls.PURPOSE + settings.SECRET_KEY.encode()).digest())
        )

    @classmethod
    def seal(cls, plain):
        return cls._key().encrypt(plain.encode()).decode() if plain else ""

    @classmethod
    def open(cls, sealed):
        try:
            return cls._key().decrypt(sealed.encode()).decode() if sealed else ""
        except InvalidToken:
            return ""


class WeiboAccountForm(WagtailAdminModelForm):
    """The token is write-only: empty keeps the stored one, nothing is rendered back."""

    new_access_token = forms.CharField(
        label="授权令牌（access_token）",
        required=False,
        widget=forms.PasswordInput,
        help_text="在微博开放平台为该账号授权（OAuth2）后得到；留空则保持不变。",
    )

    def save(self, commit=True):
        if self.cleaned_data.get("new_access_token"):
            self.instance.set_access_token(self.cleaned_data["new_access_token"])
        return super().save(commit=commit)


@register_setting(icon="comment")
class WeiboAccount(BaseSiteSetting):
    """A site's government microblog account. The access token comes from
    WEIBO_<UID>_ACCESS_TOKEN when set, otherwise from the encrypted field, which the admin
    form writes but never shows back (WeiboAccountForm)."""

    uid = models.CharField(_("Weibo UID"), max_length=20, blank=True)
    name = models.CharField(_("Weibo account name"), max_length=64, blank=True)
    enabled = models.BooleanField(
        _("Enabled"),
        default=False,
        help_text=_(
            "When enabled, items in columns with the microblog channel are posted to this Weibo account."
        ),
    )
    safe_domain = models.CharField(
        _("Safe domain"),
        max_length=253,
        blank=True,
        help_text=_(
            "The safe domain of the Weibo app (e.g. czs.gov.cn): a post must link to a page on it. "
            "Empty: not checked before posting."
        ),
    )
    access_token_encrypted = models.TextField(blank=True, editable=False)

    base_form_class = WeiboAccountForm
    panels = [
        FieldPanel("name"),
        FieldPanel("uid"),
        FieldPanel("enabled"),
        FieldPanel("safe_domain"),
        FieldPanel("new_access_token"),
    ]

    class Meta:
        verbose_name = _("Government microblog account")

    def __str__(self):
        return self.name or self.uid

    @property
    def access_token(self):
        return os.environ.get(f"WEIBO_{self.uid}_ACCESS_TOKEN", "") or SecretBox.open(
            self.access_token_encrypted
        )

    def set_access_token(self, token):
        self.access_token_encrypted = SecretBox.seal(token)

    @property
    def is_configured(self):
        return bool(self.enabled and self.uid and self.access_token)

    def covers(self, host):
        """Whether a link to `host` is on the account's safe domain (always, when unset)."""
        domain = self.safe_domain.strip().lower().strip(".")
        host = (host or "").lower()
        return not domain or host == domain or host.endswith("." + domain)


class WeiboPost(models.Model):
    """A page's post on one account: the post Weibo made (status id, link, text), or the
    one that may have been made (`sending_key`); withdrawn_at once an unpublish deleted it."""

    page = models.ForeignKey("wagtailcore.Page", on_delete=models.CASCADE, related_name="+")
    account = models.ForeignKey(WeiboAccount, on_delete=models.CASCADE, related_name="posts")
    status_id = models.CharField(max_length=32, blank=True)
    url = models.URLField(_("Weibo post URL"), max_length=500, blank=True)
    text = models.TextField(blank=True)
    revision_id = models.BigIntegerField(null=True, blank=True)
    posted_at = models.DateTimeField(null=True, blank=True)
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    # A statuses/share whose answer never came: the hash of the text sent, and when.
    sending_key = models.CharField(max_length=64, blank=True)
    sending_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("Weibo post")
        constraints = [models.UniqueConstraint(fields=["page", "account"], name="weibo_post_unique")]

    @property
    def is_live(self):
        return bool(self.status_id) and self.withdrawn_at is None

    def mark_sending(self, key):
        """Commit the text's key before the request (the caller must not be in a transaction
        that a crash would roll back with it)."""
        self.sending_key, self.sending_at = key, timezone.now()
        self.save(update_fields=["sending_key", "sending_at", "updated_at"])

    def clear_sending(self):
        self.sending_key, self.sending_at = "", None
        self.save(update_fields=["sending_key", "sending_at", "updated_at"])
