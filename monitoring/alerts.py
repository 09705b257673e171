"""Telling people: an alert when a scan finds a veto line crossed or a warning raised, by
email and by WeChat template message to the configured recipients (AlertRecipient), once
per open problem; and the daily digest of every site's score.

An Alert row is the memory of an announced problem: it is inserted (and committed) before
anything is sent, and a partial unique index allows one open row per (site, key), so the
next scans, another worker or a rerun find it and stay silent. It closes when a scan no
longer sees the problem; if it comes back, that is a new alert.
"""

import logging

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from .models import Alert, AlertRecipient, DigestSent, Scan

logger = logging.getLogger(__name__)

LEVEL_WORDS = {Alert.Level.VETO: "单项否决", Alert.Level.WARNING: "预警"}


def recipients(site):
    return list(AlertRecipient.objects.filter(Q(site=site) | Q(site__isnull=True)).order_by("pk"))


def _open(site, line, level):
    try:
        with transaction.atomic():
            return Alert.objects.create(
                site=site, key=line["key"][:100], level=level, title=line["title"][:300]
            )
    except IntegrityError:
        return None  # already announced and still open


def raise_and_close(site, card, *, now=None):
    """Open (and announce) the card's new problems, close those no longer there.
    Returns the alerts announced."""
    now = now or timezone.now()
    lines = [(line, Alert.Level.VETO) for line in card["vetoes"]] + [
        (line, Alert.Level.WARNING) for line in card["warnings"]
    ]
    current = {line["key"][:100] for line, _ in lines}
    Alert.objects.filter(site=site, closed_at__isnull=True).exclude(key__in=current).update(closed_at=now)
    announced = [alert for alert in (_open(site, line, level) for line, level in lines) if alert]
    if announced:
        notify(site, announced)
        Alert.objects.filter(pk__in=[alert.pk for alert in announced]).update(notified_at=timezone.now())
    return announced


def _subject(site, alerts):
    vetoes = sum(1 for alert in alerts if alert.level == Alert.Level.VETO)
    if vetoes:
        return f"【网站监测】{site.site_name} 触发 {vetoes} 项单项否决"
    return f"【网站监测】{site.site_name} 出现 {len(alerts)} 项预警"


def notify(site, alerts):
    people = recipients(site)
    body = "\n".join(f"[{LEVEL_WORDS[alert.level]}] {alert.title}" for alert in alerts)
    emails = [person.email for person in people if person.email]
    if emails:
        try:
            send_mail(_subject(site, alerts), body, None, emails)
        except OSError:
            logger.exception("monitor alert mail for %s failed", site)
    openids = [person.wechat_openid for person in people if person.wechat_openid]
    if openids and settings.MONITOR_WECHAT_TEMPLATE_ID:
        from .wechat_alerts import send_template

        for alert in alerts:
            send_template(site, openids, alert)


def digest_text(sites):
    lines = []
    for site in sites:
        scan = Scan.objects.filter(site=site, status=Scan.Status.DONE).order_by("-started_at").first()
        if scan is None:
            lines.append(f"{site.site_name}：尚未扫描")
            continue
        verdict = "合格" if scan.passed else "不合格"
        lines.append(f"{site.site_name}：{scan.score:g} 分，{verdict}")
        for line in scan.result.get("vetoes", []):
            lines.append(f"  [单项否决] {line['title']}")
        for line in scan.result.get("warnings", []):
            lines.append(f"  [预警] {line['title']}")
    return "\n".join(lines)


def send_daily_digest(sites, now=None):
    """Mail each digest recipient the scores of their sites among `sites`, once a day after
    MONITOR_DIGEST_HOUR. Returns the number of mails sent."""
    now = timezone.localtime(now or timezone.now())
    if now.hour < settings.MONITOR_DIGEST_HOUR:
        return 0
    try:
        with transaction.atomic():
            DigestSent.objects.create(day=now.date())
    except IntegrityError:
        return 0
    sent = 0
    for person in AlertRecipient.objects.filter(daily_digest=True).exclude(email=""):
        theirs = [site for site in sites if person.site_id in (None, site.pk)]
        if not theirs:
            continue
        send_mail(f"【网站监测】{now:%Y-%m-%d} 日报", digest_text(theirs), None, [person.email])
        sent += 1
    return sent
