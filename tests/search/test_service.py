"""The query service over the judged corpus: scope, filters, order, snippets, facets,
suggestions, autocomplete, synonyms, hot terms, English, and bad input."""

import datetime

import pytest
import time_machine
from django.core.cache import cache
from django.utils import timezone
from wagtail.rich_text import RichText

from search.models import QueryLog, Synonym
from search.service import SearchParams, autocomplete, hot_terms, search

pytestmark = pytest.mark.django_db


def keys(corpus, answer):
    return [corpus.key_of(r["id"]) for r in answer["results"]]


def test_segmented_chinese_matches_inside_longer_text(corpus):
    # The baseline failure: 电子政务 inside 推进电子政务建设.
    answer = search(SearchParams(q="电子政务", log=False))
    assert "egov" in keys(corpus, answer)


def test_traditional_and_full_width_queries_find_simplified_text(corpus):
    top = keys(corpus, search(SearchParams(q="電子監察", log=False)))[:2]
    assert set(top) == {"esupervision", "esupervision_county"}
    assert "hotline" in keys(corpus, search(SearchParams(q="１２３４５热线", log=False)))


def test_site_scope_and_facets(corpus):
    bh = corpus.sites["bh"].site.pk
    cz = corpus.sites["cz"].site.pk
    everywhere = search(SearchParams(q="防汛", log=False))
    assert everywhere["count"] == 2
    assert {f["id"]: f["count"] for f in everywhere["facets"]["site"]} == {cz: 1, bh: 1}
    assert everywhere["facets"]["type"] == [{"type": "article", "label": "信息", "count": 2}]
    one_site = search(SearchParams(q="防汛", site_id=bh, log=False))
    assert keys(corpus, one_site) == ["flood_county"]
    assert one_site["count"] == 1
    # The site facet still shows the other site's count, so the user can widen the scope.
    assert {f["id"]: f["count"] for f in one_site["facets"]["site"]} == {cz: 1, bh: 1}


def test_filters_column_type_organisation_date_and_validity(corpus):
    column = corpus.page("flood").get_parent()
    answer = search(SearchParams(q="防汛", column_id=column.pk, log=False))
    assert keys(corpus, answer) == ["flood"]
    assert search(SearchParams(q="防汛", content_type="topic", log=False))["count"] == 0
    org = corpus.organisation.pk
    assert keys(corpus, search(SearchParams(q="防汛", organisation_id=org, log=False))) == ["flood"]
    flood_day = corpus.page("flood").published_at
    window = search(
        SearchParams(
            q="防汛", date_from=flood_day, date_to=flood_day + datetime.timedelta(seconds=1), log=False
        )
    )
    assert keys(corpus, window) == ["flood"]
    assert search(SearchParams(q="防汛", validity="repealed", log=False))["count"] == 0


def test_date_order_puts_newest_first(corpus):
    answer = search(SearchParams(q="北湖区", order="date", log=False))
    dates = [r["published_at"] for r in answer["results"]]
    assert len(dates) > 2
    assert dates == sorted(dates, reverse=True)


def test_snippet_marks_terms_and_escapes_html(corpus):
    answer = search(SearchParams(q="三公经费", log=False))
    first = answer["results"][0]
    assert "<mark>三公经费</mark>" in first["highlight"]
    assert "<mark>三公经费</mark>" in first["title_highlight"]
    hostile = search(SearchParams(q="<b>三公经费</b>", log=False))["results"][0]["highlight"]
    assert "<b>" not in hostile


def test_marks_never_fall_inside_an_escaped_entity():
    from search.service import _highlighter, highlight

    pattern = _highlighter(["amp", "lt", "r&d"], "en")
    marked = highlight("R&D <lt> amplifier & amp", pattern)
    assert marked == (
        "<mark>R&amp;D</mark> &lt;<mark>lt</mark>&gt; <mark>amplifier</mark> &amp; <mark>amp</mark>"
    )


def test_pages_do_not_overlap(corpus):
    first = search(SearchParams(q="北湖区", page_size=3, page=1, log=False))
    second = search(SearchParams(q="北湖区", page_size=3, page=2, log=False))
    assert first["count"] == second["count"] > 3
    assert not set(keys(corpus, first)) & set(keys(corpus, second))


@pytest.mark.parametrize(
    "query",
    [
        "",
        "   ",
        "政" * 1000,
        "。，！？、；：",
        "😀🎉🙈",
        '" * : ^ ( ) - NEAR AND OR',
        '电子政务" OR 1=1; DROP TABLE portal_search_indexentry; --',
        "NEAR(市长 信箱, 2)",
        "市长信箱 mayor 信箱 ☎",
        "\x00\x1f控制字符",
    ],
)
def test_bad_input_never_errors(corpus, query):
    answer = search(SearchParams(q=query))
    assert answer["count"] >= 0
    assert len(answer["query"]) <= 100
    assert isinstance(answer["results"], list)


def test_bad_input_with_nothing_found_offers_a_hot_term(corpus):
    cache.clear()
    for n in range(3):  # a hot term needs different clients (test_hot_terms.py)
        search(SearchParams(q="市长信箱", client=f"10.1.0.{n}"))
    for query in ["", "。，！？、；：", "😀🎉🙈", '" * : ^ ( ) -', "政" * 1000]:
        answer = search(SearchParams(q=query, log=False))
        assert answer["count"] == 0, query
        assert answer["suggestion"] == "市长信箱", query


def test_injection_attempt_still_searches_the_words(corpus):
    answer = search(SearchParams(q='市长信箱" OR "', log=False))
    assert "mayor_box" in keys(corpus, answer)


def test_did_you_mean_from_same_pinyin_and_typed_pinyin(corpus):
    assert search(SearchParams(q="三公精费", log=False))["suggestion"] == "三公经费"
    assert search(SearchParams(q="sangongjingfei", log=False))["suggestion"] == "三公经费"


