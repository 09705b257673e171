"""Consultations (意见征集, I04): open and closed by date, comments per article hidden until
approved, the challenge and the rate limit, 4xx for bad input, script inert (page and
admin), moderation scoped to the moderator's site, and the missing-feedback flag."""

import datetime as dt

from django.contrib.auth.models import Group, Permission
from django.core.cache import cache
from django.test import TestCase, override_settings
from django.urls import reverse
from django.utils import timezone

from interaction.consultation_admin import FeedbackPanel
from interaction.consultations import (
    CommentStatus,
    ConsultationComment,
    ConsultationSection,
    Phase,
    feedback_statistics,
    overdue_feedback,
)
from sites.admin_scope import editable_pages
from tests.factories import make_site, make_user
from tests.interaction.consultation_builders import answer_for, make_consultation, make_survey, survey_column

HOST = "consult.test.localhost"
OTHER_HOST = "county.consult.test.localhost"
SCRIPT = "<script>alert('x')</script>意见内容"
PENDING = "尚未审核的意见ZZQ"


class ConsultationTest(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.site = make_site(hostname=HOST)
        cls.column = survey_column(cls.site)
        cls.page = make_consultation(cls.column)
        cls.anchors = [s.anchor for s in cls.page.sections.all()]
        ConsultationComment.objects.create(
            page=cls.page,
            anchor="p2",
            nickname="网友甲",
            text="建议明确适用范围。",
            status=CommentStatus.APPROVED,
        )
        ConsultationComment.objects.create(page=cls.page, anchor="p1", nickname="网友乙", text=PENDING)
        ConsultationComment.objects.create(
            page=cls.page, anchor="", nickname="", text=SCRIPT, status=CommentStatus.APPROVED
        )

    def setUp(self):
        cache.clear()

    def get(self, url, **params):
        return self.client.get(url, params, HTTP_HOST=HOST)

    def post_comment(self, data, page=None, **extra):
        page = page or self.page
        answer, token = answer_for(self.get(page.url).content.decode())
        url = f"/interaction/consultations/{page.pk}/comment/"
        return self.client.post(url, {"answer": answer, "token": token, **data}, HTTP_HOST=HOST, **extra)

    def test_phase_follows_the_dates_in_beijing_time(self):
        page = self.page
        assert page.phase(page.opens_at - dt.timedelta(seconds=1)) == Phase.UPCOMING
        assert page.phase(page.opens_at) == Phase.OPEN
        assert page.phase(page.closes_at - dt.timedelta(seconds=1)) == Phase.OPEN
        assert page.phase(page.closes_at) == Phase.CLOSED
        page.closes_at = dt.datetime(2014, 6, 30, 16, 0, tzinfo=dt.UTC)  # 2014-07-01 00:00 in Beijing
        page.opens_at = page.closes_at - dt.timedelta(days=30)
        assert "2014年7月1日" in page.period_text()

    def test_articles_get_stable_anchors(self):
        assert self.anchors == ["p1", "p2", "p3"]
        page = self.page
        sections = list(page.sections.all())
        # A new article first: the others keep their anchors, the new one gets an unused one.
        page.sections = [ConsultationSection(heading="第零条", text="新增条款。"), *sections[1:]]
        page.save_revision().publish()
        page.refresh_from_db()
        assert [s.anchor for s in page.sections.all()] == ["p4", "p2", "p3"]

    def test_page_shows_articles_with_their_approved_comments_and_a_form(self):
        html = self.get(self.page.url).content.decode()
        assert 'id="p2"' in html and "第二条" in html
        p2 = html[html.index('id="p2"') : html.index('id="p3"')]
        assert "建议明确适用范围。" in p2
        assert PENDING not in html and "网友乙" not in html
        assert "征集中" in html and 'action="/interaction/consultations/' in html
        # The form works without script: a paragraph chooser preselected by the article's link.
        html = self.get(self.page.url, anchor="p3").content.decode()
        assert '<option value="p3" selected>' in html
        assert "&lt;script&gt;alert" in html and "<script>alert" not in html

    def test_comment_is_pending_until_approved(self):
        response = self.post_comment({"anchor": "p3", "nickname": "", "text": "第三条期限建议缩短。"})
        assert response.status_code == 302 and "commented=1" in response["Location"]
        comment = ConsultationComment.objects.get(text="第三条期限建议缩短。")
        assert (
            comment.status == CommentStatus.PENDING and comment.anchor == "p3" and len(comment.sender) == 64
        )
        assert "第三条期限建议缩短。" not in self.get(self.page.url).content.decode()
        comment.status = CommentStatus.APPROVED
        comment.save()
        html = self.get(self.page.url).content.decode()
        assert "第三条期限建议缩短。" in html[html.index('id="p3"') :]

    def test_bad_input_is_a_4xx_with_a_chinese_message(self):
        unknown = self.post_comment({"anchor": "p99", "text": "对不存在条款的意见"})
        assert unknown.status_code == 400
        html = unknown.content.decode()
        assert "选择一个有效的选项" in html and 'href="#id_anchor"' in html
        short = self.post_comment({"anchor": "", "text": "短"})
        assert short.status_code == 400 and "意见内容过短" in short.content.decode()
        wrong = self.client.post(
            f"/interaction/consultations/{self.page.pk}/comment/",
            {"text": "没有回答验证问题的意见", "answer": "99", "token": "x:y"},
            HTTP_HOST=HOST,
        )
        assert wrong.status_code == 400 and "验证问题回答不正确" in wrong.content.decode()
        assert (
            self.client.post(
                "/interaction/consultations/99999999999/comment/", {}, HTTP_HOST=HOST
            ).status_code
            == 404
        )
        survey = make_survey(self.column)
        assert (
            self.client.post(
                f"/interaction/consultations/{survey.pk}/comment/", {}, HTTP_HOST=HOST
            ).status_code
            == 404
        )
        assert not ConsultationComment.objects.filter(text__contains="对不存在条款").exists()

    def test_closed_and_upcoming_consultations_refuse_comments(self):
        closed = make_consultation(self.column, title="已结束的征集", opens=-30, closes=-1)
        upcoming = make_consultation(self.column, title="未开始的征集", opens=2, closes=9)
        for page, words in ((closed, "已结束"), (upcoming, "尚未开始")):
            html = self.get(page.url).content.decode()
            assert '<form class="public-form"' not in html
            response = self.client.post(
                f"/interaction/consultations/{page.pk}/comment/", {"text": "迟到的意见内容"}, HTTP_HOST=HOST
            )
            assert response.status_code == 403 and words in response.content.decode()
        assert "意见采纳情况的反馈将在此发布" in self.get(closed.url).content.decode()

    @override_settings(CONSULTATION_COMMENT_RATE=(2, 600))
    def test_rate_limit_per_sender(self):
        codes = [
            self.post_comment({"text": f"第{n}条意见内容"}, REMOTE_ADDR="10.1.0.7").status_code
            for n in range(3)
        ]
        assert codes == [302, 302, 429]
        assert self.post_comment({"text": "另一个地址的意见"}, REMOTE_ADDR="10.1.0.8").status_code == 302

    def test_feedback_notice_once_closed(self):
        closed = make_consultation(
            self.column, title="已反馈的征集", opens=-30, closes=-2,
            feedback="<p>共收到意见12条，采纳5条。</p>", feedback_published_at=dt.date(2014, 6, 20),
        )  # fmt: skip
        html = self.get(closed.url).content.decode()
        assert "共收到意见12条，采纳5条。" in html and "2014-06-20" in html and "已结束" in html


class FeedbackFlagTest(TestCase):
    """A closed consultation or survey without feedback is flagged after N days (injected time)."""

    @classmethod
    def setUpTestData(cls):
        cls.site = make_site(hostname=HOST)
        column = survey_column(cls.site)
        cls.late = make_consultation(column, title="逾期未反馈的征集", opens=-40, closes=-20)
        cls.recent = make_consultation(column, title="刚结束的征集", opens=-20, closes=-3)
        cls.answered = make_consultation(
            column, title="已反馈的征集", opens=-40, closes=-20,
            feedback="<p>已采纳。</p>", feedback_published_at=dt.date(2014, 6, 1),
        )  # fmt: skip
        cls.open = make_consultation(column, title="征集中", opens=-1, closes=5)
        cls.survey = make_survey(column, title="逾期未反馈的调查", opens=-40, closes=-16)
        other = make_site(hostname=OTHER_HOST, name="测试县人民政府", code="4310000002")
        cls.other = make_consultation(survey_column(other), title="其他站点逾期的征集", opens=-40, closes=-20)
        cls.editor = make_user("consult_editor", cls.site.groups["editor"])

    @override_settings(CONSULTATION_FEEDBACK_DAYS=15)
    def test_overdue_after_the_set_number_of_days(self):
        now = timezone.now()
        assert not self.recent.feedback_overdue(now)
        assert self.recent.feedback_overdue(now + dt.timedelta(days=14))
        assert self.late.feedback_overdue(now) and not self.answered.feedback_overdue(now)
        flagged = {p.title for p in overdue_feedback(editable_pages(self.editor), now)}
        assert flagged == {"逾期未反馈的征集", "逾期未反馈的调查"}

    @override_settings(CONSULTATION_FEEDBACK_DAYS=15)
    def test_statistics_count_closed_with_and_missing_feedback(self):
        assert feedback_statistics(root=self.site.home) == {
            "consultations": 4, "surveys": 1, "closed": 4, "with_feedback": 1, "missing_feedback": 2,
        }  # fmt: skip
        later = feedback_statistics(root=self.site.home, now=timezone.now() + dt.timedelta(days=30))
        assert later["missing_feedback"] == 4 and later["closed"] == 5  # all but the answered one
        assert feedback_statistics()["missing_feedback"] == 3  # the whole cluster

    @override_settings(CONSULTATION_FEEDBACK_DAYS=15)
    def test_dashboard_panel_shows_the_editors_own_overdue_pages(self):
        self.client.force_login(self.editor)
        html = self.client.get(reverse("wagtailadmin_home")).content.decode()
        assert "待发布反馈意见" in html and "逾期未反馈的征集" in html and "逾期未反馈的调查" in html
        assert "其他站点逾期的征集" not in html and "刚结束的征集" not in html
        assert FeedbackPanel([]).name == "feedback_missing"


class ModerationScopeTest(TestCase):
    """Comment moderation in the admin: only the consultations the moderator may edit, and
    the public's script shown as text."""

    @classmethod
    def setUpTestData(cls):
        city = make_site(hostname=HOST)
        county = make_site(hostname=OTHER_HOST, name="测试县人民政府", code="4310000002")
        cls.city_page = make_consultation(survey_column(city), title="市级征集")
        cls.county_page = make_consultation(survey_column(county), title="县级征集")
        cls.city_comment = ConsultationComment.objects.create(page=cls.city_page, text="市级网友的意见内容")
        cls.county_comment = ConsultationComment.objects.create(page=cls.county_page, text=SCRIPT)
        moderators = Group.objects.create(name="征集审核")
        moderators.permissions.set(
            Permission.objects.filter(
                content_type__app_label="interaction", content_type__model="consultationcomment"
            )
        )
        cls.moderator = make_user("county_moderator", county.groups["editor"], moderators)

    def test_moderator_sees_and_edits_own_site_comments_only(self):
        self.client.force_login(self.moderator)
        listing = self.client.get(reverse("wagtailsnippets_interaction_consultationcomment:list"))
        html = listing.content.decode()
        assert listing.status_code == 200
        assert "&lt;script&gt;alert" in html and "<script>alert" not in html
        assert "市级网友的意见内容" not in html
        edit = reverse("wagtailsnippets_interaction_consultationcomment:edit", args=[self.city_comment.pk])
        refused = self.client.get(edit)  # Wagtail sends a refused user to the dashboard
        assert refused.status_code == 404 or refused.get("Location") == reverse("wagtailadmin_home")
        assert self.client.post(edit, {"status": "approved"}).status_code in (302, 404)
        self.city_comment.refresh_from_db()
        assert self.city_comment.status == CommentStatus.PENDING
        own = reverse("wagtailsnippets_interaction_consultationcomment:edit", args=[self.county_comment.pk])
        response = self.client.get(own)
        assert response.status_code == 200 and "<script>alert" not in response.content.decode()
        response = self.client.post(own, {"status": "approved"})
        assert response.status_code == 302
        self.county_comment.refresh_from_db()
        assert self.county_comment.status == CommentStatus.APPROVED
        assert self.county_comment.text == SCRIPT  # moderators approve; the text stays the public's

    def test_editor_without_the_permission_sees_nothing(self):
        self.client.force_login(make_user("plain_editor", self.moderator.groups.first()))
        response = self.client.get(reverse("wagtailsnippets_interaction_consultationcomment:list"))
        assert response.status_code in (302, 403)
