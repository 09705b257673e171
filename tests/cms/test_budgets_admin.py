"""Admin screens of the budget disclosures: upload, replace, templates, and scheduling a
year's disclosures to go live together (P11)."""

import datetime as dt
import re
from datetime import timedelta
from html import unescape

import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import TestCase
from django.utils import timezone

from budgets.pages import DisclosurePage
from budgets.service import DisclosureError, schedule_year
from budgets.tables import Kind
from tests.cms.budget_fixtures import make_budget_column, make_disclosure
from tests.cms.test_budgets_import import filled_xlsx
from tests.factories import make_organisation, make_user


class ImportFormCase(TestCase):
    """A budget column and a superuser clerk posting the import form (no tests of its own)."""

    @classmethod
    def setUpTestData(cls):
        cls.org = make_organisation("郴州市财政局")
        cls.column = make_budget_column([cls.org])
        cls.admin = make_user("clerk", superuser=True)

    def setUp(self):
        self.client.force_login(self.admin)

    def post(self, data, **fields):
        url = f"/admin/budgets/column/{self.column.pk}/import/"
        payload = {"organisation": self.org.pk, "year": 2013, "kind": Kind.FINAL, **fields}
        payload["file"] = SimpleUploadedFile("czj.xlsx", data)
        return self.client.post(url, payload)


class AdminImportTest(ImportFormCase):
    def test_upload_creates_a_draft_and_opens_it(self):
        data, tables, _ = filled_xlsx()
        response = self.post(data)
        page = DisclosurePage.objects.get(organisation=self.org, year=2013, kind=Kind.FINAL)
        assert response.status_code == 302 and response["Location"] == f"/admin/pages/{page.pk}/edit/"
        assert page.get_latest_revision_as_object().tables == tables
        assert self.client.get(response["Location"]).status_code == 200

    def test_bad_upload_lists_problems_in_chinese_and_saves_nothing(self):
        def spoil(book):
            book["收入决算表"]["C3"] = "n/a"

        data, _, _ = filled_xlsx(edit=spoil)
        response = self.post(data)
        html = response.content.decode()
        assert response.status_code == 200
        assert "未保存任何内容" in html
        assert "工作表「收入决算表」C3单元格（第3行）：“n/a”不是有效金额。" in html
        assert not DisclosurePage.objects.exists()

    def test_reimport_replaces_the_tables_as_a_draft_and_a_bad_file_changes_nothing(self):
        data, tables, _ = filled_xlsx()
        page = DisclosurePage.objects.get(pk=self.post(data)["Location"].split("/")[-3])
        url = f"/admin/budgets/page/{page.pk}/import/"
        revisions = page.revisions.count()

        def spoil(book):
            book["收入决算表"]["C3"] = -5

        bad, _, _ = filled_xlsx(edit=spoil)
        response = self.client.post(url, {"file": SimpleUploadedFile("czj.xlsx", bad)})
        assert response.status_code == 200 and "未保存任何内容" in response.content.decode()
        assert page.revisions.count() == revisions

        # Another department's figures: a consistent set that differs from the first.
        good, changed, _ = filled_xlsx(name="郴州市教育局")
        assert changed != tables
        response = self.client.post(url, {"file": SimpleUploadedFile("czj.xlsx", good)})
        assert response.status_code == 302 and response["Location"] == f"/admin/pages/{page.pk}/edit/"
        assert page.revisions.count() == revisions + 1
        assert DisclosurePage.objects.get(pk=page.pk).get_latest_revision_as_object().tables == changed

    def test_templates_download(self):
        response = self.client.get("/admin/budgets/template/final.xlsx")
        assert response.status_code == 200 and response.content[:2] == b"PK"
        response = self.client.get("/admin/budgets/template/budget.csv")
        assert response.content.decode("utf-8-sig").startswith("部门收支总表\r\n科目编码,科目名称,金额")

    def test_editor_without_rights_is_refused(self):
        self.client.force_login(make_user("visitor", is_staff=True))
        data, _, _ = filled_xlsx()
        assert self.post(data).status_code in (302, 403)
        assert not DisclosurePage.objects.exists()


SHANGHAI = dt.timezone(dt.timedelta(hours=8))
NOW = dt.datetime(2015, 3, 20, 9, 0, tzinfo=SHANGHAI)
GO_LIVE = dt.datetime(2015, 3, 31, 10, 0, tzinfo=SHANGHAI)


