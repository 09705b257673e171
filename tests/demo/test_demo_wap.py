"""The WAP site's 30 KB budget on every page type of the demo cluster, the interaction
app's included (the demo is loaded once for the package by tests/demo/conftest.py)."""

from django.core.cache import cache
from django.test import TestCase
from wagtail.models import Site

from budgets.pages import DisclosurePage
from cms.models import TopicPage
from cms.pages import ArticlePage, ColumnPage, HomePage
from interaction.broadcasts import BroadcastPage
from interaction.consultations import ConsultationPage
from interaction.interviews import Interview
from interaction.mailbox import LetterPage
from interaction.surveys import SurveyPage
from tests.channels.test_wap import WapClientMixin


class WapDemoBudgetTests(WapClientMixin, TestCase):
    """The 30 KB budget on every demo page type, through the WAP URLs of each demo site."""

    def setUp(self):
        cache.clear()

    def host(self, site):
        return site.hostname if site.port in (80, 443) else f"{site.hostname}:{site.port}"

    def wap_path(self, page):
        return "/wap" + page.get_url_parts()[2]

    def test_every_demo_page_type_fits_the_budget(self):
        checked = {"home": 0, "column": 0, "article": 0, "topic": 0, "disclosure": 0, "interview": 0}
        interaction = {model: 0 for model in (BroadcastPage, LetterPage, ConsultationPage, SurveyPage)}
        for site in Site.objects.select_related("root_page"):
            host = self.host(site)
            root = site.root_page
            self.assertIsInstance(root.specific, HomePage)
            self.assert_wap_page(host, "/wap/")
            checked["home"] += 1
            for column in ColumnPage.objects.live().descendant_of(root):
                self.assert_wap_page(host, self.wap_path(column))
                checked["column"] += 1
            for topic in TopicPage.objects.live().descendant_of(root):
                self.all_parts(host, self.wap_path(topic))
                checked["topic"] += 1
            for article in ArticlePage.objects.live().descendant_of(root):
                self.all_parts(host, self.wap_path(article))
                checked["article"] += 1
            for disclosure in DisclosurePage.objects.live().descendant_of(root):
                self.all_parts(host, self.wap_path(disclosure))
                checked["disclosure"] += 1
            for interview in Interview.objects.live().exact_type(Interview).descendant_of(root):
                self.assert_wap_page(host, self.wap_path(interview))
                checked["interview"] += 1
            for model in interaction:
                for page in model.objects.live().descendant_of(root):
                    self.all_parts(host, self.wap_path(page))
                    interaction[model] += 1
            self.assert_wap_page(host, "/wap/search/?q=三公经费")
        self.assertEqual(checked["home"], 5)
        self.assertGreaterEqual(checked["article"], 200)
        self.assertGreater(checked["column"], 10)
        self.assertGreater(checked["topic"], 0)
        self.assertGreater(checked["disclosure"], 200)
        self.assertEqual(checked["interview"], 6)
        # Issue 16's types: two broadcasts, 20 published letters, two consultations, two surveys.
        self.assertEqual(list(interaction.values()), [2, 20, 2, 2])
