"""TV inquiry and live broadcasts (电视问政 / 网上直播): the page (schedule, departments on
stage, the served player under the upload policy), messages moderated as on interviews,
the problems raised with their public status and counts, progress announced as
item_changed (search follows it) and never rolled back by a publish, the column that
offers broadcasts, and script inert in problem text and notes, the admin included, where
each user sees only the problems of their own site or unit."""

import datetime as dt
import re

from django.contrib.auth.models import Group, Permission
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models import Q
from django.test import TestCase
from django.urls import reverse

from cms.items import item_changed
from cms.models import ArticlePage
from interaction.broadcast_admin import RectificationPermissionPolicy
from interaction.broadcasts import BroadcastPage, RectificationItem, RectificationStatus
from interaction.interviews import Interview, LiveEntry, Question, QuestionStatus
from interaction.mailbox import HandlerMembership
from search.models import IndexEntry
from search.service import SearchParams, search
from tests.factories import make_column, make_organisation, make_site, make_user
from tests.interaction.broadcast_builders import MP4_BYTES, WEBM_BYTES, make_broadcast
from tests.interaction.builders import START

HOST = "broadcast.test.localhost"
OTHER_HOST = "other.test.localhost"
PENDING = "请公布某局长的家庭住址XYZ"
SCRIPT = '<script>alert("x")</script>'


def found(q):
    return [r["id"] for r in search(SearchParams(q=q, log=False))["results"]]


class Received:
    """Collects item_changed while in a `with` block."""

    def __enter__(self):
        self.pages = []
        item_changed.connect(self.receive, dispatch_uid="test_broadcast_received")
        return self

    def receive(self, sender, page_id, **kwargs):
        self.pages.append((sender, page_id))

    def __exit__(self, *exc):
        item_changed.disconnect(dispatch_uid="test_broadcast_received")


