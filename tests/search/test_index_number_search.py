"""Searching an 索引号 finds its item first (issue 15, G01): on the search page, the WAP
page and the JSON API, typed in any case or full width, counted once, still filtered; a
query that only looks like one searches as usual."""

import re

from django.test import Client
from wagtail.rich_text import RichText

from cms.pages import ArticlePage
from search.index_numbers import index_number_of
from search.service import SearchParams, search
from tests.factories import make_article, make_organisation

WWW = "www.cz.test"


def numbered(corpus):
    """The corpus's items with an 索引号 (those of the municipal site's organisation)."""
    ids = [p.pk for p in corpus.pages.values()]
    return list(ArticlePage.objects.filter(pk__in=ids).exclude(index_number=None).order_by("pk"))


def test_the_number_finds_its_item_first(corpus):
    items = numbered(corpus)
    assert len(items) > 5
    for item in (items[0], items[len(items) // 2], items[-1]):
        answer = search(SearchParams(q=item.index_number, log=False))
        assert answer["results"][0]["id"] == item.pk, item.index_number
        ids = [r["id"] for r in answer["results"]]
        assert ids.count(item.pk) == 1


def test_the_number_is_read_in_any_case_and_width(corpus):
    item = numbered(corpus)[3]
    wide = "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in item.index_number)
    for typed in (item.index_number.lower(), wide, f"  {item.index_number} "):
        assert search(SearchParams(q=typed, log=False))["results"][0]["id"] == item.pk, typed


def test_a_custom_pattern_and_the_count(corpus):
    office = make_organisation("郴州市统计局", index_pattern="004310000-{year}-{seq:06d}")
    column = corpus.columns[("cz", next(c for s, c in corpus.columns if s == "cz"))]
    item = make_article(
        column, title="统计公报", organisation=office, body=[("paragraph", RichText("<p>年度统计公报。</p>"))]
    )
    assert re.fullmatch(r"004310000-\d{4}-000001", item.index_number)
    # Another item cites the number in its title: found by the words, ranked after it.
    citing = make_article(
        column,
        title=f"关于索引号 {item.index_number} 的更正",
        body=[("paragraph", RichText("<p>更正说明。</p>"))],
    )
    answer = search(SearchParams(q=item.index_number, log=False))
    assert [r["id"] for r in answer["results"]] == [item.pk, citing.pk]
    # The item's text holds no part of the number: it is counted once, on top of the match.
    assert answer["count"] == 2
    assert sum(f["count"] for f in answer["facets"]["type"]) == 2
    # Paging neither repeats nor skips.
    pages = [search(SearchParams(q=item.index_number, page=n, page_size=1, log=False)) for n in (1, 2, 3)]
    assert [[r["id"] for r in p["results"]] for p in pages] == [[item.pk], [citing.pk], []]


def test_filters_still_apply(corpus):
    item = numbered(corpus)[0]
    other = make_organisation("郴州市另一个局")
    answer = search(SearchParams(q=item.index_number, organisation_id=other.pk, log=False))
    assert item.pk not in [r["id"] for r in answer["results"]]
    in_site = search(SearchParams(q=item.index_number, site_id=corpus.sites["bh"].site.pk, log=False))
    assert item.pk not in [r["id"] for r in in_site["results"]]


def test_the_pages_and_the_api_put_it_first(corpus):
    item = numbered(corpus)[2]
    client = Client()
    html = client.get("/search/", {"q": item.index_number}, HTTP_HOST=WWW).content.decode()
    first = re.search(r'<li class="search-result">\s*<h2><a href="([^"]+)"', html).group(1)
    assert first == item.full_url
    wap = client.get("/wap/search/", {"q": item.index_number}, HTTP_HOST=WWW).content.decode()
    first = re.search(r'<ol start="1">\s*<li><a href="([^"]+)"', wap).group(1)
    assert first == f"/wap/{item.slug}/" or first.endswith(f"/{item.slug}/")
    data = client.get("/api/v1/search/", {"q": item.index_number}, HTTP_HOST=WWW).json()
    assert data["results"][0]["id"] == item.pk


def test_what_cannot_be_a_number_is_not_looked_up():
    for text in ("三公经费", "sangongjingfei", "2014", "ab-cd-ef", "a b 1234567", "x" * 70 + "1"):
        assert index_number_of(text) is None, text
    assert index_number_of("１１４３/２０１４-００１２３") == "1143/2014-00123"
