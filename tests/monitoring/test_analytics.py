"""Page views (M22): the same-origin beacon counts a view of a live public page of the
site it was sent to, sets no cookie and stores no address; the counts add up per page,
column and site; the most-viewed lists (functions and template tag); the top search terms
are only those the moderation shows; the admin page is Chinese and scoped to the user's
sites.

Everything goes through the real endpoint and admin views with the test client, one
REMOTE_ADDR per visitor (TRUSTED_PROXY_COUNT is 0)."""

import datetime

import pytest
from django.core.cache import cache, caches
from django.template import Context, Template
from django.urls import reverse
from django.utils import timezone

from cms.pages import TopicPage
from monitoring import analytics
from monitoring.models import PageViewDay
from search.analysis import ZH
from search.models import HotTerm, QueryLog
from tests.factories import make_article, make_column, make_site, make_user

pytestmark = pytest.mark.django_db

WWW = "www.pv.localhost"
BHQ = "bhq.pv.localhost"
BROWSER = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Safari/537.36"
ADDRESS = "203.0.113.77"


@pytest.fixture(autouse=True)
def fresh_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def cluster():
    www = make_site(WWW, "测试市人民政府")
    bhq = make_site(BHQ, "测试区人民政府")
    news = make_column(www.home, "工作动态", slug="news")
    notices = make_column(www.home, "通知公告", slug="notices")
    county = make_column(bhq.home, "区内动态", slug="county")

    class Cluster:
        pass

    c = Cluster()
    c.www, c.bhq, c.news, c.notices, c.county = www, bhq, news, notices, county
    c.a1 = make_article(news, "新闻一")
    c.a2 = make_article(news, "新闻二")
    c.n1 = make_article(notices, "公告一")
    c.draft = make_article(news, "草稿", publish=False)
    c.other = make_article(county, "区新闻")
    return c


def beacon(client, host, body, address=ADDRESS, agent=BROWSER, **headers):
    return client.post(
        "/_pv/",
        body,
        content_type="application/x-www-form-urlencoded;charset=UTF-8",
        HTTP_HOST=host,
        REMOTE_ADDR=address,
        HTTP_USER_AGENT=agent,
        **headers,
    )


def views_of(page):
    return sum(PageViewDay.objects.filter(page=page).values_list("views", flat=True))


# -- the beacon --------------------------------------------------------------------------


def test_public_pages_carry_the_beacon_script_with_the_page_id(client, cluster):
    response = client.get(cluster.a1.url, HTTP_HOST=WWW)
    html = response.content.decode()
    assert response.status_code == 200
    assert (
        f'<script src="/static/js/pageview.js" data-page="{cluster.a1.pk}" data-url="/_pv/" defer></script>'
        in html
    )
    # No inline script: the public Content-Security-Policy allows the site's own files only.
    assert "script-src 'self'" in response["Content-Security-Policy"]
    assert "<script>" not in html


def test_a_view_of_a_live_page_is_counted_without_cookie_or_address(client, cluster):
    response = beacon(client, WWW, f"p={cluster.a1.pk}")
    assert response.status_code == 204
    assert response["Cache-Control"] == "no-store"
    assert not response.cookies
    assert "Set-Cookie" not in response.headers
    row = PageViewDay.objects.get(page=cluster.a1)
    assert (row.site_id, row.day, row.views) == (cluster.www.site.pk, timezone.localdate(), 1)
    # The row holds the page, the site, the day and the number: nothing of the client.
    stored = " ".join(str(value) for value in PageViewDay.objects.filter(pk=row.pk).values().get().values())
    assert ADDRESS not in stored and "203.0.113" not in stored
    assert {f.name for f in PageViewDay._meta.get_fields()} == {"id", "page", "site", "day", "views"}
    # The allowance marker in the cache is a keyed hash: the address is in no key or value.
    local = caches["default"]._cache
    assert local, "the allowance keeps its marker in the cache"
    for key, value in local.items():
        assert ADDRESS not in key and ADDRESS.encode() not in value


