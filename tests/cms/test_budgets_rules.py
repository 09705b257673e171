"""Publishing rules of a budget disclosure (G07–G09): nine tables for 决算, totals equal
their parts, 公务用车购置及运行维护费 = 购置费 + 运行维护费, and bad input refused."""

import copy
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.test import TestCase

from budgets.pages import DisclosurePage
from budgets.rules import check_publishable
from budgets.tables import Kind
from demo.budgets import disclosure_figures
from tests.cms.budget_fixtures import make_budget_column, make_disclosure
from tests.factories import make_organisation


def _page(kind=Kind.FINAL, year=2014, name="郴州市财政局", **fields):
    tables, record = disclosure_figures(name, year, kind)
    page = DisclosurePage(kind=kind, year=year, tables=copy.deepcopy(tables), sg_explanation="说明", **record)
    return page


class DemoFiguresTest(TestCase):
    def test_generated_figures_pass_every_rule(self):
        for name in ("郴州市财政局", "郴州市教育局", "郴州市民政局"):
            for kind in (Kind.BUDGET, Kind.FINAL):
                assert check_publishable(_page(kind=kind, name=name)) == []


class NineTablesTest(TestCase):
    def test_final_accounts_need_all_nine_tables(self):
        page = _page()
        del page.tables["fund"]
        problems = check_publishable(page)
        assert [p.message for p in problems] == [
            "决算公开须包含全部九张表，缺少「政府性基金预算财政拨款收入支出决算表」。"
        ]
        assert problems[0].table == "政府性基金预算财政拨款收入支出决算表"

    def test_a_budget_may_leave_out_an_empty_table(self):
        page = _page(kind=Kind.BUDGET)
        del page.tables["state_capital"]
        assert check_publishable(page) == []


class SumRulesTest(TestCase):
    def test_total_column_names_table_row_and_column(self):
        page = _page()
        row = page.tables["expenditure"][2]  # a 项 row
        row["values"]["合计"] = str(Decimal(row["values"]["合计"]) + 1)
        messages = [p.message for p in check_publishable(page)]
        assert any(
            m.startswith("「支出决算表」第3行（2010301 行政运行）“合计”列：应等于“基本支出”、“项目支出”之和")
            for m in messages
        ), messages

    def test_parent_row_is_the_sum_of_its_children(self):
        page = _page()
        rows = page.tables["general"]
        leaf = next(r for r in rows if r["code"] == "2010301")
        for column in ("合计", "基本支出"):
            leaf["values"][column] = str(Decimal(leaf["values"][column]) + Decimal("0.01"))
        problems = check_publishable(page)
        where = {(p.table, p.row, p.column) for p in problems}
        # Its 款 (20103, row 2) no longer agrees; the 类 and 合计 sum the 款, which they still match.
        assert where == {
            ("一般公共预算财政拨款支出决算表", 2, "合计"),
            ("一般公共预算财政拨款支出决算表", 2, "基本支出"),
        }

    def test_summary_sections_sum_separately(self):
        page = _page()
        rows = page.tables["summary"]
        income_total = next(i for i, r in enumerate(rows, start=1) if r["item"] == "本年收入合计")
        rows[0]["values"]["金额"] = str(Decimal(rows[0]["values"]["金额"]) + 5)
        problems = check_publishable(page)
        assert [(p.table, p.row) for p in problems] == [("收入支出决算总表", income_total)]

    def test_vehicle_costs_equal_purchase_plus_operation(self):
        page = _page()
        page.sg_vehicle += Decimal("1.00")
        page.sg_total += Decimal("1.00")
        messages = [p.message for p in check_publishable(page)]
        assert any(
            "公务用车购置及运行维护费”：应等于公务用车购置费与公务用车运行维护费之和" in m for m in messages
        )
        # The record no longer agrees with the 三公 table either, and the table says where.
        assert any(
            m.startswith(
                "「一般公共预算财政拨款“三公”经费支出决算表」第1行（合计）“公务用车购置及运行维护费”列"
            )
            for m in messages
        )

    def test_vehicle_rule_inside_the_sangong_table(self):
        page = _page()
        values = page.tables["sangong"][0]["values"]
        values["公务用车购置费"] = str(Decimal(values["公务用车购置费"]) + 2)
        problems = check_publishable(page)
        assert ("一般公共预算财政拨款“三公”经费支出决算表", 1, "公务用车购置及运行维护费") in {
            (p.table, p.row, p.column) for p in problems
        }

    def test_sangong_total_is_the_sum_of_parts_and_needs_an_explanation(self):
        page = _page()
        page.sg_total += Decimal("0.01")
        page.sg_explanation = " "
        messages = [p.message for p in check_publishable(page)]
        assert any(m.startswith("“三公”经费情况“合计”：应等于三项之和") for m in messages)
        assert "“三公”经费情况：须说明与上年相比增减变化的原因。" in messages

    def test_negative_amount_only_where_allowed(self):
        page = _page()
        page.tables["income"][0]["values"]["事业收入"] = "-3.00"
        problems = check_publishable(page)
        assert any("金额不能为负数（-3.00）" in p.message and p.column == "事业收入" for p in problems)
        page = _page()
        # An overspent balance carried forward may be negative (consistently down the rows).
        for row in page.tables["appropriation"]:
            if row["code"] in ("221", "22102", "2210201", ""):
                row["values"]["年末结转和结余"] = "-3.00"
        assert check_publishable(page) == []


class PublishEnforcedTest(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.org = make_organisation("郴州市财政局")
        cls.column = make_budget_column([cls.org])

    def test_publishing_a_broken_disclosure_fails_and_stays_draft(self):
        page = make_disclosure(self.column, self.org, 2013, Kind.FINAL, publish=False)
        page.tables["sangong"][0]["values"]["合计"] = "1.00"
        revision = page.save_revision()
        with pytest.raises(ValidationError) as caught:
            revision.publish()
        assert "「一般公共预算财政拨款“三公”经费支出决算表」第1行（合计）“合计”列" in str(caught.value)
        assert not DisclosurePage.objects.get(pk=page.pk).live

    def test_title_follows_g10(self):
        page = make_disclosure(self.column, self.org, 2013, Kind.BUDGET)
        assert page.title == "郴州市财政局2013年部门预算和“三公”经费预算公开"
        assert page.live

    def test_duplicate_disclosure_is_refused(self):
        make_disclosure(self.column, self.org, 2012, Kind.BUDGET)
        with pytest.raises(ValidationError) as caught:
            make_disclosure(self.column, self.org, 2012, Kind.BUDGET)
        assert "郴州市财政局 2012 年度的预算公开已经存在" in str(caught.value)
        assert DisclosurePage.objects.filter(organisation=self.org, year=2012).count() == 1

    def test_future_year_is_refused(self):
        with pytest.raises(ValidationError) as caught:
            make_disclosure(self.column, self.org, 2999, Kind.BUDGET, publish=False)
        assert "年度 2999 晚于今年" in str(caught.value)
        assert not DisclosurePage.objects.filter(year=2999).exists()