class BroadcastPageTest(TestCase):
    @classmethod
    def setUpTestData(cls):
        site = make_site(hostname=HOST)
        cls.column = make_column(site.home, title="电视问政", column_type="在线访谈")
        cls.zjj = make_organisation("郴州市住房和城乡建设局")
        cls.hbj = make_organisation("郴州市环境保护局")
        cls.page = make_broadcast(
            cls.column,
            [(cls.zjj, "局长 黄振宇"), (cls.hbj, "局长 邓卫平")],
            problems=[
                ("老旧小区雨污管网混接，雨天污水漫溢", cls.zjj, dt.date(2014, 9, 30)),
                ("建筑工地夜间施工噪声扰民", cls.hbj, dt.date(2014, 7, 31)),
                ("小区内部道路要求纳入市政养护", cls.zjj, None),
            ],
            video_url="https://tv.czs.gov.cn/dswz/6",
        )
        cls.pipes, cls.noise, cls.roads = cls.page.rectifications.order_by("sort_order")
        LiveEntry.objects.create(
            interview=cls.page, speaker="黄振宇", text="三个月内完成管网改造。", posted_at=START
        )
        Question.objects.create(
            interview=cls.page, nickname="北湖居民", text="下水道什么时候改？", status=QuestionStatus.APPROVED
        )
        Question.objects.create(interview=cls.page, nickname="待审核网友", text=PENDING)

    def setUp(self):
        cache.clear()

    def html(self, page=None):
        response = self.client.get((page or self.page).url, HTTP_HOST=HOST)
        assert response.status_code == 200
        return response.content.decode()

    def update(self, item, status, note="", resolved_on=None):
        item.refresh_from_db()
        item.status, item.progress_note, item.resolved_on = status, note, resolved_on
        item.full_clean()
        item.save()

    def test_page_shows_kind_schedule_departments_stream_and_live_text(self):
        html = self.html()
        assert "电视问政" in html and "已结束" in html
        assert '<time datetime="2014-06-18T09:30:00+08:00">' in html
        assert "上场部门" in html and "郴州市住房和城乡建设局 局长 黄振宇" in html
        assert 'href="https://tv.czs.gov.cn/dswz/6"' in html
        assert "三个月内完成管网改造。" in html and "下水道什么时候改？" in html
        assert "<video" not in html  # no served video: no player

    def test_pending_messages_are_never_public(self):
        assert PENDING not in self.html()
        live = self.client.get(f"/interaction/interviews/{self.page.pk}/live.json", HTTP_HOST=HOST)
        assert live.status_code == 200 and PENDING not in live.content.decode()
        assert PENDING not in IndexEntry.objects.get(pk=self.page.pk).text

    def test_rectification_statuses_are_public_and_counted(self):
        self.update(self.pipes, RectificationStatus.RESOLVED, "雨污分流改造已完工。", dt.date(2014, 9, 26))
        self.update(self.noise, RectificationStatus.IN_PROGRESS, "开展夜间施工专项执法检查。")
        self.update(self.roads, RectificationStatus.DECLINED, "小区内部道路由业主委托物业养护。")
        html = self.html()
        assert "节目中提出问题 3 个，已整改 1 个。" in html
        table = html[html.index("<table") : html.index("</table>")]
        rows = re.findall(r"<tr>(.*?)</tr>", table, re.S)[1:]
        assert len(rows) == 3
        assert (
            "已整改" in rows[0] and "雨污分流改造已完工。" in rows[0] and 'datetime="2014-09-26"' in rows[0]
        )
        assert "整改中" in rows[1] and "郴州市环境保护局" in rows[1] and "2014-07-31" in rows[1]
        assert "不予整改" in rows[2] and "业主委托物业养护" in rows[2]
        assert '<th scope="col">' in table and '<caption id="rectification-caption">' in table
        assert 'role="region"' in html and 'tabindex="0"' in html  # scrolls on its own at 390 px

    def test_progress_rules_are_chinese_form_errors(self):
        item = RectificationItem.objects.get(pk=self.pipes.pk)
        item.status = RectificationStatus.RESOLVED
        with self.assertRaisesMessage(ValidationError, "须填写整改完成日期"):
            item.full_clean()
        item.status, item.progress_note = RectificationStatus.DECLINED, " "
        with self.assertRaisesMessage(ValidationError, "说明理由"):
            item.full_clean()

    def test_status_change_sends_item_changed_and_search_finds_the_note(self):
        assert self.page.pk not in found("化粪池清掏")
        with Received() as received:
            self.update(self.pipes, RectificationStatus.IN_PROGRESS, "化粪池清掏已完成，管网改造已开工。")
        assert received.pages == [(BroadcastPage, self.page.pk)]
        assert self.page.pk in found("化粪池清掏")
        # Saved again unchanged (a publish writes the rows again): nothing to announce.
        with Received() as received:
            RectificationItem.objects.get(pk=self.pipes.pk).save()
        assert received.pages == []

    def test_problems_and_departments_are_searchable(self):
        assert self.page.pk in found("夜间施工噪声")
        assert self.page.pk in found("邓卫平")

    def test_publishing_an_older_revision_keeps_the_progress(self):
        self.page.refresh_from_db()
        draft = self.page.get_latest_revision_as_object()
        draft.summary = "节目回顾：四个部门现场回应。"
        revision = draft.save_revision()  # made before the department's update
        self.update(self.noise, RectificationStatus.IN_PROGRESS, "专项执法检查进行中。")
        revision.publish()
        item = RectificationItem.objects.get(pk=self.noise.pk)
        assert item.status == RectificationStatus.IN_PROGRESS and item.progress_note == "专项执法检查进行中。"
        assert "节目回顾" in self.html() and "专项执法检查进行中。" in self.html()

    def test_script_in_problem_and_note_is_inert(self):
        item = RectificationItem.objects.get(pk=self.roads.pk)
        item.problem = SCRIPT
        item.save()
        self.update(self.roads, RectificationStatus.IN_PROGRESS, SCRIPT)
        html = self.html()
        assert SCRIPT not in html
        assert html.count("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;") == 2


class UploadPolicyTest(TestCase):
    """The served video goes through the upload policy: mp4/webm by content, not name."""

    @classmethod
    def setUpTestData(cls):
        site = make_site(hostname=HOST)
        cls.column = make_column(site.home, title="网上直播", column_type="在线访谈")
        cls.org = make_organisation("郴州市人民政府新闻办公室")
        cls.page = make_broadcast(cls.column, [(cls.org, "")], title="新闻发布会网上直播", kind="live")

    def attach(self, name, content, field="video_file"):
        page = BroadcastPage.objects.get(pk=self.page.pk)
        setattr(page, field, SimpleUploadedFile(name, content))
        return page

    def test_html_renamed_to_mp4_is_refused_in_chinese(self):
        page = self.attach("show.mp4", b"<!doctype html><script>alert(1)</script>")
        with self.assertRaisesMessage(ValidationError, "文件内容与扩展名“mp4”不符"):
            page.full_clean()
        page = self.attach("show.exe", MP4_BYTES)
        with self.assertRaisesMessage(ValidationError, "不接受扩展名为“exe”的视频文件"):
            page.full_clean()

    def test_captions_must_be_webvtt(self):
        with self.assertRaisesMessage(ValidationError, "WebVTT"):
            self.attach("subs.vtt", b"<html>", field="captions_file").full_clean()
        self.attach("subs.vtt", b"WEBVTT\n\n00:00.000 --> 00:02.000\n", field="captions_file").full_clean()

    def test_uploaded_mp4_is_stored_and_played_with_captions(self):
        page = self.attach("show.mp4", MP4_BYTES)
        page.captions_file = SimpleUploadedFile("show.vtt", b"WEBVTT\n")
        page.full_clean()
        # As the page editor does: a revision, then its publish (the file is stored then).
        page.save_revision().publish()
        page = BroadcastPage.objects.get(pk=self.page.pk)
        assert page.video_file.name.endswith(".mp4") and page.video_file.read() == MP4_BYTES
        html = self.client.get(page.url, HTTP_HOST=HOST).content.decode()
        assert "<video" in html and " controls" in html
        assert f'<source src="{page.video_file.url}" type="video/mp4">' in html
        assert f'<track kind="captions" src="{page.captions_file.url}"' in html
        assert page.video_file.url.startswith("/media/")  # our own storage, no third party

    def test_webm_is_accepted(self):
        page = self.attach("show.webm", WEBM_BYTES)
        page.full_clean()
        page.save()
        assert BroadcastPage.objects.get(pk=page.pk).video_type == "video/webm"


