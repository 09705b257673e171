"""M13 (monitoring/links.py): the links, images and attachments of each served page, and
the pages themselves, checked once per scan over real HTTP (a stand-in with planted
answers): 404/403/410 certain, other errors and silence suspected, with the link text, the
page it is on and that page's title as evidence."""

import socket

import pytest

from monitoring import findings, links
from monitoring.fetch import Fetched
from monitoring.models import CheckId, Finding, MonitorSettings, Scan
from monitoring.scan import ScanContext
from tests.factories import make_article, make_column, make_site
from tests.monitoring.standin import Planted, StandIn

HOST = "www.lk.localhost"


def free_port():
    """A port nobody listens on: connecting to it is refused."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def html(body):
    return f"<html><head><title>t</title></head><body><main>{body}</main></body></html>"


@pytest.fixture
def served():
    site = make_site(HOST, "郴州市人民政府").site
    home = site.root_page.specific
    column = make_column(home, "工作动态", slug="gzdt")
    article = make_article(column, "关于开展防汛检查的通知", slug="fxjc")
    gone = make_article(column, "已删除的通知", slug="gone")
    refused = free_port()
    with StandIn() as standin:
        base = f"http://{HOST}:{standin.port}"
        standin.routes["/"] = Planted(
            body=html(
                '<a href="/gzdt/">工作动态</a>'
                '<a href="/no-such-page/">检查方案</a>'  # 404, also linked from the article
                '<a href="files/report.pdf">2014年工作报告</a>'  # relative: /files/report.pdf, 403
                '<img src="/media/gone.jpg" alt="防汛检查现场">'  # 404
                '<a href="/slow/">慢速链接</a>'  # answers after the timeout
                '<a href="/broken/">故障链接</a>'  # 500
                f'<a href="http://ext.localhost:{refused}/x">外部网站</a>'  # connection refused
                '<a href="/ok.html#part">好链接</a>'
                '<a href="/ok.html"><img src="/logo.png" alt="网站标志"></a>'
                '<a href="mailto:zwgk@czs.gov.cn">来信</a><a href="tel:07352222222">电话</a>'
                '<a href="javascript:void(0)">脚本</a><a href="#top">顶部</a>'
                '<img src="data:image/png;base64,AAAA" alt="内嵌"><a href="/admin/">后台</a>'
                '<a href="">空</a><a>无地址</a>'
            )
        )
        standin.routes["/gzdt/"] = Planted(
            body=html(
                '<a href="/gzdt/fxjc/">防汛检查</a><a href="/gzdt/gone/">已删除</a><a href="/">首页</a>'
            )
        )
        standin.routes["/gzdt/fxjc/"] = Planted(
            body=html(
                f'详见<a href="{base}/no-such-page/">检查方案（附件）</a>'
                '<a href="/documents/12/plan.docx">下载方案</a>'  # Wagtail's documents: 410
                '<a href="/ok.html">好链接</a>'
            )
        )
        standin.routes["/gzdt/gone/"] = Planted(404, "not found", "text/html")
        standin.routes["/files/report.pdf"] = Planted(403, "forbidden", "application/pdf")
        standin.routes["/documents/12/plan.docx"] = Planted(410, "gone", "text/plain")
        standin.routes["/slow/"] = Planted(body="late", delay=4)
        standin.routes["/broken/"] = Planted(500, "error", "text/html")
        standin.routes["/ok.html"] = Planted(body=html("好"))
        standin.routes["/logo.png"] = Planted(body="png", content_type="image/png")
        settings_row = MonitorSettings.for_site(site)
        settings_row.base_url = base
        settings_row.requests_per_second = 500
        settings_row.save()
        yield {
            "site": site,
            "home": home,
            "column": column,
            "article": article,
            "gone": gone,
            "standin": standin,
            "base": base,
            "refused": refused,
        }


def scan(site):
    ctx = ScanContext(site)
    record = Scan.objects.create(site=site, started_at=ctx.now)
    links.check(ctx)
    findings.keep(ctx, record)
    return ctx


def found(site):
    return {row.key: row for row in findings.open_findings(site, CheckId.M13)}


def test_broken_links_images_and_attachments_are_found_with_their_evidence(served):
    site, base, home, article = served["site"], served["base"], served["home"], served["article"]
    ctx = scan(site)
    rows = found(site)
    external = f"http://ext.localhost:{served['refused']}/x"
    # One finding per broken target, however many pages link to it.
    assert set(rows) == {
        f"{base}/no-such-page/",
        f"{base}/files/report.pdf",
        f"{base}/media/gone.jpg",
        f"{base}/slow/",
        f"{base}/broken/",
        external,
        f"{base}/documents/12/plan.docx",
        f"{base}/gzdt/gone/",  # the link to the missing page
        f"page:{base}/gzdt/gone/",  # and the page itself
    }

    missing = rows[f"{base}/no-such-page/"]
    assert missing.certainty == Finding.Certainty.CERTAIN
    assert missing.title == "死链：检查方案"
    assert missing.url == f"{base}/no-such-page/" and missing.page_id == home.pk
    assert missing.evidence == {
        "target": f"{base}/no-such-page/",
        "text": "检查方案",
        "kind": "link",
        "internal": True,
        "status": 404,
        "error": "",
        "parent_url": f"{base}/",
        "parent_title": "郴州市人民政府",
        # Every page linking to it, each with its own link text.
        "parents": [
            {"url": f"{base}/", "title": "郴州市人民政府", "text": "检查方案"},
            {"url": f"{base}/gzdt/fxjc/", "title": "关于开展防汛检查的通知", "text": "检查方案（附件）"},
        ],
        "parent_count": 2,
    }
    assert article.title == "关于开展防汛检查的通知"

    report = rows[f"{base}/files/report.pdf"]
    assert (report.certainty, report.evidence["kind"], report.evidence["status"]) == (
        "certain",
        "attachment",
        403,
    )
    assert report.title == "附件无法下载：2014年工作报告"
    document = rows[f"{base}/documents/12/plan.docx"]
    assert (document.certainty, document.evidence["kind"], document.evidence["status"]) == (
        "certain",
        "attachment",
        410,
    )
    image = rows[f"{base}/media/gone.jpg"]
    assert (image.certainty, image.evidence["kind"], image.evidence["text"]) == (
        "certain",
        "image",
        "防汛检查现场",
    )
    assert image.title == "图片无法显示：防汛检查现场"

    slow = rows[f"{base}/slow/"]
    assert slow.certainty == Finding.Certainty.SUSPECTED
    assert (slow.evidence["status"], slow.evidence["error"]) == (None, "timeout")
    assert slow.title == "疑似不可用链接：慢速链接"
    broken = rows[f"{base}/broken/"]
    assert (broken.certainty, broken.evidence["status"], broken.evidence["error"]) == ("suspected", 500, "")
    outside = rows[external]
    assert outside.certainty == Finding.Certainty.SUSPECTED
    assert outside.evidence["internal"] is False and outside.evidence["status"] is None
    assert outside.evidence["error"] == "ConnectionError"

    page = rows[f"page:{base}/gzdt/gone/"]
    assert (page.certainty, page.evidence["kind"], page.page_id) == ("certain", "page", served["gone"].pk)
    assert page.title == "页面无法访问：已删除的通知"

    assert ctx.figures["M13"] == {
        "pages": 4,
        "failed_pages": 1,
        "targets": 13,
        "checked": 13,
        "skipped": 0,
        "certain": 6,
        "suspected": 3,
    }
    assert "M13" in ctx.completed


def test_each_target_is_requested_once_and_skipped_addresses_never(served):
    standin = served["standin"]
    scan(served["site"])
    paths = [path for _host, path in standin.requests]
    # Every page once (links to pages reuse the scan's cache), every other target once,
    # however many pages link to it; no mail, phone, script, data, anchor or admin address.
    assert sorted(paths) == sorted(
        [
            "/",
            "/gzdt/",
            "/gzdt/fxjc/",
            "/gzdt/gone/",
            "/no-such-page/",
            "/files/report.pdf",
            "/media/gone.jpg",
            "/slow/",
            "/broken/",
            "/ok.html",
            "/logo.png",
            "/documents/12/plan.docx",
        ]
    )
    # The page's own address is asked with the site's name (MONITOR_RESOLVE), the
    # external one with its own.
    assert {host for host, _path in standin.requests} == {f"{HOST}:{standin.port}"}


def test_good_pages_and_links_give_no_finding_and_a_fixed_link_is_resolved(served):
    site, standin, base = served["site"], served["standin"], served["base"]
    scan(site)
    assert f"{base}/no-such-page/" in found(site)
    # Everything fixed: the links answer, the missing page is back.
    for path in ("/no-such-page/", "/files/report.pdf", "/media/gone.jpg", "/slow/", "/broken/"):
        standin.routes[path] = Planted(body=html("好"))
    standin.routes["/gzdt/gone/"] = Planted(body=html("已恢复"))
    standin.routes["/documents/12/plan.docx"] = Planted(body="docx", content_type="application/octet-stream")
    # The outside site is up again (ext.localhost is 127.0.0.1 too: the stand-in answers).
    home = standin.routes["/"]
    home.body = home.body.replace(f"ext.localhost:{served['refused']}", f"ext.localhost:{standin.port}")
    standin.routes["/x"] = Planted(body=html("好"))
    ctx = scan(site)
    assert found(site) == {}
    assert ctx.figures["M13"]["certain"] == ctx.figures["M13"]["suspected"] == 0
    assert Finding.objects.filter(site=site, check_id=CheckId.M13, resolved_at__isnull=False).count() == 9


def test_the_cap_on_targets_is_kept_and_reported(served, settings):
    settings.MONITOR_MAX_LINKS = 3
    standin = served["standin"]
    ctx = scan(served["site"])
    figures = ctx.figures["M13"]
    # The site's pages are in the scan's cache already and cost nothing: only the others count.
    assert (figures["targets"], figures["checked"], figures["skipped"]) == (13, 4 + 3, 6)
    page_paths = {"/", "/gzdt/", "/gzdt/fxjc/", "/gzdt/gone/"}
    others = [path for _host, path in standin.requests if path not in page_paths]
    # The first three other targets, in the order the home page lists them.
    assert sorted(others) == ["/files/report.pdf", "/media/gone.jpg", "/no-such-page/"]
    assert {row.evidence["target"] for row in found(served["site"]).values()} == {
        f"{served['base']}{path}"
        for path in ("/files/report.pdf", "/media/gone.jpg", "/no-such-page/", "/gzdt/gone/")
    }


def test_addresses_are_resolved_and_sorted_by_kind():
    page = "http://www.lk.localhost/gzdt/fxjc/index.html"
    assert links.resolve("../a.html#x", page) == "http://www.lk.localhost/gzdt/a.html"
    assert links.resolve("  //cdn.example.org/i.png ", page) == "http://cdn.example.org/i.png"
    for skipped in (
        "mailto:a@b.cn",
        "TEL:110",
        "JavaScript:go()",
        "data:,x",
        "#top",
        "",
        "/admin/pages/",
        "ftp://x/",
    ):
        assert links.resolve(skipped, page) is None, skipped
    found = links.references(
        '<base href="/files/"><a href="a.PDF">文件</a><a href="/documents/3/x">文档</a>'
        '<a href="/about/"> 关于  我们 </a><img src="p.png"><a href="/about/">again</a>'
        '<a href="/accessibility/mode/text/?next=%2F" rel="nofollow">纯文本</a>',
        page,
    )
    assert [(o.target, o.kind, o.text) for o in found] == [
        ("http://www.lk.localhost/files/a.PDF", "attachment", "文件"),
        ("http://www.lk.localhost/documents/3/x", "attachment", "文档"),
        ("http://www.lk.localhost/about/", "link", "关于 我们"),
        ("http://www.lk.localhost/files/p.png", "image", ""),
    ]


def test_long_addresses_give_a_stable_key_within_the_column():
    target = "http://www.lk.localhost/" + "a" * 400
    key = links.key_of(target)
    assert len(key) <= 255 and key == links.key_of(target)
    assert key != links.key_of(target + "b")
    assert links.key_of("http://x/a") == "http://x/a"


def test_certainty_by_answer():
    assert links.certainty_of(Fetched(url="u", status=404)) == Finding.Certainty.CERTAIN
    assert links.certainty_of(Fetched(url="u", status=403)) == Finding.Certainty.CERTAIN
    assert links.certainty_of(Fetched(url="u", status=410)) == Finding.Certainty.CERTAIN
    assert links.certainty_of(Fetched(url="u", status=503)) == Finding.Certainty.SUSPECTED
    assert links.certainty_of(Fetched(url="u", status=401)) == Finding.Certainty.SUSPECTED
    assert links.certainty_of(Fetched(url="u", error="timeout")) == Finding.Certainty.SUSPECTED
    assert links.certainty_of(Fetched(url="u", status=200)) is None
    assert links.certainty_of(Fetched(url="u", status=301)) is None


def test_hosts_named_in_the_skip_list_are_never_asked(served, settings):
    settings.MONITOR_LINK_SKIP_HOSTS = ["ext.*"]
    ctx = scan(served["site"])
    targets = {row.evidence["target"] for row in found(served["site"]).values()}
    assert not any("ext.localhost" in target for target in targets)
    assert f"{served['base']}/broken/" in targets
    assert (ctx.figures["M13"]["skipped"], ctx.figures["M13"]["suspected"]) == (1, 2)
