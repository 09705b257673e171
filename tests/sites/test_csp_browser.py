"""The Content-Security-Policy in a real browser (headless Chromium, Debian's package): the
public pages (home, column, article, topic, search, an online interview with its live
script, a budget disclosure with its charts, the accessibility statement, the WAP site,
the English portal, a 404, the app API's Swagger UI) in every reading mode, and the
toolbar with each of its controls pressed, report no CSP violation; neither does an
editor's page with Wagtail's user bar, nor the admin pages an editor opens (under the
admin's own, looser policy).

Violations are caught twice: the `securitypolicyviolation` events of the page (an init
script, which CSP does not govern, records them) and Chromium's console messages. Like
tests/accessibility, the live server needs committed data: the site is built on the
transactional database and the database as it was is loaded back afterwards."""

import pytest
from django.core.cache import cache
from django.db import connection
from wagtail.models import Site

from accessibility import browser as a11y
from accessibility import modes
from budgets.tables import Kind
from cms.models import ArticlePage
from interaction.interviews import LiveEntry, Question, QuestionStatus, Status
from tests.accessibility.conftest import (
    EN,
    WWW,
    _restore,
    build_site,
    chromium,  # noqa: F401 - the browser fixture
    wait_until,
)
from tests.cms.budget_fixtures import make_disclosure
from tests.factories import make_column, make_organisation, make_user
from tests.interaction.builders import make_interview
from tests.sites.test_csp import directives

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "csp-browser-test-2014"
POLL_MS = 10_000
RECORD_VIOLATIONS = """
window.__csp = [];
document.addEventListener('securitypolicyviolation', e => window.__csp.push(
  `${e.effectiveDirective} blocked ${e.blockedURI || '(inline)'} at ${e.sourceFile || document.URL}:${e.lineNumber}`));
"""
# Headless Chromium has no speech engine (tests/accessibility/test_toolbar.py).
SPEECH_STAND_IN = """
Object.defineProperty(window, 'speechSynthesis', {value: {
  speak(u) { setTimeout(() => u.onend && u.onend(), 0); }, cancel() {}, getVoices() { return []; },
}});
"""
TOOLBAR_CONTROLS = ["speech", "rate", "zoomIn", "zoomOut", "text", "scheme", "cursor", "guide", "caption"]


def build():
    paths, en_paths = build_site()
    home = Site.objects.get(hostname=WWW).root_page.specific
    interviews = make_column(home, "在线访谈", slug="zxft", column_type="在线访谈")
    interview = make_interview(interviews, status=Status.LIVE)
    LiveEntry.objects.create(interview=interview, speaker="主持人", text="各位网友大家好。")
    Question.objects.create(
        interview=interview, nickname="网友甲", text="三公经费为什么下降？", status=QuestionStatus.APPROVED,
        answer="严格执行八项规定。", answered_by="李明",
    )  # fmt: skip
    from budgets.pages import BudgetColumnPage

    finance = make_organisation("郴州市财政局")
    budgets = BudgetColumnPage(title="部门预决算公开", slug="bmyjs")
    home.add_child(instance=budgets)
    budgets.departments.set([finance])
    budgets.save_revision().publish()
    disclosure = make_disclosure(budgets, finance, 2014, Kind.FINAL)
    editor = make_user("csp_admin", superuser=True)
    editor.set_password(PASSWORD)
    editor.save()
    paths.update(
        interview=interview.get_url_parts()[2],
        budgets=budgets.get_url_parts()[2],
        disclosure=disclosure.get_url_parts()[2],
    )
    article = ArticlePage.objects.get(title="郴州市人民政府办公室关于推进电子政务建设的通知")
    ids = {
        "home": home.pk,
        "article": article.pk,
        "column": article.get_parent().pk,
        "interview": interview.pk,
    }
    return paths, en_paths, ids


@pytest.fixture(scope="module")
def site_content(django_db_blocker):
    with django_db_blocker.unblock():
        before = connection.creation.serialize_db_to_string()
        built = build()
        snapshot = connection.creation.serialize_db_to_string()
    yield built, snapshot
    with django_db_blocker.unblock():
        _restore(before)


@pytest.fixture
def site(site_content, live_server):
    (paths, en_paths, ids), snapshot = site_content
    if not Site.objects.filter(hostname=WWW).exists():  # emptied by the previous test
        _restore(snapshot)
    cache.clear()
    port = live_server.url.rsplit(":", 1)[1]
    return {
        "paths": paths,
        "en_paths": en_paths,
        "ids": ids,
        "www": f"http://{WWW}:{port}",
        "en": f"http://{EN}:{port}",
    }


class Watched:
    """A browser page whose CSP violations (events and console) are collected."""

    def __init__(self, context):
        self.page = context.new_page()
        self.console = []
        self.errors = []
        self.page.on("console", self._console)
        self.page.on("pageerror", lambda error: self.errors.append(str(error)))
        self.headers = {}

    def _console(self, message):
        if "Content Security Policy" in message.text or "Content-Security-Policy" in message.text:
            self.console.append(message.text)

    def goto(self, url):
        response = self.page.goto(url, wait_until="load")
        self.headers = response.headers if response else {}
        self.page.wait_for_timeout(50)  # deferred scripts and late style recalculations
        return response.status if response else 0

    def violations(self):
        try:
            events = self.page.evaluate("window.__csp || []")
        except Exception:  # noqa: BLE001 - the page is navigating away
            events = []
        return events + self.console

    def reset(self):
        self.console.clear()


@pytest.fixture
def context(chromium):  # noqa: F811
    context = chromium.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
    context.add_init_script(RECORD_VIOLATIONS)
    context.add_init_script(SPEECH_STAND_IN)
    yield context
    context.close()