class ColumnOfferTest(TestCase):
    @classmethod
    def setUpTestData(cls):
        site = make_site(hostname=HOST)
        cls.interviews = make_column(site.home, title="在线访谈", column_type="在线访谈")
        cls.news = make_column(site.home, title="工作动态", column_type="工作动态")

    def test_an_interview_column_offers_broadcasts_and_interviews_and_no_articles(self):
        assert BroadcastPage.can_create_at(self.interviews)
        assert Interview.can_create_at(self.interviews)
        assert not ArticlePage.can_create_at(self.interviews)
        assert not BroadcastPage.can_create_at(self.news)
        assert not Interview.can_create_at(self.news)


class RectificationAdminTest(TestCase):
    """Progress updates in the admin: scoped to the user's site or unit; script inert."""

    @classmethod
    def setUpTestData(cls):
        own = make_site(hostname=HOST, name="北湖区人民政府")
        other = make_site(hostname=OTHER_HOST, name="苏仙区人民政府")
        cls.zjj = make_organisation("北湖区住房和城乡建设局")
        cls.hbj = make_organisation("苏仙区环境保护局")
        own_column = make_column(own.home, title="电视问政", column_type="在线访谈")
        other_column = make_column(other.home, title="电视问政", column_type="在线访谈")
        cls.own = make_broadcast(own_column, [(cls.zjj, "")], problems=[(SCRIPT + "北湖问题", cls.zjj, None)])
        cls.other = make_broadcast(other_column, [(cls.hbj, "")], problems=[("苏仙区的问题", cls.hbj, None)])
        cls.own_item = cls.own.rectifications.get()
        cls.other_item = cls.other.rectifications.get()
        updaters = Group.objects.create(name="整改进展更新")
        updaters.permissions.set(
            Permission.objects.filter(
                Q(content_type__app_label="interaction", codename__endswith="rectificationitem")
                | Q(content_type__app_label="wagtailadmin", codename="access_admin")
            )
        )
        cls.editor = make_user("bhq_editor", own.groups["editor"], updaters)
        # A department's staff on no site: sees the problems passed to the unit only.
        cls.unit_user = make_user("shb_staff", updaters)
        HandlerMembership.objects.create(user=cls.unit_user, organisation=cls.hbj)
        cls.plain = make_user("bhq_plain", own.groups["editor"])

    def refused(self, response):
        # Wagtail answers a refused admin view with a redirect to the dashboard.
        return response.status_code == 302 and response.url == reverse("wagtailadmin_home")

    def url(self, name, *args):
        return reverse(f"wagtailsnippets_interaction_rectificationitem:{name}", args=args)

    def test_editor_lists_and_edits_own_sites_problems_only(self):
        self.client.force_login(self.editor)
        listing = self.client.get(self.url("list")).content.decode()
        assert "北湖问题" in listing and "苏仙区的问题" not in listing
        assert SCRIPT not in listing and "&lt;script&gt;" in listing
        assert self.refused(self.client.get(self.url("edit", self.other_item.pk)))
        edit = self.client.get(self.url("edit", self.own_item.pk))
        assert edit.status_code == 200 and SCRIPT not in edit.content.decode()

    def test_page_editor_shows_problems_inert_and_offers_both_types(self):
        self.client.force_login(self.editor)
        edit = self.client.get(reverse("wagtailadmin_pages:edit", args=[self.own.pk]))
        body = edit.content.decode()
        assert edit.status_code == 200 and "北湖问题" in body and SCRIPT not in body
        assert 'enctype="multipart/form-data"' in body  # the video upload reaches the server
        column = self.own.get_parent()
        choose = self.client.get(reverse("wagtailadmin_pages:add_subpage", args=[column.pk])).content.decode()
        assert "interaction/broadcastpage/" in choose and "interaction/interview/" in choose
        assert "cms/articlepage/" not in choose
        other = self.client.get(reverse("wagtailadmin_pages:edit", args=[self.other.pk]))
        assert other.status_code in (302, 403)

    def test_progress_update_through_the_admin_is_public(self):
        self.client.force_login(self.editor)
        with Received() as received:
            response = self.client.post(
                self.url("edit", self.own_item.pk),
                {"status": "in_progress", "progress_note": "已组织现场勘查。", "resolved_on": ""},
            )
        assert response.status_code == 302, response.content.decode()[:2000]
        item = RectificationItem.objects.get(pk=self.own_item.pk)
        assert item.status == "in_progress" and item.problem.endswith("北湖问题")  # problem read-only
        assert received.pages == [(BroadcastPage, self.own.pk)]
        page = self.client.get(self.own.url, HTTP_HOST=HOST).content.decode()
        assert "已组织现场勘查。" in page

    def test_invalid_progress_is_a_form_error_not_a_500(self):
        self.client.force_login(self.editor)
        response = self.client.post(
            self.url("edit", self.own_item.pk), {"status": "resolved", "progress_note": "", "resolved_on": ""}
        )
        assert response.status_code == 200 and "须填写整改完成日期" in response.content.decode()
        response = self.client.post(
            self.url("edit", self.own_item.pk), {"status": "bogus", "progress_note": "", "resolved_on": "x"}
        )
        assert response.status_code == 200

    def test_unit_member_sees_the_units_problems_on_any_site(self):
        self.client.force_login(self.unit_user)
        listing = self.client.get(self.url("list")).content.decode()
        assert "苏仙区的问题" in listing and "北湖问题" not in listing
        assert self.client.get(self.url("edit", self.other_item.pk)).status_code == 200
        assert self.refused(self.client.get(self.url("edit", self.own_item.pk)))

    def test_problems_are_neither_added_nor_deleted_here(self):
        self.client.force_login(self.editor)
        assert self.refused(self.client.get(self.url("add")))
        assert self.refused(self.client.get(self.url("delete", self.own_item.pk)))
        assert RectificationItem.objects.filter(pk=self.own_item.pk).exists()
        policy = RectificationPermissionPolicy()
        superuser = make_user("root", superuser=True)
        assert not policy.user_has_permission(superuser, "add")
        assert policy.user_has_permission(superuser, "change")

    def test_without_the_models_permission_nothing_is_listed(self):
        self.client.force_login(self.plain)
        assert self.refused(self.client.get(self.url("list")))
        assert self.refused(self.client.get(self.url("edit", self.own_item.pk)))