def test_refused_views_are_4xx_and_count_nothing(client, cluster):
    deleted = make_article(cluster.news, "删除")
    deleted_id = deleted.pk
    deleted.delete()
    cases = [
        (WWW, f"p={cluster.other.pk}", 404),  # another site's page
        (BHQ, f"p={cluster.a1.pk}", 404),  # the same, seen from the other site
        (WWW, f"p={cluster.draft.pk}", 404),  # a draft
        (WWW, f"p={deleted_id}", 404),  # no such page any more
        (WWW, "p=9999999999", 404),  # beyond any id
        (WWW, "p=abc", 400),
        (WWW, "p=0", 400),
        (WWW, "p=-3", 400),
        (WWW, "", 400),
        (WWW, "page=1", 400),
        (WWW, f"p={cluster.a1.pk}&x=1", 400),
        (WWW, "p=1" + "1" * 200, 400),
        (WWW, "\x00\xff" * 10, 400),
    ]
    for host, body, status in cases:
        response = beacon(client, host, body)
        assert response.status_code == status, (host, body)
        assert "Set-Cookie" not in response.headers
    assert client.get("/_pv/", HTTP_HOST=WWW).status_code == 405
    # Sent by a page of another site: refused.
    assert beacon(client, WWW, f"p={cluster.a1.pk}", HTTP_ORIGIN="https://evil.example").status_code == 403
    assert beacon(client, WWW, f"p={cluster.a1.pk}", HTTP_SEC_FETCH_SITE="cross-site").status_code == 403
    assert not PageViewDay.objects.exists()


def test_a_page_of_the_other_site_counts_on_its_own_host(client, cluster):
    assert beacon(client, BHQ, f"p={cluster.other.pk}", HTTP_ORIGIN=f"http://{BHQ}").status_code == 204
    assert PageViewDay.objects.get(page=cluster.other).site_id == cluster.bhq.site.pk


def test_crawlers_and_prefetches_are_answered_but_not_counted(client, cluster):
    agents = [
        "Mozilla/5.0 (compatible; Baiduspider/2.0; +http://www.baidu.com/search/spider.html)",
        "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
        "Sogou web spider/4.0",
        "curl/8.5.0",
        "python-requests/2.32",
        "PortalClusterMonitor/1.0 (+docs/monitoring.md)",
        "Mozilla/5.0 HeadlessChrome/126.0",
        "",
    ]
    for agent in agents:
        assert beacon(client, WWW, f"p={cluster.a1.pk}", agent=agent).status_code == 204, agent
    assert beacon(client, WWW, f"p={cluster.a1.pk}", HTTP_SEC_PURPOSE="prefetch").status_code == 204
    assert not PageViewDay.objects.exists()


def test_many_views_add_up_and_one_client_is_capped(client, cluster):
    for n in range(1, 41):
        assert beacon(client, WWW, f"p={cluster.a1.pk}", address=f"198.51.100.{n}").status_code == 204
    assert views_of(cluster.a1) == 40
    assert PageViewDay.objects.filter(page=cluster.a1).count() == 1
    # One address reloading over and over counts up to the day's allowance only.
    for _ in range(analytics.PER_CLIENT_PAGE_DAY + 5):
        beacon(client, WWW, f"p={cluster.a2.pk}", address="192.0.2.1")
    assert views_of(cluster.a2) == analytics.PER_CLIENT_PAGE_DAY
    # An IPv6 client counts as its /64: rotating addresses within it does not help.
    for n in range(analytics.PER_CLIENT_PAGE_DAY + 5):
        beacon(client, WWW, f"p={cluster.n1.pk}", address=f"2001:db8:1:2::{n + 1:x}")
    assert views_of(cluster.n1) == analytics.PER_CLIENT_PAGE_DAY


def test_add_view_creates_then_updates_one_row_per_day(cluster):
    day = datetime.date(2014, 5, 1)
    for _ in range(7):
        analytics.add_view(cluster.a1, cluster.www.site, day)
    analytics.add_view(cluster.a1, cluster.www.site, day + datetime.timedelta(days=1))
    rows = dict(PageViewDay.objects.filter(page=cluster.a1).values_list("day", "views"))
    assert rows == {day: 7, day + datetime.timedelta(days=1): 1}


# -- figures -----------------------------------------------------------------------------


def count(page, site, day, views):
    for _ in range(views):
        analytics.add_view(page, site, day)


