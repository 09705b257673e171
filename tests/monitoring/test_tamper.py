"""Tamper detection and restore (M17, X04): fingerprints taken when the web channel delivers
a publish, the served page (an HTTP stand-in playing the public server) compared with them,
and the one-click restore in the admin."""

import pytest
from django.test import Client
from django.urls import reverse
from wagtail.models import PageLogEntry

from channels.models import Delivery
from monitoring import findings as finding_store
from monitoring import fingerprints, tamper
from monitoring.models import CheckId, Finding, Fingerprint, MonitorSettings, Scan
from monitoring.restore import RESTORE_LOG_ACTION
from monitoring.scan import ScanContext
from tests.factories import make_article, make_column, make_site, make_user

from .standin import Planted, StandIn

HOST = "www.tamper.localhost"
EVIL_SCRIPT = "https://evil.example.com/x.js"
EVIL_FRAME = "https://evil.example.com/frame.html"
SPAM = "https://casino.example.com/"


@pytest.fixture(autouse=True)
def _fingerprints_on(settings):
    settings.MONITOR_FINGERPRINTS = True


@pytest.fixture
def portal():
    return make_site(hostname=HOST)


@pytest.fixture
def column(portal):
    return make_column(portal.home, title="工作动态", channels=["web"])


@pytest.fixture
def article(column, django_capture_on_commit_callbacks):
    # The publish's deliveries (and the fingerprints after them) run once it commits.
    with django_capture_on_commit_callbacks(execute=True):
        return make_article(
            column, title="市政府召开常务会议", body=[("paragraph", "<p>会议研究了民生实事。</p>")]
        )


@pytest.fixture(scope="module")
def server():
    with StandIn() as running:
        yield running


@pytest.fixture
def standin(server, portal):
    """The site's public address: a stand-in serving what each test plants."""
    server.routes.clear()
    server.requests.clear()
    settings = MonitorSettings.for_site(portal.site)
    settings.base_url = f"http://{HOST}:{server.port}"
    settings.save()
    return server


def render(page, portal):
    """The page as the platform serves it to a citizen."""
    response = Client(HTTP_HOST=HOST).get(page.relative_url(portal.site))
    assert response.status_code == 200
    return response.content.decode()


def plant(standin, page, portal, html):
    standin.routes[page.relative_url(portal.site)] = Planted(body=html)


def scan(portal):
    ctx = ScanContext(portal.site)
    tamper.check(ctx)
    return ctx


def keep(ctx):
    finding_store.keep(ctx, Scan.objects.create(site=ctx.site))


def by_key(ctx):
    return {report.key: report for report in ctx.reports}


def deface(html):
    return html.replace("</main>", "<p>本站已被黑客接管</p></main>").replace(
        "</body>",
        f'<script src="{EVIL_SCRIPT}"></script><iframe src="{EVIL_FRAME}"></iframe>'
        f'<div style="display: none"><a href="{SPAM}">网上赌场</a></div></body>',
    )


# -- fingerprints --------------------------------------------------------------------------


def test_publishing_fingerprints_the_page_and_its_lists(portal, column, article):
    fingerprint = Fingerprint.objects.get(page=article)
    assert fingerprint.revision_id == article.live_revision_id
    assert fingerprint.url == f"http://{HOST}{article.relative_url(portal.site)}"
    assert len(fingerprint.digest) == 64
    assert "/static/js/a11y-toolbar.js" in fingerprint.scripts
    assert fingerprint.frames == []
    # The lists that show it changed with it: the column and the home page.
    assert set(Fingerprint.objects.values_list("page_id", flat=True)) == {
        article.pk,
        column.pk,
        portal.home.pk,
    }


def test_no_fingerprints_when_switched_off(settings, column, django_capture_on_commit_callbacks):
    settings.MONITOR_FINGERPRINTS = False
    with django_capture_on_commit_callbacks(execute=True):
        make_article(column)
    assert Delivery.objects.filter(channel="web", status="delivered").exists()
    assert not Fingerprint.objects.exists()


def test_two_renders_differing_in_nonces_tokens_and_whitespace_are_the_same(portal, article):
    html = render(article, portal)

    def variant(nonce, token, space):
        extra = (
            f'<form method="post"><input type="hidden" name="csrfmiddlewaretoken" value="{token}">'
            f"<button>提交</button></form>{space}"
            f'<script nonce="{nonce}">var csrfToken = "{token}";</script>'
        )
        return html.replace("</main>", extra + "</main>").replace("<h1>", f"<h1>{space}")

    url = f"http://{HOST}/x/"
    hosts = fingerprints.own_hosts(portal.site)
    one = fingerprints.summarise(variant("n0nceA", "A" * 64, " "), url, hosts)
    two = fingerprints.summarise(variant("n0nceB", "b" * 64, "\n\n  "), url, hosts)
    assert one.digest == two.digest
    assert one.scripts.keys() == two.scripts.keys()
    changed = fingerprints.summarise(
        variant("n0nceA", "A" * 64, " ").replace("民生实事", "民生大事"), url, hosts
    )
    assert changed.digest != one.digest


