"""The demo cluster scanned by the monitor (issue 17, "Must show"): `manage.py monitor_scan
--all` reaches each of the five demo sites over HTTP (the journeys' live server, under each
site's own name), scores them, prints the time taken and the request rate, and the admin's
dashboard shows every site with its score.

The demo is built so its freshness starts green (demo/plan.py), the portal's 市长信箱 is the
other sites' shared consultation channel (demo/monitor.py), and the 2014 letters are all
answered or closed: no site crosses a veto line. Like the other journeys, this runs on the
committed demo without a test transaction (tests/demo/journeys/conftest.py): the scans it
writes stay until the package loads the database back."""

import io
import re

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from wagtail.models import Site

from demo.plan import SITE_BY_KEY
from monitoring.models import DailyScore, MonitorSettings, Scan
from tests.factories import make_user

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("db_access")]


@pytest.fixture
def scanned(demo, settings):
    """The command's output; the sites' monitor settings are put back afterwards, since the
    demo stays committed for the package's other tests (the loader's rerun among them)."""
    port = demo["www"].rsplit(":", 1)[1]
    # The footer's national services (filings, website mark) are on the internet, which
    # this machine does not reach.
    settings.MONITOR_LINK_SKIP_HOSTS = ["*.gov.cn", "*.conac.cn"]
    saved = []
    portal = SITE_BY_KEY["www"].hostname
    for site in Site.objects.all():
        row = MonitorSettings.for_site(site)
        saved.append((row, row.base_url, row.requests_per_second, row.consultation_url))
        row.base_url = f"http://{site.hostname}:{port}"
        row.requests_per_second = 0  # the test's own server: as fast as it answers
        if row.consultation_url:
            row.consultation_url = re.sub(r"^http://[^/]+", f"http://{portal}:{port}", row.consultation_url)
        row.save()
    out = io.StringIO()
    try:
        call_command("monitor_scan", "--all", stdout=out)
        yield out.getvalue()
    finally:
        for row, base_url, rate, consultation_url in saved:
            row.base_url, row.requests_per_second, row.consultation_url = base_url, rate, consultation_url
            row.save()


def test_monitor_scan_scores_the_five_demo_sites_and_prints_time_and_rate(scanned, client):
    sites = list(Site.objects.order_by("hostname"))
    assert len(sites) == 5
    for site in sites:
        scan = Scan.objects.filter(site=site).latest("started_at")
        assert scan.status == Scan.Status.DONE and scan.requests > 0
        assert scan.result["vetoes"] == [], (site.hostname, scan.result["vetoes"])
        assert scan.passed is True and scan.score >= 90
        assert re.search(
            rf"^{re.escape(site.hostname)}: {scan.score:g} points, PASS; \d+ requests in", scanned, re.M
        )
        assert DailyScore.objects.filter(site=site).exists()
    # The whole run's time and request rate, printed.
    total = re.search(
        r"^Scanned 5 sites in ([\d.]+) s: (\d+) requests, ([\d.]+) requests/s overall\.$", scanned, re.M
    )
    assert total and int(total.group(2)) == sum(
        Scan.objects.filter(site=site).latest("started_at").requests for site in sites
    )
    # The portal's scan walked every live page and what they link to.
    portal = Scan.objects.filter(site__hostname=SITE_BY_KEY["www"].hostname).latest("started_at")
    assert portal.result["figures"]["M13"]["pages"] > 400
    assert portal.result["figures"]["M10"] == {"channels": 1, "working": 1}

    admin = get_user_model().objects.filter(is_superuser=True).first() or make_user(
        "monitor_admin", superuser=True
    )
    client.force_login(admin)
    page = client.get("/admin/monitoring/").content.decode()
    for site in sites:
        assert site.hostname in page
    assert "不合格：0" in page or "不合格: 0" in page