@pytest.fixture
def counted(cluster):
    """Views over a few days of May 2014 (the window ends on 31 May)."""
    www = cluster.www.site
    today = datetime.date(2014, 5, 31)
    count(cluster.a1, www, today, 5)
    count(cluster.a1, www, today - datetime.timedelta(days=3), 2)
    count(cluster.a2, www, today, 9)
    count(cluster.n1, www, today - datetime.timedelta(days=1), 4)
    count(cluster.news, www, today, 3)  # the column page itself
    count(cluster.www.home, www, today, 20)  # the home page
    count(cluster.a1, www, today - datetime.timedelta(days=40), 50)  # outside a 30-day window
    count(cluster.other, cluster.bhq.site, today, 30)
    cluster.today = today
    return cluster


def test_views_per_page_column_and_site(counted):
    www, today = counted.www.site, counted.today
    start = today - datetime.timedelta(days=29)
    assert analytics.site_views(www, start, today) == 5 + 2 + 9 + 4 + 3 + 20
    assert analytics.column_views(counted.news, start, today) == 5 + 2 + 9 + 3
    assert analytics.column_views(counted.notices, start, today) == 4
    assert analytics.column_views(counted.news, today, today) == 5 + 9 + 3
    pages = analytics.page_views(www, start, today)
    assert [(p.page.pk, p.views) for p in pages] == [
        (counted.www.home.pk, 20),
        (counted.a2.pk, 9),
        (counted.a1.pk, 7),
        (counted.n1.pk, 4),
        (counted.news.pk, 3),
    ]
    daily = analytics.daily_views(www, today - datetime.timedelta(days=3), today)
    assert daily == [
        (today - datetime.timedelta(days=3), 2),
        (today - datetime.timedelta(days=2), 0),
        (today - datetime.timedelta(days=1), 4),
        (today, 5 + 9 + 3 + 20),
    ]
    columns = analytics.column_totals(www, start, today)
    assert [(c.page.pk, c.views) for c in columns] == [(counted.news.pk, 19), (counted.notices.pk, 4)]


def test_most_viewed_items_of_a_site_and_of_a_column(counted):
    www, today = counted.www.site, counted.today
    items = analytics.most_viewed(www, today=today)
    # Items only (not the home page or the column), live, specific, most views first.
    assert [(i.page, i.views) for i in items] == [(counted.a2, 9), (counted.a1, 7), (counted.n1, 4)]
    assert all(type(i.page).__name__ == "ArticlePage" for i in items)
    assert [i.page.pk for i in analytics.most_viewed(www, column=counted.notices, today=today)] == [
        counted.n1.pk
    ]
    assert [i.page.pk for i in analytics.most_viewed(www, limit=1, today=today)] == [counted.a2.pk]
    # A window of 60 days takes in the old views of a1.
    assert analytics.most_viewed(www, days=60, today=today)[0] == (counted.a1, 57)
    # Another site's pages never appear; an unpublished item drops out.
    assert counted.other.pk not in [i.page.pk for i in analytics.most_viewed(www, days=60, today=today)]
    counted.a2.unpublish()
    assert [i.page.pk for i in analytics.most_viewed(www, today=today)] == [counted.a1.pk, counted.n1.pk]


def test_most_viewed_counts_topics_as_items(cluster):
    topic = TopicPage(title="两会专题", slug="lianghui")
    cluster.www.home.add_child(instance=topic)
    topic.save_revision().publish()
    analytics.add_view(topic, cluster.www.site)
    assert [i.page.pk for i in analytics.most_viewed(cluster.www.site)] == [topic.pk]


def test_the_template_tag_lists_the_most_viewed_items(cluster):
    today = timezone.localdate()
    count(cluster.a1, cluster.www.site, today, 3)
    count(cluster.a2, cluster.www.site, today, 5)
    count(cluster.n1, cluster.www.site, today, 1)
    template = Template(
        "{% load monitoring_analytics %}{% most_viewed target limit=2 days=7 as items %}"
        "{% for item in items %}{{ item.page.title }}={{ item.views }};{% endfor %}"
    )
    assert template.render(Context({"target": cluster.www.site})) == "新闻二=5;新闻一=3;"
    assert template.render(Context({"target": cluster.notices})) == "公告一=1;"
    assert template.render(Context({"target": cluster.www.home})) == "新闻二=5;新闻一=3;"
    assert template.render(Context({"target": None})) == ""
    # The ranking is cached for a few minutes, the pages are read fresh: an item
    # unpublished since is gone at once.
    cluster.a2.unpublish()
    assert template.render(Context({"target": cluster.www.site})) == "新闻一=3;"


