"""Looking a letter up (I01) on the web and WAP: one answer for an unknown code and a wrong
password, the status and the public trail, the rejection reason, the reply and its
evaluation (once), the rate limit and the per-code pause, script inert; the WAP mailbox,
its forms posted to the web routes with ?wap=1, and the published letter on WAP."""

import datetime as dt
import re

from django.core.cache import cache
from django.test import TestCase, override_settings

from interaction.mailbox import LetterEvent, LetterPage, LetterStatus, Satisfaction
from tests.factories import make_site
from tests.interaction.mailbox_builders import PASSWORD, SHANGHAI, make_letter, make_mailbox
from tests.interaction.test_letter_writing import solve

HOST = "lookup.test.localhost"
SCRIPT = "<script>alert(1)</script>"
MISMATCH = "查询编号或查询密码不正确"


class LookupTest(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.site = make_site(hostname=HOST)
        cls.mailbox = make_mailbox(cls.site)
        cls.other = make_mailbox(cls.site, title="区长信箱")
        cls.received = make_letter(cls.mailbox, title=SCRIPT, content=SCRIPT, name=SCRIPT)
        LetterEvent.objects.create(letter=cls.received, action="submitted")
        LetterEvent.objects.create(letter=cls.received, action="drafted", note="内部意见不公开")
        cls.rejected = make_letter(
            cls.mailbox, status=LetterStatus.REJECTED, rejection_reason="不属于本机关职责范围，请向法院反映。"
        )
        cls.replied = make_letter(
            cls.mailbox,
            status=LetterStatus.REPLIED,
            reply="已安排增设停车位200个。",
            reply_unit="市城管局",
            replied_at=dt.datetime(2014, 3, 20, 10, tzinfo=SHANGHAI),
        )

    def setUp(self):
        cache.clear()

    def url(self, mailbox=None, wap=False):
        return (mailbox or self.mailbox).url + "chaxun/" + ("?wap=1" if wap else "")

    def look(self, code, password=PASSWORD, mailbox=None, wap=False):
        data = {"tracking_code": code, "password": password}
        return self.client.post(self.url(mailbox, wap), data, HTTP_HOST=HOST)

    def test_form_page(self):
        html = self.client.get(self.url(), HTTP_HOST=HOST).content.decode()
        assert 'for="id_tracking_code"' in html and 'for="id_password"' in html

    def test_status_and_public_trail_with_script_escaped(self):
        response = self.look(self.received.tracking_code.lower())  # case does not matter
        assert response.status_code == 200
        html = response.content.decode()
        assert "待受理" in html
        assert SCRIPT not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
        assert "内部意见不公开" not in html  # a drafted reply's note is for the handlers

    def test_unknown_code_and_wrong_password_get_the_same_answer(self):
        wrong_password = self.look(self.received.tracking_code, "not-the-password")
        unknown_code = self.look("ZZZZZZZZZZ")
        other_mailbox = self.look(self.received.tracking_code, mailbox=self.other)
        for response in (wrong_password, unknown_code, other_mailbox):
            assert response.status_code == 400
            assert MISMATCH in response.content.decode()

        def strip(response):
            html = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", response.content.decode())
            return html.replace(self.received.tracking_code, "CODE").replace("ZZZZZZZZZZ", "CODE")

        assert strip(wrong_password) == strip(unknown_code)
        assert self.look("", "").status_code == 400

    def test_rejection_reason_is_shown(self):
        html = self.look(self.rejected.tracking_code).content.decode()
        assert "不予受理" in html and "不属于本机关职责范围" in html

    def test_reply_and_evaluation_once(self):
        html = self.look(self.replied.tracking_code).content.decode()
        assert "已安排增设停车位200个。" in html and "市城管局" in html
        assert "满意" in html and "基本满意" in html and "不满意" in html and "<legend>" in html
        token = re.search(r'name="token" value="([^"]+)"', html).group(1)
        bad = self.client.post(self.url(), {"token": token, "satisfaction": "7"}, HTTP_HOST=HOST)
        assert bad.status_code == 400
        done = self.client.post(self.url(), {"token": token, "satisfaction": "3"}, HTTP_HOST=HOST)
        assert done.status_code == 200
        self.replied.refresh_from_db()
        assert self.replied.satisfaction == Satisfaction.SATISFIED and self.replied.evaluated_at
        assert self.replied.events.filter(action="evaluated").count() == 1
        again = self.client.post(self.url(), {"token": token, "satisfaction": "1"}, HTTP_HOST=HOST)
        assert again.status_code == 400
        self.replied.refresh_from_db()
        assert self.replied.satisfaction == Satisfaction.SATISFIED

    def test_a_forged_or_foreign_evaluation_token_is_refused(self):
        response = self.client.post(self.url(), {"token": "forged", "satisfaction": "1"}, HTTP_HOST=HOST)
        assert response.status_code == 400
        html = self.look(self.replied.tracking_code).content.decode()
        token = re.search(r'name="token" value="([^"]+)"', html).group(1)
        foreign = self.client.post(
            self.url(self.other), {"token": token, "satisfaction": "1"}, HTTP_HOST=HOST
        )
        assert foreign.status_code == 400
        self.replied.refresh_from_db()
        assert self.replied.satisfaction is None

    @override_settings(LETTER_LOOKUP_RATE=(3, 600))
    def test_lookups_are_rate_limited(self):
        for _ in range(3):
            self.look("ZZZZZZZZZZ")
        assert self.look(self.received.tracking_code).status_code == 429

    @override_settings(LETTER_LOOKUP_FAILURES=(2, 3600), LETTER_LOOKUP_RATE=(100, 600))
    def test_a_code_pauses_after_wrong_passwords(self):
        self.look(self.received.tracking_code, "guess-1")
        self.look(self.received.tracking_code, "guess-2")
        assert self.look(self.received.tracking_code).status_code == 400  # right password, paused
        assert self.look(self.rejected.tracking_code).status_code == 200  # other codes unaffected


class WapMailboxTest(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.site = make_site(hostname="waplb.test.localhost")
        cls.mailbox = make_mailbox(cls.site, introduction="欢迎来信。")
        cls.page = LetterPage(
            title=SCRIPT,
            slug="wap-letter",
            category="consult",
            question="问题正文" + SCRIPT,
            writer="李*",
            received_at=dt.datetime(2014, 2, 3, 9, tzinfo=SHANGHAI),
            replied_at=dt.datetime(2014, 2, 10, 9, tzinfo=SHANGHAI),
            reply_unit="市教育局",
            reply="答复正文",
        )
        cls.mailbox.add_child(instance=cls.page)
        cls.page.save_revision().publish()

    def setUp(self):
        cache.clear()

    def wap(self, path):
        return self.client.get("/wap" + path, HTTP_HOST="waplb.test.localhost")

    def test_wap_mailbox_lists_letters_and_links_to_writing_and_lookup(self):
        response = self.wap(self.mailbox.url)
        assert response.status_code == 200
        html = response.content.decode()
        assert "欢迎来信。" in html and f'href="/wap{self.mailbox.url}xiexin/"' in html
        assert f'href="/wap{self.page.url}"' in html and SCRIPT not in html

    def test_wap_letter_page(self):
        html = self.wap(self.page.url).content.decode()
        assert "市教育局" in html and "答复正文" in html and "李*" in html
        assert SCRIPT not in html and "&lt;script&gt;" in html

    def test_wap_forms_post_to_the_web_routes_and_answer_in_the_wap_layout(self):
        html = self.wap(self.mailbox.url + "xiexin/").content.decode()
        assert f'action="{self.mailbox.url}xiexin/?wap=1"' in html
        assert "wap" in html and 'hidden><label for="id_website"' in html
        answer, token = solve(html)
        data = {
            "category": "consult", "title": "手机上写的信", "content": "请问办理居住证需要哪些材料？",
            "answer": answer, "token": token,
        }  # fmt: skip
        response = self.client.post(
            self.mailbox.url + "xiexin/?wap=1", data, HTTP_HOST="waplb.test.localhost"
        )
        assert response.status_code == 201
        written = response.content.decode()
        assert 'id="tracking-code"' in written and "portal.css" not in written  # the WAP layout
        code = re.search(r'id="tracking-code">([^<]+)<', written).group(1)
        password = re.search(r'id="query-password">([^<]+)<', written).group(1)
        lookup = self.wap(self.mailbox.url + "chaxun/").content.decode()
        assert f'action="{self.mailbox.url}chaxun/?wap=1"' in lookup
        found = self.client.post(
            self.mailbox.url + "chaxun/?wap=1",
            {"tracking_code": code, "password": password},
            HTTP_HOST="waplb.test.localhost",
        )
        assert found.status_code == 200 and "手机上写的信" in found.content.decode()
        assert "portal.css" not in found.content.decode()
