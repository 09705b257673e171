"""Each column offers the page types that belong in it (cms.items.Item.can_create_at): a
leaf news column its items alone, so Wagtail's "add child page" goes straight to the
信息 form; an interview column interviews; a directory column (one with sub-columns, or
a new one still empty) also sub-columns and topics; a home page is not a column."""

from django.urls import reverse

from budgets.pages import BudgetColumnPage, DisclosurePage
from cms.models import ArticlePage, ColumnPage, ColumnType, TopicPage
from interaction.broadcasts import BroadcastPage
from interaction.interviews import Interview
from tests.factories import make_article, make_column, make_site, make_user

HOST = "www.types.localhost"


def offered(parent):
    parent = parent.specific
    return {model for model in type(parent).creatable_subpage_models() if model.can_create_at(parent)}


def editor_client(client, site):
    client.force_login(make_user("types_editor", site.groups["editor"]))
    return client


def test_a_leaf_news_column_offers_articles_only_and_the_add_link_goes_to_the_form(client):
    site = make_site(HOST, "测试市人民政府")
    news = make_column(site.home, title="工作动态", slug="gzdt", column_type=ColumnType.NEWS)
    make_article(news, "已有的一条信息")
    assert offered(news) == {ArticlePage}

    response = editor_client(client, site).get(reverse("wagtailadmin_pages:add_subpage", args=[news.pk]))
    assert response.status_code == 302
    assert response["Location"] == reverse("wagtailadmin_pages:add", args=["cms", "articlepage", news.pk])


def test_a_directory_column_and_a_new_column_also_offer_sub_columns_and_topics(client):
    site = make_site(HOST, "测试市人民政府")
    directory = make_column(site.home, title="政务动态", slug="zwdt", column_type=ColumnType.NEWS)
    make_column(directory, title="工作动态", slug="gzdt", column_type=ColumnType.NEWS)
    empty = make_column(site.home, title="新栏目", slug="xlm", column_type=ColumnType.NOTICE)
    for column in (directory, empty):
        assert {ArticlePage, ColumnPage, TopicPage, BudgetColumnPage} <= offered(column)
        assert Interview not in offered(column)

    # The choice page lists them (no redirect), in Chinese.
    response = editor_client(client, site).get(reverse("wagtailadmin_pages:add_subpage", args=[directory.pk]))
    assert response.status_code == 200
    assert reverse("wagtailadmin_pages:add", args=["cms", "articlepage", directory.pk]) in response.text
    assert reverse("wagtailadmin_pages:add", args=["cms", "columnpage", directory.pk]) in response.text


def test_an_interview_column_offers_interviews_and_broadcasts_and_refuses_articles(client):
    site = make_site(HOST, "测试市人民政府")
    interviews = make_column(site.home, title="在线访谈", slug="zxft", column_type=ColumnType.INTERVIEW)
    assert offered(interviews) == {Interview, BroadcastPage}
    assert not ArticlePage.can_create_at(interviews)

    editor = editor_client(client, site)
    response = editor.get(reverse("wagtailadmin_pages:add_subpage", args=[interviews.pk]))
    html = response.content.decode()
    for model in ("interview", "broadcastpage"):
        assert reverse("wagtailadmin_pages:add", args=["interaction", model, interviews.pk]) in html
    assert reverse("wagtailadmin_pages:add", args=["cms", "articlepage", interviews.pk]) not in html
    # The form of a type the column does not offer is refused (Wagtail sends the refused
    # user to the dashboard with its message), not just unlisted.
    refused = editor.get(reverse("wagtailadmin_pages:add", args=["cms", "articlepage", interviews.pk]))
    assert refused.status_code == 302 and refused["Location"] == reverse("wagtailadmin_home")


def test_the_rule_reads_a_plain_page_row_of_a_column_and_the_home_page_is_no_column():
    site = make_site(HOST, "测试市人民政府")
    news = make_column(site.home, title="工作动态", slug="gzdt", column_type=ColumnType.NEWS)
    make_article(news)
    plain = ColumnPage.objects.get(pk=news.pk).page_ptr  # a wagtailcore Page, no column_type
    assert ArticlePage.can_create_at(plain) and not ColumnPage.can_create_at(plain)
    assert {ColumnPage, TopicPage} <= offered(site.home)


def test_a_budget_column_still_offers_its_disclosures():
    site = make_site(HOST, "测试市人民政府")
    budget = BudgetColumnPage(title="部门预决算公开", slug="bmyjs")
    site.home.add_child(instance=budget)
    assert offered(budget) == {DisclosurePage}


def test_a_type_may_name_its_columns_without_reserving_them():
    """The test app's notice (tests/itemtype) names 通知公告 columns: offered there beside
    articles, and nowhere else."""
    from tests.itemtype.models import NoticePage

    site = make_site(HOST, "测试市人民政府")
    notices = make_column(site.home, title="通知公告", slug="tzgg", column_type=ColumnType.NOTICE)
    news = make_column(site.home, title="工作动态", slug="gzdt", column_type=ColumnType.NEWS)
    make_article(notices)
    make_article(news)
    assert offered(notices) == {ArticlePage, NoticePage}
    assert offered(news) == {ArticlePage}
