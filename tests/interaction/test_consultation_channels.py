"""Consultations and surveys through the item protocol: search finds a consultation by its
draft's text and never by a pending comment, the app API lists and details them (approved
comments only, a survey's results only once closed), WAP renders them, WeChat gets the
call for comments, item_changed is sent when public content changes (a comment approved or
withdrawn, a closing), and the demo builds them once."""

import re

from django.core.cache import cache
from django.test import TestCase

from channels.wechat.preview import article_preview
from cms.items import item_changed, item_key_of
from demo.consultations import ensure_consultations
from interaction.consultation_signals import announce_closed
from interaction.consultations import CommentStatus, ConsultationComment, ConsultationPage
from interaction.surveys import SurveyPage, SurveyResponse
from search.service import SearchParams, search
from tests.channels.test_wap import WapClientMixin
from tests.factories import make_organisation, make_site
from tests.interaction.consultation_builders import make_consultation, make_survey, survey_column, window

HOST = "channels.consult.test.localhost"
PENDING = "垃圾中转站选址意见待审"
SCRIPT = "<script>alert(1)</script>网友意见"


def found(q):
    return [r["id"] for r in search(SearchParams(q=q, log=False))["results"]]


def wap_path(page):
    return "/wap" + page.get_url_parts()[2]


class ConsultationChannelsTest(WapClientMixin, TestCase):
    @classmethod
    def setUpTestData(cls):
        site = make_site(hostname=HOST)
        cls.column = survey_column(site)
        cls.page = make_consultation(
            cls.column,
            draft=[("第一条", "推进电子政务建设，公开部门预决算。"), ("第二条", "本规定自发布之日起施行。")],
        )
        ConsultationComment.objects.create(page=cls.page, anchor="p1", text=PENDING)
        cls.approved = ConsultationComment.objects.create(
            page=cls.page, anchor="p1", nickname="网友甲", text=SCRIPT, status=CommentStatus.APPROVED
        )
        cls.open_survey = make_survey(cls.column, title="正在进行的调查")
        cls.closed_survey = make_survey(cls.column, title="已经结束的调查", opens=-9, closes=-1)
        q1 = cls.closed_survey.questions.first()
        SurveyResponse.objects.create(page=cls.closed_survey, token="x", answers={str(q1.pk): 1})
        SurveyResponse.objects.create(page=cls.open_survey, token="y", answers={str(q1.pk): 1})

    def setUp(self):
        cache.clear()

    def api(self, url, **params):
        response = self.client.get(url, params, HTTP_HOST=HOST)
        assert response.status_code == 200, response.content
        return response.json()

    def test_item_types_and_column_offer(self):
        assert item_key_of(self.page) == "consultation" and item_key_of(self.open_survey) == "survey"
        assert ConsultationPage.can_create_at(self.column) and SurveyPage.can_create_at(self.column)
        from cms.pages import ArticlePage

        assert not ArticlePage.can_create_at(self.column)
        html = self.client.get(self.column.url, HTTP_HOST=HOST).content.decode()
        assert self.page.title in html and "正在进行的调查" in html and "征集中" in html

    def test_search_finds_the_draft_text_and_approved_comments_only(self):
        assert self.page.pk in found("电子政务")
        assert self.page.pk in found("网友意见")
        assert self.page.pk not in found("垃圾中转站")

    def test_api_lists_and_details_with_approved_comments_only(self):
        listed = self.api("/api/v1/items/", type="consultation")["results"]
        assert [item["id"] for item in listed] == [self.page.pk]
        assert listed[0]["status"] == {"value": "open", "label": "征集中"}
        detail = self.api(f"/api/v1/items/{self.page.pk}/")
        body = str(detail)
        assert PENDING not in body
        assert detail["sections"][0]["anchor"] == "p1"
        assert [c["text"] for c in detail["sections"][0]["comments"]] == [SCRIPT]
        assert detail["accepts_comments"] is True and detail["feedback"] == ""

    def test_api_shows_survey_results_only_once_closed(self):
        open_detail = self.api(f"/api/v1/items/{self.open_survey.pk}/")
        assert open_detail["results"] is None and open_detail["accepts_responses"] is True
        assert [q["options"] for q in open_detail["questions"]][0] == ["政务动态", "办事服务", "互动交流"]
        closed = self.api(f"/api/v1/items/{self.closed_survey.pk}/")
        assert closed["results"]["responses"] == 1
        assert closed["results"]["questions"][0]["options"][1] == {
            "option": "办事服务",
            "count": 1,
            "percent": 100.0,
        }
        assert len(closed["results"]["questions"]) == 2  # the written answers' question is not published

    def test_wap_renders_consultations_and_surveys(self):
        html = "".join(self.all_parts(HOST, wap_path(self.page)))
        assert "推进电子政务建设" in html and "&lt;script&gt;" in html and PENDING not in html
        assert "发表意见" in html
        survey = "".join(self.all_parts(HOST, wap_path(self.closed_survey)))
        assert "<table" in survey and "办事服务" in survey
        running = "".join(self.all_parts(HOST, wap_path(self.open_survey)))
        assert "<table" not in running and "调查结果将在调查结束后" in running

    def test_wechat_article_is_the_call_for_comments(self):
        article = article_preview(self.page)
        assert article["author"] == "郴州市人民政府办公室"
        assert "推进电子政务建设" in article["content"] and "欢迎在网站上" in article["content"]
        assert "<script" not in article["content"] and PENDING not in article["content"]
        assert "调查问题" in article_preview(self.open_survey)["content"]

    def test_item_changed_on_public_changes_only(self):
        sent = []

        def receiver(sender, page_id, **kwargs):
            sent.append((sender, page_id))

        item_changed.connect(receiver, dispatch_uid="test_consultation_item_changed")
        try:
            pending = ConsultationComment.objects.create(page=self.page, text="又一条待审意见")
            assert sent == []
            pending.status = CommentStatus.APPROVED
            pending.save()
            assert sent == [(ConsultationPage, self.page.pk)]
            pending.status = CommentStatus.REJECTED
            pending.save()
            assert len(sent) == 2
            sent.clear()
            assert announce_closed() == 1 and sent == [(SurveyPage, self.closed_survey.pk)]
            assert announce_closed() == 0
            # Reopened and closed again: announced again.
            self.closed_survey.opens_at, self.closed_survey.closes_at = window(-5, 5)
            self.closed_survey.save_revision().publish()
            assert announce_closed(now=self.closed_survey.closes_at) >= 1
        finally:
            item_changed.disconnect(dispatch_uid="test_consultation_item_changed")


class DemoTest(TestCase):
    def test_demo_builds_once(self):
        make_organisation("郴州市人民政府办公室")
        make_organisation("郴州市电子政务信息中心")
        column = survey_column(make_site(hostname="demo.consult.test.localhost"))
        assert ensure_consultations(column) == 4
        assert ensure_consultations(column) == 0
        open_page = ConsultationPage.objects.get(slug="xxgkgd-zqyj")
        assert open_page.sections.count() == 8 and open_page.public_comments().count() == 4
        closed_survey = SurveyPage.objects.get(slug="gbsj-dc")
        total, rows = closed_survey.results()
        assert total == 236 and closed_survey.has_feedback
        html = self.client.get(open_page.url, HTTP_HOST="demo.consult.test.localhost").content.decode()
        assert "这条意见尚未审核" not in html and re.search(r"id=\"p8\"", html)
