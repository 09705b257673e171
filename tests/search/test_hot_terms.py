"""Hot search terms (热门搜索, issue 14): a term is offered to every visitor only when enough
different clients searched it, it contains no sensitive word (or an editor approved it),
and no editor hid it; the editors' list is Chinese and cluster-wide; no address is stored.

Everything goes through the real search page and app API with the test client, one
REMOTE_ADDR per visitor (TRUSTED_PROXY_COUNT is 0), and through the real admin views."""

import datetime

import pytest
import time_machine
from django.contrib.auth.models import Group, Permission
from django.core.cache import cache
from django.db import connection
from django.urls import reverse
from wagtail.rich_text import RichText

from search.analysis import normalise
from search.hot_terms import min_clients
from search.models import HotTerm, QueryLog, SensitiveWord
from tests.factories import make_article, make_site, make_user

pytestmark = pytest.mark.django_db

WWW = "www.cz.test"
PROBE = '"><svg onload=alert(1)>'
READER = "10.9.9.9"  # the visitor who only reads the hot terms


@pytest.fixture(autouse=True)
def one_day():
    """A fixed day (the counts are per day) and a fresh cache (the day's markers)."""
    with time_machine.travel(datetime.datetime(2014, 7, 1, 10, tzinfo=datetime.UTC), tick=False):
        cache.clear()
        yield
        cache.clear()


@pytest.fixture
def pages(corpus):
    """Pages the probe and a gambling term find: a term is only ever hot if it found
    something, so these make the filters, not the hit count, decide."""
    column = corpus.page("flood").get_parent()
    make_article(column, title="网页图标 svg onload alert 1 的无障碍说明", summary="")
    make_article(
        column,
        title="我市严厉打击网络博彩违法犯罪",
        summary="",
        body=[("paragraph", RichText("<p>公安机关破获一批网络博彩案件。</p>"))],
    )
    return corpus


def search_as(client, query, address):
    response = client.get("/search/", {"q": query}, HTTP_HOST=WWW, REMOTE_ADDR=address)
    assert response.status_code == 200
    return response


def searched_by(client, query, count, network="198.51.100"):
    for n in range(1, count + 1):
        search_as(client, query, f"{network}.{n}")


def shown(client):
    """The hot terms as a visitor sees them, on the search page and in the app API (the
    same list)."""
    page = client.get("/search/", HTTP_HOST=WWW, REMOTE_ADDR=READER)
    terms = list(page.context["hot_terms"])
    api = client.get("/api/v1/search/hot/", HTTP_HOST=WWW, REMOTE_ADDR=READER)
    assert api.status_code == 200 and api.json()["terms"] == terms
    return terms


@pytest.fixture
def moderator(client):
    client.force_login(make_user("hot_admin", superuser=True))
    return client


def decide(client, query, action):
    response = client.post(reverse("hot_terms:index"), {"query": query, "language": "zh", "action": action})
    assert response.status_code == 302
    return response


# -- the distinct-client threshold ---------------------------------------------------------


def test_the_probe_from_one_client_never_appears(client, pages):
    for _ in range(4):
        search_as(client, PROBE, "203.0.113.5")
    row = QueryLog.objects.get(query=normalise(PROBE))
    assert (row.count, row.hits, row.clients) == (4, 4, 1)  # found something, one client
    assert shown(client) == []
    html = client.get("/search/", HTTP_HOST=WWW, REMOTE_ADDR=READER).content.decode()
    assert "svg onload" not in html and "onload" not in html  # the page's own icon is an .svg
    # Even a clean term searched many times by one client stays off the list.
    for _ in range(10):
        search_as(client, "电子政务", "203.0.113.5")
    assert shown(client) == []


def test_a_term_searched_by_enough_different_clients_appears(client, pages):
    assert min_clients() == 3  # the default of SEARCH_HOT_MIN_CLIENTS
    searched_by(client, "电子政务", 2)
    search_as(client, "电子政务", "198.51.100.1")  # the first client again: not a new one
    assert "电子政务" not in shown(client)
    search_as(client, "电子政务", "198.51.100.3")
    assert shown(client) == ["电子政务"]
    assert QueryLog.objects.get(query="电子政务").clients == 3
    # The suggestion of a search that found nothing offers it too.
    answer = client.get("/api/v1/search/", {"q": "qqqxyz"}, HTTP_HOST=WWW, REMOTE_ADDR=READER)
    assert answer.json()["suggestion"] == "电子政务"


