"""A disclosure's G02 metadata (索引号 from its department's sequence, 发布机构, 成文日期),
its P01 page-label tags, the styled tables and the charts' mode-following colours, and the
way to it from the home page: 政府信息公开 and 财政预决算 both list 部门预决算公开 (the
demo's layout), so a disclosure is three clicks from the home page."""

import datetime
import re
from urllib.parse import urlsplit

from bs4 import BeautifulSoup
from django.apps import apps
from django.test import TestCase
from django.utils import timezone

from budgets.pages import BudgetColumnPage, DisclosurePage
from budgets.tables import Kind
from cms.disclosure import IndexSequence
from tests.cms.budget_fixtures import make_budget_column, make_demo_budget_site, make_disclosure
from tests.factories import make_organisation, make_user


def get(client, page, suffix=""):
    site = page.get_site()
    path = page.url_path[len(site.root_page.url_path) - 1 :] + suffix
    return client.get(path, HTTP_HOST=site.hostname)


def soup_of(response):
    assert response.status_code == 200
    return BeautifulSoup(response.content.decode(), "html.parser")


class DisclosureMetadataTest(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.finance = make_organisation("郴州市财政局", code="11431000MB1234567X")
        cls.column = make_budget_column([cls.finance])
        cls.budget = make_disclosure(cls.column, cls.finance, 2014, Kind.BUDGET)
        cls.final = make_disclosure(cls.column, cls.finance, 2013, Kind.FINAL)
        cls.draft = make_disclosure(cls.column, cls.finance, 2013, Kind.BUDGET, publish=False)

    def test_publishing_issues_the_next_index_number_of_the_department(self):
        year = timezone.localtime(self.budget.first_published_at).year
        assert self.budget.index_number == f"11431000MB1234567X/{year}-00001"
        assert self.final.index_number == f"11431000MB1234567X/{year}-00002"
        assert IndexSequence.objects.get(organisation=self.finance, year=year).last == 2
        # 成文日期 left empty is the date of the first publication.
        assert self.budget.written_at == timezone.localtime(self.budget.first_published_at).date()

    def test_a_draft_has_none_and_a_republish_keeps_the_number(self):
        assert self.draft.index_number is None and self.draft.written_at is None
        number = self.budget.index_number
        self.budget.sg_explanation = "压减会议费。"
        self.budget.save_revision().publish()
        self.budget.refresh_from_db()
        assert self.budget.index_number == number
        # A draft of the live page (update_fields) neither loses nor renews it.
        self.budget.save_revision()
        self.budget.refresh_from_db()
        assert self.budget.index_number == number

    def test_a_written_date_typed_by_the_clerk_is_kept(self):
        self.draft.written_at = datetime.date(2013, 1, 20)
        self.draft.save_revision().publish()
        self.draft.refresh_from_db()
        assert self.draft.written_at == datetime.date(2013, 1, 20) and self.draft.index_number

    def test_the_page_shows_the_g02_metadata_table(self):
        soup = soup_of(get(self.client, self.budget))
        table = soup.find("table", class_="disclosure")
        assert table.caption.get_text(strip=True) == "信息公开"
        cells = {
            th.get_text(strip=True): th.find_next_sibling("td").get_text(strip=True)
            for th in table.find_all("th")
        }
        assert cells["索引号"] == self.budget.index_number
        assert cells["发布机构"] == "郴州市财政局"
        assert cells["成文日期"] == self.budget.written_at.isoformat()
        assert cells["发布日期"] == timezone.localtime(self.budget.first_published_at).strftime("%Y-%m-%d")
        assert cells["标题"] == self.budget.title

    def test_the_page_carries_the_p01_item_tags(self):
        soup = soup_of(get(self.client, self.budget))
        tags = {m["name"]: m["content"] for m in soup.find_all("meta", attrs={"name": True})}
        site = self.budget.get_site()
        assert tags["SiteDomain"] == site.hostname and tags["SiteIDCode"]
        assert tags["ColumnName"] == "部门预决算公开" and tags["ColumnType"] == "财政预决算"
        assert tags["ArticleTitle"] == self.budget.title
        assert tags["ContentSource"] == "郴州市财政局"
        assert re.fullmatch(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}", tags["PubDate"])
        assert tags["Url"].endswith(self.budget.url_path[len(site.root_page.url_path) - 1 :])

    def test_search_and_the_app_api_carry_the_index_number(self):
        assert self.budget.index_number in self.budget.search_document().meta
        host = self.budget.get_site().hostname
        detail = self.client.get(f"/api/v1/items/{self.budget.pk}/", HTTP_HOST=host)
        assert detail.status_code == 200 and detail.json()["index_number"] == self.budget.index_number
        listed = self.client.get("/api/v1/items/", {"type": "disclosure"}, HTTP_HOST=host).json()["results"]
        numbers = {item["id"]: item["index_number"] for item in listed}
        assert numbers[self.budget.pk] == self.budget.index_number

    def test_the_migration_numbers_disclosures_published_before(self):
        DisclosurePage.objects.filter(pk=self.final.pk).update(index_number=None, written_at=None)
        migration = __import__(
            "budgets.migrations.0004_number_published_disclosures", fromlist=["number_published"]
        )
        migration.number_published(apps, None)
        self.final.refresh_from_db()
        year = timezone.localtime(self.final.first_published_at).year
        assert self.final.index_number == f"11431000MB1234567X/{year}-00003"  # the sequence goes on
        assert self.final.written_at == timezone.localtime(self.final.first_published_at).date()
        assert DisclosurePage.objects.get(pk=self.budget.pk).index_number.endswith("-00001")  # untouched
        assert DisclosurePage.objects.get(pk=self.draft.pk).index_number is None  # drafts wait


class StyledTablesAndChartsTest(TestCase):
    @classmethod
    def setUpTestData(cls):
        org = make_organisation("郴州市教育局")
        column = make_budget_column([org])
        make_disclosure(column, org, 2013, Kind.FINAL)
        cls.page = make_disclosure(column, org, 2014, Kind.FINAL)

    def test_tables_and_charts_scroll_in_labelled_focusable_regions(self):
        soup = soup_of(get(self.client, self.page))
        assert soup.find("link", rel="stylesheet", href=re.compile(r"css/budgets(\.\w+)?\.css$"))
        regions = soup.select(".table-scroll, .chart-scroll")
        assert len(regions) == 9 + 1 + 2  # the nine tables, the 三公 comparison, two charts
        for region in regions:
            assert region["role"] == "region" and region["tabindex"] == "0"
            label = soup.find(id=region["aria-labelledby"])
            assert label is not None and label.get_text(strip=True)
        for table in soup.select("table.data-table"):
            assert table.caption.get_text(strip=True)
            assert all(th.get("scope") in ("col", "row") for th in table.find_all("th"))
        totals = soup.select("#table-expenditure tr.is-total")
        assert totals and "合计" in totals[-1].th.get_text()
        assert soup.select("#table-expenditure tr.level-7 td.data-table__code")

    def test_chart_text_follows_the_reading_mode_colour(self):
        html = get(self.client, self.page).content.decode()
        svgs = re.findall(r"<svg .*?</svg>", html, re.S)
        assert len(svgs) == 2
        for svg in svgs:
            texts = re.findall(r"<text [^>]*>", svg)
            assert texts and all('fill="currentColor"' in t for t in texts)
            assert 'class="chart__bar chart__bar--0"' in svg

    def test_a_number_is_one_unbreakable_cell(self):
        soup = soup_of(get(self.client, self.page))
        numbers = soup.select("table.data-table td.num")
        assert len(numbers) > 50
        assert all(
            re.fullmatch(r"[+-]?[\d,]+\.\d{2}|—|\d+|(增长|下降|持平) [\d.]+%|无数据", n.get_text(strip=True))
            for n in numbers
        )


class BudgetsWithinReachTest(TestCase):
    """The demo's layout: 部门预决算公开 under 财政预决算 and, as an alias, under 政府信息公开."""

    @classmethod
    def setUpTestData(cls):
        cls.site, cls.columns = make_demo_budget_site("reach.test.localhost")

    def links(self, url):
        response = self.client.get(url, HTTP_HOST="reach.test.localhost")
        soup = soup_of(response)
        return {
            a.get_text(strip=True): urlsplit(a["href"]).path for a in soup.select("main a[href], nav a[href]")
        }

    def test_a_disclosure_is_three_clicks_from_the_home_page(self):
        home = self.links("/")
        information = self.links(home["政府信息公开"])  # 1: the menu
        budgets = self.links(information["部门预决算公开"])  # 2: its sub-column
        title = "郴州市财政局2014年部门预算和“三公”经费预算公开"
        disclosure = self.client.get(budgets[title], HTTP_HOST="reach.test.localhost")  # 3
        assert disclosure.status_code == 200 and title in disclosure.content.decode()

    def test_the_budget_column_is_a_sub_column_of_finance_and_of_information(self):
        original = self.columns["bmyjsgk"]
        for parent in (self.columns["czyjs"], self.columns["xxgk"]):
            soup = soup_of(get(self.client, parent))
            subcolumns = [a.get_text(strip=True) for a in soup.select("nav.subcolumns a")]
            assert "部门预决算公开" in subcolumns, parent.title
        alias = BudgetColumnPage.objects.child_of(self.columns["xxgk"]).get()
        assert alias.alias_of_id == original.pk
        # The alias lists the original's disclosures and coverage and names it as canonical.
        soup = soup_of(get(self.client, alias))
        assert len(soup.select(".article-list a")) == len(original.disclosures())
        assert soup.find("link", rel="canonical")["href"] == original.get_full_url()
        coverage = soup_of(get(self.client, alias, "coverage/2014/"))
        assert "郴州市教育局" in coverage.get_text()

    def test_the_loader_adds_the_alias_once(self):
        from demo.budgets import ensure_budget_disclosures

        assert ensure_budget_disclosures(self.columns["czyjs"], names=["郴州市财政局", "郴州市教育局"]) == 0
        assert BudgetColumnPage.objects.child_of(self.columns["xxgk"]).count() == 1

    def test_an_import_from_the_alias_files_under_the_original(self):
        from budgets.admin_views import _column_for_editing

        alias = BudgetColumnPage.objects.child_of(self.columns["xxgk"]).get()
        request = type("Request", (), {"user": make_user("budget-admin", superuser=True)})()
        assert _column_for_editing(request, alias.pk).pk == self.columns["bmyjsgk"].pk
