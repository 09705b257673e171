"""A broadcast in every channel: the app API (its list entry and a detail carrying the
departments, stream and problems with their progress), the WAP page, the WeChat article,
and the interview's own endpoints (live JSON, the question form) serving it unchanged;
never a message no moderator approved, and script inert everywhere."""

import datetime as dt
import json
import re

from django.core.cache import cache
from django.test import TestCase

from channels.wechat.html import WeChatHTML
from channels.wechat.sources import source_for
from interaction.broadcasts import RectificationItem, RectificationStatus
from interaction.interviews import LiveEntry, Question, QuestionStatus, Status
from tests.channels.test_wap import WapClientMixin
from tests.factories import make_column, make_organisation, make_portal
from tests.interaction.broadcast_builders import make_broadcast
from tests.interaction.builders import START
from tests.interaction.test_interviews import answer_for

HOST = "www.bcast.test.localhost"
PENDING = "未审核的网友留言XYZ"
SCRIPT = '<script>alert("x")</script>'


class BroadcastChannelsTest(WapClientMixin, TestCase):
    @classmethod
    def setUpTestData(cls):
        site = make_portal(HOST)
        cls.column = make_column(site.home, title="电视问政", column_type="在线访谈")
        cls.zjj = make_organisation("郴州市住房和城乡建设局")
        cls.jyj = make_organisation("郴州市教育局")
        cls.page = make_broadcast(
            cls.column,
            [(cls.zjj, "局长 黄振宇"), (cls.jyj, "副局长 何丽娟")],
            problems=[
                ("老旧小区雨污管网混接", cls.zjj, dt.date(2014, 9, 30)),
                ("学校周边上下学时段交通拥堵" + SCRIPT, cls.jyj, None),
            ],
            video_url="https://tv.czs.gov.cn/dswz/6",
        )
        first, second = cls.page.rectifications.order_by("sort_order")
        first.status, first.resolved_on, first.progress_note = (
            RectificationStatus.RESOLVED,
            dt.date(2014, 9, 26),
            "雨污分流改造已完工。",
        )
        first.save()
        second.status, second.progress_note = RectificationStatus.IN_PROGRESS, "错峰放学试行中。" + SCRIPT
        second.save()
        cls.live = make_broadcast(
            cls.column, [(cls.zjj, "")], title="防汛新闻发布会网上直播", status=Status.LIVE, kind="live"
        )
        LiveEntry.objects.create(
            interview=cls.page, speaker="主持人", text="欢迎收看电视问政。", posted_at=START
        )
        Question.objects.create(
            interview=cls.page, nickname="北湖居民", text="下水道何时改？", status=QuestionStatus.APPROVED,
            answer="已列入改造计划。", answered_by="黄振宇",
        )  # fmt: skip
        Question.objects.create(interview=cls.page, nickname="待审核网友", text=PENDING)

    def setUp(self):
        cache.clear()

    def api(self, url, **params):
        response = self.client.get(url, params, HTTP_HOST=HOST)
        assert response.status_code == 200, response.content[:500]
        return response.json()

    def test_api_detail_carries_kind_departments_stream_and_problems(self):
        data = self.api(f"/api/v1/items/{self.page.pk}/")
        assert data["type"] == "broadcast"
        assert data["kind"] == {"value": "tv", "label": "电视问政"}
        assert data["status"]["value"] == "ended"
        assert [d["organisation"]["name"] for d in data["departments"]] == [
            "郴州市住房和城乡建设局",
            "郴州市教育局",
        ]
        assert data["departments"][0]["official"] == "局长 黄振宇"
        assert data["stream"] == {
            "url": "https://tv.czs.gov.cn/dswz/6", "video": None, "video_type": None, "captions": None,
        }  # fmt: skip
        assert data["rectification_counts"] == {"raised": 2, "resolved": 1}
        first, second = data["rectifications"]
        assert first["status"] == {"value": "resolved", "label": "已整改"}
        assert first["resolved_on"] == "2014-09-26" and first["deadline"] == "2014-09-30"
        assert first["organisation"]["name"] == "郴州市住房和城乡建设局"
        assert second["status"]["value"] == "in_progress" and second["progress_note"].endswith(SCRIPT)
        assert [q["nickname"] for q in data["questions"]] == ["北湖居民"]
        assert PENDING not in json.dumps(data, ensure_ascii=False)

    def test_api_list_names_broadcasts_by_their_type(self):
        data = self.api("/api/v1/items/", type="broadcast")
        assert {item["id"] for item in data["results"]} == {self.page.pk, self.live.pk}
        kinds = {item["id"]: item["kind"]["value"] for item in data["results"]}
        assert kinds == {self.page.pk: "tv", self.live.pk: "live"}

    def test_api_detail_follows_a_progress_update(self):
        item = RectificationItem.objects.get(problem="老旧小区雨污管网混接")
        item.progress_note = "回访居民满意。"
        item.save()
        data = self.api(f"/api/v1/items/{self.page.pk}/")
        assert data["rectifications"][0]["progress_note"] == "回访居民满意。"

    def test_wap_page_shows_departments_problems_and_messages(self):
        html = self.assert_wap_page(HOST, "/wap" + self.page.get_url_parts()[2])
        assert "电视问政" in html and "郴州市教育局 副局长 何丽娟" in html
        assert "节目中提出问题 2 个，已整改 1 个。" in html
        assert "已整改" in html and "整改中" in html and "雨污分流改造已完工。" in html
        assert "欢迎收看电视问政。" in html and "已列入改造计划。" in html
        assert PENDING not in html and SCRIPT not in html and "&lt;script&gt;" in html

    def test_wechat_article_names_departments_and_counts(self):
        html = WeChatHTML(base_url=f"http://{HOST}", upload_image=lambda image: "https://mmbiz.qpic.cn/x")
        body = source_for(self.page).body(html)
        assert "上场部门" in body and "郴州市住房和城乡建设局 局长 黄振宇" in body
        assert "节目中提出问题 2 个，已整改 1 个" in body
        assert PENDING not in body and "<script" not in body

    def test_live_json_serves_a_broadcast(self):
        data = self.api(f"/interaction/interviews/{self.page.pk}/live.json")
        assert [e["text"] for e in data["entries"]] == ["欢迎收看电视问政。"]
        assert [q["nickname"] for q in data["questions"]] == ["北湖居民"]
        assert data["status"] == "ended"

    def test_message_form_of_a_live_broadcast_goes_to_moderation(self):
        html = self.client.get(self.live.url, HTTP_HOST=HOST).content.decode()
        assert f'action="/interaction/interviews/{self.live.pk}/ask/#ask"' in html
        answer, token = answer_for(html)
        url = f"/interaction/interviews/{self.live.pk}/ask/"
        response = self.client.post(
            url,
            {"nickname": "网友丁", "text": "积水点有哪些？", "answer": answer, "token": token},
            HTTP_HOST=HOST,
        )
        assert response.status_code == 302 and response.url == self.live.url + "?asked=1#ask"
        assert Question.objects.get(nickname="网友丁").status == QuestionStatus.PENDING
        assert "积水点有哪些？" not in self.client.get(self.live.url, HTTP_HOST=HOST).content.decode()
        wrong = self.client.post(
            url, {"nickname": "x", "text": "y", "answer": "99", "token": token}, HTTP_HOST=HOST
        )
        assert wrong.status_code == 400

    def test_ended_broadcast_takes_no_messages(self):
        html = self.client.get(self.page.url, HTTP_HOST=HOST).content.decode()
        assert 'id="ask"' not in html and "interview-live.js" not in html
        response = self.client.post(f"/interaction/interviews/{self.page.pk}/ask/", {}, HTTP_HOST=HOST)
        assert response.status_code == 404

    def test_page_ships_no_third_party_assets(self):
        html = self.client.get(self.live.url, HTTP_HOST=HOST).content.decode()
        assets = re.findall(r"<(?:script|link|video|source|track|img)\b[^>]*(?:src|href)=\"([^\"]+)\"", html)
        assert assets and not [url for url in assets if "//" in url]
        assert "interview-live.js" in html  # the interview's own polling script, from our static files
