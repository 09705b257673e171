"""The public pages of budget disclosures: accessible tables and charts, year-on-year
三公 figures, open-data downloads, the 预决算公开 column (G10) and the coverage (G11)."""

import csv
import io
import json
import re
from decimal import Decimal

from django.test import TestCase, override_settings

from budgets.tables import Kind
from tests.cms.budget_fixtures import make_budget_column, make_disclosure
from tests.factories import make_organisation, make_user


class DisclosurePageTest(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.org = make_organisation("郴州市教育局")
        cls.column = make_budget_column([cls.org])
        cls.last = make_disclosure(cls.column, cls.org, 2013, Kind.FINAL)
        cls.page = make_disclosure(cls.column, cls.org, 2014, Kind.FINAL)

    def get(self, path=""):
        return self.client.get(self.page.url + path, HTTP_HOST=self.page.get_site().hostname)

    def test_year_on_year_change_of_each_part(self):
        changes = {row["part"]: row for row in self.page.sangong_changes(self.page.previous())}
        for part, field in (("公务接待费", "sg_reception"), ("公务用车运行维护费", "sg_vehicle_operation")):
            now, before = getattr(self.page, field), getattr(self.last, field)
            assert changes[part]["current"] == now and changes[part]["previous"] == before
            assert changes[part]["change"] == now - before
            assert changes[part]["percent"] == ((now - before) / before * 100).quantize(Decimal("0.1"))
        # Nothing to divide by: the change in % is not a number.
        self.last.sg_outbound = Decimal(0)
        assert {r["part"]: r for r in self.page.sangong_changes(self.last)}["因公出国(境)费"][
            "percent"
        ] is None

    def test_page_has_accessible_tables_and_charts(self):
        response = self.get()
        assert response.status_code == 200
        html = response.content.decode()
        assert html.count("<caption") >= 11  # nine tables, the 三公 comparison and the counts
        assert '<th scope="col">公务用车购置费</th>' in html
        assert '<th scope="row">公务接待费</th>' in html
        for svg in re.findall(r"<svg [^>]*>", html):
            assert 'role="img"' in svg
            described = re.search(r'aria-describedby="([^"]+)"', svg).group(1)
            assert f'id="{described}"' in html  # the data table is the chart's text alternative
        reception = next(r for r in self.page.sangong_changes(self.last) if r["part"] == "公务接待费")
        word = "增长" if reception["percent"] > 0 else "下降"
        assert f"{word} {abs(reception['percent']):.1f}%" in html
        assert f"{self.page.sg_reception:,.2f}" in html

    def test_csv_and_json_downloads(self):
        data = json.loads(self.get("open-data/json/").content)
        assert data["department"] == "郴州市教育局" and data["year"] == 2014 and data["unit"] == "万元"
        assert [t["key"] for t in data["tables"]][:3] == ["summary", "income", "expenditure"]
        assert data["sangong"]["amounts"]["合计"] == str(self.page.sg_total)
        response = self.get("open-data/csv/")
        assert response["Content-Type"].startswith("text/csv")
        rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
        assert rows[0] == ["部门", "年度", "类别", "表名", "科目编码", "科目名称", "栏目", "金额（万元）"]
        sangong_total = [
            r for r in rows if r[3] == "一般公共预算财政拨款“三公”经费支出决算表" and r[6] == "合计"
        ]
        assert sangong_total == [
            ["郴州市教育局", "2014", "决算", sangong_total[0][3], "", "合计", "合计", str(self.page.sg_total)]
        ]


class ColumnAndCoverageTest(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.orgs = [make_organisation(f"郴州市测试局{n}") for n in range(5)]
        cls.column = make_budget_column(cls.orgs)
        for org in cls.orgs[:4]:
            make_disclosure(cls.column, org, 2014, Kind.BUDGET)
        for org in cls.orgs[:2]:
            make_disclosure(cls.column, org, 2014, Kind.FINAL)
        make_disclosure(cls.column, cls.orgs[2], 2014, Kind.FINAL, publish=False)
        make_disclosure(cls.column, cls.orgs[0], 2013, Kind.BUDGET)

    def get(self, path="", **params):
        return self.client.get(self.column.url + path, params, HTTP_HOST=self.column.get_site().hostname)

    def test_coverage_counts_and_gaps(self):
        public = self.column.coverage(2014)
        assert (public.total, public.budget_count, public.final_count, public.complete_count) == (5, 4, 2, 2)
        assert [row.gaps for row in public.rows] == [[], [], ["决算"], ["决算"], ["预算", "决算", "三公"]]
        admin = self.column.coverage(2014, live_only=False)
        assert admin.final_count == 3  # the draft counts in the admin view

    @override_settings(COLUMN_PAGE_SIZE=3)
    def test_column_lists_one_item_per_department_year_and_kind_paginated(self):
        html = self.get().content.decode()
        titles = re.findall(r'<li><a href="[^"]+">([^<]+)</a> <time', html)
        assert titles == [
            "郴州市测试局02014年部门预算和“三公”经费预算公开",
            "郴州市测试局02014年部门决算和“三公”经费决算公开",
            "郴州市测试局12014年部门预算和“三公”经费预算公开",
        ]
        assert "第1页，共3页" in html  # 7 live items (the portal's shared pagination wording)
        page3 = self.get(page=3).content.decode()
        assert "郴州市测试局02013年部门预算和“三公”经费预算公开" in page3
        only_2013 = self.get(year=2013).content.decode()
        assert only_2013.count("年部门预算和") == 1

    def test_public_coverage_page_highlights_gaps(self):
        response = self.get("coverage/2014/")
        html = response.content.decode()
        assert response.status_code == 200
        assert "应公开部门 5 个：预算已公开 4 个，决算已公开 2 个" in html
        assert html.count('class="coverage__gap"') == 3
        assert "草稿" not in html  # drafts are not public

    def test_admin_coverage_view_shows_drafts(self):
        self.client.force_login(make_user("finance", superuser=True))
        html = self.client.get(
            "/admin/budgets/coverage/", {"column": self.column.pk, "year": 2014}
        ).content.decode()
        assert "✓ 草稿（未发布）" in html
        assert "决算已公开 3 个" in html
