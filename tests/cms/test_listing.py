"""Column listing rows: what a column lists follows publish, syndication, moves and
deletes, and a column's first page never scans other columns' items."""

from django.db import connection
from django.test.utils import CaptureQueriesContext

from cms.listing import ColumnListing
from cms.models import ArticlePage
from tests.factories import make_article, make_column, make_site


def _listed(column):
    return list(column.articles().values_list("pk", flat=True))


def test_article_is_listed_in_its_column_and_syndicated_columns():
    www = make_site("www.l.localhost", "郴州市人民政府", code="4310000001")
    bhq = make_site("bhq.l.localhost", "北湖区人民政府", code="4310020001")
    news = make_column(www.home, "工作动态")
    county_news = make_column(bhq.home, "县区动态")
    article = make_article(news, title="郴州市推进电子政务")
    assert _listed(news) == [article.pk]
    assert _listed(county_news) == []

    article.syndicate_to = [county_news]
    article.save_revision()  # a draft: nothing changes until it is published
    assert _listed(county_news) == []
    ArticlePage.objects.get(pk=article.pk).get_latest_revision().publish()
    assert _listed(county_news) == [article.pk]

    article = ArticlePage.objects.get(pk=article.pk)
    article.syndicate_to = []
    article.save_revision().publish()
    assert _listed(county_news) == []
    assert _listed(news) == [article.pk]


def test_unpublished_items_leave_lists_and_deleted_items_leave_no_rows():
    site = make_site("www.l.localhost", "郴州市人民政府", code="4310000001")
    news = make_column(site.home, "工作动态")
    article = make_article(news)
    article.unpublish()
    assert _listed(news) == []
    article.delete()
    assert not ColumnListing.objects.exists()


def test_moved_article_is_listed_in_its_new_column_only():
    site = make_site("www.l.localhost", "郴州市人民政府", code="4310000001")
    news, notices = make_column(site.home, "工作动态"), make_column(site.home, "通知公告")
    article = make_article(news)
    article.move(notices, pos="last-child")
    assert (_listed(news), _listed(notices)) == ([], [article.pk])


def test_list_order_follows_display_time_and_edits_of_it():
    site = make_site("www.l.localhost", "郴州市人民政府", code="4310000001")
    news = make_column(site.home, "工作动态")
    older = make_article(news, published_at="2014-01-01T08:00:00+08:00")
    newer = make_article(news, published_at="2014-06-01T08:00:00+08:00")
    assert _listed(news) == [newer.pk, older.pk]
    older = ArticlePage.objects.get(pk=older.pk)
    older.published_at = "2014-07-01T08:00:00+08:00"
    older.save_revision().publish()
    assert _listed(news) == [older.pk, newer.pk]


def test_first_page_of_a_column_is_read_through_its_listing_index():
    site = make_site("www.l.localhost", "郴州市人民政府", code="4310000001")
    news = make_column(site.home, "工作动态")
    make_article(news)
    with CaptureQueriesContext(connection) as ctx:
        list(news.articles()[:20])
    sql = ctx.captured_queries[-1]["sql"]
    assert "cms_columnlisting" in sql and "LIKE" not in sql
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN {sql}" if connection.vendor == "postgresql" else f"EXPLAIN QUERY PLAN {sql}")
        plan = " ".join(str(row) for row in cursor.fetchall())
    if connection.vendor == "sqlite":
        # Not a scan of every article by publish time, as the path/OR query did.
        assert "column_newest_first" in plan
        assert "SCAN cms_articlepage" not in plan


def test_parent_columns_collect_their_sub_columns_items_at_any_depth():
    www = make_site("www.l.localhost", "郴州市人民政府", code="4310000001")
    bhq = make_site("bhq.l.localhost", "北湖区人民政府", code="4310020001")
    zwdt = make_column(www.home, "政务动态")
    gzdt = make_column(zwdt, "工作动态")
    bmdt = make_column(zwdt, "部门动态")
    deeper = make_column(bmdt, "市直部门")
    county = make_column(bhq.home, "政务动态")
    county_news = make_column(county, "县区动态")
    first = make_article(gzdt, published_at="2014-01-01T08:00:00+08:00")
    second = make_article(deeper, published_at="2014-02-01T08:00:00+08:00")
    third = make_article(bmdt, published_at="2014-03-01T08:00:00+08:00", syndicate_to=[county_news])
    assert _listed(zwdt) == [third.pk, second.pk, first.pk]
    assert _listed(bmdt) == [third.pk, second.pk]
    assert _listed(gzdt) == [first.pk]
    # Syndicated into a sub-column: collected by that column's parents too.
    assert _listed(county) == [third.pk]
    third.unpublish()
    assert _listed(zwdt) == [second.pk, first.pk]
    assert not ColumnListing.objects.filter(article=third).exists()  # only live items are listed


def test_moving_a_column_moves_its_items_between_parent_columns():
    site = make_site("www.l.localhost", "郴州市人民政府", code="4310000001")
    zwdt, xxgk = make_column(site.home, "政务动态"), make_column(site.home, "政府信息公开")
    gzdt = make_column(zwdt, "工作动态")
    article = make_article(gzdt)
    gzdt.move(xxgk, pos="last-child")
    assert (_listed(zwdt), _listed(xxgk), _listed(gzdt)) == ([], [article.pk], [article.pk])
    # Reordering among siblings keeps every row.
    other = make_column(xxgk, "通知公告")
    gzdt.refresh_from_db()
    gzdt.move(other, pos="left")
    assert _listed(xxgk) == [article.pk]


def test_relisting_everything_repairs_missing_and_stale_rows():
    from cms.listing import relist_below

    site = make_site("www.l.localhost", "郴州市人民政府", code="4310000001")
    zwdt = make_column(site.home, "政务动态")
    gzdt = make_column(zwdt, "工作动态")
    article = make_article(gzdt)
    draft = make_article(gzdt, publish=False)
    # What the tables held before parent columns collected: a row in the own column only,
    # and rows of items that are no longer live.
    ColumnListing.objects.filter(column=zwdt).delete()
    ColumnListing.objects.create(column=gzdt, article=draft, published_at=None)
    relist_below()
    assert set(ColumnListing.objects.values_list("column_id", "article_id")) == {
        (zwdt.pk, article.pk),
        (gzdt.pk, article.pk),
    }
