"""The demo's budget disclosures: 55 departments, two years whose figures pass every
rule, a few gaps for the coverage view, and a second run that creates nothing.

Publishing all 214 pages takes most of a minute, so the loader runs here for a sample of
departments that includes every gap; the full set is what `load_demo` (tests/cms/test_demo.py)
builds."""

from django.test import TestCase

from budgets.pages import BudgetColumnPage, DisclosurePage
from budgets.rules import check_publishable
from budgets.tables import Kind
from demo.budgets import DEPARTMENTS, DRAFT, MISSING, disclosure_figures, ensure_budget_disclosures
from tests.factories import make_column, make_site

GAPS = sorted({name for name, _, _ in MISSING | DRAFT})
SAMPLE = ["郴州市财政局", "郴州市教育局", *GAPS]


class DemoBudgetsTest(TestCase):
    @classmethod
    def setUpTestData(cls):
        site = make_site(hostname="demo-budgets.test.localhost")
        cls.parent = make_column(site.home, title="财政预决算", slug="czyjs")
        cls.created = ensure_budget_disclosures(cls.parent, names=SAMPLE)
        cls.again = ensure_budget_disclosures(cls.parent, names=SAMPLE)
        cls.column = BudgetColumnPage.objects.child_of(cls.parent).get()

    def test_55_real_department_names(self):
        assert len(set(DEPARTMENTS)) == 55
        assert all(name.startswith("郴州市") for name in DEPARTMENTS)
        assert set(GAPS) <= set(DEPARTMENTS)

    def test_two_years_each_kind_and_idempotent(self):
        pages = DisclosurePage.objects.child_of(self.column)
        assert self.created == pages.count() == len(SAMPLE) * 4 - len(MISSING)
        assert self.again == 0
        assert set(pages.values_list("year", flat=True)) == {2013, 2014}
        assert sorted(self.column.departments.values_list("name", flat=True)) == sorted(SAMPLE)

    def test_every_live_disclosure_passes_the_rules_and_explains_its_change(self):
        for page in DisclosurePage.objects.child_of(self.column).live():
            assert check_publishable(page) == [], page.title
            assert page.sg_explanation
        later = DisclosurePage.objects.get(organisation__name="郴州市财政局", year=2014, kind=Kind.BUDGET)
        change = later.sg_total - disclosure_figures("郴州市财政局", 2013, Kind.BUDGET)[1]["sg_total"]
        assert f"{abs(change):,.2f}万元" in later.sg_explanation

    def test_every_department_has_figures_that_agree(self):
        for name in DEPARTMENTS:
            tables, record = disclosure_figures(name, 2014, Kind.FINAL)
            page = DisclosurePage(kind=Kind.FINAL, year=2014, tables=tables, sg_explanation="说明", **record)
            assert check_publishable(page) == [], name

    def test_coverage_shows_the_gaps(self):
        coverage = self.column.coverage(2014)
        gaps = {row.organisation.name: row.gaps for row in coverage.rows if row.gaps}
        assert gaps == {
            "郴州市公共资源交易中心": ["决算"],
            "郴州市残疾人联合会": ["预算", "决算", "三公"],
            "郴州市气象局": ["决算"],
            "郴州市地方志办公室": ["决算"],
            "郴州市住房公积金管理中心": ["决算"],  # a draft is not published
        }