# -- the check -----------------------------------------------------------------------------


def test_the_page_as_published_is_no_finding(portal, column, article, standin):
    # A fresh render: what any citizen gets, down to the accessibility toolbar that the
    # platform hides with the hidden attribute until its script shows it.
    plant(standin, article, portal, render(article, portal))
    plant(standin, portal.home, portal, render(portal.home, portal))
    ctx = scan(portal)
    assert ctx.reports == []
    # The column is fingerprinted but not served (404): unreachable is not tampered.
    assert ctx.figures[CheckId.M17] == {"pages": 2, "tampered": 0}
    assert CheckId.M17 in ctx.completed
    assert (f"{HOST}:{standin.port}", article.relative_url(portal.site)) in standin.requests


def test_a_defaced_page_is_found_with_its_evidence(portal, article, standin):
    fingerprint = Fingerprint.objects.get(page=article)
    plant(standin, article, portal, deface(render(article, portal)))
    ctx = scan(portal)
    found = by_key(ctx)
    assert set(found) == {f"{article.pk}:{kind}" for kind in ("content", "script", "iframe", "hidden_link")}
    assert all(r.check_id == "M17" and r.certainty == Finding.Certainty.CERTAIN for r in found.values())
    assert all(
        r.page_id == article.pk and r.url.endswith(article.relative_url(portal.site)) for r in found.values()
    )

    content = found[f"{article.pk}:content"]
    assert content.title == "网页内容与发布时不一致：市政府召开常务会议"
    assert "+本站已被黑客接管" in content.evidence["diff"]
    assert content.evidence["revision_id"] == fingerprint.revision_id
    assert content.evidence["fingerprint_at"] == fingerprint.taken_at.isoformat()

    script = found[f"{article.pk}:script"]
    assert script.title.startswith("被注入脚本")
    assert script.evidence["added_scripts"] == [EVIL_SCRIPT]
    assert found[f"{article.pk}:iframe"].evidence["added_frames"] == [EVIL_FRAME]

    hidden = found[f"{article.pk}:hidden_link"]
    assert hidden.title.startswith("隐藏链接")
    assert hidden.evidence["kind"] == "hidden_link"
    assert hidden.evidence["hidden_links"] == [{"href": SPAM, "text": "网上赌场"}]
    assert ctx.figures[CheckId.M17] == {"pages": 1, "tampered": 1}


def test_an_injected_inline_script_is_named_by_its_code(portal, article, standin):
    html = render(article, portal).replace("</body>", "<script>document.write('澳门赌场')</script></body>")
    plant(standin, article, portal, html)
    (report,) = scan(portal).reports
    assert report.key == f"{article.pk}:script"
    (added,) = report.evidence["added_scripts"]
    assert added.startswith("内联脚本 sha256:") and "澳门赌场" in added


def test_a_hidden_link_on_a_page_without_fingerprint_is_found(portal, article, standin):
    Fingerprint.objects.filter(page=portal.home).delete()
    hidden = (
        '<div style="position:absolute; left:-9999px"><a href="/col-x/">内部</a></div>'
        f'<p style="font-size:0">{"<a href=" + chr(34) + SPAM + chr(34) + ">代孕</a>"}</p>'
        f'<style>.seo{{height:0;overflow:hidden}}</style><div class="seo"><a href="{SPAM}p">博彩</a></div>'
    )
    plant(
        standin, portal.home, portal, render(portal.home, portal).replace("</footer>", "</footer>" + hidden)
    )
    ctx = scan(portal)
    (report,) = ctx.reports
    assert report.key == f"{portal.home.pk}:hidden_link"
    assert report.page_id == portal.home.pk
    assert report.evidence["fingerprint_at"] is None
    # The platform's own toolbar links (hidden attribute, same site) are not among them.
    assert report.evidence["hidden_links"] == [
        {"href": f"http://{HOST}:{standin.port}/col-x/", "text": "内部"},
        {"href": SPAM, "text": "代孕"},
        {"href": SPAM + "p", "text": "博彩"},
    ]


def test_only_fingerprinted_pages_and_the_home_page_are_fetched(portal, column, article, standin):
    other = make_article(column)  # published without its deliveries running: no fingerprint
    assert not Fingerprint.objects.filter(page=other).exists()
    scan(portal)
    fetched = {path for _host, path in standin.requests}
    assert fetched == {"/", column.relative_url(portal.site), article.relative_url(portal.site)}

    # A page another check of the scan fetched is looked at too, fingerprint or not.
    spam = f'<div hidden><a href="{SPAM}">博彩</a></div>'
    plant(standin, other, portal, render(other, portal).replace("</main>", spam + "</main>"))
    ctx = ScanContext(portal.site)
    ctx.fetch(ctx.url_of(other))
    tamper.check(ctx)
    (report,) = ctx.reports
    assert report.key == f"{other.pk}:hidden_link"
    assert report.evidence["hidden_links"] == [{"href": SPAM, "text": "博彩"}]