def test_autocomplete_by_prefix_pinyin_and_initials(corpus):
    assert "三公经费" in autocomplete("三公")
    assert "三公经费" in autocomplete("sgjf")
    assert "三公经费" in autocomplete("sangong")
    assert autocomplete("😀") == []


def test_synonyms_edited_by_admins_widen_the_query(corpus):
    before = search(SearchParams(q="天网", log=False))
    assert "mayor_box" not in keys(corpus, before)
    Synonym.objects.create(terms="三公，公务接待费")
    answer = search(SearchParams(q="公务接待费", log=False))
    assert {"sangong_2014", "sangong_dept"} <= set(keys(corpus, answer))
    Synonym.objects.create(terms="天网, 视频监控")
    assert "skynet_case" in keys(corpus, search(SearchParams(q="视频监控", log=False)))


def test_query_log_aggregates_without_personal_data(corpus):
    with time_machine.travel(datetime.datetime(2014, 7, 1, 10, tzinfo=datetime.UTC), tick=False):
        # Hot terms need different clients (tests/search/test_hot_terms.py): the client
        # only counts, it is not stored; who was counted today is in the cache.
        cache.clear()
        for n in range(4):
            search(SearchParams(q="三公经费", client=f"10.0.0.{n}"))
        for n in range(3):
            search(SearchParams(q="市长信箱", client=f"10.0.0.{n}"))
            search(SearchParams(q="不存在的词语组合zzz", client=f"10.0.0.{n}"))
        search(SearchParams(q="13907351234"))  # a phone number: never logged
        search(SearchParams(q="三公经费", page=2))  # paging is not a new search
        rows = {r.query: (r.count, r.hits, r.clients) for r in QueryLog.objects.all()}
        assert rows["三公经费"] == (4, 4, 4)
        assert not any("13907351234" in q for q in rows)
        fields = [f.name for f in QueryLog._meta.fields]
        assert fields == ["id", "day", "language", "query", "count", "hits", "clients"]
        hot = hot_terms()
        assert hot[:2] == ["三公经费", "市长信箱"]
        assert "不存在的词语组合zzz" not in hot  # found nothing: not offered as hot
    with time_machine.travel(datetime.datetime(2014, 9, 1, 10, tzinfo=datetime.UTC), tick=False):
        assert hot_terms() == []  # older than the 30-day window


def test_english_portal_is_its_own_stemmed_index(corpus):
    answer = search(SearchParams(q="mailboxes", language="en", log=False))
    assert keys(corpus, answer)[0] == "en_mayor"
    assert "<mark>Mailbox</mark>" in answer["results"][0]["title_highlight"]
    assert keys(corpus, search(SearchParams(q="investors", language="en", log=False)))[0] == "en_invest"
    # Chinese queries do not see the English index and vice versa.
    assert "en_mayor" not in keys(corpus, search(SearchParams(q="mailbox", log=False)))
    assert search(SearchParams(q="市长信箱", language="en", log=False))["count"] == 0


def test_english_did_you_mean(corpus):
    assert search(SearchParams(q="mailbax", language="en", log=False))["suggestion"] == "mailbox"


def test_result_dates_are_aware(corpus):
    published = search(SearchParams(q="三公经费", log=False))["results"][0]["published_at"]
    assert timezone.datetime.fromisoformat(published).tzinfo is not None


def test_equal_scores_rank_newest_first_across_pages(corpus):
    from tests.factories import make_article

    column = corpus.page("flood").get_parent()
    base = timezone.make_aware(datetime.datetime(2014, 3, 1, 9, 0))
    # Identical text scores identically: the order among them is by date, newest first,
    # including where the ties cross a page boundary.
    made = [
        make_article(column, title="萤火虫观测", summary="", published_at=base + datetime.timedelta(days=i))
        for i in range(7)
    ]
    newest_first = [p.pk for p in reversed(made)]
    pages = [search(SearchParams(q="萤火虫", page=n, page_size=3, log=False)) for n in (1, 2, 3)]
    assert [r["id"] for answer in pages for r in answer["results"]] == newest_first
    assert pages[0]["count"] == 7


def test_title_matches_rank_first_and_equal_pages_newest_first_in_any_order(corpus):
    """The title weight puts the title matches first; the body-only pages have equal text,
    so they tie and go newest first. Date order ignores the scores."""
    from tests.factories import make_article

    column = corpus.page("flood").get_parent()
    base = timezone.make_aware(datetime.datetime(2014, 2, 1, 9, 0))

    def article(title, body, day):
        return make_article(
            column,
            title=title,
            summary="",
            body=[("paragraph", RichText(f"<p>{body}</p>"))],
            published_at=base + datetime.timedelta(days=day),
        )

    in_title = article("候鸟保护区巡查", "巡查人员清点了保护区。", 0)
    in_title_and_body = article("候鸟迁徙季", "候鸟过境，候鸟栖息，观鸟者看候鸟。", -30)
    body_only = [article(f"湿地巡查记录{i}", "今天湿地里有候鸟。", i + 1) for i in range(6)]
    expected = [in_title_and_body.pk, in_title.pk] + [p.pk for p in reversed(body_only)]
    pages = [search(SearchParams(q="候鸟", page=n, page_size=3, log=False)) for n in (1, 2, 3)]
    assert [r["id"] for answer in pages for r in answer["results"]] == expected
    assert {answer["count"] for answer in pages} == {8}
    dated = search(SearchParams(q="候鸟", order="date", page_size=10, log=False))
    assert [r["id"] for r in dated["results"]] == [p.pk for p in reversed(body_only)] + [
        in_title.pk,
        in_title_and_body.pk,
    ]
