"""Online interviews (I05): the page, live entries in order (JSON and reload), questions
hidden until approved everywhere the public can look, the challenge and the rate limit."""

import json
import re
from html import unescape

from django.core.cache import cache
from django.test import TestCase, override_settings

from interaction.forms import _digest, check_challenge, new_challenge
from interaction.interviews import Interview, LiveEntry, Question, QuestionStatus, Status
from tests.factories import make_column, make_english_portal, make_site
from tests.interaction.builders import START, make_interview, make_live_entries

HOST = "interview.test.localhost"
SECRET_WORDS = "未审核的问题内容XYZ"


def answer_for(html):
    """Solve the challenge the way a person does: read the question in words."""
    numbers = "零一二三四五六七八九十"
    a, b = re.search(r"验证问题：(.)加(.)等于几", html).groups()
    token = re.search(r'name="token" value="([^"]+)"', html).group(1)
    return str(numbers.index(a) + numbers.index(b)), token


class InterviewTest(TestCase):
    @classmethod
    def setUpTestData(cls):
        site = make_site(hostname=HOST)
        cls.column = make_column(site.home, title="在线访谈", column_type="在线访谈")
        cls.page = make_interview(cls.column, video_url="https://video.czs.gov.cn/ft-0618.mp4")
        cls.entries = make_live_entries(cls.page)
        cls.approved = Question.objects.create(
            interview=cls.page, nickname="网友甲", text="三公经费为什么下降？", status=QuestionStatus.APPROVED,
            answer="严格执行八项规定。", answered_by="李明",
        )  # fmt: skip
        Question.objects.create(interview=cls.page, nickname="网友乙", text=SECRET_WORDS)
        Question.objects.create(
            interview=cls.page, nickname="网友丙", text=SECRET_WORDS + "2", status=QuestionStatus.REJECTED
        )

    def setUp(self):
        cache.clear()

    def get(self, url, **params):
        return self.client.get(url, params, HTTP_HOST=HOST)

    def test_page_shows_guests_status_entries_in_order_without_javascript(self):
        html = self.get(self.page.url).content.decode()
        assert "市财政局局长 李明" in html and "直播中" in html
        assert 'href="https://video.czs.gov.cn/ft-0618.mp4"' in html
        order = [
            html.index(text)
            for text in ("各位网友大家好。", "首先请局长介绍。", "今年55个部门全部公开预算。")
        ]
        assert order == sorted(order)
        assert 'aria-live="polite"' in html
        assert "严格执行八项规定。" in html

    def test_live_json_returns_new_entries_in_order(self):
        data = json.loads(self.get(f"/interaction/interviews/{self.page.pk}/live.json").content)
        assert [e["text"] for e in data["entries"]] == [
            "各位网友大家好。",
            "首先请局长介绍。",
            "今年55个部门全部公开预算。",
        ]
        assert data["status"] == "live" and data["status_label"] == "直播中"
        after = self.entries[1].pk
        data = json.loads(self.get(f"/interaction/interviews/{self.page.pk}/live.json", after=after).content)
        assert [e["text"] for e in data["entries"]] == ["首先请局长介绍。"]
        assert self.get(f"/interaction/interviews/{self.page.pk}/live.json", after="-1").status_code == 400

    def test_unapproved_questions_never_reach_the_public(self):
        places = [
            self.get(self.page.url),
            self.get(f"/interaction/interviews/{self.page.pk}/live.json"),
            self.get(f"/api/v2/pages/{self.page.pk}/"),
            self.get("/api/v2/pages/", type="interaction.Interview", fields="*"),
        ]
        for response in places:
            assert response.status_code == 200, response.request
            body = response.content.decode()
            assert SECRET_WORDS not in body and "网友乙" not in body
        assert "三公经费为什么下降？" in places[0].content.decode()
        questions = json.loads(places[1].content)["questions"]
        assert [q["nickname"] for q in questions] == ["网友甲"]

    def test_question_submission_is_hidden_until_approved(self):
        html = self.get(self.page.url).content.decode()
        answer, token = answer_for(html)
        url = f"/interaction/interviews/{self.page.pk}/ask/"
        response = self.client.post(
            url,
            {"nickname": "网友丁", "text": "明年还会继续公开吗？", "answer": answer, "token": token},
            HTTP_HOST=HOST,
        )
        assert response.status_code == 302
        question = Question.objects.get(nickname="网友丁")
        assert question.status == QuestionStatus.PENDING and len(question.sender) == 64
        assert "明年还会继续公开吗？" not in self.get(self.page.url).content.decode()
        question.status = QuestionStatus.APPROVED
        question.save()
        assert "明年还会继续公开吗？" in self.get(self.page.url).content.decode()

    def test_wrong_answer_honeypot_and_expired_token_are_refused(self):
        html = self.get(self.page.url).content.decode()
        answer, token = answer_for(html)
        url = f"/interaction/interviews/{self.page.pk}/ask/"
        base = {"nickname": "机器人", "text": "这是一个自动提交的问题", "token": token}
        wrong = self.client.post(url, {**base, "answer": str(int(answer) + 1)}, HTTP_HOST=HOST)
        assert wrong.status_code == 400
        assert "验证问题回答不正确或已过期" in wrong.content.decode()
        bot = self.client.post(url, {**base, "answer": answer, "website": "http://spam"}, HTTP_HOST=HOST)
        assert bot.status_code == 400
        forged = self.client.post(url, {**base, "answer": answer, "token": "x:y"}, HTTP_HOST=HOST)
        assert forged.status_code == 400
        assert not Question.objects.filter(nickname="机器人").exists()

    @override_settings(INTERVIEW_QUESTION_RATE=(2, 600))
    def test_rate_limit_per_sender(self):
        url = f"/interaction/interviews/{self.page.pk}/ask/"
        codes = []
        for n in range(3):
            answer, token = answer_for(self.get(self.page.url).content.decode())
            response = self.client.post(
                url, {"nickname": "网友戊", "text": f"第{n}个问题内容", "answer": answer, "token": token},
                HTTP_HOST=HOST, REMOTE_ADDR="10.0.0.7",
            )  # fmt: skip
            codes.append(response.status_code)
        assert codes == [302, 302, 429]
        assert "提问过于频繁" in response.content.decode()
        assert Question.objects.filter(nickname="网友戊").count() == 2
        # Another address is not affected.
        answer, token = answer_for(self.get(self.page.url).content.decode())
        response = self.client.post(
            url, {"nickname": "网友己", "text": "另一个地址的问题", "answer": answer, "token": token},
            HTTP_HOST=HOST, REMOTE_ADDR="10.0.0.8",
        )  # fmt: skip
        assert response.status_code == 302

    def test_challenge_token_holds_no_answer(self):
        question, token = new_challenge()
        assert "等于几" in question
        payload = token.split(":")[0]
        assert _digest("n", 5) not in token and len(payload) > 10
        assert not check_challenge(token, "abc")

    def test_archived_transcript_and_no_questions_after_the_event(self):
        page = make_interview(self.column, status=Status.ENDED, transcript="<p>访谈实录全文。</p>")
        page_html = self.get(page.url).content.decode()
        assert "文字实录" in page_html and "访谈实录全文。" in page_html
        assert "我要提问" not in page_html
        assert "interview-live.js" not in page_html
        response = self.client.post(f"/interaction/interviews/{page.pk}/ask/", {}, HTTP_HOST=HOST)
        assert response.status_code == 404

    def test_yearly_counts(self):
        assert Interview.yearly_counts() == {2014: 1}