def visit_all(watched, base, paths):
    found, statuses = {}, {}
    for path in paths:
        watched.reset()
        statuses[path] = watched.goto(base + path)
        if watched.violations():
            found[path] = watched.violations()
    return statuses, found


@pytest.mark.parametrize("mode", a11y.AUDIT_MODES)
def test_public_pages_report_no_violation_in_any_mode(site, context, mode):
    a11y.set_mode(context, site["www"], mode)
    a11y.set_mode(context, site["en"], mode)
    watched = Watched(context)
    statuses, found = visit_all(watched, site["www"], list(site["paths"].values()))
    en_statuses, en_found = visit_all(watched, site["en"], list(site["en_paths"].values()))
    assert set(statuses.values()) | set(en_statuses.values()) == {200}, (statuses, en_statuses)
    assert found == {} and en_found == {}
    assert watched.errors == []
    # The policy really was there, without 'unsafe-inline' for scripts.
    watched.goto(site["www"] + "/")
    # (Directives in any order: django-csp does not fix one.)
    assert directives(watched.headers["content-security-policy"])["script-src"] == ["'self'"]


def test_wap_pages_and_a_404_report_no_violation(site, context):
    watched = Watched(context)
    paths = ["/wap" + site["paths"][name] for name in ("home", "column", "article", "topic", "interview")]
    paths.append("/wap/search/?q=电子政务")
    statuses, found = visit_all(watched, site["www"], paths)
    assert set(statuses.values()) == {200}, statuses
    missing, not_found = visit_all(watched, site["www"], ["/no-such-page/", "/wap/no-such-page/"])
    assert set(missing.values()) == {404}
    assert found == {} and not_found == {}


def test_every_toolbar_control_and_the_modes_it_links_report_no_violation(site, context):
    watched = Watched(context)
    watched.goto(site["www"] + site["paths"]["article"])
    watched.page.locator("[data-a11y-open]").click()
    for name in TOOLBAR_CONTROLS:
        watched.page.locator(f'#a11y-toolbar [data-a11y="{name}"]').click()
    watched.page.mouse.move(200, 300)  # the crosshair guide follows the pointer
    watched.page.locator("main p").first.hover()  # the caption bar shows the text under it
    watched.page.wait_for_timeout(100)
    assert watched.violations() == []
    # The text-only link of the toolbar, then the server-side mode links.
    watched.page.locator('#a11y-toolbar [data-a11y="textOnly"]').click()
    watched.page.wait_for_load_state("load")
    assert watched.page.evaluate(f"document.documentElement.classList.contains('mode-{modes.TEXT}')")
    assert watched.violations() == []
    for label in ("关怀版", "高对比度"):
        watched.reset()
        watched.page.locator(".a11y-modes").get_by_role("link", name=label).click()
        watched.page.wait_for_load_state("load")
        assert watched.page.evaluate("document.documentElement.className") != "", label
        assert watched.violations() == [], label


def test_the_live_interview_script_polls_within_the_policy(site, context):
    watched = Watched(context)
    watched.page.clock.install()
    watched.goto(site["www"] + site["paths"]["interview"])
    LiveEntry.objects.create(interview_id=site["ids"]["interview"], speaker="李明", text="谢谢大家。")
    with watched.page.expect_response(lambda r: "/interaction/" in r.url or "live" in r.url):
        watched.page.clock.run_for(POLL_MS + 1000)
    wait_until(watched.page, "() => document.querySelectorAll('#live-entries li').length >= 2")
    assert watched.violations() == []
    assert watched.errors == []


def test_swagger_ui_runs_under_its_own_override(site, context):
    watched = Watched(context)
    assert watched.goto(site["www"] + "/api/v1/docs/") == 200
    watched.page.wait_for_selector(".swagger-ui .opblock", timeout=15_000)
    watched.page.locator(".opblock-summary").first.click()
    watched.page.wait_for_timeout(200)
    assert watched.violations() == []
    assert watched.errors == []


def login(watched, base):
    watched.goto(base + "/admin/login/")
    watched.page.fill("#id_username", "csp_admin")
    watched.page.fill("#id_password", PASSWORD)
    watched.page.locator("form.login-form button[type=submit]").click()
    watched.page.wait_for_url("**/admin/")


def test_the_user_bar_on_a_public_page_reports_no_violation(site, context):
    watched = Watched(context)
    login(watched, site["www"])
    watched.reset()
    watched.goto(site["www"] + site["paths"]["article"])
    watched.page.locator("[data-wagtail-userbar-trigger]").click()  # inside the bar's shadow root
    watched.page.wait_for_timeout(300)
    assert watched.violations() == []


def test_admin_pages_report_no_violation_under_the_admin_policy(site, context):
    watched = Watched(context)
    login(watched, site["www"])
    ids = site["ids"]
    paths = [
        "/admin/",
        f"/admin/pages/{ids['home']}/",
        f"/admin/pages/{ids['article']}/edit/",
        f"/admin/pages/add/cms/articlepage/{ids['column']}/",
        "/admin/images/",
        "/admin/images/multiple/add/",
        "/admin/documents/",
        "/admin/users/",
        "/admin/account/",
        "/admin/reports/site-history/",
        "/admin/two-factor/",
        "/admin/two-factor/setup/",
    ]
    statuses, found = visit_all(watched, site["www"], paths)
    assert set(statuses.values()) == {200}, statuses
    assert found == {}, "\n".join(f"{path}: {v}" for path, vs in found.items() for v in vs)
    watched.goto(site["www"] + "/admin/")
    header = watched.headers["content-security-policy"]
    assert "object-src 'none'" in header and "frame-ancestors 'self'" in header
