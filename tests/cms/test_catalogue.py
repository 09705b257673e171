"""G06: a directory column (信息公开目录) collects its sub-columns' items and is browsed by
subject category and issuing organisation; the choice survives paging and a stale value
shows the whole directory."""

import re

import pytest
from django.core.cache import cache

from cms.models import SubjectCategory
from tests.factories import make_article, make_column, make_organisation, make_site

WWW = "www.g06.localhost"


@pytest.fixture
def directory(db, settings):
    cache.clear()
    settings.COLUMN_PAGE_SIZE = 2
    site = make_site(WWW, "郴州市人民政府", code="4310000001")
    xxgk = make_column(site.home, "政府信息公开", slug="xxgk")
    catalogue = make_column(xxgk, "信息公开目录", slug="xxgkml", column_type="信息公开目录")
    policy = make_column(catalogue, "政策文件", slug="zcwj", column_type="政策文件")
    plans = make_column(catalogue, "规划计划", slug="ghjh", column_type="规划计划")
    finance, office = make_organisation("郴州市财政局"), make_organisation("郴州市人民政府办公室")
    general, economy = (
        SubjectCategory.objects.create(name="综合政务", code="01"),
        SubjectCategory.objects.create(name="国民经济管理", code="02"),
    )
    unused = SubjectCategory.objects.create(name="国土资源", code="03")
    items = {
        "a": make_article(policy, "关于预算管理的通知", organisation=finance, category=economy),
        "b": make_article(policy, "政府工作规则", organisation=office, category=general),
        "c": make_article(plans, "财政发展规划", organisation=finance, category=economy),
        "d": make_article(plans, "政务公开要点", organisation=office, category=economy),
    }
    return {"items": items, "finance": finance, "general": general, "economy": economy, "unused": unused}


def _titles(client, url):
    response = client.get(url, HTTP_HOST=WWW)
    assert response.status_code == 200
    return response, [a.title for a in response.context["articles"]]


def test_directory_lists_every_sub_column_and_offers_only_used_choices(client, directory):
    response, titles = _titles(client, "/xxgk/xxgkml/")
    assert response.context["page_obj"].paginator.count == 4
    html = response.content.decode()
    assert "按主题分类" in html and "按发布机构" in html
    assert "国民经济管理" in html and "郴州市财政局" in html
    assert directory["unused"].name not in html  # no empty choice
    # The parent of the directory collects too: 政府信息公开 is never blank.
    assert _titles(client, "/xxgk/")[0].context["page_obj"].paginator.count == 4


def test_browsing_by_category_and_organisation_combines_and_survives_paging(client, directory):
    economy, finance = directory["economy"], directory["finance"]
    response, titles = _titles(client, f"/xxgk/xxgkml/?category={economy.pk}")
    assert response.context["page_obj"].paginator.count == 3
    html = response.content.decode()
    # The next page keeps the choice.
    assert re.search(rf'href="\?category={economy.pk}&(amp;)?page=2"', html)
    _, page_two = _titles(client, f"/xxgk/xxgkml/?category={economy.pk}&page=2")
    assert len(page_two) == 1 and not set(page_two) & set(titles)
    # Choosing an organisation keeps the category.
    assert re.search(rf'href="\?category={economy.pk}&(amp;)?organisation={finance.pk}"', html)
    _, both = _titles(client, f"/xxgk/xxgkml/?category={economy.pk}&organisation={finance.pk}")
    assert sorted(both) == ["关于预算管理的通知", "财政发展规划"]


@pytest.mark.parametrize("query", ["category=abc", "category=999999", "organisation=-1", "category=%00"])
def test_stale_or_hostile_choices_show_the_whole_directory(client, directory, query):
    response, _ = _titles(client, f"/xxgk/xxgkml/?{query}")
    assert response.context["page_obj"].paginator.count == 4


def test_a_category_without_items_here_is_not_a_filter(client, directory):
    response, _ = _titles(client, f"/xxgk/xxgkml/?category={directory['unused'].pk}")
    assert response.context["page_obj"].paginator.count == 4
