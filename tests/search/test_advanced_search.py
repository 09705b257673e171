"""The advanced search (issue 15): column (a parent column finds its sub-columns' items),
issuing organisation, date range, validity and type on the search page, the WAP search
page and the JSON API; every filter survives paging; a filter that names nothing is a note
on the pages and a 400 in Chinese on the API, never a 500; labelled controls that work
without script; the English portal's page in English; the P01 tags."""

import datetime
import re
from html import unescape
from urllib.parse import parse_qs, urlsplit

import pytest
from django.db import transaction
from django.test import Client
from django.utils import timezone
from wagtail.rich_text import RichText

from tests.factories import make_article, make_column, make_organisation, make_site

HOST = "adv.cz.test"
OTHER = "adv2.cz.test"
EN_HOST = "en.adv.cz.test"
MAIN = re.compile(r"<main.*?</main>", re.S)


def day(text):
    return timezone.make_aware(datetime.datetime.fromisoformat(f"{text}T10:00"))


class World:
    pass


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        w = World()
        w.site = make_site(hostname=HOST, name="甲市人民政府")
        w.other = make_site(hostname=OTHER, name="另一个区人民政府")
        w.en = make_site(hostname=EN_HOST, name="Chenzhou", locale="en", kind="english")
        home = w.site.home
        w.news = make_column(home, title="政务动态", slug="zwdt")
        w.work = make_column(w.news, title="工作动态", slug="gzdt")
        w.dept = make_column(w.news, title="部门动态", slug="bmdt")
        w.notice = make_column(home, title="通知公告", slug="tzgg")
        w.finance = make_organisation("甲市财政局")
        w.education = make_organisation("甲市教育局")

        def article(column, title, when, organisation=None, validity=""):
            return make_article(
                column,
                title=title,
                body=[("paragraph", RichText(f"<p>{title}，做好防汛抗旱各项工作。</p>"))],
                published_at=day(when),
                organisation=organisation,
                validity=validity,
            )

        w.work_item = article(w.work, "财政局防汛资金下达", "2014-03-01", w.finance, "valid")
        w.dept_item = article(w.dept, "教育局防汛安全检查", "2014-05-01", w.education, "repealed")
        w.notice_item = article(w.notice, "防汛值班安排通知", "2013-12-01", w.finance)
        # Enough items of one filter for three pages of ten.
        w.briefs = [
            article(w.work, f"防汛工作简报第{n}期", f"2014-04-{n:02d}", w.finance, "valid")
            for n in range(1, 25)
        ]
        w.other_item = article(make_column(w.other.home, title="工作动态"), "另一区防汛部署", "2014-04-02")
        yield w
        transaction.set_rollback(True)


def ids_of(answer):
    return {r["id"] for r in answer["results"]}


def api(client, **params):
    return client.get("/api/v1/search/", {"page_size": 50, **params}, HTTP_HOST=HOST)


def page(client, path="/search/", host=HOST, **params):
    response = client.get(path, params, HTTP_HOST=host)
    assert response.status_code == 200
    return response.content.decode()


def link(html, rel):
    match = re.search(rf'<a rel="{rel}" href="([^"]+)"|<a href="([^"]+)" rel="{rel}"', html)
    return unescape(match.group(1) or match.group(2)) if match else None


def result_titles(html):
    return [
        re.sub(r"<[^>]+>", "", t)
        for t in re.findall(r'<li class="search-result">\s*<h2><a [^>]*>(.*?)</a>', html)
    ]


def count_text(html):
    return re.search(r'class="search-count"[^>]*>(.*?)<', html).group(1)


def test_a_parent_column_finds_its_sub_columns_items(world):
    client = Client()
    parent = api(client, q="防汛", site=HOST, column=world.news.pk).json()
    assert {world.work_item.pk, world.dept_item.pk} <= ids_of(parent)
    assert world.notice_item.pk not in ids_of(parent)
    assert parent["count"] == 2 + len(world.briefs)
    child = api(client, q="防汛", site=HOST, column=world.dept.pk).json()
    assert ids_of(child) == {world.dept_item.pk}