class LiveScriptLabelsTest(TestCase):
    """The live script writes entries and questions with the words the page gives it
    (data-*-format), which are the same translated messages the server renders: English on
    the English portal, Chinese on the Chinese ones."""

    @classmethod
    def setUpTestData(cls):
        en = make_english_portal("en.interview.localhost")
        column = make_column(en.home, title="Online interviews", slug="interviews")
        cls.en_page = make_interview(
            column,
            "Opening up government information",
            guests=[("Li Ming", "Director")],
            summary="The director of the finance bureau on budget disclosure.",
        )
        LiveEntry.objects.create(
            interview=cls.en_page, speaker="Host", text="Welcome.\nOur guest is here.", posted_at=START
        )
        cls.zh_host = "zh.interview.localhost"
        zh = make_column(make_site(hostname=cls.zh_host).home, title="在线访谈", column_type="在线访谈")
        cls.zh_page = make_interview(zh)
        LiveEntry.objects.create(
            interview=cls.zh_page, speaker="主持人", text="各位网友大家好。", posted_at=START
        )

    def attributes(self, html):
        article = re.search(r"<article [^>]*data-live-url[^>]*>", html).group(0)
        return {name: unescape(value) for name, value in re.findall(r'data-([\w-]+)="([^"]*)"', article)}

    def test_english_page_gives_the_script_english_words(self):
        html = self.client.get(self.en_page.url, HTTP_HOST="en.interview.localhost").content.decode()
        assert self.attributes(html) == {
            "live-url": f"/interaction/interviews/{self.en_page.pk}/live.json",
            "entry-format": "<strong>%(speaker)s</strong> %(time)s: %(text)s",
            "asks-format": "<strong>%(nickname)s</strong> asks: %(text)s",
            "answers-format": "<strong>%(name)s</strong> answers: %(answer)s",
            "guest": "Guest",
        }
        # The server's own rendering of an entry says it the same way.
        assert (
            '<strong>Host</strong> <time datetime="2014-06-18T09:30:00+08:00">09:30</time>: '
            "Welcome.<br>Our guest is here.</li>"
        ) in html
        main = html[html.index("<main") : html.index("</main>")]
        for chinese in ("问：", "答：", "嘉宾", "："):
            assert chinese not in main, chinese

    def test_chinese_page_gives_the_script_chinese_words(self):
        html = self.client.get(self.zh_page.url, HTTP_HOST=self.zh_host).content.decode()
        assert self.attributes(html) | {"live-url": ""} == {
            "live-url": "",
            "entry-format": "<strong>%(speaker)s</strong> %(time)s：%(text)s",
            "asks-format": "<strong>%(nickname)s</strong> 问：%(text)s",
            "answers-format": "<strong>%(name)s</strong> 答：%(answer)s",
            "guest": "嘉宾",
        }
        assert (
            '<strong>主持人</strong> <time datetime="2014-06-18T09:30:00+08:00">09:30</time>：各位网友大家好。'
            in html
        )