def test_top_search_terms_are_only_those_the_moderation_shows():
    today = timezone.localdate()

    def log(query, clients, count=None, hits=1, days_ago=0):
        QueryLog.objects.create(
            day=today - datetime.timedelta(days=days_ago),
            language=ZH,
            query=query,
            count=count or clients,
            hits=hits,
            clients=clients,
        )

    log("政务公开", 6, count=9)
    log("政务公开", 4, days_ago=1)
    log("低保申请", 5)
    log("网络博彩", 8)  # holds a sensitive word: held until approved
    log("隐藏的词", 9)  # hidden by an editor
    log("一人多搜", 1, count=50)  # one client searching again and again
    log("无结果", 7, hits=0)  # found nothing
    log("很久以前", 9, days_ago=90)  # outside the window
    HotTerm.objects.create(language=ZH, query="隐藏的词", status=HotTerm.Status.HIDDEN)
    terms = analytics.top_search_terms(ZH, days=30, limit=10)
    assert [t["query"] for t in terms] == ["政务公开", "低保申请"]
    assert terms[0] == {"query": "政务公开", "total": 13, "client_days": 10}
    HotTerm.objects.create(language=ZH, query="网络博彩", status=HotTerm.Status.APPROVED)
    assert [t["query"] for t in analytics.top_search_terms(ZH, days=30)] == [
        "政务公开",
        "网络博彩",
        "低保申请",
    ]
    assert [t["query"] for t in analytics.top_search_terms(ZH, days=30, limit=1)] == ["政务公开"]


# -- the admin page ----------------------------------------------------------------------


def test_an_editor_sees_the_own_site_in_chinese_and_never_another(client, counted):
    editor = make_user("pv_editor", counted.www.groups["editor"])
    client.force_login(editor)
    url = reverse("monitoring:analytics")
    response = client.get(url)
    assert response.status_code == 200
    html = response.content.decode()
    assert "访问统计" in html and "每日访问量" in html and "访问量最高的页面" in html
    assert response.context["site"].pk == counted.www.site.pk
    assert [s.pk for s in response.context["sites"]] == [counted.www.site.pk]
    assert client.get(url, {"site": counted.bhq.site.pk}).status_code == 404
    for junk in ("abc", "99999", "-1", "<script>"):
        assert client.get(url, {"site": junk}).status_code == 404


def test_the_admin_page_shows_a_period_of_a_year_with_its_figures(client, counted):
    client.force_login(make_user("pv_admin", superuser=True))
    url = reverse("monitoring:analytics")
    response = client.get(url, {"site": counted.www.site.pk, "period": "y2014"})
    assert response.status_code == 200
    context = response.context
    assert {s.pk for s in context["sites"]} == {counted.www.site.pk, counted.bhq.site.pk}
    assert (context["start"], context["end"]) == (datetime.date(2014, 1, 1), datetime.date(2014, 12, 31))
    assert context["total"] == 50 + 5 + 2 + 9 + 4 + 3 + 20
    assert [row["title"] for row in context["top_pages"]][:3] == ["新闻一", "测试市人民政府", "新闻二"]
    assert context["top_columns"][0]["title"] == "工作动态"
    html = response.content.decode()
    assert "<svg" in html and 'role="img"' in html
    assert '<th scope="row">2014-05-31</th><td class="num">37</td>' in html
    # The other site, for the superuser.
    other = client.get(url, {"site": counted.bhq.site.pk, "period": "y2014"})
    assert other.status_code == 200 and other.context["total"] == 30
    # A period that is none: the last 30 days, said so.
    bad = client.get(url, {"site": counted.www.site.pk, "period": "y1999"})
    assert bad.status_code == 200 and bad.context["period"] == "30" and bad.context["problem"]
    assert "没有这个时段" in bad.content.decode()


def test_a_user_without_sites_sees_a_message(client, cluster):
    from django.contrib.auth.models import Permission

    user = make_user("pv_nobody")
    user.user_permissions.add(Permission.objects.get(codename="access_admin"))
    client.force_login(user)
    response = client.get(reverse("monitoring:analytics"))
    assert response.status_code == 200 and "没有可查看访问统计的网站" in response.content.decode()
