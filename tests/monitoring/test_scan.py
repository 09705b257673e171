"""The scan itself (monitoring/scan.py, findings.py, checks.py): findings are kept across
scans as one row per problem, resolved only by a check that ran to the end, reopened when
they come back, and a person's dismissal is remembered; a broken check does not lose the
others' results; the settings' dotted paths are checked at start-up."""

import pytest
from django.core.checks import run_checks

from monitoring.findings import keep
from monitoring.models import CheckId, Finding, Scan
from monitoring.scan import ScanContext, scan_site
from tests.factories import make_site

PLAN = {}


def planted_check(ctx):
    """A check whose reports the test plants in PLAN; it completes unless told not to."""
    for key in PLAN.get("keys", []):
        ctx.report(CheckId.M13, key, f"死链：{key}", url=f"https://x.example/{key}")
    if not PLAN.get("crash"):
        ctx.done(CheckId.M13)
    else:
        raise RuntimeError("the link checker fell over")


def other_check(ctx):
    ctx.report(CheckId.M09, "column:1", "空白栏目：专项工作")
    ctx.done(CheckId.M09)


@pytest.fixture
def site(settings):
    settings.MONITOR_CHECKS = [
        "tests.monitoring.test_scan.planted_check",
        "tests.monitoring.test_scan.other_check",
    ]
    PLAN.clear()
    return make_site("scan.mon.localhost").site


def scan(site, **plan):
    PLAN.clear()
    PLAN.update(plan)
    return scan_site(site)


def rows(site):
    return {row.key: row for row in Finding.objects.filter(site=site, check_id=CheckId.M13)}


def test_a_problem_seen_again_stays_one_row_and_one_gone_is_resolved(site):
    scan(site, keys=["a", "b"])
    first = rows(site)
    scan(site, keys=["a"])
    second = rows(site)
    assert second["a"].pk == first["a"].pk and second["a"].last_seen_at > first["a"].last_seen_at
    assert second["a"].first_seen_at == first["a"].first_seen_at
    assert second["a"].resolved_at is None and second["b"].resolved_at is not None
    scan(site, keys=["a", "b"])
    assert rows(site)["b"].resolved_at is None  # it came back


def test_a_check_that_crashed_resolves_nothing_and_the_others_results_are_kept(site):
    scan(site, keys=["a"])
    result = scan(site, keys=[], crash=True)
    assert "the link checker fell over" in result.error
    assert rows(site)["a"].resolved_at is None
    assert Finding.objects.get(site=site, check_id=CheckId.M09).resolved_at is None
    assert result.status == Scan.Status.DONE


def test_a_dismissed_finding_stays_dismissed_and_a_confirmed_one_that_returns_asks_again(site):
    scan(site, keys=["a", "b"])
    Finding.objects.filter(key="a").update(review=Finding.Review.DISMISSED)
    Finding.objects.filter(key="b").update(review=Finding.Review.CONFIRMED)
    scan(site, keys=["a"])
    scan(site, keys=["a", "b"])
    found = rows(site)
    assert found["a"].review == Finding.Review.DISMISSED
    assert found["b"].review == Finding.Review.PENDING


def test_keep_stores_reports_of_a_context(site):
    ctx = ScanContext(site)
    ctx.report(CheckId.M16, "typo:按装:/p/", "疑似错别字：按装", evidence={"correction": "安装"})
    keep(ctx, Scan.objects.create(site=site))
    assert Finding.objects.get(site=site, check_id=CheckId.M16).evidence == {"correction": "安装"}


def test_a_dotted_path_that_does_not_import_is_a_startup_error(settings):
    settings.MONITOR_NEW_MEDIA_SOURCES = ["channels.nowhere.accounts"]
    errors = [error for error in run_checks() if error.id == "monitoring.E001"]
    assert len(errors) == 1 and "channels.nowhere.accounts" in errors[0].msg


@pytest.mark.parametrize(
    ("content_type", "body", "text"),
    [
        ("text/html", "政府网站".encode(), "政府网站"),  # no charset named: UTF-8, not ISO-8859-1
        ("text/html; charset=GBK", "政府网站".encode("gbk"), "政府网站"),
        ('text/html; charset="utf-8"', "政府网站".encode(), "政府网站"),
        ("text/html; charset=nonsense", "政府网站".encode(), "政府网站"),
    ],
)
def test_served_pages_are_read_in_the_charset_they_name(content_type, body, text):
    from monitoring.fetch import Fetcher
    from tests.monitoring.standin import Planted, StandIn

    with StandIn() as standin:
        standin.routes["/"] = Planted(200, body, content_type)
        fetched = Fetcher(rate=None).get(standin.url() + "/")
    assert fetched.ok and fetched.text == text