def test_each_filter_narrows_the_answer(world):
    client = Client()
    everything = api(client, q="防汛", site=HOST).json()
    assert everything["count"] == 3 + len(world.briefs)
    by_org = api(client, q="防汛", site=HOST, organisation=world.education.pk).json()
    assert ids_of(by_org) == {world.dept_item.pk}
    repealed = api(client, q="防汛", site=HOST, validity="repealed").json()
    assert ids_of(repealed) == {world.dept_item.pk}
    dated = api(client, **{"q": "防汛", "site": HOST, "from": "2014-03-01", "to": "2014-03-01"}).json()
    assert ids_of(dated) == {world.work_item.pk}
    before = api(client, **{"q": "防汛", "site": HOST, "to": "2013-12-31"}).json()
    assert ids_of(before) == {world.notice_item.pk}
    columns_only = api(client, q="防汛", site=HOST, type="column").json()
    assert columns_only["count"] == 0


def test_the_page_two_link_keeps_every_filter(world):
    client = Client()
    params = {
        "q": "防汛",
        "scope": "site",
        "order": "date",
        "column": world.news.pk,
        "organisation": world.finance.pk,
        "validity": "valid",
        "type": "article",
        "from": "2014-03-01",
        "to": "2014-04-30",
    }
    first = page(client, **params)
    assert "以下筛选条件无效" not in first
    following = link(first, "next")
    assert following, "no link to page 2"
    kept = {k: v[0] for k, v in parse_qs(urlsplit(following).query).items()}
    assert kept == {**{k: str(v) for k, v in params.items()}, "page": "2"}
    second = client.get("/search/" + following, HTTP_HOST=HOST).content.decode()
    third = client.get("/search/" + link(second, "next"), HTTP_HOST=HOST).content.decode()
    assert link(third, "next") is None and link(third, "prev")
    titles = result_titles(first) + result_titles(second) + result_titles(third)
    # 24 briefs and the work item match; the education and notice items do not.
    assert len(titles) == len(set(titles)) == 25
    assert all("教育局" not in t and "通知" not in t for t in titles)
    # Newest first across the pages (order=date kept).
    assert titles[0] == "防汛工作简报第24期" and titles[-1] == "财政局防汛资金下达"


def test_the_cluster_scope_and_site_facet_survive_paging(world):
    client = Client()
    html = page(client, q="防汛", scope="cluster", site=world.site.site.pk)
    following = link(html, "next")
    kept = parse_qs(urlsplit(following).query)
    assert kept["scope"] == ["cluster"] and kept["site"] == [str(world.site.site.pk)]
    assert "另一区防汛部署" not in html
    # The site facets keep the other filters too.
    facets = page(client, q="防汛", scope="cluster", organisation=world.finance.pk)
    facet_links = [
        unescape(h)
        for h in re.findall(r'<ul class="facet-sites">.*?</ul>', facets, re.S)[0].split('href="')[1:]
    ]
    assert facet_links and all(f"organisation={world.finance.pk}" in h for h in facet_links)


def test_the_form_is_labelled_and_shows_the_filters_applied(world):
    html = page(Client(), q="防汛", column=world.work.pk, validity="valid", **{"from": "2014-03-01"})
    form = re.search(r'<form class="search-form".*?</form>', html, re.S).group(0)
    controls = re.findall(r'<(?:input|select)[^>]* id="([^"]+)"', form)
    assert {
        "search-column",
        "search-organisation",
        "search-from",
        "search-to",
        "search-validity",
        "search-type",
    } <= set(controls)
    for control in controls:
        assert f'for="{control}"' in form, control
    assert '<details class="search-filters" open>' in form
    assert f'<option value="{world.work.pk}" selected>' in form
    assert '<option value="valid" selected>' in form
    assert 'name="from" value="2014-03-01"' in form
    for label in ("高级搜索", "栏目", "发布机构", "发布日期", "有效性", "类型"):
        assert label in form
    # The site's columns are offered, indented under their parent; another site's are not.
    assert "政务动态" in form and "\u00a0\u00a0工作动态" in form
    assert "另一个区" not in form
    # Without filters the advanced part stays folded.
    assert '<details class="search-filters">' in page(Client(), q="防汛")


