"""Draft preview: an editor gets a signed, expiring link for one page from the admin; the
API returns that page's latest revision to that token only."""

import datetime as dt

import time_machine
from django.test import TestCase

from channels.api.preview import make_token
from cms.models import ArticleAttachment
from tests.factories import make_article, make_column, make_site, make_user

from .conftest import WWW


class PreviewTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.www = make_site(WWW, "郴州市人民政府", code="4310000001")
        cls.news = make_column(cls.www.home, "工作动态", slug="news")
        cls.item = make_article(cls.news, title="已发布标题")
        cls.other = make_article(cls.news, title="另一条")
        cls.item.title = "草稿标题"
        cls.item.summary = "草稿摘要"
        cls.item.attachments = [ArticleAttachment(title="草稿附件", url="https://old.czs.gov.cn/draft.doc")]
        cls.item.save_revision()
        cls.editor = make_user("editor", cls.www.groups["editor"])
        other_site = make_site("bhq.api.localhost", "北湖区人民政府", code="4310020001")
        cls.outsider = make_user("outsider", other_site.groups["editor"])

    def preview(self, pk, token, **extra):
        return self.client.get(
            f"/api/v1/preview/{pk}/", {"token": token} if token else {}, HTTP_HOST=WWW, **extra
        )

    def test_token_shows_the_latest_draft_of_its_page_only(self):
        token = make_token(self.item)
        data = self.preview(self.item.pk, token)
        assert data.status_code == 200
        assert (data.json()["title"], data.json()["summary"]) == ("草稿标题", "草稿摘要")
        assert data.json()["attachments"] == [
            {"title": "草稿附件", "url": "https://old.czs.gov.cn/draft.doc"}
        ]
        assert data["Cache-Control"] == "private, no-store"
        # The public API still shows the published version.
        assert (
            self.client.get(f"/api/v1/items/{self.item.pk}/", HTTP_HOST=WWW).json()["title"] == "已发布标题"
        )
        # The token may also travel in a header.
        header = self.client.get(
            f"/api/v1/preview/{self.item.pk}/", HTTP_HOST=WWW, HTTP_X_PREVIEW_TOKEN=token
        )
        assert header.status_code == 200

    def test_other_page_forged_missing_and_expired_tokens(self):
        token = make_token(self.item)
        other = self.preview(self.other.pk, token)
        assert other.status_code == 403 and other["Content-Type"] == "application/problem+json"
        forged = token[:-3] + ("AAA" if not token.endswith("AAA") else "BBB")
        assert self.preview(self.item.pk, forged).status_code == 401
        assert self.preview(self.item.pk, None).status_code == 401
        with time_machine.travel(dt.datetime.now(dt.UTC) + dt.timedelta(hours=1, minutes=1), tick=False):
            expired = self.preview(self.item.pk, token)
        assert expired.status_code == 401 and "过期" in expired.json()["detail"]
        with time_machine.travel(dt.datetime.now(dt.UTC) + dt.timedelta(minutes=59), tick=False):
            assert self.preview(self.item.pk, token).status_code == 200

    def test_admin_gives_the_link(self):
        self.client.force_login(self.editor)
        edit = self.client.get(f"/admin/pages/{self.item.pk}/edit/")
        assert f"/admin/api-preview/{self.item.pk}/" in edit.content.decode()
        page = self.client.get(f"/admin/api-preview/{self.item.pk}/")
        assert page.status_code == 200
        html = page.content.decode()
        start = html.index(f"/api/v1/preview/{self.item.pk}/?token=")
        link = html[start : html.index('"', start)]
        assert self.client.get(link, HTTP_HOST=WWW).json()["title"] == "草稿标题"

    def test_admin_link_needs_edit_permission(self):
        self.client.force_login(self.outsider)  # an editor of another site
        response = self.client.get(f"/admin/api-preview/{self.item.pk}/")
        assert response.status_code in (302, 403)
        assert "token=" not in response.content.decode()