class DemoBroadcastsTest(TestCase):
    """demo/broadcasts.py: an ended TV inquiry of 2014 and an upcoming live broadcast."""

    @classmethod
    def setUpTestData(cls):
        from demo.broadcasts import DEPARTMENTS

        site = make_site(hostname=HOST)
        cls.column = make_column(site.home, title="电视问政", column_type="在线访谈")
        for name, _official in DEPARTMENTS:
            make_organisation(name)

    def test_demo_broadcasts_are_built_once(self):
        from demo.broadcasts import LIVE_SLUG, TV_SLUG, ensure_broadcasts

        now = dt.datetime(2026, 3, 2, 10, tzinfo=dt.UTC)
        assert ensure_broadcasts(self.column, now) == 2
        assert ensure_broadcasts(self.column, now) == 0
        tv = BroadcastPage.objects.get(slug=TV_SLUG)
        assert tv.live and tv.kind == "tv" and tv.status == "ended" and tv.starts_at.year == 2014
        assert tv.departments.count() == 4 and tv.entries.count() >= 4
        statuses = list(tv.rectifications.values_list("status", flat=True))
        assert 4 <= len(statuses) <= 6 and len(set(statuses)) == 4
        html = self.client.get(tv.url, HTTP_HOST=HOST).content.decode()
        assert "节目中提出问题 5 个，已整改 2 个。" in html
        assert "请公布某局长的家庭住址" not in html and tv.public_questions().count() == 3
        upcoming = BroadcastPage.objects.get(slug=LIVE_SLUG)
        assert upcoming.live and upcoming.kind == "live" and upcoming.status == "preview"
        assert upcoming.starts_at > now and upcoming.is_open_for_questions
