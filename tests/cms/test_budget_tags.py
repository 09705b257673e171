"""The budget pages' number formats: a change in % says its direction in the site's
language (增长/下降/持平 on the Chinese portals, up/down/unchanged on the English one)."""

from decimal import Decimal

from django.test import TestCase
from django.utils import translation

from budgets.pages import BudgetColumnPage
from budgets.tables import Kind
from budgets.templatetags.budget_tags import signed_percent
from tests.cms.budget_fixtures import make_disclosure
from tests.factories import make_english_portal, make_organisation


def test_signed_percent_in_each_language():
    cases = [(Decimal("12.46"), "12.5%"), (Decimal("-3.04"), "3.0%"), (Decimal("0"), "0.0%")]
    with translation.override("zh-hans"):
        assert [signed_percent(value) for value, _ in cases] == ["增长 12.5%", "下降 3.0%", "持平 0.0%"]
    with translation.override("en"):
        assert [signed_percent(value) for value, _ in cases] == ["up 12.5%", "down 3.0%", "unchanged 0.0%"]
        assert signed_percent(None) == "—"


class EnglishDisclosurePageTest(TestCase):
    @classmethod
    def setUpTestData(cls):
        site = make_english_portal("en.budget-tags.localhost")
        cls.host = site.site.hostname
        organisation = make_organisation("郴州市财政局")
        column = BudgetColumnPage(title="Budgets and final accounts", slug="budgets")
        site.home.add_child(instance=column)
        column.departments.set([organisation])
        column.save_revision().publish()
        cls.last = make_disclosure(column, organisation, 2013, Kind.FINAL)
        cls.page = make_disclosure(column, organisation, 2014, Kind.FINAL)

    def test_sangong_changes_in_english(self):
        html = self.client.get(self.page.get_url_parts()[2], HTTP_HOST=self.host).content.decode()
        percents = [
            row["percent"] for row in self.page.sangong_changes(self.last) if row["percent"] is not None
        ]
        assert percents
        for percent in percents:
            word = "up" if percent > 0 else "down" if percent < 0 else "unchanged"
            assert f"{word} {abs(percent):.1f}%" in html
        main = html[html.index("<main") : html.index("</main>")]
        assert "增长" not in main and "下降" not in main and "持平" not in main
