"""The rendered-page cache (channels/web/page_cache.py): a page asked for again is one cache
read, with the same answer; a publish or a profile edit retires every stored page; nothing
personal, private, with a form or of a type that follows the clock is ever kept."""

import pytest
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from channels.web import page_cache
from tests.factories import make_article, make_column, make_organisation, make_site

HOST = "www.cache.localhost"


@pytest.fixture
def tree(settings, django_capture_on_commit_callbacks):
    settings.PAGE_CACHE_SECONDS = 60
    cache.clear()
    site = make_site(HOST)
    news = make_column(site.home, title="工作动态", slug="gzdt", channels=["web"])
    article = make_article(news, title="缓存的稿件", slug="item")
    yield site, news, article
    cache.clear()


def get(client, path, **extra):
    return client.get(path, HTTP_HOST=HOST, **extra)


def test_a_page_asked_again_costs_no_query_and_is_the_same(client, tree):
    first = get(client, "/gzdt/item/")
    assert first.status_code == 200 and "缓存的稿件" in first.content.decode()
    with CaptureQueriesContext(connection) as queries:
        second = get(client, "/gzdt/item/")
    assert len(queries) == 0
    assert second.content == first.content
    for name in ("Content-Security-Policy", "Cache-Control", "Vary", "Content-Type", "X-Frame-Options"):
        assert second[name] == first[name], name


def test_later_list_pages_are_kept_by_their_query_string(client, tree):
    site, news, _article = tree
    for n in range(25):
        make_article(news, title=f"列表稿件{n}", slug=f"list-{n}")
    page_two = get(client, "/gzdt/?page=2")
    with CaptureQueriesContext(connection) as queries:
        again = get(client, "/gzdt/?page=2")
    assert len(queries) == 0 and again.content == page_two.content
    assert get(client, "/gzdt/").content != page_two.content


def test_a_publish_retires_every_stored_page(client, tree, django_capture_on_commit_callbacks):
    _site, news, article = tree
    get(client, "/gzdt/")
    get(client, "/gzdt/item/")
    with django_capture_on_commit_callbacks(execute=True):
        make_article(news, title="新发布的稿件", slug="new")
    assert "新发布的稿件" in get(client, "/gzdt/").content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        article.title = "改过的标题"
        article.save_revision().publish()
    assert "改过的标题" in get(client, "/gzdt/item/").content.decode()


def test_a_profile_edit_retires_every_stored_page(client, tree, django_capture_on_commit_callbacks):
    """The footer shows the site's profile: an edit there reaches the next reader."""
    site, _news, _article = tree
    assert "0735-9999999" not in get(client, "/gzdt/item/").content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        site.profile.contact_phone = "0735-9999999"
        site.profile.save()
    assert "0735-9999999" in get(client, "/gzdt/item/").content.decode()


def test_a_render_that_began_before_a_publish_is_not_served_after_it(client, tree, rf):
    request = rf.get("/gzdt/item/", HTTP_HOST=HOST)
    before = page_cache.key(request, page_cache.generation())
    page_cache.retire_all()
    assert page_cache.key(request, page_cache.generation()) != before


def test_personal_answers_are_never_kept_or_served(client, tree):
    user = get_user_model().objects.create_user("editor", password="x")  # noqa: S106
    client.force_login(user)
    get(client, "/gzdt/item/")
    client.logout()
    # A signed-in request neither stored its page nor is served one.
    with CaptureQueriesContext(connection) as queries:
        get(client, "/gzdt/item/")
    assert len(queries) > 0
    client.force_login(user)
    with CaptureQueriesContext(connection) as queries:
        get(client, "/gzdt/item/")
    assert len(queries) > 0


def test_each_reading_mode_has_its_own_page(client, tree):
    standard = get(client, "/gzdt/item/")
    client.cookies["a11y_mode"] = "text"
    text = get(client, "/gzdt/item/")
    assert text.content != standard.content
    del client.cookies["a11y_mode"]
    assert get(client, "/gzdt/item/").content == standard.content


def test_types_that_follow_the_clock_and_other_views_are_not_kept(client, tree):
    from interaction.mailbox import MailboxPage

    site, _news, _article = tree
    mailbox = MailboxPage(title="市长信箱", slug="szxx", channels=["web"], organisation=make_organisation())
    site.home.add_child(instance=mailbox)
    mailbox.save_revision().publish()
    assert get(client, "/szxx/").status_code == 200
    with CaptureQueriesContext(connection) as queries:
        get(client, "/szxx/")
    assert len(queries) > 0
    get(client, "/search/?q=稿件")
    with CaptureQueriesContext(connection) as queries:
        get(client, "/search/?q=稿件")
    assert len(queries) > 0


def test_missing_pages_and_unknown_hosts_are_not_kept(client, tree):
    assert get(client, "/no-such-page/").status_code == 404
    with CaptureQueriesContext(connection) as queries:
        assert get(client, "/no-such-page/").status_code == 404
    assert len(queries) > 0


def test_a_fresh_render_is_asked_for_with_no_cache(client, tree):
    """Static publishing and the monitor render through sites/inprocess.py, which asks for
    a fresh page: a stored one (from before a publish whose retirement is still to come)
    is never what they write."""
    from sites import inprocess

    site, _news, article = tree
    get(client, "/gzdt/item/")
    type(article).objects.filter(pk=article.pk).update(title="数据库里的新标题")
    assert "数据库里的新标题" not in get(client, "/gzdt/item/").content.decode()  # the stored page
    assert "数据库里的新标题" in inprocess.get(site.site, "/gzdt/item/").content.decode()


def test_the_app_apis_public_reads_are_kept_and_searches_are_not(client, tree):
    first = get(client, "/api/v1/items/?page_size=5")
    assert first.status_code == 200
    with CaptureQueriesContext(connection) as queries:
        second = get(client, "/api/v1/items/?page_size=5")
    assert len(queries) == 0 and second.content == first.content
    assert second["ETag"] == first["ETag"] and second["Cache-Control"] == first["Cache-Control"]
    # A client that has it gets a 304 from the stored answer, as from the view.
    assert get(client, "/api/v1/items/?page_size=5", HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 304
    # Every search counts towards the hot terms: never answered from the cache.
    get(client, "/api/v1/search/?q=稿件")
    with CaptureQueriesContext(connection) as queries:
        get(client, "/api/v1/search/?q=稿件")
    assert len(queries) > 0
    # Credentials or a cross-origin request: the view answers.
    with CaptureQueriesContext(connection) as queries:
        get(client, "/api/v1/items/?page_size=5", HTTP_ORIGIN="https://app.example.com")
    assert len(queries) > 0


def test_an_api_list_follows_a_publish(client, tree, django_capture_on_commit_callbacks):
    _site, news, _article = tree
    get(client, "/api/v1/items/?page_size=5")
    with django_capture_on_commit_callbacks(execute=True):
        make_article(news, title="接口里的新稿件", slug="api-new")
    assert "接口里的新稿件" in get(client, "/api/v1/items/?page_size=5").content.decode()
