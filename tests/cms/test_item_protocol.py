"""The item protocol (cms.items): the registry lists every item type from the app
registry; interview and budget-disclosure pages carry every P01 item tag; the budget
column is listed among its parent's sub-columns; search/ and channels/ import no content
app; production installs no demo."""

import os
import pathlib
import re
import subprocess
import sys

import pytest

from budgets.pages import BudgetColumnPage, DisclosurePage
from budgets.tables import Kind
from cms.items import item_key_of, item_types
from interaction.interviews import Interview, Status
from tests.cms.budget_fixtures import make_budget_column, make_disclosure
from tests.factories import make_column, make_organisation
from tests.interaction.builders import make_interview

ROOT = pathlib.Path(__file__).resolve().parents[2]
ITEM_TAGS = ("ColumnName", "ColumnType", "ArticleTitle", "PubDate", "ContentSource", "Url")


def meta_tags(client, page):
    site = page.get_site()
    response = client.get(page.url_path[len(site.root_page.url_path) - 1 :], HTTP_HOST=site.hostname)
    assert response.status_code == 200
    return dict(re.findall(r'<meta name="(\w+)" content="([^"]*)"', response.content.decode()))


def test_the_registry_lists_the_content_apps_types_and_no_subclass_twice():
    types = item_types()
    assert types["disclosure"] is DisclosurePage and types["interview"] is Interview
    assert BudgetColumnPage not in types.values()
    assert item_key_of(BudgetColumnPage()) is None and item_key_of(DisclosurePage()) == "disclosure"
    assert "column" not in item_types(api=True) and "topic" not in item_types(delivered=True)


@pytest.fixture
def disclosure():
    finance = make_organisation("郴州市财政局")
    return make_disclosure(make_budget_column([finance]), finance, 2014, Kind.BUDGET)


def test_a_disclosure_page_carries_every_p01_item_tag(client, disclosure):
    tags = meta_tags(client, disclosure)
    assert [name for name in ITEM_TAGS if not tags.get(name)] == []
    assert tags["ArticleTitle"] == disclosure.title
    assert tags["ContentSource"] == "郴州市财政局" and tags["ColumnName"] == "部门预决算公开"
    assert "“三公”经费" in tags["Description"]


def test_an_interview_page_carries_every_p01_item_tag(client):
    column = make_column(make_budget_column().get_parent(), title="在线访谈", slug="zxft")
    interview = make_interview(column, "市林业局谈森林防火", Status.PREVIEW, [("李明", "市林业局局长")])
    tags = meta_tags(client, interview)
    assert [name for name in ITEM_TAGS if not tags.get(name)] == []
    assert tags["ArticleTitle"] == "市林业局谈森林防火" and tags["ColumnName"] == "在线访谈"


def test_the_budget_column_is_a_sub_column_of_its_parent(client, disclosure):
    column = disclosure.get_parent().specific
    parent = column.get_parent().specific
    assert [p.pk for p in parent.child_sections(type(parent))] == [column.pk]
    site = parent.get_site()
    response = client.get(parent.url_path[len(site.root_page.url_path) - 1 :], HTTP_HOST=site.hostname)
    assert column.title in response.content.decode()


def test_search_and_channels_import_no_content_app():
    pattern = re.compile(r"^\s*(from|import)\s+(interaction|budgets)\b", re.M)
    offenders = [
        str(path.relative_to(ROOT))
        for folder in ("search", "channels")
        for path in (ROOT / folder).rglob("*.py")
        if "migrations" not in path.parts and pattern.search(path.read_text(encoding="utf-8"))
    ]
    assert offenders == []


def test_production_installs_no_demo_and_no_production_module_imports_it():
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.production",
        "DJANGO_SECRET_KEY": "x" * 50,
        "DJANGO_ALLOWED_HOSTS": "www.example.gov.cn",
        "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/unused",  # never connected
        "REDIS_URL": "redis://127.0.0.1:6379/13",  # never connected
    }
    script = (
        "from django.conf import settings; print(any(a.startswith('demo') for a in settings.INSTALLED_APPS))"
    )
    out = subprocess.run(  # noqa: S603 (our own interpreter and script)
        [sys.executable, "-c", script], env=env, cwd=ROOT, capture_output=True, text=True
    )
    assert out.stdout.strip() == "False", out.stderr[-500:]
    pattern = re.compile(r"^\s*(from|import)\s+demo\b", re.M)
    importers = [
        str(path.relative_to(ROOT))
        for path in ROOT.rglob("*.py")
        if path.parts[len(ROOT.parts)] not in ("demo", "tests", "bench", ".venv", "var")
        and pattern.search(path.read_text(encoding="utf-8"))
    ]
    assert importers == []
