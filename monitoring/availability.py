"""M01: is the homepage reachable? Each probe is one GET of the homepage through the site's
public address, failed when no answer below 400 comes within MONITOR_PROBE_TIMEOUT
(15 s). Probes run every MONITOR_PROBE_INTERVAL (monitoring.tasks.probe_sites, 48 a day by
default, the indicator asks for at least 20) and once more at the start of every scan;
the scorecard reads the failure rate over the last `availability_days` days."""

from datetime import timedelta

from django.conf import settings
from django.utils import timezone

from .fetch import Fetcher
from .models import CheckId, MonitorSettings, Probe


def probe(site, *, base_url=None, fetcher=None, now=None):
    """Probe the homepage once and record it. Returns the Probe."""
    base_url = base_url or MonitorSettings.for_site(site).public_base_url()
    fetcher = fetcher or Fetcher(rate=None, timeout=settings.MONITOR_PROBE_TIMEOUT)
    fetched = fetcher.get(base_url + "/", timeout=settings.MONITOR_PROBE_TIMEOUT, body=False)
    return Probe.objects.create(
        site=site,
        at=now or timezone.now(),
        ok=fetched.ok,
        status_code=fetched.status,
        elapsed_ms=fetched.elapsed_ms,
        error=fetched.error[:300],
    )


def failure_rate(site, now=None, days=None):
    """(probes, failures) of the last `days` days."""
    days = days or settings.MONITOR_THRESHOLDS["availability_days"]
    since = (now or timezone.now()) - timedelta(days=days)
    probes = Probe.objects.filter(site=site, at__gte=since)
    return probes.count(), probes.filter(ok=False).count()


def check(ctx):
    latest = probe(ctx.site, base_url=ctx.base_url, now=ctx.now)
    ctx.fetcher.requests += 1
    total, failed = failure_rate(ctx.site, ctx.now)
    ctx.figures[CheckId.M01] = {
        "probes": total,
        "failures": failed,
        "rate": round(failed / total, 4) if total else 0.0,
        "days": settings.MONITOR_THRESHOLDS["availability_days"],
    }
    if not latest.ok:
        reason = latest.error or f"HTTP {latest.status_code}"
        ctx.report(
            CheckId.M01,
            "homepage",
            f"首页无法访问（{reason}）",
            url=ctx.base_url + "/",
            evidence={"status": latest.status_code, "error": latest.error, "elapsed_ms": latest.elapsed_ms},
        )
    ctx.done(CheckId.M01)
