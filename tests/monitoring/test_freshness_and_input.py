"""M03/M05/M06/M09 (monitoring/freshness.py), M10/M11 (monitoring/citizen_input.py) and
the scheduler (monitoring/tasks.py), against planted pages on an HTTP stand-in: the
content model comes from the test database, the served HTML from the stand-in."""

import datetime

import pytest
from django.utils import timezone

from cms.pages import ColumnType, UpdateFrequency
from interaction.mailbox import LetterStatus
from monitoring import citizen_input, freshness, tasks
from monitoring.models import CheckId, MonitorSettings, Probe, Scan
from monitoring.scan import ScanContext
from tests.factories import make_article, make_column, make_site
from tests.interaction.mailbox_builders import make_letter, make_mailbox
from tests.monitoring.standin import Planted, StandIn

# Every scan here runs on this clock: the pages are planted with dates counted from it, and a
# scan reading its own clock after Beijing's midnight (16:00 UTC) would count one day more.
NOW = timezone.now()
TODAY = timezone.localdate(NOW)


def days_ago(n):
    return NOW - datetime.timedelta(days=n)


def page_html(*dates, extra=""):
    shown = "".join(f"<time>{day:%Y-%m-%d}</time>" for day in dates)
    return f"<html><body><main><h1>x</h1>{shown}{extra}</main><footer>2000-01-01</footer></body></html>"


@pytest.fixture
def standin():
    with StandIn() as server:
        yield server


def site_behind(standin, hostname):
    site = make_site(hostname).site
    row = MonitorSettings.for_site(site)
    row.base_url = f"http://{hostname}:{standin.port}"
    row.requests_per_second = 0
    row.save()
    return site


def plant(standin, site, page, html, status=200):
    standin.routes[page.relative_url(site)] = Planted(status, html)


def reports(ctx, check_id):
    return [report for report in ctx.reports if report.check_id == check_id]


def test_an_item_showing_no_date_is_not_an_update(standin):
    site = site_behind(standin, "fresh.mon.localhost")
    home = site.root_page.specific
    news = make_column(home, "工作动态", slug="gzdt", column_type=ColumnType.NEWS)
    older = make_article(news, "五天前的信息", published_at=days_ago(5))
    newest = make_article(news, "今天的信息", published_at=days_ago(0))
    plant(standin, site, home, page_html(timezone.localdate(days_ago(0))))
    plant(standin, site, newest, page_html())  # the page prints no date
    plant(standin, site, older, page_html(timezone.localdate(days_ago(5))))
    ctx = ScanContext(site, now=NOW)
    freshness.check(ctx)
    (undated,) = reports(ctx, CheckId.M05)
    assert undated.page_id == newest.pk
    assert reports(ctx, CheckId.M06) == []  # the older item, dated, keeps the column fresh
    assert ctx.figures[CheckId.M03]["days"] == 0 and ctx.figures[CheckId.M05] == {"undated": 1}
    assert {CheckId.M03, CheckId.M05, CheckId.M06, CheckId.M09} <= ctx.completed


def test_a_column_whose_items_all_show_no_date_is_stale_and_dates_outside_main_do_not_count(standin):
    site = site_behind(standin, "stale.mon.localhost")
    home = site.root_page.specific
    notices = make_column(home, "通知公告", slug="tzgg", update_frequency=UpdateFrequency.NOTICE)
    item = make_article(notices, "通知", published_at=days_ago(1))
    plant(standin, site, home, page_html(TODAY))
    plant(
        standin,
        site,
        item,
        "<html><body><main>无日期</main><footer>" + f"{TODAY:%Y-%m-%d}</footer></body></html>",
    )
    ctx = ScanContext(site, now=NOW)
    freshness.check(ctx)
    (stale,) = reports(ctx, CheckId.M06)
    assert stale.evidence["latest"] is None and stale.evidence["required_days"] == 182
    assert stale.evidence["key_column"] is True  # a first-level notice column counts for M07


def test_the_homepage_falls_back_to_the_content_model_when_it_cannot_be_served(standin):
    site = site_behind(standin, "down.mon.localhost")
    news = make_column(site.root_page.specific, "工作动态", slug="gzdt")
    item = make_article(news, "信息", published_at=days_ago(11))
    plant(standin, site, item, page_html(timezone.localdate(days_ago(11))))
    # The homepage is not planted: the stand-in answers 404.
    ctx = ScanContext(site, now=NOW)
    freshness.check(ctx)
    assert ctx.figures[CheckId.M03] == {
        "latest": f"{timezone.localdate(days_ago(11))}",
        "days": 11,
        "source": "content",
    }
    (home,) = reports(ctx, CheckId.M03)
    assert home.title == "首页已 11 天未更新"


