"""The demo's 互动交流 (issue 16) as a citizen finds it from the homepage: the hub lists the
mayor's mailbox with its figures, the consultations and surveys, and the broadcasts; the
mailbox's statistics for the first half of 2014 are the seed report's (967 received, 906
replied, 93.69 %), and letters of the last days wait for handlers. The demo is loaded once for the package (tests/demo/conftest.py)."""

import re
from html import unescape

from django.core.cache import cache
from django.test import TestCase

from interaction.broadcasts import BroadcastPage
from interaction.consultations import ConsultationPage
from interaction.hub import InteractionHubPage
from interaction.mailbox import MailboxPage
from interaction.surveys import SurveyPage

WWW = "www.czs.localhost"


def text(html):
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", html)))


class DemoInteractionTests(TestCase):
    def setUp(self):
        cache.clear()

    def get(self, path, status=200):
        response = self.client.get(path, HTTP_HOST=WWW)
        self.assertEqual(response.status_code, status, path)
        return response.content.decode()

    def test_the_hub_is_in_the_homepage_menu(self):
        hub = InteractionHubPage.objects.live().get(url_path__endswith="/hdjl/")
        self.assertIn(f'href="{hub.get_url_parts()[2]}"', self.get("/"))

    def test_the_hub_shows_every_way_to_take_part(self):
        html = self.get("/hdjl/")
        mailbox = MailboxPage.objects.live().get(slug="zxts")
        path = mailbox.get_url_parts()[2]
        self.assertIn(f'href="{path}xiexin/"', html)
        self.assertIn(f'href="{path}chaxun/"', html)
        page = text(html)
        # The figures of the current half-year (the demo's letters of the last days).
        self.assertRegex(page, r"年[上下]半年：收到信件 \d+ 封，已答复 \d+ 封")
        for model in (ConsultationPage, SurveyPage, BroadcastPage):
            titles = list(model.objects.live().values_list("title", flat=True))
            self.assertTrue(titles, model)
            for title in titles:
                self.assertIn(title, page)

    def test_the_statistics_of_2014_h1_are_the_seed_reports(self):
        page = text(self.get("/hdjl/zxts/tongji/?year=2014&span=h1"))
        self.assertRegex(page, r"收到信件 967 ")
        self.assertRegex(page, r"已答复 906 ")
        self.assertRegex(page, r"答复率（%） 93\.69 ")

    def test_handlers_find_letters_due_soon_and_overdue(self):
        from django.utils import timezone

        from interaction import deadlines
        from interaction.mailbox import Letter

        today = timezone.localdate()
        recent = Letter.objects.filter(tracking_code__contains="R")
        self.assertTrue(recent.filter(deadlines.due_soon_q(today)).exists())
        self.assertTrue(recent.filter(deadlines.overdue_q(today)).exists())

    def test_the_mailbox_takes_letters(self):
        html = self.get("/hdjl/zxts/xiexin/")
        self.assertIn('name="title"', html)
        self.assertIn("等于几", html)

    def test_the_final_reviewer_moderates_and_the_unit_member_handles(self):
        from django.contrib.auth import get_user_model
        from django.urls import reverse

        from interaction.mailbox import Letter

        User = get_user_model()
        self.client.force_login(User.objects.get(username="www_approver"))
        for model in ("question", "consultationcomment", "rectificationitem"):
            response = self.client.get(f"/admin/snippets/interaction/{model}/", HTTP_HOST=WWW)
            self.assertEqual(response.status_code, 200, model)
        self.client.force_login(User.objects.get(username="gaj_handler"))
        html = self.client.get(reverse("interaction_letters"), HTTP_HOST=WWW).content.decode()
        passed_on = Letter.objects.filter(handling_unit__name="郴州市公安局").exclude(status="replied")
        other = Letter.objects.exclude(handling_unit__name="郴州市公安局").exclude(status="replied")
        self.assertIn(passed_on.first().tracking_code, html)
        self.assertNotIn(other.first().tracking_code, html)

    def test_the_wap_hub_has_the_same_sections(self):
        page = text(self.get("/wap/hdjl/"))
        self.assertIn("我要写信", page)
        self.assertRegex(page, r"收到信件 \d+ 封")
        for model in (ConsultationPage, SurveyPage, BroadcastPage):
            for title in model.objects.live().values_list("title", flat=True):
                self.assertIn(title, page)
