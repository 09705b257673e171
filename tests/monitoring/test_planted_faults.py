"""The monitor against a planted-fault cluster served over real HTTP (issue 17, "Must
show"): the platform runs in the live server, and each site's public address is a
stand-in in front of it (tests/monitoring/standin.py) that passes requests on, except
where a fault is planted: a page defaced on its way out, a link that never answers.

One site has every fault: its homepage and news column were last updated 15 days ago, a
column is blank, an item links to a missing page, shows a missing picture and links to
an address that times out, names a sensitive word and a leader with the wrong title, a
page is served with a hidden link the platform never published, a letter waits for its
answer past the 3-month line, and its WeChat account has been silent for 15 days. One
site cannot be reached at all. A clean site has none of these: no veto, no warning and
no finding of any kind."""

import datetime
import socket

import pytest
from django.core import mail
from django.utils import timezone
from wagtail.models import Page

from channels.wechat.models import WeChatAccount, WeChatArticle
from cms.pages import ColumnType, UpdateFrequency
from interaction.mailbox import LetterStatus, MailboxPage
from monitoring.models import (
    Alert,
    AlertRecipient,
    CheckId,
    DailyScore,
    DictionaryWord,
    Finding,
    MonitorSettings,
)
from monitoring.scan import scan_site
from tests.channels.transactional import baseline, snapshot  # noqa: F401 - the database back after each test
from tests.channels.wechat_fixtures import make_image
from tests.factories import make_article, make_column, make_site
from tests.interaction.mailbox_builders import make_letter, make_mailbox
from tests.monitoring.standin import Planted, StandIn

pytestmark = pytest.mark.django_db(transaction=True)

# The scans run on this clock too: the faults are planted so many days before it, and a scan
# reading its own clock after Beijing's midnight (16:00 UTC) would count one day more.
NOW = timezone.now()
HIDDEN_LINK = '<div style="display:none"><a href="http://casino.example/">在线博彩</a></div>'


def paragraph(html):
    return [("paragraph", html)]


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def monitor_through(site, base_url):
    settings_row = MonitorSettings.for_site(site)
    settings_row.base_url = base_url
    settings_row.requests_per_second = 200
    settings_row.save()


def quiet_columns(home):
    """The mailbox builder's 互动交流 column and the mailbox list no items: no update rule."""
    for page in Page.objects.descendant_of(home).specific():
        if page.title == "互动交流" or isinstance(page, MailboxPage):
            page.update_frequency = UpdateFrequency.NONE
            page.save_revision().publish()


def build_faulty(standin):
    site = make_site("bad.pf.localhost", "故障县人民政府").site
    home = site.root_page.specific
    news = make_column(home, "工作动态", slug="gzdt", column_type=ColumnType.NEWS)
    make_article(news, "县政府召开常务会议", published_at=NOW - datetime.timedelta(days=20))
    make_article(news, "全县安全生产工作会议召开", published_at=NOW - datetime.timedelta(days=15))
    notices = make_column(
        home, "通知公告", slug="tzgg", column_type=ColumnType.NOTICE, update_frequency=UpdateFrequency.NOTICE
    )
    faulty = make_article(
        notices,
        "关于开展防汛检查的通知",
        published_at=NOW - datetime.timedelta(days=16),
        body=[
            *paragraph(
                "<p>副市长王建国出席会议。会议强调严厉打击赌博违法活动。"
                '详见<a href="/no-such-page/">检查方案</a>，'
                f'下载<a href="http://127.0.0.1:{standin.port}/slow/">附件清单</a>。</p>'
            ),
            # Uploaded media are not served here: the picture's address answers 404.
            (
                "image",
                {"image": make_image("防汛检查现场"), "alt_text": "防汛检查现场", "decorative": False},
            ),
        ],
    )
    defaced = make_article(
        notices,
        "关于做好春节期间值班工作的通知",
        published_at=NOW - datetime.timedelta(days=17),
        body=paragraph("<p>各乡镇、各部门：请做好值班工作。</p>"),
    )
    blank = make_column(home, "专项工作", slug="zxgz", update_frequency=UpdateFrequency.PLANNING)
    mailbox = make_mailbox(site.root_page.specific, "县长信箱")
    make_letter(mailbox, status=LetterStatus.ACCEPTED, submitted_at=NOW - datetime.timedelta(days=100))
    quiet_columns(home)
    account = WeChatAccount.for_site(site)
    account.appid, account.name, account.enabled = "wxbad0001", "故障县发布", True
    account.set_secrets(secret="s3cret")
    account.save()
    WeChatArticle.objects.create(
        page=faulty,
        account=account,
        article_id="ART1",
        submitted_at=NOW - datetime.timedelta(days=15),
    )
    DictionaryWord.objects.create(kind=DictionaryWord.Kind.LEADER, word="王建国", correction="市长")
    DictionaryWord.objects.create(kind=DictionaryWord.Kind.SENSITIVE, word="赌博")
    # Defaced outside the platform: the served page gains a hidden link on its way out.
    defaced_path = defaced.relative_url(site)
    standin.rewrite[defaced_path] = lambda body: body.replace("</main>", HIDDEN_LINK + "</main>")
    monitor_through(site, f"http://bad.pf.localhost:{standin.port}")
    return {
        "site": site,
        "news": news,
        "notices": notices,
        "faulty": faulty,
        "defaced": defaced,
        "blank": blank,
        "mailbox": mailbox,
    }