def test_what_the_platform_itself_now_serves_is_no_tampering(portal, article, standin):
    # A change without a new revision (as an item's approved answer is): the platform
    # renders it, so it is no defacement, and the stale fingerprint is re-taken.
    before = Fingerprint.objects.get(page=article)
    type(article).objects.filter(pk=article.pk).update(title="市政府召开第二次常务会议")
    plant(standin, article, portal, render(article, portal))
    assert scan(portal).reports == []
    assert Fingerprint.objects.get(page=article).digest != before.digest


def test_an_unpublished_page_loses_its_fingerprint(
    portal, article, standin, django_capture_on_commit_callbacks
):
    plant(standin, article, portal, deface(render(article, portal)))
    with django_capture_on_commit_callbacks(execute=True):
        article.unpublish()
    assert not Fingerprint.objects.filter(page=article).exists()
    ctx = scan(portal)
    assert ctx.reports == []
    assert article.relative_url(portal.site) not in {path for _host, path in standin.requests}


# -- restore -----------------------------------------------------------------------------


@pytest.fixture
def finding(portal, article, standin):
    plant(standin, article, portal, deface(render(article, portal)))
    keep(scan(portal))
    return Finding.objects.get(site=portal.site, key=f"{article.pk}:content")


def restore_url(finding):
    return reverse("monitoring:tamper_restore", args=[finding.pk])


def test_restore_is_refused_to_the_wrong_people_and_methods(client, portal, finding):
    other = make_site(hostname="www.other-tamper.localhost", name="其他县人民政府", slug="other")
    client.force_login(make_user("outsider", other.groups["approver"]))
    assert client.post(restore_url(finding)).status_code == 404

    client.force_login(make_user("writer", portal.groups["editor"]))
    assert client.post(restore_url(finding)).status_code == 403

    client.force_login(make_user("publisher", portal.groups["approver"]))
    assert client.get(restore_url(finding)).status_code == 405
    assert client.post(reverse("monitoring:tamper_restore", args=[finding.pk + 999])).status_code == 404
    finding.refresh_from_db()
    assert finding.is_open


def test_restore_republishes_the_fingerprinted_revision(
    client, portal, article, finding, standin, django_capture_on_commit_callbacks
):
    # The article's column has a review workflow: nobody publishes it directly.
    assert article.has_workflow
    fingerprint = Fingerprint.objects.get(page=article)
    good = fingerprint.revision
    # An editor's later draft, not yet reviewed: not what is restored.
    article.title = "尚未审核的修改"
    draft = article.save_revision()
    deliveries = Delivery.objects.filter(page=article, channel="web").count()
    publisher = make_user("publisher", portal.groups["approver"])
    client.force_login(publisher)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(restore_url(finding))
    assert response.status_code == 302
    assert response["Location"] in {"/admin/", f"/admin/monitoring/site/{portal.site.pk}/"}

    article.refresh_from_db()
    live = article.live_revision
    assert live.pk not in (good.pk, draft.pk)
    assert live.content["title"] == good.content["title"] == "市政府召开常务会议"
    assert live.content["body"] == good.content["body"]
    assert live.user == publisher
    # Published again through the outbox: a new web delivery, run after the commit.
    rows = Delivery.objects.filter(page=article, channel="web")
    assert rows.count() == deliveries + 1
    assert rows.order_by("-pk").first().revision_id == live.pk
    assert rows.order_by("-pk").first().status == Delivery.Status.DELIVERED
    # The page's findings are resolved, its fingerprint is of the new revision and matches.
    assert not Finding.objects.filter(page_id=article.pk, resolved_at__isnull=True).exists()
    refreshed = Fingerprint.objects.get(page=article)
    assert refreshed.revision_id == live.pk
    assert refreshed.digest == fingerprint.digest
    entry = PageLogEntry.objects.get(page=article, action=RESTORE_LOG_ACTION)
    assert entry.user == publisher
    assert entry.data == {"finding_id": finding.pk, "restored_revision_id": good.pk}
    assert str(entry.formatter.label) == "篡改后恢复"
    assert entry.message == f"篡改后恢复：重新发布了版本 {good.pk} 的内容"
    assert PageLogEntry.objects.filter(page=article, action="wagtail.revert", revision=live).exists()

    messages = [str(m) for m in response.wsgi_request._messages]
    assert "已恢复并重新发布" in messages