def test_the_threshold_is_a_setting(client, pages, settings):
    settings.SEARCH_HOT_MIN_CLIENTS = 2
    searched_by(client, "电子政务", 2)
    assert shown(client) == ["电子政务"]


def test_addresses_of_one_ipv6_network_count_once(client, pages):
    for host in ("1", "2", "abcd:1234"):
        search_as(client, "电子政务", f"2001:db8:1:1::{host}")
    assert QueryLog.objects.get(query="电子政务").clients == 1
    assert shown(client) == []
    search_as(client, "电子政务", "2001:db8:1:2::1")
    search_as(client, "电子政务", "::ffff:198.51.100.9")  # an IPv4 client through IPv6
    assert shown(client) == ["电子政务"]


def test_terms_rank_by_clients_not_by_repeated_searches(client, pages):
    searched_by(client, "防汛", 4)
    searched_by(client, "电子政务", 3, network="192.0.2")
    for _ in range(20):
        search_as(client, "电子政务", "192.0.2.1")
    assert shown(client) == ["防汛", "电子政务"]


# -- the sensitive-word filter and the editors' decisions ----------------------------------


def test_the_probe_is_held_even_from_many_clients(client, pages, moderator):
    searched_by(client, PROBE, 5)
    assert shown(client) == []
    listed = moderator.get(reverse("hot_terms:index"), {"state": "pending"}).content.decode()
    assert "&quot;&gt;&lt;svg onload=alert(1)&gt;" in listed  # escaped in the admin too
    assert "<svg onload" not in listed


def test_a_term_with_a_seed_word_waits_for_approval(client, pages, moderator):
    searched_by(client, "网络博彩", 3)
    assert shown(client) == []
    listed = moderator.get(reverse("hot_terms:index"), {"state": "pending"})
    row = next(r for r in listed.context["page_obj"] if r["query"] == "网络博彩")
    assert row["matched"] == ["博彩"] and row["peak"] == 3
    decide(moderator, "网络博彩", "approve")
    assert shown(client) == ["网络博彩"]
    assert HotTerm.objects.get(query="网络博彩").status == HotTerm.Status.APPROVED


def test_traditional_and_spaced_forms_of_a_word_are_caught(pages):
    from search.sensitive_words import matches

    assert matches("網絡 博 彩") == ["博彩"]
    assert matches("ＪＡＶＡＳＣＲＩＰＴ:void(0)") == ["javascript:"]
    assert matches("三公经费") == []


def test_a_word_added_in_the_admin_holds_a_shown_term_until_approved(client, pages, moderator):
    searched_by(client, "防汛", 3)
    assert shown(client) == ["防汛"]
    added = moderator.post(
        reverse("sensitive_words:add"), {"word": "防汛", "category": "other", "note": "测试"}
    )
    assert added.status_code == 302, added.content.decode()[:2000]
    assert SensitiveWord.objects.filter(word="防汛").exists()
    assert shown(client) == []  # the automaton was rebuilt for the new word
    decide(moderator, "防汛", "approve")
    assert shown(client) == ["防汛"]
    # Deleting the word is seen as well; the approval stays, so the term stays.
    word = SensitiveWord.objects.get(word="防汛")
    moderator.post(reverse("sensitive_words:delete", args=[word.pk]))
    assert not SensitiveWord.objects.filter(word="防汛").exists()
    assert shown(client) == ["防汛"]


def test_a_hidden_term_disappears_and_comes_back_when_the_decision_is_withdrawn(client, pages, moderator):
    searched_by(client, "电子政务", 3)
    searched_by(client, "防汛", 3)
    assert set(shown(client)) == {"电子政务", "防汛"}
    decide(moderator, "电子政务", "hide")
    assert shown(client) == ["防汛"]
    # More searches do not bring it back.
    searched_by(client, "电子政务", 6, network="192.0.2")
    assert shown(client) == ["防汛"]
    decide(moderator, "电子政务", "reset")
    assert shown(client) == ["电子政务", "防汛"]


