"""What the monitor remembers: each site's monitor settings, the scans and probes, the
findings with their evidence and a person's review, daily scores, alerts and their
recipients, the fingerprints of published pages (X04), the editable word dictionaries
(M16) and the page-view counts (M22)."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.contrib.settings.models import BaseSiteSetting, register_setting


class CheckId(models.TextChoices):
    """The checks, named by the national indicator they implement (docs/monitoring.md)."""

    M01 = "M01", "M01 首页可用性"
    M03 = "M03", "M03 首页更新"
    M05 = "M05", "M05 无发布日期的信息"
    M06 = "M06", "M06 栏目更新"
    M09 = "M09", "M09 空白栏目"
    M10 = "M10", "M10 互动渠道"
    M11 = "M11", "M11 留言办理"
    M13 = "M13", "M13 链接可用性"
    M16 = "M16", "M16 错别字与敏感词"
    M17 = "M17", "M17 网页篡改"
    M24 = "M24", "M24 新媒体更新"


@register_setting(icon="doc-full-inverse")
class MonitorSettings(BaseSiteSetting):
    """How the monitor reaches one site: the public address citizens use (through nginx,
    a CDN and all), and how hard it may knock."""

    enabled = models.BooleanField(_("Monitor this site"), default=True)
    base_url = models.URLField(
        _("Public base URL"),
        blank=True,
        help_text=_(
            "The address citizens open, e.g. https://www.example.gov.cn; empty: the site's own root URL."
        ),
    )
    requests_per_second = models.FloatField(
        _("Requests per second"),
        default=5.0,
        help_text=_("The most requests a scan sends to this site per second."),
    )

    consultation_url = models.URLField(
        _("Shared consultation channel"),
        blank=True,
        help_text=_(
            "A site without a mailbox of its own that sends citizens to the cluster's shared channel "
            "(e.g. the portal's mailbox form): its address, checked as this site's consultation channel."
        ),
    )

    panels = [
        FieldPanel("enabled"),
        FieldPanel("base_url"),
        FieldPanel("requests_per_second"),
        FieldPanel("consultation_url"),
    ]

    class Meta:
        verbose_name = _("Monitor settings")

    def public_base_url(self):
        return (self.base_url or self.site.root_url).rstrip("/")


class Scan(models.Model):
    class Trigger(models.TextChoices):
        SCHEDULE = "schedule", _("Scheduled")
        MANUAL = "manual", _("On demand")

    class Status(models.TextChoices):
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    site = models.ForeignKey(
        "wagtailcore.Site", verbose_name=_("Site"), on_delete=models.CASCADE, related_name="+"
    )
    trigger = models.CharField(_("Trigger"), max_length=10, choices=Trigger, default=Trigger.SCHEDULE)
    status = models.CharField(_("Status"), max_length=10, choices=Status, default=Status.RUNNING)
    started_at = models.DateTimeField(_("Started at"), default=timezone.now)
    finished_at = models.DateTimeField(_("Finished at"), null=True, blank=True)
    requests = models.PositiveIntegerField(_("HTTP requests"), default=0)
    score = models.FloatField(_("Score"), null=True, blank=True)
    passed = models.BooleanField(_("Passed"), null=True)
    # The scorecard: vetoes, warnings, deductions with their figures (monitoring.scoring).
    result = models.JSONField(_("Result"), default=dict, blank=True)
    error = models.TextField(_("Error"), blank=True)

    class Meta:
        verbose_name = _("Scan")
        verbose_name_plural = _("Scans")
        ordering = ["-started_at", "-pk"]
        indexes = [models.Index(fields=["site", "-started_at"], name="scan_site_latest")]

    def __str__(self):
        return f"{self.site_id} {self.started_at:%Y-%m-%d %H:%M}"


class Probe(models.Model):
    """One availability probe of a site's homepage (M01)."""

    site = models.ForeignKey("wagtailcore.Site", on_delete=models.CASCADE, related_name="+")
    at = models.DateTimeField(default=timezone.now)
    ok = models.BooleanField()
    status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    elapsed_ms = models.PositiveIntegerField(null=True, blank=True)
    error = models.CharField(max_length=300, blank=True)

    class Meta:
        indexes = [models.Index(fields=["site", "-at"], name="probe_site_latest")]


