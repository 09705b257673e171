"""The write API for 信息报送: hashed, revocable per-site keys; drafts, workflow submission
and publishing only where the key allows; the import command's validation; problem+json
errors that write nothing."""

import json
import re

from django.core.management import call_command
from django.test import TestCase
from wagtail.models import Revision, WorkflowState

from channels.api.models import ApiKey
from cms.models import ArticlePage
from tests.factories import make_column, make_organisation, make_site, make_user

from .conftest import BHQ, WWW

ITEM = {
    "external_id": "bhq-2014-0001",
    "column": "news",
    "title": "北湖区召开电子政务工作会议",
    "body_html": '<p onclick="x()">会议要求<a href="/zwgk/">公开</a>。</p><script>alert(1)</script>',
    "published_at": "2014-03-05T09:30:00+08:00",
    "summary": "部署全年工作。",
    "attachments": [{"title": "会议纪要", "url": "https://old.czs.gov.cn/a.doc"}],
}


class WriteApiTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.www = make_site(WWW, "郴州市人民政府", code="4310000001")
        cls.bhq = make_site(BHQ, "北湖区人民政府", code="4310020001", kind="county")
        cls.news = make_column(cls.www.home, "工作动态", slug="news")  # a news column: two-step review
        cls.policy = make_column(cls.www.home, "政策文件", slug="policy", column_type="政策文件")
        cls.county_news = make_column(cls.bhq.home, "北湖动态", slug="news")
        cls.office = make_organisation("郴州市人民政府办公室")
        cls.submitter = make_user("baosong", cls.www.groups["editor"])
        cls.key, cls.raw = ApiKey.issue(site=cls.www.site, name="市信息报送系统", user=cls.submitter)
        cls.publisher, cls.publisher_raw = ApiKey.issue(site=cls.www.site, name="市政府办", can_publish=True)
        cls.county_key, cls.county_raw = ApiKey.issue(site=cls.bhq.site, name="北湖区报送")

    def call(self, method, path, body=None, key=None, raw_body=None, **params):
        url = f"/api/v1/submissions/{path}"
        if params:
            url += "?" + "&".join(f"{k}={v}" for k, v in params.items())
        headers = {"HTTP_AUTHORIZATION": f"Bearer {key}"} if key else {}
        data = raw_body if raw_body is not None else json.dumps(body if body is not None else {})
        return getattr(self.client, method)(
            url, data, content_type="application/json", HTTP_HOST=WWW, **headers
        )

    def assert_problem(self, response, status):
        assert response.status_code == status, response.content
        assert response["Content-Type"] == "application/problem+json"
        return response.json()

    def test_keys_are_stored_hashed(self):
        assert self.raw.startswith("czk_")
        stored = ApiKey.objects.get(pk=self.key.pk)
        assert self.raw not in (stored.key_hash, stored.prefix) and len(stored.key_hash) == 64
        assert self.raw.startswith(stored.prefix)

    def test_create_draft_with_the_import_validation_and_cleaning(self):
        response = self.call("post", "", ITEM, key=self.raw)
        assert response.status_code == 201, response.content
        data = response.json()
        assert data["live"] is False and data["external_id"] == "bhq-2014-0001"
        assert response["Location"].endswith("/api/v1/submissions/bhq-2014-0001/")
        page = ArticlePage.objects.get(external_id="bhq-2014-0001")
        assert page.get_parent().pk == self.news.pk and not page.live
        draft = page.get_latest_revision_as_object()
        html = draft.body[0].value.source
        assert "<script" not in html and "onclick" not in html
        assert draft.attachments.count() == 1 or len(draft.attachments.all()) == 1
        assert Revision.objects.filter(object_id=str(page.pk)).get().user == self.submitter
        # The public API does not show a draft.
        assert self.client.get(f"/api/v1/items/{page.pk}/", HTTP_HOST=WWW).status_code == 404

    def test_update_then_submit_to_the_columns_workflow(self):
        self.call("post", "", ITEM, key=self.raw)
        updated = self.call(
            "put", "bhq-2014-0001/", {**ITEM, "title": "新标题"}, key=self.raw, action="submit"
        )
        assert updated.status_code == 200, updated.content
        page = ArticlePage.objects.get(external_id="bhq-2014-0001")
        assert page.get_latest_revision_as_object().title == "新标题"
        state = WorkflowState.objects.get(object_id=str(page.pk))
        assert state.status == "in_progress" and state.workflow == self.news.review_workflow
        assert state.requested_by == self.submitter
        assert updated.json()["workflow_status"] == "in_progress"
        again = self.call("post", "bhq-2014-0001/submit/", key=self.raw)
        assert self.assert_problem(again, 409)["type"].endswith("/in-review")

    def test_submit_in_a_column_without_workflow_is_a_conflict(self):
        self.call("post", "", {**ITEM, "column": "policy"}, key=self.raw)
        body = self.assert_problem(self.call("post", "bhq-2014-0001/submit/", key=self.raw), 409)
        assert "没有审核流程" in body["detail"]

    def test_publish_only_where_the_key_allows(self):
        # A column without review workflow (政策文件): the key that allows it publishes.
        policy_item = {**ITEM, "column": "policy"}
        refused = self.call("post", "", policy_item, key=self.raw, action="publish")
        assert self.assert_problem(refused, 403)["type"].endswith("/publish-not-allowed")
        assert not ArticlePage.objects.exists()
        self.call("post", "", policy_item, key=self.raw)
        assert self.call("post", "bhq-2014-0001/publish/", key=self.raw).status_code == 403
        published = self.call("post", "bhq-2014-0001/publish/", key=self.publisher_raw)
        assert published.status_code == 200 and published.json()["live"] is True
        page = ArticlePage.objects.get(external_id="bhq-2014-0001")
        assert page.live and page.title == ITEM["title"]
        assert self.client.get(f"/api/v1/items/{page.pk}/", HTTP_HOST=WWW).status_code == 200
        direct = self.call(
            "post", "", {**policy_item, "external_id": "x-2"}, key=self.publisher_raw, action="publish"
        )
        assert direct.status_code == 201 and direct.json()["live"] is True

    def test_publish_in_a_reviewed_column_submits_to_its_workflow(self):
        """No key publishes around a column's review (cms.review_gate): `publish` in the news
        column saves the item and submits it, like `submit` (tests/cms/test_review_paths.py)."""
        created = self.call("post", "", ITEM, key=self.publisher_raw, action="publish")
        assert created.status_code == 201, created.content
        assert created.json()["live"] is False and created.json()["workflow_status"] == "in_progress"
        page = ArticlePage.objects.get(external_id="bhq-2014-0001")
        assert not page.live
        assert WorkflowState.objects.get(object_id=str(page.pk)).workflow == self.news.review_workflow
        assert self.client.get(f"/api/v1/items/{page.pk}/", HTTP_HOST=WWW).status_code == 404

    def test_bad_input_is_400_problem_and_writes_nothing(self):
        revisions = Revision.objects.count()
        malformed = self.call("post", "", key=self.raw, raw_body='{"title": "未闭合')
        assert "JSON" in self.assert_problem(malformed, 400)["detail"]
        not_object = self.call("post", "", key=self.raw, raw_body="[1, 2]")
        self.assert_problem(not_object, 400)
        wrong_types = self.call(
            "post", "", {**ITEM, "title": 12, "published_at": 20140305, "attachments": "a.doc"}, key=self.raw
        )
        body = self.assert_problem(wrong_types, 400)
        assert body["type"].endswith("/validation-failed") and len(body["errors"]) == 3
        assert any("标题" in e for e in body["errors"])
        unknown_field = self.assert_problem(
            self.call("post", "", {**ITEM, "colour": "red"}, key=self.raw), 400
        )
        assert "colour" in unknown_field["detail"]
        no_column = self.assert_problem(
            self.call("post", "", {**ITEM, "column": "nowhere"}, key=self.raw), 400
        )
        assert "nowhere" in no_column["detail"]
        with_nul = self.assert_problem(
            self.call("post", "", {**ITEM, "column": "news\x00", "source": "办公室\x00"}, key=self.raw), 400
        )
        assert "column、source" in with_nul["detail"] and "空字符" in with_nul["detail"]
        peek = self.client.get(
            "/api/v1/submissions/abc%00/", HTTP_HOST=WWW, HTTP_AUTHORIZATION=f"Bearer {self.raw}"
        )
        self.assert_problem(peek, 404)
        assert not ArticlePage.objects.exists() and Revision.objects.count() == revisions

    def test_authentication_and_revocation(self):
        assert self.assert_problem(self.call("post", "", ITEM), 401)["type"].endswith("/unauthorized")
        assert self.call("post", "", ITEM, key="czk_forged").status_code == 401
        self.key.revoke()
        assert self.call("post", "", ITEM, key=self.raw).status_code == 401
        assert not ArticlePage.objects.exists()

    def test_a_key_writes_only_to_its_own_site(self):
        other_site = self.call("post", "", {**ITEM, "site": BHQ}, key=self.raw)
        assert self.assert_problem(other_site, 403)["type"].endswith("/other-site")
        self.call("post", "", ITEM, key=self.raw)
        # The county key cannot read or overwrite the city's item through its external id.
        county = self.client.put(
            "/api/v1/submissions/bhq-2014-0001/",
            json.dumps(ITEM),
            content_type="application/json",
            HTTP_HOST=WWW,
            HTTP_AUTHORIZATION=f"Bearer {self.county_raw}",
        )
        self.assert_problem(county, 409)
        peek = self.client.get(
            "/api/v1/submissions/bhq-2014-0001/",
            HTTP_HOST=WWW,
            HTTP_AUTHORIZATION=f"Bearer {self.county_raw}",
        )
        self.assert_problem(peek, 409)
        assert ArticlePage.objects.get().get_latest_revision_as_object().get_parent().pk == self.news.pk

    def test_create_twice_is_a_conflict_and_update_of_unknown_is_404(self):
        self.call("post", "", ITEM, key=self.raw)
        assert self.assert_problem(self.call("post", "", ITEM, key=self.raw), 409)["type"].endswith("/exists")
        self.assert_problem(self.call("put", "nope/", {**ITEM, "external_id": "nope"}, key=self.raw), 404)

    def test_management_command_issues_and_revokes(self):
        from io import StringIO

        out = StringIO()
        call_command("api_key", "issue", "--site", WWW, "--name", "测试系统", stdout=out)
        raw = out.getvalue().strip().splitlines()[-1]
        assert ApiKey.lookup(raw).name == "测试系统"
        call_command("api_key", "revoke", raw[:10], stdout=StringIO())
        assert ApiKey.lookup(raw) is None


class KeyAdminTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.www = make_site(WWW, "郴州市人民政府", code="4310000001")
        cls.admin = make_user("platform", superuser=True)
        cls.editor = make_user("editor", cls.www.groups["editor"])

    def test_superuser_issues_a_key_shown_once_and_revokes_it(self):
        self.client.force_login(self.admin)
        page = self.client.post(
            "/admin/api-keys/", {"site": self.www.site.pk, "name": "市信息报送系统", "can_publish": "on"}
        )
        raw = re.search(r'value="(czk_[^"]+)"', page.content.decode()).group(1)
        key = ApiKey.lookup(raw)
        assert key.can_publish and key.site == self.www.site
        listing = self.client.get("/admin/api-keys/").content.decode()
        assert raw not in listing and key.prefix in listing
        self.client.post(f"/admin/api-keys/{key.pk}/revoke/")
        assert ApiKey.lookup(raw) is None

    def test_editors_cannot_manage_keys(self):
        self.client.force_login(self.editor)
        assert self.client.get("/admin/api-keys/").status_code in (302, 403)
        assert self.client.post("/admin/api-keys/", {"site": self.www.site.pk, "name": "x"}).status_code in (
            302,
            403,
        )
        assert not ApiKey.objects.exists()
