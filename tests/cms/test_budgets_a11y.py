"""A07 for the disclosure and interview pages: a department's disclosure (nine tables, two
charts), the 预决算公开 column, the coverage view and an online interview, opened in
headless Chromium in every reading mode with axe-core; no serious or critical violation.

Like tests/accessibility, the live server needs committed data: the pages are built on the
transactional database and the database as it was is loaded back afterwards."""

import os

import pytest
from django.core.cache import cache
from django.db import connection

from accessibility import browser as a11y
from budgets.tables import Kind
from interaction.interviews import LiveEntry, Question, QuestionStatus, Status
from tests.accessibility.conftest import _restore
from tests.cms.budget_fixtures import make_disclosure
from tests.factories import make_column, make_organisation, make_site
from tests.interaction.test_interviews import make_interview

pytestmark = pytest.mark.django_db(transaction=True)
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
HOST = "yjs.a11y.localhost"


def build():
    from budgets.pages import BudgetColumnPage

    site = make_site(HOST, "郴州市人民政府", code="4310000009")
    info = make_column(site.home, "信息公开", slug="xxgk", show_in_menus=True)
    orgs = [make_organisation("郴州市财政局"), make_organisation("郴州市教育局")]
    column = BudgetColumnPage(title="部门预决算公开", slug="bmyjs")
    info.add_child(instance=column)
    column.departments.set(orgs)
    column.save_revision().publish()
    make_disclosure(column, orgs[0], 2013, Kind.FINAL)
    page = make_disclosure(column, orgs[0], 2014, Kind.FINAL)
    make_disclosure(column, orgs[1], 2014, Kind.BUDGET)
    interviews = make_column(site.home, "在线访谈", slug="zxft", column_type="在线访谈")
    interview = make_interview(interviews, status=Status.LIVE)
    LiveEntry.objects.create(interview=interview, speaker="主持人", text="各位网友大家好。")
    Question.objects.create(
        interview=interview, nickname="网友甲", text="三公经费为什么下降？", status=QuestionStatus.APPROVED,
        answer="严格执行八项规定。", answered_by="李明",
    )  # fmt: skip
    ended = make_interview(interviews, status=Status.ENDED, transcript="<p>访谈实录全文。</p>")
    return [
        page.get_url_parts()[2],
        column.get_url_parts()[2],
        column.get_url_parts()[2] + "coverage/2014/",
        interview.get_url_parts()[2],
        ended.get_url_parts()[2],
    ]


@pytest.fixture(scope="module")
def pages(django_db_blocker):
    with django_db_blocker.unblock():
        before = connection.creation.serialize_db_to_string()
        paths = build()
    yield paths
    with django_db_blocker.unblock():
        _restore(before)


def test_disclosure_and_interview_pages_pass_axe_in_every_mode(pages, live_server):
    cache.clear()
    base = f"http://{HOST}:{live_server.url.rsplit(':', 1)[1]}"
    failures, statuses = [], {}
    with a11y.chromium(host_rules=[HOST]) as chromium:
        context = chromium.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
        script = a11y.axe_script()
        page = context.new_page()
        for mode in a11y.AUDIT_MODES:
            a11y.set_mode(context, base, mode)
            for path in pages:
                status, violations = a11y.audit_url(page, base + path, script)
                statuses[(mode, path)] = status
                failures += [
                    f"{mode} {path}: {v.impact} {v.rule} ({v.help}) at {v.targets[:3]}"
                    for v in violations
                    if v.blocking
                ]
        context.close()
    assert set(statuses.values()) == {200}, statuses
    assert failures == []