class Finding(models.Model):
    """One problem found on a site, with its evidence: a stale column, a broken link, a
    suspected typo. Identified by (site, check, key) so a problem seen by every scan stays
    one row; a person's confirm or dismiss is remembered on it."""

    class Certainty(models.TextChoices):
        CERTAIN = "certain", _("Certain")
        SUSPECTED = "suspected", _("Suspected")

    class Review(models.TextChoices):
        PENDING = "pending", _("Not reviewed")
        CONFIRMED = "confirmed", _("Confirmed")
        DISMISSED = "dismissed", _("Dismissed")

    site = models.ForeignKey(
        "wagtailcore.Site", verbose_name=_("Site"), on_delete=models.CASCADE, related_name="+"
    )
    check_id = models.CharField(_("Check"), max_length=4, choices=CheckId)
    key = models.CharField(max_length=255)
    certainty = models.CharField(_("Certainty"), max_length=10, choices=Certainty, default=Certainty.CERTAIN)
    title = models.CharField(_("Problem"), max_length=300)
    url = models.URLField(_("Address"), max_length=1000, blank=True)
    page = models.ForeignKey(
        "wagtailcore.Page",
        verbose_name=_("Page"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    evidence = models.JSONField(_("Evidence"), default=dict, blank=True)
    first_seen_at = models.DateTimeField(_("First seen"), default=timezone.now)
    last_seen_at = models.DateTimeField(_("Last seen"), default=timezone.now)
    # Set when a scan no longer finds the problem; cleared if it comes back.
    resolved_at = models.DateTimeField(_("Resolved at"), null=True, blank=True)
    review = models.CharField(_("Review"), max_length=10, choices=Review, default=Review.PENDING)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reviewed_at = models.DateTimeField(_("Reviewed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("Finding")
        verbose_name_plural = _("Findings")
        ordering = ["check_id", "-last_seen_at", "pk"]
        constraints = [models.UniqueConstraint(fields=["site", "check_id", "key"], name="finding_unique")]
        indexes = [models.Index(fields=["site", "check_id", "resolved_at"], name="finding_open")]

    def __str__(self):
        return f"{self.check_id} {self.title}"

    @property
    def is_open(self):
        return self.resolved_at is None and self.review != self.Review.DISMISSED


class DailyScore(models.Model):
    """A site's score on a day: the last scan's result of that day (M20's history)."""

    site = models.ForeignKey("wagtailcore.Site", on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    score = models.FloatField()
    passed = models.BooleanField()
    vetoes = models.JSONField(default=list)
    warnings = models.JSONField(default=list)

    class Meta:
        ordering = ["site", "day"]
        constraints = [models.UniqueConstraint(fields=["site", "day"], name="daily_score_unique")]


class AlertRecipient(models.Model):
    """Who is told when a site crosses a veto line or raises a warning: by email, by a
    WeChat template message to their openid, or both. No site: told about every site."""

    site = models.ForeignKey(
        "wagtailcore.Site",
        verbose_name=_("Site"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        help_text=_("Empty: every site of the cluster."),
    )
    name = models.CharField(_("Name"), max_length=50)
    email = models.EmailField(_("Email"), blank=True)
    wechat_openid = models.CharField(_("WeChat openid"), max_length=64, blank=True)
    daily_digest = models.BooleanField(_("Daily digest"), default=True)

    panels = [
        FieldPanel("site"),
        FieldPanel("name"),
        FieldPanel("email"),
        FieldPanel("wechat_openid"),
        FieldPanel("daily_digest"),
    ]

    class Meta:
        verbose_name = _("Alert recipient")
        verbose_name_plural = _("Alert recipients")

    def __str__(self):
        return self.name


class Alert(models.Model):
    """An open problem that was announced: one row per (site, key) while it stays open, so
    the same problem is never announced twice; closed when a scan no longer sees it."""

    class Level(models.TextChoices):
        VETO = "veto", _("Veto")
        WARNING = "warning", _("Warning")

    site = models.ForeignKey("wagtailcore.Site", on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=100)
    level = models.CharField(max_length=10, choices=Level)
    title = models.CharField(max_length=300)
    opened_at = models.DateTimeField(default=timezone.now)
    closed_at = models.DateTimeField(null=True, blank=True)
    notified_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["site", "key"], condition=Q(closed_at__isnull=True), name="one_open_alert_per_problem"
            )
        ]


class Fingerprint(models.Model):
    """What a published page looked like when the platform served it (X04): the hash of
    its main content and the scripts and frames of the whole page, taken after publish."""

    page = models.OneToOneField("wagtailcore.Page", on_delete=models.CASCADE, related_name="+")
    revision = models.ForeignKey(
        "wagtailcore.Revision", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    url = models.URLField(max_length=1000)
    digest = models.CharField(max_length=64)
    scripts = models.JSONField(default=list)
    frames = models.JSONField(default=list)
    taken_at = models.DateTimeField(default=timezone.now)


class DictionaryWord(models.Model):
    """A word of the M16 dictionaries: a common typo with its correction, a sensitive word,
    or a leader's name with the correct title. No site: used on every site."""

    class Kind(models.TextChoices):
        TYPO = "typo", _("Typo")
        SENSITIVE = "sensitive", _("Sensitive word")
        LEADER = "leader", _("Leader name and title")

    kind = models.CharField(_("Dictionary"), max_length=10, choices=Kind)
    word = models.CharField(
        _("Word"), max_length=50, help_text=_("The typo, the sensitive word or the leader's name.")
    )
    correction = models.CharField(
        _("Correct form"),
        max_length=100,
        blank=True,
        help_text=_("For a typo, the right word; for a leader, the correct title(s), separated by 、."),
    )
    site = models.ForeignKey(
        "wagtailcore.Site",
        verbose_name=_("Site"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        help_text=_("Empty: every site of the cluster."),
    )

    panels = [FieldPanel("kind"), FieldPanel("word"), FieldPanel("correction"), FieldPanel("site")]

    class Meta:
        verbose_name = _("Dictionary word")
        verbose_name_plural = _("Dictionary words")
        ordering = ["kind", "word"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "word", "site"], name="dictionary_word_unique")
        ]

    def __str__(self):
        return self.word


class PageViewDay(models.Model):
    """How often a page was viewed on a day (M22): a count only, no cookie, address or time
    of day. Columns and sites add up their pages through the page tree."""

    page = models.ForeignKey("wagtailcore.Page", on_delete=models.CASCADE, related_name="+")
    site = models.ForeignKey("wagtailcore.Site", on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    views = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["page", "day"], name="page_view_day_unique")]
        indexes = [models.Index(fields=["site", "day"], name="page_view_site_day")]


class DigestSent(models.Model):
    """The day a daily digest went out: the digest task sends at most one per day."""

    day = models.DateField(unique=True)
    sent_at = models.DateTimeField(default=timezone.now)
