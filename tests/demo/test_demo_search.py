"""Search answers the demo cluster's obvious questions (`manage.py load_demo`, the content
`make serve` shows): each Chinese term finds an item about it first, on the portal and
across the cluster, and the English portal finds its own items by their English words.
The loader (run once for the package, tests/demo/conftest.py) publishes through Wagtail, so the index is filled by the publish path itself."""

from django.test import TestCase
from wagtail.models import Site

from search.service import SearchParams, search

CHINESE = ["市长信箱", "三公经费", "视频会议", "智能天网", "电子监察"]
ENGLISH = {
    "mayor's mailbox": "Mayor's Mailbox",
    "video conferences": "video conference",
    "skynet": "Skynet",
    "electronic supervision": "electronic supervision",
}


class DemoSearchTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        # The demo is loaded for the package (tests/demo/conftest.py).
        cls.www = Site.objects.get(hostname="www.czs.localhost")

    def test_chinese_questions_find_an_item_about_them_first(self):
        for term in CHINESE:
            for site_id in (self.www.pk, None):
                answer = search(SearchParams(q=term, site_id=site_id, log=False))
                assert answer["count"] > 0, term
                first = answer["results"][0]
                assert term in first["title"], (term, site_id, first["title"])
                assert f"<mark>{term}</mark>" in first["title_highlight"]

    def test_english_portal_finds_its_own_items(self):
        for query, expected in ENGLISH.items():
            answer = search(SearchParams(q=query, language="en", log=False))
            assert answer["count"] > 0, query
            assert expected.lower() in answer["results"][0]["title"].lower(), (
                query,
                answer["results"][0]["title"],
            )
