"""The demo portal's annual website report for 2014 (政府网站工作年度报表, M23), generated as
an editable .docx and read back with python-docx: the form's headings, the portal's
identity as the demo provisions it, and the figures its data implies — the mayor's mailbox
of the first half of 2014 (demo/mailbox.py: 967 received, 906 replied), the interviews,
consultations and surveys, the articles of 2014 — each counted here from the database.
The demo counts no page views and ran no scan in 2014: those figures are "—" with a note.
The demo is loaded once for the package (tests/demo/conftest.py)."""

import io
from decimal import ROUND_HALF_UP, Decimal

from django.db.models.functions import Coalesce
from django.test import TestCase
from django.utils import timezone
from docx import Document
from wagtail.models import Site

from cms.listing import ColumnListing
from cms.pages import ArticlePage, ColumnPage
from cms.workdays import working_days_between
from demo import mailbox as demo_mailbox
from demo.plan import FILINGS, SITE_BY_KEY
from interaction.consultations import ConsultationComment, participation_models
from interaction.interviews import Interview, Question
from interaction.mailbox import Letter, LetterPage, LetterStatus, MailboxPage
from interaction.surveys import SurveyResponse
from monitoring import annual_report_docx
from monitoring.annual_report import annual_report, year_bounds

YEAR = 2014
HEADINGS = [
    "一、网站基本信息",
    "二、网站访问情况",
    "三、信息发布",
    "四、互动交流",
    "五、安全防护",
    "六、办事服务与移动新媒体",
]


def local_day(moment):
    return timezone.localtime(moment).date()


class DemoAnnualReportTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.site = Site.objects.select_related("root_page").get(hostname=SITE_BY_KEY["www"].hostname)
        cls.root = cls.site.root_page
        content = annual_report_docx.write(annual_report(cls.site, YEAR))
        document = Document(io.BytesIO(content))
        cls.titles = [p.text for p in document.paragraphs if p.style.name == "Title"]
        cls.headings = [p.text for p in document.paragraphs if p.style.name == "Heading 1"]
        cls.rows = {}
        for table in document.tables:
            for row in table.rows:
                cells = [c.text for c in row.cells]
                cls.rows.setdefault(cells[0].strip("\u3000"), cells[1:])
        cls.paragraphs = [p.text for p in document.paragraphs]

    def figure(self, label):
        return self.rows[label][0]

    def test_title_headings_and_identity(self):
        spec = SITE_BY_KEY["www"]
        icp, police, _ = FILINGS["www"]
        self.assertEqual(self.titles, [f"{spec.name} 政府网站工作年度报表（{YEAR}年度）"])
        self.assertEqual(self.headings, HEADINGS)
        self.assertEqual(self.figure("网站名称"), spec.name)
        self.assertEqual(self.figure("主办单位"), spec.host_organisation)
        self.assertEqual(self.figure("政府网站标识码"), spec.code)
        self.assertEqual(self.figure("网站类型"), "政府门户网站")
        self.assertEqual(self.figure("ICP备案号"), icp)
        self.assertEqual(self.figure("公安机关备案号"), police)
        self.assertIn(f"填报单位：{spec.host_organisation}", self.paragraphs)

    def test_letters_of_2014_are_the_seed_reports(self):
        start, end = year_bounds(YEAR)
        mailboxes = MailboxPage.objects.descendant_of(self.root)
        letters = Letter.objects.filter(mailbox__in=mailboxes, submitted_at__gte=start, submitted_at__lt=end)
        received = letters.exclude(status__in=[LetterStatus.DUPLICATE, LetterStatus.REJECTED]).count()
        replied = list(letters.filter(status=LetterStatus.REPLIED))
        self.assertEqual(received, demo_mailbox.RECEIVED)  # 967, as the demo defines
        self.assertEqual(len(replied), demo_mailbox.REPLIED)  # 906
        self.assertEqual(self.figure("留言办理：收到留言数量"), str(received))
        self.assertEqual(self.figure("留言办理：办结留言数量"), str(len(replied)))
        days = sum(working_days_between(local_day(x.submitted_at), local_day(x.replied_at)) for x in replied)
        average = (Decimal(days) / len(replied)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
        self.assertEqual(self.figure("留言办理：平均办理时间"), str(average))
        published = (
            LetterPage.objects.live()
            .descendant_of(self.root)
            .filter(replied_at__gte=start, replied_at__lt=end)
        ).count()
        self.assertGreater(published, 0)
        self.assertEqual(self.figure("留言办理：公开答复数量"), str(published))

    def test_interviews_and_consultations_of_2014(self):
        start, end = year_bounds(YEAR)
        interviews = (
            Interview.objects.live()
            .exact_type(Interview)
            .descendant_of(self.root)
            .filter(starts_at__gte=start, starts_at__lt=end)
        )
        questions = Question.objects.filter(interview__in=interviews)
        self.assertEqual(self.figure("在线访谈：访谈期数"), str(interviews.count()))
        self.assertEqual(self.figure("在线访谈：网民留言数量"), str(questions.count()))
        self.assertEqual(self.figure("在线访谈：答复网民提问数量"), str(questions.exclude(answer="").count()))
        pages = [
            page
            for model in participation_models()
            for page in model.objects.live()
            .descendant_of(self.root)
            .filter(opens_at__gte=start, opens_at__lt=end)
        ]
        opinions = ConsultationComment.objects.filter(page_id__in=[p.pk for p in pages]).count()
        opinions += SurveyResponse.objects.filter(page_id__in=[p.pk for p in pages]).count()
        self.assertEqual(self.figure("征集调查：征集调查期数"), str(len(pages)))
        self.assertEqual(self.figure("征集调查：收到意见数量"), str(opinions))

    def test_articles_of_2014(self):
        start, end = year_bounds(YEAR)
        columns = ColumnPage.objects.live().descendant_of(self.root)
        own = set(
            ArticlePage.objects.live()
            .descendant_of(self.root)
            .annotate(moment=Coalesce("published_at", "first_published_at"))
            .filter(moment__gte=start, moment__lt=end)
            .values_list("pk", flat=True)
        )
        # Syndicated into the portal's columns from other sites (P07).
        syndicated = set(
            ArticlePage.objects.live()
            .filter(syndicate_to__in=columns, published_at__gte=start, published_at__lt=end)
            .values_list("pk", flat=True)
        )
        articles = own | syndicated
        self.assertGreater(len(articles), 100)  # a year of the portal's news
        kinds = {label: values[0] for label, values in self.rows.items()}
        self.assertEqual(kinds["信息"], str(len(articles)))
        self.assertGreaterEqual(int(self.figure("信息发布总数")), len(articles))
        # Every top-level column's row: the items listed in it in 2014.
        titles = list(columns.values_list("title", flat=True))
        for column in columns.filter(depth=self.root.depth + 1):
            if titles.count(column.title) > 1:
                continue
            listed = ColumnListing.objects.filter(
                column=column, published_at__gte=start, published_at__lt=end
            )
            if column.specific_class is ColumnPage and listed.exists():
                self.assertGreaterEqual(int(self.rows[column.title][1]), listed.count(), column.title)

    def test_figures_without_data_are_dashes_with_a_note(self):
        self.assertEqual(self.rows["独立用户访问总量"][0], "—")
        self.assertIn("Cookie", self.rows["独立用户访问总量"][2])
        self.assertEqual(self.rows["网站总访问量"][0], "—")
        self.assertIn("访问量统计", self.rows["网站总访问量"][2])
        self.assertEqual(self.figure("安全检测评估次数"), "0")
        self.assertEqual(self.figure("发现问题数量"), "—")
        self.assertIn("无监测记录", self.rows["发现问题数量"][2])
