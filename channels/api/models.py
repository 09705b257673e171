"""What the app API stores: the change feed, the write API's keys and each site's CORS list.

- ChangeEvent: one row each time an item (article or topic) is published, unpublished,
  deleted or moved, with the tree path it had (a move writes one row for where it left and
  one for where it arrived). The feed (channels/api/changes.py) reads rows after a cursor
  within a site's path and answers each touched item with its current state.
- ApiKey: a key of a county or department system for one site; only its SHA-256 is stored.
- ApiSiteSettings: a site setting listing the origins browsers may call the API from.
"""

import hashlib
import secrets

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.contrib.settings.models import BaseSiteSetting, register_setting


class ChangeEvent(models.Model):
    page_id = models.IntegerField(_("Page"))
    # The page's tree path when the event happened: the feed of a site reads the events
    # whose path lies below the site's root, so an item moved away still reaches its old
    # site's feed as a tombstone.
    path = models.CharField(_("Tree path"), max_length=255)
    created_at = models.DateTimeField(_("Time"), default=timezone.now)

    class Meta:
        verbose_name = _("Content change")
        verbose_name_plural = _("Content changes")
        indexes = [models.Index(fields=["page_id", "-id"], name="change_page_newest")]

    def __str__(self):
        return f"{self.pk} page {self.page_id}"


KEY_PREFIX = "czk_"


def hash_key(raw):
    # A key is 32 random bytes: a fast hash is as strong as a slow one here and lets the
    # lookup be one indexed equality.
    return hashlib.sha256(raw.encode()).hexdigest()


class ApiKeyQuerySet(models.QuerySet):
    def active(self):
        return self.filter(revoked_at__isnull=True)


class ApiKey(models.Model):
    site = models.ForeignKey(
        "wagtailcore.Site", verbose_name=_("Site"), on_delete=models.CASCADE, related_name="+"
    )
    name = models.CharField(_("Submitting system name"), max_length=100)
    prefix = models.CharField(_("Key prefix"), max_length=16, editable=False, db_index=True)
    key_hash = models.CharField(_("Key hash"), max_length=64, unique=True, editable=False)
    can_publish = models.BooleanField(
        _("May publish directly"),
        default=False,
        help_text=_("If unticked, it can only save drafts and submit them for the column's review."),
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("Submit as this user"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("Revisions and review requests show as submitted by this user."),
    )
    created_at = models.DateTimeField(_("Created at"), default=timezone.now)
    last_used_at = models.DateTimeField(_("Last used at"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("Revoked at"), null=True, blank=True)

    objects = ApiKeyQuerySet.as_manager()

    class Meta:
        verbose_name = _("Submission API key")
        verbose_name_plural = _("Submission API keys")
        ordering = ["-pk"]

    def __str__(self):
        return f"{self.name}（{self.prefix}…）"

    @classmethod
    def issue(cls, *, site, name, can_publish=False, user=None):
        """Create a key; returns (key, raw). The raw key is shown once and never stored."""
        raw = KEY_PREFIX + secrets.token_urlsafe(32)
        key = cls.objects.create(
            site=site,
            name=name,
            can_publish=can_publish,
            user=user,
            prefix=raw[: len(KEY_PREFIX) + 6],
            key_hash=hash_key(raw),
        )
        return key, raw

    @classmethod
    def lookup(cls, raw):
        """The active key for a raw key string, or None."""
        if not raw or not raw.startswith(KEY_PREFIX) or len(raw) > 100:
            return None
        return (
            cls.objects.active()
            .select_related("site", "site__root_page", "user")
            .filter(key_hash=hash_key(raw))
            .first()
        )

    def revoke(self):
        self.revoked_at = timezone.now()
        self.save(update_fields=["revoked_at"])

    @property
    def active(self):
        return self.revoked_at is None


@register_setting(icon="code")
class ApiSiteSettings(BaseSiteSetting):
    cors_origins = models.TextField(
        _("Allowed cross-origin sources"),
        blank=True,
        help_text=_(
            "One per line, e.g. https://m.czs.gov.cn ; only web pages listed here may call this site's API from a browser."
        ),
    )

    panels = [FieldPanel("cors_origins")]

    class Meta:
        verbose_name = _("App API settings")

    @property
    def origins(self):
        return {line.strip().rstrip("/").lower() for line in self.cors_origins.splitlines() if line.strip()}
