"""A published letter reaches search, the app API and WAP through the item protocol alone
(LetterPage declares its search document, serializer and WAP view), and the writer's
name, telephone and email appear nowhere public: not on the page, WAP, the API or in
search results."""

from django.core.cache import cache
from django.test import TestCase

from interaction import handling
from interaction.letter_submission import submit
from search.service import SearchParams, search
from tests.factories import make_organisation, make_site, make_user
from tests.interaction.mailbox_builders import make_mailbox

HOST = "letterpub.test.localhost"
NAME, PHONE, EMAIL = "王小明", "13712345678", "wangxm@example.com"
REPLY = "经核查，该路段路灯已于三月全部修复，感谢您的监督。"


class PublishedLetterChannelsTest(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.site = make_site(hostname=HOST)
        cls.mailbox = make_mailbox(cls.site)
        cls.unit = make_organisation("郴州市城市管理和综合执法局")
        manager = make_user("letter-manager", superuser=True)
        reviewer = make_user("letter-reviewer", superuser=True)
        data = {
            "category": "complain",
            "title": "青年大道路灯不亮",
            "content": "青年大道南段路灯已经坏了一个月，夜间行人很危险。",
            "name": NAME,
            "phone": PHONE,
            "email": EMAIL,
            "address": "北湖区青年大道1号",
            "consent_publish": True,
        }
        cls.letter, _ = submit(cls.mailbox, data, sender="s" * 64)
        handling.accept(cls.letter, manager)
        handling.assign(cls.letter, manager, cls.unit)
        handling.draft_reply(cls.letter, manager, REPLY)
        handling.approve_reply(cls.letter, reviewer)
        cls.page = handling.publish_letter(cls.letter, manager)

    def setUp(self):
        cache.clear()

    def assert_private(self, text):
        for secret in (NAME, PHONE, EMAIL, "青年大道1号", self.letter.password_hash):
            assert secret not in text

    def test_search_finds_the_reply_text(self):
        answer = search(SearchParams(q="路灯 修复", site_id=self.site.site.pk, log=False))
        hits = [r for r in answer["results"] if r["id"] == self.page.pk]
        assert hits, answer["results"]
        self.assert_private(repr(answer))

    def test_app_api_lists_it_by_item_type_with_its_detail(self):
        listing = self.client.get("/api/v1/items/", {"type": "letter"}, HTTP_HOST=HOST)
        assert listing.status_code == 200
        results = listing.json()["results"]
        assert [r["id"] for r in results] == [self.page.pk]
        entry = results[0]
        assert entry["type"] == "letter" and entry["reply_unit"] == self.unit.name
        assert entry["letter_category"]["value"] == "complain"
        detail = self.client.get(f"/api/v1/items/{self.page.pk}/", HTTP_HOST=HOST)
        assert detail.status_code == 200 and detail.json()["reply"] == REPLY
        assert detail.json()["writer"] == NAME[0] + "**"
        self.assert_private(listing.content.decode() + detail.content.decode())

    def test_web_and_wap_pages_show_both_dates_and_no_personal_data(self):
        html = self.client.get(self.page.url, HTTP_HOST=HOST).content.decode()
        assert REPLY in html and self.unit.name in html and "王**" in html
        assert 'name="PubDate"' in html and f'content="{self.unit.name}"' in html  # ContentSource
        self.assert_private(html)
        wap = self.client.get("/wap" + self.page.url, HTTP_HOST=HOST)
        assert wap.status_code == 200 and REPLY in wap.content.decode()
        self.assert_private(wap.content.decode())
        listing = self.client.get(self.mailbox.url, HTTP_HOST=HOST).content.decode()
        assert self.page.title in listing
        self.assert_private(listing)
