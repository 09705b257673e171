"""Syndication (P07): an article shown by reference in columns of other sites is listed
there once, edited once, and links to its owning site's address."""

import datetime as dt

import pytest
from django.test import RequestFactory

from cms.models import ColumnType
from tests.factories import make_article, make_column, make_site


@pytest.fixture
def cluster():
    city = make_site("www.czs.localhost", "郴州市人民政府", slug="czs")
    county = make_site("bhq.czs.localhost", "北湖区人民政府", slug="bhq")
    return {
        "city_news": make_column(city.home, title="郴州要闻", slug="czyw", column_type=ColumnType.NEWS),
        "county_news": make_column(county.home, title="北湖动态", slug="bhdt", column_type=ColumnType.NEWS),
        "county_notices": make_column(
            county.home, title="通知公告", slug="tzgg", column_type=ColumnType.NOTICE
        ),
    }


def syndicate(article, *columns):
    """As the editor does it: choose the columns in the article's settings and publish."""
    article.syndicate_to = list(columns)
    article.save_revision().publish()


def titles(column):
    return [a.title for a in column.articles()]


def test_syndicated_article_listed_in_other_sites_columns_once(cluster):
    city_news, county_news, county_notices = cluster.values()
    own = make_article(county_news, title="北湖区推进政务公开标准化")
    article = make_article(city_news, title="郴州市召开电子政务工作会议")
    syndicate(article, county_news, county_notices)

    assert titles(city_news) == ["郴州市召开电子政务工作会议"]
    assert sorted(titles(county_news)) == sorted(["北湖区推进政务公开标准化", "郴州市召开电子政务工作会议"])
    assert titles(county_notices) == ["郴州市召开电子政务工作会议"]
    assert own.pk in [a.pk for a in county_news.articles()]


def test_article_syndicated_into_its_own_column_is_listed_once(cluster):
    city_news = cluster["city_news"]
    article = make_article(city_news, title="郴州市召开电子政务工作会议")
    syndicate(article, city_news, cluster["county_news"])
    assert [a.pk for a in city_news.articles()] == [article.pk]
    assert city_news.articles().count() == 1


def test_syndicated_copy_is_the_same_item_edited_once(cluster):
    article = make_article(cluster["city_news"], title="郴州市召开电子政务工作会议")
    syndicate(article, cluster["county_news"])
    article.title = "郴州市召开电子政务工作会议（更新）"
    article.save_revision().publish()
    assert titles(cluster["county_news"]) == ["郴州市召开电子政务工作会议（更新）"]


def test_unpublished_article_leaves_every_column(cluster):
    article = make_article(cluster["city_news"], title="郴州市召开电子政务工作会议")
    syndicate(article, cluster["county_news"])
    article.unpublish()
    assert titles(cluster["city_news"]) == []
    assert titles(cluster["county_news"]) == []


def test_syndication_chosen_in_a_draft_waits_for_publication(cluster):
    article = make_article(cluster["city_news"], title="郴州市召开电子政务工作会议")
    article.syndicate_to = [cluster["county_news"]]
    article.save_revision()
    assert titles(cluster["county_news"]) == []
    article.get_latest_revision().publish()
    assert titles(cluster["county_news"]) == ["郴州市召开电子政务工作会议"]


def test_syndicated_article_links_to_owning_site(cluster):
    article = make_article(cluster["city_news"], title="郴州市召开电子政务工作会议")
    syndicate(article, cluster["county_news"])
    county_request = RequestFactory().get("/", HTTP_HOST="bhq.czs.localhost")
    listed = cluster["county_news"].articles().get()
    assert listed.get_url(request=county_request) == f"http://www.czs.localhost/czyw/{article.slug}/"


def test_list_order_is_newest_first_across_own_and_syndicated(cluster):
    shanghai = dt.timezone(dt.timedelta(hours=8))
    older = make_article(
        cluster["county_news"], title="北湖区旧闻", published_at=dt.datetime(2014, 3, 1, tzinfo=shanghai)
    )
    newer = make_article(
        cluster["city_news"], title="郴州市新闻", published_at=dt.datetime(2014, 6, 1, tzinfo=shanghai)
    )
    syndicate(newer, cluster["county_news"])
    assert [a.pk for a in cluster["county_news"].articles()] == [newer.pk, older.pk]