def test_approving_does_not_skip_the_client_threshold(client, pages, moderator):
    search_as(client, "网络博彩", "203.0.113.5")
    decide(moderator, "网络博彩", "approve")
    assert shown(client) == []


# -- the admin list: Chinese, and only with the permission ---------------------------------


def test_the_admin_list_is_in_chinese(client, pages, moderator):
    searched_by(client, "网络博彩", 3)
    searched_by(client, "电子政务", 3)
    search_as(client, "防汛", "203.0.113.5")
    html = moderator.get(reverse("hot_terms:index")).content.decode()
    for label in ("热门搜索词", "检索词", "搜索次数", "单日最多访问者", "命中的敏感词", "状态", "操作"):
        assert label in html, label
    for state in ("待审核（含敏感词）", "自动显示", "访问者不足，不显示"):
        assert state in html, state
    for label in ("批准", "隐藏"):
        assert f">{label}</button>" in html
    for english in ("Search term", "Approve", "Hide", "Awaiting approval", "Hot search terms", "Visitors"):
        assert english not in html, english
    words = moderator.get(reverse("sensitive_words:index")).content.decode()
    assert "敏感词库" in words and "Sensitive word" not in words
    form = moderator.get(reverse("sensitive_words:add")).content.decode()
    for label in ("敏感词", "类别", "备注", "赌博类", "代码和标记"):
        assert label in form, label
    dashboard = moderator.get(reverse("wagtailadmin_home")).content.decode()
    assert reverse("hot_terms:index") in dashboard and reverse("sensitive_words:index") in dashboard


def test_a_county_editor_without_the_permission_is_refused(client, pages):
    county = make_site("bh.hot.test", "北湖区人民政府", slug="bh-hot")
    client.force_login(make_user("bhq_editor", county.groups["editor"]))
    for response in (
        client.get(reverse("hot_terms:index")),
        client.post(reverse("hot_terms:index"), {"query": "电子政务", "language": "zh", "action": "hide"}),
        client.get(reverse("sensitive_words:index")),
        client.get(reverse("sensitive_words:add")),
        client.post(reverse("sensitive_words:add"), {"word": "电子政务", "category": "other"}),
    ):
        assert (response.status_code, response["Location"]) == (302, reverse("wagtailadmin_home"))
    assert not HotTerm.objects.exists() and not SensitiveWord.objects.exists()
    menu = client.get(reverse("wagtailadmin_home")).content.decode()
    assert reverse("hot_terms:index") not in menu and reverse("sensitive_words:index") not in menu


def test_a_group_granted_the_permission_manages_the_list(client, pages):
    group = Group.objects.create(name="热门搜索管理员")
    group.permissions.add(
        Permission.objects.get(codename="access_admin"),
        Permission.objects.get(content_type__app_label="portal_search", codename="manage_hot_terms"),
    )
    client.force_login(make_user("hot_editor", group))
    assert client.get(reverse("hot_terms:index")).status_code == 200
    assert client.get(reverse("sensitive_words:index")).status_code == 200
    searched_by(client, "电子政务", 3)
    decide(client, "电子政务", "hide")
    assert HotTerm.objects.get(query="电子政务").status == HotTerm.Status.HIDDEN
    assert shown(client) == []


# -- privacy -------------------------------------------------------------------------------


def test_no_address_is_stored(client, pages):
    addresses = [f"198.51.100.{n}" for n in range(1, 4)] + ["2001:db8:77:1::5"]
    for address in addresses:
        search_as(client, "电子政务", address)
    fields = [f.name for f in QueryLog._meta.fields]
    assert fields == ["id", "day", "language", "query", "count", "hits", "clients"]
    assert QueryLog.objects.get(query="电子政务").clients == 4
    needles = [*addresses, "2001:db8:77:1::", "198.51.100"]
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")  # noqa: S608
            for row in cursor.fetchall():
                text = " ".join(str(v) for v in row)
                assert not any(n in text for n in needles), (table, text[:200])
    # The search's own cache entries hold no address either: a day salt and opaque markers.
    ours = {k: v for k, v in cache._cache.items() if "portal_search:hot" in k}
    assert ours and not any(n in k or n.encode() in v for k, v in ours.items() for n in needles)