@pytest.mark.parametrize(
    ("params", "names"),
    [
        ({"column": "abc"}, "栏目"),
        ({"column": "99999999"}, "栏目"),
        ({"organisation": "99999999"}, "发布机构"),
        ({"from": "2014-13-45"}, "起始日期"),
        ({"to": "yesterday"}, "截止日期"),
        ({"validity": "bogus"}, "有效性"),
        ({"type": "nope"}, "类型"),
        ({"site": "99999999", "scope": "cluster"}, "网站"),
        ({"from": "2014-05-01", "to": "2014-03-01"}, "起始日期、截止日期"),
        ({"column": "x" * 5000, "organisation": "-1"}, "栏目、发布机构"),
    ],
)
def test_an_invalid_filter_is_ignored_with_a_note(world, params, names):
    client = Client()
    html = page(client, q="防汛", **params)
    assert f"以下筛选条件无效，已忽略：{names}" in html
    # Ignored: the answer is the unfiltered one, and the links do not carry the bad value.
    unfiltered = page(client, q="防汛", scope=params.get("scope", "site"))
    assert count_text(html) == count_text(unfiltered)
    following = link(html, "next")
    for key in params:
        if key != "scope":
            assert f"{key}=" not in following
    wap = page(client, "/wap/search/", q="防汛", **params)
    assert f"以下筛选条件无效，已忽略：{names}" in wap


@pytest.mark.parametrize(
    ("params", "name", "reason"),
    [
        ({"column": "99999999"}, "column", "栏目 99999999 不存在"),
        ({"column": "abc"}, "column", "应为正整数"),
        ({"organisation": "99999999"}, "organisation", "发布机构 99999999 不存在"),
        ({"from": "2014-02-30"}, "from", "应为日期"),
        ({"from": "2014-05-01", "to": "2014-03-01"}, "to", "截止日期不能早于起始日期"),
        ({"validity": "bogus"}, "validity", "应为"),
        ({"type": "nope"}, "type", "应为"),
    ],
)
def test_the_api_refuses_an_invalid_filter_in_chinese(world, params, name, reason):
    response = api(Client(), q="防汛", **params)
    assert response.status_code == 400
    assert response["Content-Type"].startswith("application/problem+json")
    body = response.json()
    assert body["invalid_params"][0]["name"] == name
    assert reason in body["detail"]


def test_the_wap_search_filters_and_keeps_them_on_the_next_page(world):
    client = Client()
    params = {"q": "防汛", "column": world.work.pk, "organisation": world.finance.pk}
    html = page(client, "/wap/search/", **params)
    form = re.search(r"<main.*?</form>", html, re.S).group(0)
    for control in re.findall(r'<(?:input|select)[^>]* id="([^"]+)"', form):
        assert f'for="{control}"' in form, control
    assert "教育局防汛安全检查" not in html and "防汛值班安排通知" not in html
    following = link(html, "next")
    kept = {k: v[0] for k, v in parse_qs(urlsplit(following).query).items()}
    assert kept == {
        "q": "防汛",
        "column": str(world.work.pk),
        "organisation": str(world.finance.pk),
        "page": "2",
    }
    second = client.get("/wap/search/" + following, HTTP_HOST=HOST).content.decode()
    assert "工作简报" in second and "安全检查" not in second


def test_the_english_portal_search_page_speaks_english(world):
    make_article(
        make_column(world.en.home, title="News", slug="news"),
        title="Flood prevention funds released",
        body=[("paragraph", RichText("<p>Flood prevention work in the city.</p>"))],
    )
    html = page(Client(), host=EN_HOST, q="flood", validity="bogus")
    main = MAIN.search(html).group(0)
    assert "prevention funds released" in main
    for english in ("Advanced search", "Column", "Issuing organisation", "Validity", "Type", "Information"):
        assert english in main, english
    for chinese in ("栏目", "信息", "发布机构", "有效性", "高级搜索", "以下"):
        assert chinese not in main, chinese
    assert "：" not in main
    assert "These filters were not valid and were ignored: Validity" in main
    assert "：" not in re.search(r"<title>(.*?)</title>", html, re.S).group(1)


def test_the_search_pages_carry_the_p01_site_tags(world):
    for path in ("/search/", "/wap/search/"):
        html = page(Client(), path, q="防汛")
        assert '<meta name="SiteName" content="甲市人民政府">' in html, path
        assert f'<meta name="SiteDomain" content="{HOST}">' in html, path
        assert re.search(r'<meta name="SiteIDCode" content="\d{10}">', html), path
