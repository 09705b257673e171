"""Index updates through the task queue (immediate in tests) on publish, unpublish, move
and delete; the reindex and drift-check commands; the JSON API and the search page."""

import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from wagtail.rich_text import RichText

from search.backends import get_backend
from search.models import IndexEntry
from search.service import SearchParams, search
from tests.factories import make_article

pytestmark = pytest.mark.django_db


def found(q, **kw):
    return [r["id"] for r in search(SearchParams(q=q, log=False, **kw))["results"]]


def test_publish_indexes_and_unpublish_removes(corpus):
    column = corpus.page("flood").get_parent()
    article = make_article(column, title="郴州市森林防火紧急通知")
    assert article.pk in found("森林防火")
    article.unpublish()
    assert article.pk not in found("森林防火")
    assert not IndexEntry.objects.filter(pk=article.pk).exists()


def test_republished_edit_replaces_old_tokens(corpus):
    page = corpus.page("traffic")
    page.title = "关于城区道路封闭施工的通告"
    page.body = [("paragraph", RichText("<p>五一路封闭施工，请车辆绕行。</p>"))]
    page.save_revision().publish()
    assert page.pk in found("封闭施工")
    assert page.pk not in found("交通管制")


def test_move_to_another_site_updates_site_and_url(corpus):
    page = corpus.page("agri")
    target = corpus.page("flood").get_parent()
    page.move(target, pos="last-child")
    entry = IndexEntry.objects.get(pk=page.pk)
    assert entry.site_id == corpus.sites["cz"].site.pk
    assert entry.url.startswith("http://www.cz.test")
    assert page.pk in found("春耕", site_id=corpus.sites["cz"].site.pk)
    # The backend's own copy of the filter columns moved too.
    assert page.pk not in found("春耕", site_id=corpus.sites["bh"].site.pk)


def test_delete_removes_from_index_and_backend(corpus):
    page = corpus.page("tax")
    pk = page.pk
    page.delete()
    assert pk not in found("税收优惠")
    assert pk not in get_backend().indexed_ids("zh")


def test_check_reports_drift_and_reindex_repairs_it(corpus):
    call_command("search_check", stdout=io.StringIO())
    get_backend().delete([corpus.page("water").pk])
    IndexEntry.objects.filter(pk=corpus.page("poverty").pk).delete()
    out = io.StringIO()
    with pytest.raises(CommandError):
        call_command("search_check", stdout=out)
    assert "已发布但未索引：1" in out.getvalue()
    assert "检索文档未写入检索引擎：1" in out.getvalue()
    call_command(
        "search_reindex", "--site", "bh.cz.test", "--no-progress", stdout=io.StringIO(), stderr=io.StringIO()
    )
    call_command("search_reindex", "--in-place", "--no-progress", stdout=io.StringIO(), stderr=io.StringIO())
    # The entry deleted behind the indexer's back left its terms counted twice once the
    # page was indexed again (in place): the check finds that, and --fix recounts.
    out = io.StringIO()
    with pytest.raises(CommandError):
        call_command("search_check", stdout=out)
    assert "词频统计与检索文档不符的词条" in out.getvalue()
    assert "检索文档未写入检索引擎：0" in out.getvalue()
    call_command("search_check", "--fix", stdout=io.StringIO())
    call_command("search_check", stdout=io.StringIO())
    assert corpus.page("water").pk in found("饮用水水源")
    # The full rebuild (bulk, the default) counts the statistics afresh: no drift left.
    IndexEntry.objects.filter(pk=corpus.page("poverty").pk).delete()
    call_command("search_reindex", "--no-progress", stdout=io.StringIO(), stderr=io.StringIO())
    call_command("search_check", stdout=io.StringIO())
    assert corpus.page("water").pk in found("饮用水水源")