def build_clean(standin):
    site = make_site("good.pf.localhost", "达标县人民政府").site
    home = site.root_page.specific
    news = make_column(home, "工作动态", slug="gzdt", column_type=ColumnType.NEWS)
    make_article(news, "县长调研春耕生产", published_at=NOW - datetime.timedelta(days=2))
    notices = make_column(
        home, "通知公告", slug="tzgg", column_type=ColumnType.NOTICE, update_frequency=UpdateFrequency.NOTICE
    )
    make_article(
        notices,
        "关于公布办事指南的通知",
        published_at=NOW - datetime.timedelta(days=3),
        body=paragraph(f'<p>市长王建国主持会议。详见<a href="{news.relative_url(site)}">工作动态</a>。</p>'),
    )
    mailbox = make_mailbox(site.root_page.specific, "县长信箱")
    make_letter(mailbox, status=LetterStatus.REPLIED, submitted_at=NOW - datetime.timedelta(days=100))
    quiet_columns(home)
    monitor_through(site, f"http://good.pf.localhost:{standin.port}")
    return site


@pytest.fixture
def cluster(live_server, settings):
    settings.MONITOR_FINGERPRINTS = True
    # Every page's footer links to the national filing and website-mark services; this
    # machine has no internet, so they would be suspected failures on every site.
    settings.MONITOR_LINK_SKIP_HOSTS = ["*.gov.cn", "*.conac.cn"]
    with StandIn(upstream=live_server.url) as standin:
        standin.routes["/slow/"] = Planted(200, "late", delay=4)
        faulty = build_faulty(standin)
        clean = build_clean(standin)
        down = make_site("down.pf.localhost", "断网县人民政府").site
        monitor_through(down, f"http://down.pf.localhost:{free_port()}")
        AlertRecipient.objects.create(name="值班员", email="duty@czs.localhost")
        yield {"faulty": faulty, "clean": clean, "down": down, "standin": standin}


def open_findings(site):
    return {
        (row.check_id, row.key): row
        for row in Finding.objects.filter(site=site, resolved_at__isnull=True).exclude(
            review=Finding.Review.DISMISSED
        )
    }


def by_check(rows, check_id):
    return [row for (check, _), row in rows.items() if check == check_id]


