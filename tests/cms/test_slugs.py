"""Short slugs for new items (cms/slugs.py, applied by cms.page_forms.PageForm): an empty
slug, or one the editor's script filled from a Chinese title, becomes the column's slug
and the next number (like the seeded gzdt-167), or the date where the column's own slug is
no short ASCII word; a slug the editor chose is kept; slugs stay unique among siblings."""

import pytest
import time_machine
from django.urls import reverse
from django.utils.text import slugify

from cms.models import ArticlePage, ColumnType
from cms.slugs import short_slug, wants_short_slug
from tests.cms.test_workflow import article_form
from tests.factories import make_article, make_column, make_site, make_user

TITLE = "郴州市召开全市政务公开工作推进会议"


@pytest.fixture
def site():
    return make_site("www.slugs.localhost", "郴州市人民政府", slug="www")


@pytest.fixture
def functions(site):
    # 机构职能: no review workflow, so a plain save is all a create needs.
    return make_column(site.home, title="机构职能", slug="jgzn", column_type=ColumnType.FUNCTIONS)


def create(client, site, column, slug, title=TITLE):
    editor = make_user("editor", site.groups["editor"]) if not client.session.get("_auth_user_id") else None
    if editor:
        client.force_login(editor)
    response = client.post(
        reverse("wagtailadmin_pages:add", args=["cms", "articlepage", column.pk]), article_form(title, slug)
    )
    assert response.status_code == 302, response.context["form"].errors
    return ArticlePage.objects.child_of(column).latest("pk")


def test_a_slug_filled_from_a_chinese_title_becomes_the_columns_slug_and_a_number(client, site, functions):
    make_article(functions, slug="jgzn-167")
    make_article(functions, slug="jgzn-9")
    make_article(functions, slug="jgzn-about")  # not a number: ignored
    page = create(client, site, functions, slugify(TITLE, allow_unicode=True))
    assert page.slug == "jgzn-168"
    assert page.url_path.endswith("/jgzn/jgzn-168/")


def test_an_empty_slug_is_filled_and_the_next_one_follows(client, site, functions):
    first = create(client, site, functions, "")
    second = create(client, site, functions, "", title="第二条信息")
    assert (first.slug, second.slug) == ("jgzn-1", "jgzn-2")


def test_a_slug_the_editor_chose_is_kept(client, site, functions):
    assert create(client, site, functions, "meeting-2026").slug == "meeting-2026"
    # An English title's own slug is what the editor wants on the English portal.
    assert create(client, site, functions, "city-news", title="City news").slug == "city-news"


def test_the_date_where_the_columns_slug_is_no_short_ascii_word(client, site):
    column = make_column(site.home, title="工作总结", slug="工作总结", column_type=ColumnType.FUNCTIONS)
    with time_machine.travel("2026-12-06 10:00 +0800", tick=False):
        assert create(client, site, column, "").slug == "20261206-1"
        assert short_slug(column) == "20261206-2"


def test_which_posted_slugs_are_replaced():
    assert wants_short_slug("", TITLE) and wants_short_slug("会议", "x")
    assert wants_short_slug(slugify(TITLE, allow_unicode=True), TITLE)
    assert not wants_short_slug("meeting", TITLE)
    assert not wants_short_slug("city-news", "City news")


def test_an_existing_page_keeps_its_slug_on_edit(client, site, functions):
    page = make_article(functions, slug="旧地址")
    client.force_login(make_user("editor", site.groups["editor"]))
    response = client.post(reverse("wagtailadmin_pages:edit", args=[page.pk]), article_form(TITLE, "旧地址"))
    assert response.status_code == 302
    page.refresh_from_db()
    assert page.slug == "旧地址"


def test_a_draft_keeps_its_short_slug_while_the_editor_and_autosave_post_the_titles(client, site, functions):
    """Until a page is first published, Wagtail's editor refills the slug from the title
    as the editor types, and autosave posts it: the draft's short slug stays."""
    page = create(client, site, functions, slugify(TITLE, allow_unicode=True))
    assert page.slug == "jgzn-1"
    retitled = "郴州市部署政务公开重点任务"
    response = client.post(
        reverse("wagtailadmin_pages:edit", args=[page.pk]),
        article_form(retitled, slugify(retitled, allow_unicode=True)),
    )
    assert response.status_code == 302
    page.refresh_from_db()
    assert page.get_latest_revision_as_object().slug == "jgzn-1"