def test_api_shape_and_page_size_cap(client, corpus):
    bh = corpus.sites["bh"].site.pk
    response = client.get("/api/v1/search/", {"q": "防汛", "site": bh, "page_size": "999"})
    assert response.status_code == 200
    data = response.json()
    assert set(data) >= {"count", "results", "suggestion", "facets"}
    assert data["count"] == 1
    result = data["results"][0]
    assert set(result) >= {"id", "title", "url", "site", "type", "published_at", "highlight"}
    assert result["id"] == corpus.page("flood_county").pk
    assert "<mark>防汛</mark>" in result["highlight"]
    assert data["page_size"] == 50
    assert client.get("/api/v1/search/", {"q": "😀" * 500}).status_code == 200
    assert client.get("/api/v1/search/autocomplete/", {"q": "sgjf"}).json()["suggestions"][0] == "三公经费"
    # One spelling of `lang`, as on the rest of the API.
    assert client.get("/api/v1/search/", {"q": "防汛", "lang": "zh-hans"}).json()["count"] == 2


@pytest.mark.parametrize(
    "bad",
    [
        {"page": "abc"},
        {"page": "9" * 30},
        {"page_size": "-1"},
        {"organisation": "9" * 30},
        {"column": "-5"},
        {"from": "2014-13-45"},
        {"to": "x" * 100},
        {"type": "<script>"},
        {"order": "'; DROP"},
        {"lang": "zh"},
        {"validity": "nope"},
        {"unknown": "1"},
    ],
)
def test_api_answers_a_bad_parameter_with_a_problem_naming_it(client, corpus, bad):
    response = client.get("/api/v1/search/", {"q": "防汛", **bad})
    assert response.status_code == 400
    assert response["Content-Type"].startswith("application/problem+json")
    assert next(iter(bad)) in response.content.decode()


def test_api_unknown_site_is_a_404_and_extreme_dates_limit_nothing(client, corpus):
    assert client.get("/api/v1/search/", {"q": "防汛", "site": "9" * 30}).status_code == 404
    wide = client.get("/api/v1/search/", {"q": "防汛", "from": "0001-01-01", "to": "9999-12-31"})
    assert wide.status_code == 200 and wide.json()["count"] == 2


def test_search_page_reads_bad_parameters_leniently(client, corpus):
    huge = "9" * 30
    hostile = {"site": huge, "organisation": huge, "column": "-" + huge, "page": huge, "page_size": huge}
    for bad in (
        hostile,
        {"from": "2014-13-45"},
        {"to": "x" * 100},
        {"type": "<script>"},
        {"order": "'; DROP"},
    ):
        response = client.get("/search/", {"q": "防汛", **bad}, HTTP_HOST="bh.cz.test")
        assert response.status_code == 200
        assert response.context["answer"]["count"] >= 1


def test_search_page_defaults_to_site_scope_with_cluster_switch(client, corpus):
    page = client.get("/search/", {"q": "防汛"}, HTTP_HOST="bh.cz.test")
    assert page.status_code == 200
    html = page.content.decode()
    assert "北湖区开展<mark>防汛</mark>应急演练" in html
    assert "汛期" not in html
    everywhere = client.get(
        "/search/", {"q": "防汛", "scope": "cluster"}, HTTP_HOST="bh.cz.test"
    ).content.decode()
    assert "关于做好汛期<mark>防汛</mark>抗旱工作的通知" in everywhere
    english = client.get("/search/", {"q": "mailbox"}, HTTP_HOST="en.cz.test").content.decode()
    assert "Mayor&#x27;s <mark>Mailbox</mark>" in english


def test_vocabulary_counts_documents_per_term_through_publish_edit_and_unpublish(corpus):
    from search.models import VocabularyTerm

    def df(term):
        row = VocabularyTerm.objects.filter(language="zh", term=term).first()
        return row.df if row else 0

    column = corpus.page("flood").get_parent()
    first = make_article(
        column, title="郴州市候鸟保护通告", body=[("paragraph", RichText("<p>候鸟保护候鸟</p>"))]
    )
    row = VocabularyTerm.objects.get(language="zh", term="候鸟")
    # One document, however often the term occurs in it; pinyin for autocomplete.
    assert (row.df, row.pinyin, row.initials) == (1, "houniao", "hn")
    second = make_article(column, title="候鸟迁徙季节提示")
    assert df("候鸟") == 2
    second.title = "湿地迁徙季节提示"
    second.save_revision().publish()
    assert df("候鸟") == 1
    assert df("湿地") == 1
    first.unpublish()
    assert df("候鸟") == 0
