"""“您是不是要找” also when a search finds something (三工经费 → 三公经费), typed pinyin that
answers with its best suggestion's results instead of nothing (issue 15), and what this
costs: nothing for a query that is one index term."""

import re
from html import unescape

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from search.models import VocabularyTerm
from search.service import SearchParams, search

from .test_service import keys

WWW = "www.cz.test"


def test_a_typo_that_finds_something_still_offers_the_right_term(corpus):
    answer = search(SearchParams(q="三工经费", log=False))
    assert answer["count"] >= 3  # found through 经费
    assert answer["suggestion"] == "三公经费"
    assert answer["results_for"] is None  # the results stay the query's own
    html = Client().get("/search/", {"q": "三工经费", "scope": "site"}, HTTP_HOST=WWW).content.decode()
    match = re.search(r'<p class="search-suggestion">您是不是要找：<a href="([^"]+)">三公经费</a></p>', html)
    assert match, "no 您是不是要找 link"
    assert "q=%E4%B8%89%E5%85%AC%E7%BB%8F%E8%B4%B9" in unescape(match.group(1))


def test_a_correct_query_gets_no_suggestion(corpus):
    for query in ("三公经费", "市长信箱", "电子政务"):
        assert search(SearchParams(q=query, log=False))["suggestion"] is None, query


def test_a_known_term_is_not_corrected_to_a_homophone(corpus):
    # Two index terms that sound alike: the rarer one is no typo of the commoner.
    rare = VocabularyTerm.objects.filter(language="zh", term="三公经费").get()
    VocabularyTerm.objects.create(
        language="zh", term="散功经费", df=rare.df + 100, pinyin=rare.pinyin, initials=rare.initials
    )
    answer = search(SearchParams(q="三公经费", log=False))
    assert answer["count"] >= 3 and answer["suggestion"] is None
    VocabularyTerm.objects.filter(term="散功经费").delete()


def test_typed_pinyin_shows_its_best_suggestions_results(corpus):
    direct = keys(corpus, search(SearchParams(q="三公经费", log=False)))
    for query in ("sangongjingfei", "san gong jing fei", "sgjf", "sangongjing"):
        answer = search(SearchParams(q=query, log=False))
        assert answer["results_for"] == "三公经费", query
        assert answer["query"] == query
        assert keys(corpus, answer) == direct, query
        assert (
            "<mark>三公经费</mark>"
            in answer["results"][0]["title_highlight"] + answer["results"][0]["highlight"]
        )


def test_the_pages_and_the_api_say_whose_results_they_show(corpus):
    client = Client()
    html = client.get("/search/", {"q": "sangongjingfei"}, HTTP_HOST=WWW).content.decode()
    assert '以下是"三公经费"的结果' in html
    assert "您是不是要找" not in html
    assert '<li class="search-result">' in html
    # The search box keeps what was typed.
    assert 'name="q" value="sangongjingfei"' in html
    wap = client.get("/wap/search/", {"q": "sangongjingfei"}, HTTP_HOST=WWW).content.decode()
    assert '以下是"三公经费"的结果' in wap and "<ol" in wap
    data = client.get("/api/v1/search/", {"q": "sangongjingfei"}, HTTP_HOST=WWW).json()
    assert data["results_for"] == "三公经费" and data["count"] > 0 and data["query"] == "sangongjingfei"
    plain = client.get("/api/v1/search/", {"q": "三公经费"}, HTTP_HOST=WWW).json()
    assert plain["results_for"] is None and plain["count"] == data["count"]


def test_nonsense_is_not_replaced(corpus):
    answer = search(SearchParams(q="qqqxyz", log=False))
    assert answer["count"] == 0 and answer["results_for"] is None


def test_a_one_term_query_with_hits_reads_no_vocabulary(corpus):
    search(SearchParams(q="三公经费", log=False))  # warm the caches
    with CaptureQueriesContext(connection) as queries:
        answer = search(SearchParams(q="三公经费", log=False))
    assert answer["count"] >= 3
    assert not [q for q in queries.captured_queries if VocabularyTerm._meta.db_table in q["sql"]]
