"""The list entries each process keeps (channels/api/entries.py): a page of items already
shown costs the keys' statement (with the page-event mark), whichever list shows them; and
every change that can alter an entry is in the next answer, made in this process or in
another one (the page log, the shared token)."""

import pytest
from django.db import connection, transaction
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from wagtail.models import Page, PageLogEntry

from channels.api import entries
from cms.models import ArticlePage, Organisation
from tests.factories import make_article, make_column, make_organisation, make_site

from .conftest import BHQ, WWW

# The statement that loads the articles of a page in full (the keys' statement reads no summary).
LOADS_ARTICLES = '"cms_articlepage"."summary"'


@pytest.fixture(scope="module")
def built(django_db_setup, django_db_blocker):
    """The ids of a site of 30 articles, built once for the module (each test's changes are
    rolled back by its own transaction inside this one)."""
    with django_db_blocker.unblock(), transaction.atomic():
        site = make_site(WWW, "郴州市人民政府", code="4310000001")
        make_site(BHQ, "北湖区人民政府", code="4310020001", kind="county")
        office = make_organisation("郴州市人民政府办公室", name_en="General Office of Chenzhou")
        news = make_column(site.home, "工作动态", slug="news")
        articles = [
            make_article(news, title=f"信息{i}", organisation=office, validity="valid") for i in range(30)
        ]
        yield site, office.pk, news.pk, [article.pk for article in articles]
        transaction.set_rollback(True)


@pytest.fixture
def site(db, built):
    """The built site with its rows read afresh, so a test's edits of them stay its own."""
    site, office, news, articles = built
    site.office = Organisation.objects.get(pk=office)
    site.news = Page.objects.get(pk=news).specific
    by_id = ArticlePage.objects.in_bulk(articles)
    site.articles = [by_id[pk] for pk in articles]
    return site


def get(client, host=WWW, **params):
    response = client.get("/api/v1/items/", params, HTTP_HOST=host)
    assert response.status_code == 200, response.content
    return response.json()


def entry(client, pk, **params):
    return next(item for item in get(client, **params)["results"] if item["id"] == pk)


def test_a_page_shown_before_costs_one_statement(client, site, django_assert_num_queries):
    first = get(client, page_size=10)
    second_page = get(client, page_size=10, cursor=first["next_cursor"])
    # The keys' statement, which reads the page-event mark too (channels.api.newest): no
    # item is loaded, no column looked up.
    with django_assert_num_queries(1):
        assert get(client, page_size=10) == first
    with django_assert_num_queries(1):
        assert get(client, page_size=10, cursor=first["next_cursor"]) == second_page


def test_another_list_of_the_same_items_loads_none_of_them(client, site):
    shown = get(client, page_size=10)["results"]
    with CaptureQueriesContext(connection) as captured:
        in_column = get(client, page_size=10, column=site.news.pk)["results"]
    assert in_column == shown
    assert not [q for q in captured.captured_queries if LOADS_ARTICLES in q["sql"]]


def test_without_the_memo_every_list_loads_its_items(client, site):
    kept = get(client, page_size=10)
    with override_settings(API_ENTRY_MEMO=False):
        with CaptureQueriesContext(connection) as captured:
            assert get(client, page_size=10) == kept
    assert [q for q in captured.captured_queries if LOADS_ARTICLES in q["sql"]]


def test_an_item_published_again_is_listed_as_it_is_now(client, site):
    article = site.articles[-1]
    assert entry(client, article.pk)["title"] == "信息29"
    article.title = "郴州市召开全市电子政务工作会议"
    article.save_revision().publish()
    assert entry(client, article.pk)["title"] == "郴州市召开全市电子政务工作会议"


def test_a_publish_by_another_process_reaches_the_kept_entries(client, site):
    article = site.articles[-1]
    get(client)
    # Another process publishes: no signal reaches this one, the page log moves on.
    Page.objects.filter(pk=article.pk).update(title="另一个进程发布的标题")
    ArticlePage.objects.filter(pk=article.pk).update(summary="新摘要")
    PageLogEntry.objects.log_action(article, "wagtail.publish")
    found = entry(client, article.pk)
    assert (found["title"], found["summary"]) == ("另一个进程发布的标题", "新摘要")


def test_a_column_retitled_shows_in_its_items_entries(client, site):
    assert entry(client, site.articles[0].pk, page_size=100)["column"]["title"] == "工作动态"
    site.news.title = "政务动态"
    site.news.save_revision().publish()
    assert entry(client, site.articles[0].pk, page_size=100)["column"]["title"] == "政务动态"


def test_an_organisation_renamed_here_shows_in_the_next_list(client, site):
    article = site.articles[-1]
    assert entry(client, article.pk)["organisation"]["name"] == "郴州市人民政府办公室"
    site.office.name = "郴州市政府办公室"
    site.office.save()
    assert entry(client, article.pk)["organisation"]["name"] == "郴州市政府办公室"


def test_an_edit_by_another_process_arrives_through_the_shared_token(client, site):
    article = site.articles[-1]
    get(client)
    # A row changed without this process's signals is not read while the token holds ...
    Organisation.objects.filter(pk=site.office.pk).update(name="别处改的名称")
    assert entry(client, article.pk)["organisation"]["name"] == "郴州市人民政府办公室"
    # ... and is read once that process's edit replaces it.
    entries.TOKEN.replace()
    assert entry(client, article.pk)["organisation"]["name"] == "别处改的名称"


def test_an_item_changed_signal_replaces_the_token(client, site):
    from cms.items import item_changed

    before = entries.TOKEN.read()
    item_changed.send(sender=ArticlePage, page_id=site.articles[0].pk)
    assert entries.TOKEN.read() != before


def test_entries_are_kept_per_language_and_address(client, site):
    article = site.articles[-1]
    chinese = entry(client, article.pk)
    english = entry(client, article.pk, lang="en")
    assert (chinese["validity"]["label"], english["validity"]["label"]) == ("有效", "Valid")
    assert english["organisation"]["name"] == "General Office of Chenzhou"
    # The same site's list asked through another host answers with that host's API links.
    other_host = next(i for i in get(client, host=BHQ, site=WWW)["results"] if i["id"] == article.pk)
    assert other_host["api_url"].startswith(f"http://{BHQ}/")
    assert entry(client, article.pk)["api_url"].startswith(f"http://{WWW}/")


def test_the_answers_are_the_same_with_and_without_the_memo(client, site):
    asked = [{"page_size": 7}, {"column": site.news.pk}, {"organisation": site.office.pk}, {"lang": "en"}]
    kept = [get(client, **params) for params in asked]
    again = [get(client, **params) for params in asked]
    with override_settings(API_ENTRY_MEMO=False):
        built = [get(client, **params) for params in asked]
    assert kept == again == built


def test_a_list_reads_every_shared_token_in_one_cache_read(client, site, monkeypatch):
    from django.core.cache import caches

    from sites import resolution

    get(client)
    store = caches["default"]
    reads, inside = [], []
    for name in ("get", "get_many"):
        original = getattr(store, name)

        def counted(key, *args, _original=original, **kwargs):
            # One read as the caller made it (the local-memory cache's get_many calls get).
            if not inside:
                keys = key if isinstance(key, list) else [key]
                reads.append([k for k in keys if k in (entries.TOKEN.key, resolution.TOKEN.key)])
            inside.append(True)
            try:
                return _original(key, *args, **kwargs)
            finally:
                inside.pop()

        monkeypatch.setattr(store, name, counted)
    get(client)
    assert [sorted(keys) for keys in reads if keys] == [sorted([resolution.TOKEN.key, entries.TOKEN.key])]