def test_every_planted_fault_is_found_with_its_evidence_and_the_clean_site_has_none(cluster):
    faulty = cluster["faulty"]
    site = faulty["site"]
    scan = scan_site(site, now=NOW)
    found = open_findings(site)

    # M03 / M06: the homepage and the news column, last updated 15 days ago.
    (homepage,) = by_check(found, CheckId.M03)
    assert homepage.evidence["days"] == 15
    stale = {row.page_id: row for row in by_check(found, CheckId.M06)}
    assert set(stale) == {faulty["news"].pk}
    assert stale[faulty["news"].pk].evidence["latest_title"] == "全县安全生产工作会议召开"
    # M09: the blank column, and no other.
    assert [row.page_id for row in by_check(found, CheckId.M09)] == [faulty["blank"].pk]

    # M13: the missing page (certain), the address that never answered (suspected).
    links = {row.evidence["target"]: row for row in by_check(found, CheckId.M13)}
    missing = next(row for target, row in links.items() if target.endswith("/no-such-page/"))
    assert missing.certainty == Finding.Certainty.CERTAIN
    assert missing.evidence["status"] == 404
    assert missing.evidence["text"] == "检查方案"
    assert missing.evidence["parent_title"] == "关于开展防汛检查的通知"
    assert missing.evidence["parent_url"].endswith(faulty["faulty"].relative_url(site))
    slow = next(row for target, row in links.items() if target.endswith("/slow/"))
    assert slow.certainty == Finding.Certainty.SUSPECTED
    assert slow.evidence["status"] is None and slow.evidence["error"] == "timeout"

    picture = next(row for row in links.values() if row.evidence["kind"] == "image")
    assert picture.certainty == Finding.Certainty.CERTAIN and picture.evidence["status"] == 404
    assert picture.evidence["text"] == "防汛检查现场"

    # M16: the sensitive word and the leader's wrong title, on that page.
    wording = {row.evidence["kind"]: row for row in by_check(found, CheckId.M16)}
    assert wording["sensitive"].evidence["word"] == "赌博"
    assert wording["leader"].evidence["word"] == "王建国"
    assert "副市长" in wording["leader"].title and wording["leader"].page_id == faulty["faulty"].pk

    # M17: the page defaced outside the platform, with the hidden link as evidence.
    (tampered,) = by_check(found, CheckId.M17)
    assert tampered.page_id == faulty["defaced"].pk
    assert tampered.evidence["hidden_links"][0]["href"] == "http://casino.example/"

    # M11: the letter past its 3-month line; M10: the mailbox works, no finding.
    (overdue,) = by_check(found, CheckId.M11)
    assert overdue.evidence["mailbox"] == "县长信箱"
    assert not by_check(found, CheckId.M10)
    # M24: the WeChat account, silent for 15 days.
    (silent,) = by_check(found, CheckId.M24)
    assert silent.evidence["days"] == 15

    # The scorecard: the vetoes these faults cross, and the deductions.
    vetoes = {line["check"] for line in scan.result["vetoes"]}
    assert vetoes == {"M03", "M11", "M17"}
    assert scan.passed is False
    lost = {row["check"]: row for row in scan.result["deductions"]}
    assert lost["M06"]["count"] == 1 and lost["M09"]["count"] == 1 and lost["M24"]["count"] == 1
    assert lost["M13"]["count"] == len([row for row in links.values() if row.certainty == "certain"])
    assert scan.score == 100 - sum(row["points"] for row in lost.values())
    assert DailyScore.objects.get(site=site).passed is False

    # The alerts: one mail naming the vetoes, and no second one for the same problems.
    assert len(mail.outbox) == 1 and "单项否决" in mail.outbox[0].subject
    assert set(Alert.objects.filter(site=site, closed_at__isnull=True).values_list("level", flat=True)) == {
        "veto"
    }
    scan_site(site, now=NOW)
    assert len(mail.outbox) == 1


def test_an_unreachable_site_fails_availability(cluster):
    scan = scan_site(cluster["down"], now=NOW)
    # (An empty site without a mailbox also fails M03 and M10; M01 is the one at issue.)
    (availability,) = [line for line in scan.result["vetoes"] if line["check"] == "M01"]
    assert availability["value"] == 1.0
    (finding,) = Finding.objects.filter(site=cluster["down"], check_id=CheckId.M01)
    assert finding.evidence["error"]
    assert scan.passed is False


def test_the_clean_site_has_no_veto_and_no_false_finding(cluster):
    site = cluster["clean"]
    scan = scan_site(site, now=NOW)
    assert list(Finding.objects.filter(site=site).values_list("check_id", "title")) == []
    assert scan.result["vetoes"] == [] and scan.result["warnings"] == []
    assert scan.score == 100 and scan.passed is True
    assert scan.requests > 5
