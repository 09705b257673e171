"""A list asks only the item types that have a live item where it looks
(channels.api.newest.present_types), and which those are is kept per process under the
page-event mark: a type published later, by this process or another, is listed at once."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from wagtail.models import Page, PageLogEntry

from cms.models import TopicPage
from tests.factories import make_article, make_column, make_site

WWW = "www.test.localhost"


@pytest.fixture
def site(db):
    site = make_site(WWW, "郴州市人民政府", code="4310000001")
    site.news = make_column(site.home, "工作动态", slug="news")
    site.articles = [make_article(site.news) for _ in range(2)]
    return site


def listed(client, **params):
    """(types and ids listed, the statements that read the types' keys)."""
    with CaptureQueriesContext(connection) as captured:
        response = client.get("/api/v1/items/", params, HTTP_HOST=WWW)
    assert response.status_code == 200, response.content
    merged = [q["sql"] for q in captured.captured_queries if "list_key" in q["sql"]]
    return [(row["type"], row["id"]) for row in response.json()["results"]], "".join(merged)


def test_a_site_of_articles_asks_only_the_articles(client, site):
    results, merged = listed(client)
    assert sorted(results) == sorted(("article", a.pk) for a in site.articles)
    assert "UNION ALL" not in merged and "cms_articlepage" in merged
    # Asked for a type the site has none of, the list is empty without asking the others.
    results, merged = listed(client, type="topic")
    assert results == [] and merged == ""


def test_a_type_published_by_another_process_is_listed_at_once(client, site):
    topic = TopicPage(title="2014郴州两会", slug="lianghui", live=False)
    site.home.add_child(instance=topic)
    results, _ = listed(client)
    assert ("topic", topic.pk) not in results
    # Another process publishes it: no signal reaches this one, the page log moves on.
    Page.objects.filter(pk=topic.pk).update(live=True, first_published_at=timezone.now())
    PageLogEntry.objects.log_action(topic, "wagtail.publish")
    results, merged = listed(client)
    assert results[0] == ("topic", topic.pk)
    assert "UNION ALL" in merged and "cms_topicpage" in merged


def test_a_type_published_in_this_process_is_listed_at_once(client, site):
    listed(client)
    topic = TopicPage(title="2014郴州两会", slug="lianghui")
    site.home.add_child(instance=topic)
    topic.save_revision().publish()
    results, _ = listed(client)
    assert results[0] == ("topic", topic.pk)
    # Unpublished again, it leaves the list (and the statement) as soon.
    topic.unpublish()
    results, merged = listed(client)
    assert ("topic", topic.pk) not in results and "UNION ALL" not in merged
