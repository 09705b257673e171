"""The monitor's background work (Django Tasks API): the clock (cms/clock.py) enqueues
probe_sites, scan_due_sites and send_daily_digest every minute; each decides what is due.
A scan runs as scan_site_task, one per site, so RQ workers scan sites side by side."""

from datetime import timedelta

from django.conf import settings
from django.db.models import Max
from django.utils import timezone
from django_tasks import task
from wagtail.models import Site

from . import alerts, availability
from .models import Probe, Scan
from .scan import monitored_sites, scan_site

#: A scan still marked running after this long died with its worker: scan again.
SCAN_LEASE = timedelta(hours=1)


@task()
def probe_sites():
    """Probe each monitored site whose last probe is MONITOR_PROBE_INTERVAL old."""
    now = timezone.now()
    due_before = now - timedelta(seconds=settings.MONITOR_PROBE_INTERVAL)
    latest = dict(Probe.objects.values("site").annotate(at=Max("at")).values_list("site", "at"))
    probed = 0
    for site in monitored_sites():
        if latest.get(site.pk) is None or latest[site.pk] <= due_before:
            availability.probe(site, now=now)
            probed += 1
    return probed


def due_sites(now=None):
    now = now or timezone.now()
    due = []
    for site in monitored_sites():
        last = Scan.objects.filter(site=site).order_by("-started_at").first()
        if last is None:
            due.append(site)
        elif last.status == Scan.Status.RUNNING:
            if last.started_at <= now - SCAN_LEASE:
                due.append(site)
        elif last.started_at <= now - timedelta(seconds=settings.MONITOR_SCAN_INTERVAL):
            due.append(site)
    return due


@task()
def scan_due_sites():
    sites = due_sites()
    for site in sites:
        # Written at once, so the next tick does not enqueue the same site again.
        queued = Scan.objects.create(site=site, status=Scan.Status.RUNNING)
        scan_site_task.enqueue(site.pk, Scan.Trigger.SCHEDULE, queued.pk)
    return len(sites)


@task()
def scan_site_task(site_id, trigger=Scan.Trigger.SCHEDULE, scan_id=None):
    site = Site.objects.filter(pk=site_id).first()
    if site is None:
        return None
    queued = (
        Scan.objects.filter(pk=scan_id, site=site, status=Scan.Status.RUNNING).first() if scan_id else None
    )
    return scan_site(site, trigger=trigger, scan=queued).pk


@task()
def send_daily_digest():
    return alerts.send_daily_digest(monitored_sites())