class ScheduleTest(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.orgs = [make_organisation(f"郴州市定时局{n}") for n in range(3)]
        cls.column = make_budget_column(cls.orgs)

    def test_a_year_goes_live_together(self):
        for org in self.orgs:
            make_disclosure(self.column, org, 2014, Kind.BUDGET, publish=False)
        with time_machine.travel(NOW, tick=False):
            assert len(schedule_year(self.column, 2014, GO_LIVE)) == 3
            call_command("publish_scheduled")  # not yet
            assert not DisclosurePage.objects.filter(live=True).exists()
            assert set(DisclosurePage.objects.values_list("go_live_at", flat=True)) == {GO_LIVE}
        with time_machine.travel(GO_LIVE + timedelta(minutes=1), tick=False):
            call_command("publish_scheduled")
        live = DisclosurePage.objects.filter(live=True)
        assert live.count() == 3
        assert set(live.values_list("first_published_at", flat=True)) == {GO_LIVE + timedelta(minutes=1)}

    def test_one_broken_disclosure_schedules_none(self):
        make_disclosure(self.column, self.orgs[0], 2013, Kind.BUDGET, publish=False)
        broken = make_disclosure(self.column, self.orgs[1], 2013, Kind.BUDGET, publish=False, explanation="")
        try:
            schedule_year(self.column, 2013, timezone.now() + timedelta(hours=1))
        except DisclosureError as exc:
            assert exc.messages == [f"{broken.title}：“三公”经费情况：须说明与上年相比增减变化的原因。"]
        else:
            raise AssertionError("scheduled a disclosure that breaks the rules")
        assert not DisclosurePage.objects.exclude(go_live_at=None).exists()


def form_data(html):
    """The fields of the admin's page form as the browser would post them."""
    data = {}
    for match in re.finditer(r"<input[^>]*name=\"([^\"]+)\"[^>]*>", html):
        tag = match.group(0)
        if ('type="checkbox"' in tag and "checked" not in tag) or 'type="submit"' in tag:
            continue
        value = re.search(r'value="([^"]*)"', tag)
        data[match.group(1)] = unescape(value.group(1)) if value else ""
    for match in re.finditer(r"<textarea[^>]*name=\"([^\"]+)\"[^>]*>([^<]*)</textarea>", html):
        data[match.group(1)] = unescape(match.group(2)).lstrip("\n")
    for match in re.finditer(r"<select[^>]*name=\"([^\"]+)\"[^>]*>(.*?)</select>", html, re.S):
        selected = re.search(r'<option value="([^"]*)"[^>]*selected', match.group(2))
        data[match.group(1)] = selected.group(1) if selected else ""
    # Pressing 保存草稿: no action button is sent.
    return {k: v for k, v in data.items() if not k.startswith("action-")}


class AdminPublishTest(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.org = make_organisation("郴州市财政局")
        cls.column = make_budget_column([cls.org])
        cls.admin = make_user("publisher", superuser=True)

    def setUp(self):
        self.client.force_login(self.admin)

    def test_publish_button_runs_the_rules_and_names_the_problem(self):
        page = make_disclosure(self.column, self.org, 2013, Kind.FINAL, publish=False)
        url = f"/admin/pages/{page.pk}/edit/"
        data = form_data(self.client.get(url).content.decode())
        response = self.client.post(url, {**data, "sg_explanation": "", "action-publish": "1"})
        assert "“三公”经费情况：须说明与上年相比增减变化的原因。" in response.content.decode()
        assert not DisclosurePage.objects.get(pk=page.pk).live
        response = self.client.post(url, {**data, "sg_explanation": "压减公务接待。", "action-publish": "1"})
        assert response.status_code == 302
        assert DisclosurePage.objects.get(pk=page.pk).live

    def test_create_in_the_admin_with_title_and_slug_made_for_the_clerk(self):
        url = f"/admin/pages/add/budgets/disclosurepage/{self.column.pk}/"
        data = form_data(self.client.get(url).content.decode())
        data.update(organisation=self.org.pk, year=2014, kind=Kind.BUDGET, slug="")
        response = self.client.post(url, data)
        assert response.status_code == 302, response.context["form"].errors
        page = DisclosurePage.objects.get(organisation=self.org, year=2014)
        assert page.title == "郴州市财政局2014年部门预算和“三公”经费预算公开"
        assert page.slug == f"2014-budget-{self.org.credit_code.lower()}"