def test_blank_columns_are_plain_columns_without_items_and_aliases_are_skipped(standin):
    site = site_behind(standin, "blank.mon.localhost")
    home = site.root_page.specific
    blank = make_column(home, "空白栏目", slug="kb", update_frequency=UpdateFrequency.NONE)
    parent = make_column(home, "机构职能", slug="jgzn", update_frequency=UpdateFrequency.NONE)
    make_column(parent, "领导信息", slug="ldxx", update_frequency=UpdateFrequency.NONE)
    blank.create_alias(parent=parent, update_slug="kb-alias")
    make_mailbox(site.root_page.specific, "县长信箱", update_frequency=UpdateFrequency.NONE)
    plant(standin, site, home, page_html(TODAY))
    ctx = ScanContext(site, now=NOW)
    freshness.check(ctx)
    titles = sorted(report.title for report in reports(ctx, CheckId.M09))
    # The empty sub-column and the empty column are blank; the parent with a sub-column,
    # the alias (its original is counted) and the mailbox are not; neither is 互动交流, the
    # mailbox builder's parent column.
    assert titles == ["空白栏目：空白栏目", "空白栏目：领导信息"]


def test_a_working_mailbox_form_is_a_channel_and_a_letter_near_its_line_is_counted(standin):
    site = site_behind(standin, "input.mon.localhost")
    mailbox = make_mailbox(site.root_page.specific, "县长信箱")
    make_letter(mailbox, status=LetterStatus.ASSIGNED, submitted_at=days_ago(80))
    make_letter(mailbox, status=LetterStatus.REPLIED, submitted_at=days_ago(200))
    make_letter(mailbox, status=LetterStatus.REJECTED, submitted_at=days_ago(120))
    standin.routes[mailbox.relative_url(site) + "xiexin/"] = Planted(200, "<form method=post></form>")
    ctx = ScanContext(site, now=NOW)
    citizen_input.check(ctx)
    assert reports(ctx, CheckId.M10) == [] and reports(ctx, CheckId.M11) == []
    assert ctx.figures[CheckId.M11] == {"overdue": 0, "near_line": 1}
    assert ctx.figures[CheckId.M10] == {"channels": 1, "working": 1}


def test_a_broken_form_is_no_channel_unless_the_shared_one_works(standin):
    site = site_behind(standin, "noinput.mon.localhost")
    mailbox = make_mailbox(site.root_page.specific, "县长信箱")
    standin.routes[mailbox.relative_url(site) + "xiexin/"] = Planted(500, "error")
    ctx = ScanContext(site, now=NOW)
    citizen_input.check(ctx)
    (missing,) = reports(ctx, CheckId.M10)
    assert missing.title == "在线咨询渠道无法使用" and list(missing.evidence["answers"].values()) == [500]

    row = MonitorSettings.for_site(site)
    row.consultation_url = f"http://127.0.0.1:{standin.port}/shared/xiexin/"
    row.save()
    standin.routes["/shared/xiexin/"] = Planted(200, "<form></form>")
    ctx = ScanContext(site, now=NOW)
    citizen_input.check(ctx)
    assert reports(ctx, CheckId.M10) == []


def test_a_site_without_any_channel_is_reported(standin):
    site = site_behind(standin, "none.mon.localhost")
    ctx = ScanContext(site, now=NOW)
    citizen_input.check(ctx)
    (missing,) = reports(ctx, CheckId.M10)
    assert missing.title == "没有可用的在线咨询渠道"


def test_probes_run_for_due_sites_only(standin, settings):
    settings.MONITOR_PROBE_INTERVAL = 1800
    due = site_behind(standin, "due.mon.localhost")
    recent = site_behind(standin, "recent.mon.localhost")
    # The tasks read their own clock: the probes are dated by the clock now, not by the
    # module's (read at collection, which a slow run can leave half an hour behind).
    now = timezone.now()
    Probe.objects.create(site=recent, ok=True, at=now - datetime.timedelta(minutes=5))
    Probe.objects.create(site=due, ok=True, at=now - datetime.timedelta(minutes=31))
    standin.routes["/"] = Planted(200, "home")
    assert tasks.probe_sites.call() == 1
    probe = Probe.objects.filter(site=due).latest("at")
    assert probe.ok and probe.status_code == 200
    assert standin.requests == [(f"due.mon.localhost:{standin.port}", "/")]


def test_the_scheduler_queues_each_due_site_once(standin, settings):
    settings.MONITOR_SCAN_INTERVAL = 3600
    settings.MONITOR_CHECKS = ["monitoring.availability.check"]
    fresh = site_behind(standin, "scanned.mon.localhost")
    stale = site_behind(standin, "unscanned.mon.localhost")
    now = timezone.now()  # the tasks' own clock, as above
    Scan.objects.create(site=fresh, status=Scan.Status.DONE, started_at=now - datetime.timedelta(minutes=10))
    Scan.objects.create(site=stale, status=Scan.Status.DONE, started_at=now - datetime.timedelta(hours=2))
    standin.routes["/"] = Planted(200, "home")
    assert [site.hostname for site in tasks.due_sites()] == ["unscanned.mon.localhost"]
    # The test settings run tasks at once: the queued row becomes the finished scan.
    assert tasks.scan_due_sites.call() == 1
    latest = Scan.objects.filter(site=stale).latest("started_at")
    assert latest.status == Scan.Status.DONE and latest.score == 100
    assert Scan.objects.filter(status=Scan.Status.RUNNING).count() == 0
    assert tasks.due_sites() == []


def test_the_worker_clock_runs_the_monitor():
    from cms.clock import periodic_tasks

    assert {tasks.probe_sites, tasks.scan_due_sites, tasks.send_daily_digest} <= set(periodic_tasks())
