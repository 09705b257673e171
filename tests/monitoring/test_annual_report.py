"""The annual website report (政府网站工作年度报表, M23): built from a site's data — its
identity, page views of the year, items published that year per column, the interaction
figures (through interaction.report_source, named by MONITOR_REPORT_SOURCES) and the
monitor's results — with "—" and a note where the platform keeps no record; shown as HTML
in the admin to the site's own users only, and written as an editable .docx that
python-docx opens with the form's headings and figures."""

import datetime as dt
import io
import tempfile
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.core.management import CommandError, call_command
from django.test import TestCase, override_settings
from django.urls import reverse
from docx import Document

from cms.pages import ColumnType, TopicPage
from cms.workdays import working_days_between
from interaction.consultations import CommentStatus, ConsultationComment
from interaction.interviews import Question, QuestionStatus
from interaction.mailbox import LetterPage, LetterStatus
from interaction.surveys import SurveyResponse
from monitoring import analytics, annual_report_docx
from monitoring.annual_report import annual_report, report_years
from monitoring.models import AlertRecipient, DailyScore, Finding, MonitorSettings, Scan
from tests.factories import make_article, make_column, make_site, make_user
from tests.interaction.builders import make_interview
from tests.interaction.consultation_builders import make_consultation, make_survey, survey_column
from tests.interaction.mailbox_builders import make_letter, make_mailbox

WWW = "www.ar.localhost"
BHQ = "bhq.ar.localhost"
SHANGHAI = dt.timezone(dt.timedelta(hours=8))
HEADINGS = [
    "一、网站基本信息",
    "二、网站访问情况",
    "三、信息发布",
    "四、互动交流",
    "五、安全防护",
    "六、办事服务与移动新媒体",
]


def at(year, month, day, hour=10):
    return dt.datetime(year, month, day, hour, tzinfo=SHANGHAI)


def fake_source(site, year):
    """A report source of another kind (a test's own): its figures replace the default's."""
    return {"interviews": {"count": 42, "questions": 7, "answered": 6}}


def build():
    """The sites and a year of data (built once for the class: a few seconds of pages)."""
    www = make_site(
        WWW,
        "测试市人民政府",
        code="4310000009",
        host_organisation="测试市人民政府办公室",
        icp_number="湘ICP备05001234号-1",
        police_number="湘公网安备 43100202000123号",
        contact_phone="0735-2222222",
    )
    bhq = make_site(BHQ, "测试区人民政府")
    MonitorSettings.objects.update_or_create(site=www.site, defaults={"base_url": "https://www.ar.localhost"})
    home = www.home
    overview = make_column(home, "政府概况", column_type=ColumnType.OVERVIEW)
    news = make_column(home, "政务动态", column_type=ColumnType.NEWS)
    department = make_column(news, "部门动态", column_type=ColumnType.NEWS)
    catalogue = make_column(home, "信息公开目录", column_type=ColumnType.CATALOGUE)
    policy = make_column(catalogue, "政策文件", column_type=ColumnType.POLICY)
    interpretation = make_column(home, "政策解读", column_type=ColumnType.INTERPRETATION)
    articles = [
        make_article(news, published_at=at(2014, 1, 10)),
        make_article(news, published_at=at(2014, 6, 1)),
        make_article(news, published_at=at(2014, 12, 31, 23)),  # still 2014 in Beijing
        make_article(news, published_at=at(2013, 12, 31, 23)),
        make_article(news, published_at=at(2015, 1, 1, 0)),
        make_article(department, published_at=at(2014, 3, 3)),
        make_article(department, published_at=at(2014, 3, 4)),
        make_article(overview, published_at=at(2014, 2, 2)),
        make_article(policy, published_at=at(2014, 5, 5)),
        make_article(policy, published_at=at(2014, 5, 6)),
        make_article(interpretation, published_at=at(2014, 5, 7)),
    ]
    make_article(news, "草稿", publish=False, published_at=at(2014, 7, 7))
    make_article(make_column(bhq.home, "区内动态"), published_at=at(2014, 7, 7))
    topic = TopicPage(title="两会专题", slug="lianghui")
    home.add_child(instance=topic)
    topic.save_revision().publish()
    TopicPage.objects.filter(pk=topic.pk).update(first_published_at=at(2014, 3, 1))

    # 留言办理
    mailbox = make_mailbox(www)
    replied = LetterStatus.REPLIED
    l1 = make_letter(
        mailbox, submitted_at=at(2014, 3, 3), status=replied, replied_at=at(2014, 3, 7), reply="已办理。"
    )
    make_letter(
        mailbox, submitted_at=at(2014, 4, 1), status=replied, replied_at=at(2014, 4, 10), reply="已办理。"
    )
    make_letter(mailbox, submitted_at=at(2014, 5, 5), status=LetterStatus.ASSIGNED)
    make_letter(mailbox, submitted_at=at(2014, 5, 6), status=LetterStatus.REJECTED)
    make_letter(mailbox, submitted_at=at(2014, 5, 7), status=LetterStatus.DUPLICATE)
    make_letter(
        mailbox, submitted_at=at(2013, 12, 30), status=replied, replied_at=at(2014, 1, 3), reply="已办理。"
    )
    for received, answered, slug in (
        (l1.submitted_at, l1.replied_at, "l1"),
        (at(2013, 5, 1), at(2013, 5, 9), "old"),
    ):
        page = LetterPage(
            title=f"公开信件{slug}",
            slug=slug,
            category="suggest",
            question="建议。",
            received_at=received,
            replied_at=answered,
            reply_unit="市政府办公室",
            reply="已办理。",
        )
        mailbox.add_child(instance=page)
        page.save_revision().publish()

    # 征集调查
    column = survey_column(www)
    consultation = make_consultation(column)
    type(consultation).objects.filter(pk=consultation.pk).update(
        opens_at=at(2014, 3, 1),
        closes_at=at(2014, 3, 31),
        feedback="<p>采纳了2条意见。</p>",
        feedback_published_at=dt.date(2014, 4, 10),
    )
    for status in (CommentStatus.APPROVED, CommentStatus.APPROVED, CommentStatus.PENDING):
        ConsultationComment.objects.create(page=consultation, text="意见", status=status)
    survey = make_survey(column, slug="survey-2014")
    type(survey).objects.filter(pk=survey.pk).update(opens_at=at(2014, 6, 1), closes_at=at(2014, 6, 30))
    for n in range(2):
        SurveyResponse.objects.create(page=survey, answers={}, token=f"t{n}")
    old = make_consultation(column, title="旧征集", slug="old-consultation")
    type(old).objects.filter(pk=old.pk).update(opens_at=at(2013, 3, 1), closes_at=at(2013, 3, 31))
    ConsultationComment.objects.create(page=old, text="旧意见", status=CommentStatus.APPROVED)

    # 在线访谈
    interviews = make_column(home, "在线访谈", column_type=ColumnType.INTERVIEW)
    interview = make_interview(interviews, starts_at=at(2014, 6, 18))
    for answer in ("答复一", "答复二", ""):
        Question.objects.create(
            interview=interview, nickname="网友", text="提问", answer=answer, status=QuestionStatus.APPROVED
        )
    later = make_interview(interviews, title="2015年访谈", slug="i2015", starts_at=at(2015, 3, 1))
    Question.objects.create(interview=later, nickname="网友", text="提问", answer="答复")

    # 安全防护
    site = www.site
    for started, status in (
        (at(2014, 2, 1), Scan.Status.DONE),
        (at(2014, 6, 1), Scan.Status.DONE),
        (at(2014, 9, 1), Scan.Status.DONE),
        (at(2014, 9, 2), Scan.Status.FAILED),
        (at(2015, 2, 1), Scan.Status.DONE),
    ):
        Scan.objects.create(site=site, started_at=started, status=status)
    findings = [
        ("M13", "a", at(2014, 2, 1), at(2014, 3, 1), Finding.Review.PENDING),
        ("M13", "b", at(2014, 5, 1), None, Finding.Review.PENDING),
        ("M16", "c", at(2014, 6, 1), None, Finding.Review.DISMISSED),
        ("M06", "d", at(2013, 11, 1), at(2014, 1, 5), Finding.Review.PENDING),
    ]
    for check, key, first, resolved, review in findings:
        Finding.objects.create(
            site=site,
            check_id=check,
            key=key,
            title=key,
            first_seen_at=first,
            resolved_at=resolved,
            review=review,
        )
    for day, score, passed in (
        (dt.date(2014, 3, 1), 80, True),
        (dt.date(2014, 6, 1), 90, True),
        (dt.date(2014, 12, 30), 55, False),
    ):
        DailyScore.objects.create(site=site, day=day, score=score, passed=passed)
    DailyScore.objects.create(site=site, day=dt.date(2015, 1, 2), score=10, passed=False)
    AlertRecipient.objects.create(name="值班员", email="duty@example.com")

    # 访问量
    for _ in range(10):
        analytics.add_view(articles[0], site, dt.date(2014, 2, 1))
    for _ in range(5):
        analytics.add_view(articles[1], site, dt.date(2014, 7, 1))
    for _ in range(4):
        analytics.add_view(articles[1], site, dt.date(2015, 1, 1))

    return SimpleNamespace(www=www, bhq=bhq, articles=articles)


def values(report):
    return {f.label: f.value for s in report.sections for f in s.figures}


def docx_texts(content):
    document = Document(io.BytesIO(content))
    headings = [p.text for p in document.paragraphs if p.style.name == "Heading 1"]
    titles = [p.text for p in document.paragraphs if p.style.name == "Title"]
    rows = {}
    for table in document.tables:
        for row in table.rows:
            cells = [c.text for c in row.cells]
            rows.setdefault(cells[0], cells[1:])
    return titles, headings, rows, document


class AnnualReportTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.data = build()

    def test_identity_and_page_views(self):
        report = annual_report(self.data.www.site, 2014)
        assert report.title == "测试市人民政府 政府网站工作年度报表（2014年度）"
        assert [s.heading for s in report.sections] == HEADINGS
        figures = values(report)
        assert figures["网站名称"] == "测试市人民政府"
        assert figures["首页网址"] == "https://www.ar.localhost"
        assert figures["主办单位"] == "测试市人民政府办公室"
        assert figures["网站类型"] == "政府门户网站"
        assert figures["政府网站标识码"] == "4310000009"
        assert figures["ICP备案号"] == "湘ICP备05001234号-1"
        assert figures["公安机关备案号"] == "湘公网安备 43100202000123号"
        # Unique visitors are not known without cookies: said so, never a number.
        unique = report.figure("独立用户访问总量")
        assert unique.value is None and unique.text == "—" and "Cookie" in unique.note
        assert figures["网站总访问量"] == 15
        visits = report.sections[1]
        months = dict((row[0], row[1]) for row in visits.tables[0].rows)
        assert months["2月"] == 10 and months["7月"] == 5 and months["1月"] == 0
        assert visits.tables[1].rows[0][1:] == [self.data.articles[0].title, 10]

    def test_items_published_in_the_year_per_column(self):
        report = annual_report(self.data.www.site, 2014)
        figures = values(report)
        # 9 articles of 2014 (not the 2013 and 2015 ones, not the draft, not the other
        # site's), 1 published letter, 1 consultation and 1 survey opened in 2014.
        assert figures["信息发布总数"] == 9 + 1 + 2
        assert figures["概况类信息更新量"] == 1
        assert figures["政务动态信息更新量"] == 5  # 政务动态 with its 部门动态
        assert figures["信息公开目录信息更新量"] == 2
        assert figures["解读信息发布总数"] == 1
        assert report.figure("回应公众关注热点或重大舆情数量").value is None  # no such column
        assert "未设置" in report.figure("回应公众关注热点或重大舆情数量").note
        assert figures["专栏专题维护数量"] == 1 and figures["专栏专题新开设数量"] == 1
        section = report.sections[2]
        per_column = {row[0].strip("\u3000"): row[2] for row in section.tables[1].rows}
        assert per_column["政务动态"] == 5
        assert per_column["部门动态"] == 2
        assert per_column["政府概况"] == 1
        assert per_column["信息公开目录"] == 2 and per_column["政策文件"] == 2
        assert per_column["政策解读"] == 1
        assert per_column["在线访谈"] == 0
        kinds = {row[0]: row[1] for row in section.tables[0].rows}
        assert kinds["信息"] == 9
        # Another year counts its own items only.
        assert (
            values(annual_report(self.data.www.site, 2013))["信息发布总数"] == 1 + 1 + 1
        )  # article, letter page, consultation
        assert values(annual_report(self.data.www.site, 2015))["信息发布总数"] == 1

    def test_interaction_figures_come_through_the_source(self):
        figures = values(annual_report(self.data.www.site, 2014))
        assert figures["留言办理：收到留言数量"] == 3  # not the declined, the duplicate or the 2013 letter
        assert figures["留言办理：办结留言数量"] == 2
        days = working_days_between(dt.date(2014, 3, 3), dt.date(2014, 3, 7)) + working_days_between(
            dt.date(2014, 4, 1), dt.date(2014, 4, 10)
        )
        assert str(figures["留言办理：平均办理时间"]) == f"{days / 2:.1f}"
        assert figures["留言办理：公开答复数量"] == 1
        assert figures["征集调查：征集调查期数"] == 2
        assert figures["征集调查：收到意见数量"] == 3 + 2
        assert figures["征集调查：公布调查结果期数"] == 2
        assert figures["在线访谈：访谈期数"] == 1
        assert figures["在线访谈：网民留言数量"] == 3
        assert figures["在线访谈：答复网民提问数量"] == 2
        # The other site has no mailbox: no number, a note.
        other = annual_report(self.data.bhq.site, 2014)
        assert other.figure("留言办理：收到留言数量").value is None
        assert "未设置留言信箱" in other.figure("留言办理：收到留言数量").note
        assert other.figure("在线访谈：访谈期数").value == 0

    def test_the_sources_are_a_setting(self):
        with override_settings(MONITOR_REPORT_SOURCES=[]):
            report = annual_report(self.data.www.site, 2014)
            assert report.figure("留言办理：收到留言数量").value is None
            assert "不可用" in report.figure("在线访谈：访谈期数").note
        sources = [
            "interaction.report_source.annual_figures",
            "tests.monitoring.test_annual_report.fake_source",
        ]
        with override_settings(MONITOR_REPORT_SOURCES=sources):
            figures = values(annual_report(self.data.www.site, 2014))
            assert figures["在线访谈：访谈期数"] == 42 and figures["留言办理：收到留言数量"] == 3

    def test_monitor_results_of_the_year(self):
        report = annual_report(self.data.www.site, 2014)
        figures = values(report)
        assert figures["安全检测评估次数"] == 3  # done scans of 2014 only
        assert figures["发现问题数量"] == 2  # first seen in 2014, the dismissed one left out
        assert figures["问题整改数量"] == 2  # resolved in 2014, one of them found in 2013
        assert figures["是否建立安全监测预警机制"] is True
        assert figures["监测平均得分"] == 75.0
        assert figures["年度最后一次监测得分"] == 55.0
        assert "2014年12月30日" in report.figure("年度最后一次监测得分").note
        assert "不合格" in report.figure("年度最后一次监测得分").note
        assert figures["监测合格天数"] == 2
        assert report.figure("是否开展应急演练").text == "—"
        per_check = {row[0]: row[1:] for row in report.sections[4].tables[0].rows}
        assert per_check == {"M06 栏目更新": [0, 1], "M13 链接可用性": [2, 1]}
        # A site the monitor never scanned: no findings, no score, said so.
        other = annual_report(self.data.bhq.site, 2014)
        assert other.figure("安全检测评估次数").value == 0
        assert (
            other.figure("发现问题数量").value is None and "无监测记录" in other.figure("发现问题数量").note
        )
        assert other.figure("监测平均得分").text == "—"

    def test_years_with_data_of_a_new_site(self):
        assert report_years(make_site("zxs.ar.localhost").site) == []

    def test_years_with_data_of_a_site(self):
        assert report_years(self.data.www.site) == [2015, 2014, 2013]

    def test_the_docx_has_the_headings_and_figures(self):
        report = annual_report(self.data.www.site, 2014)
        titles, headings, rows, document = docx_texts(annual_report_docx.write(report))
        assert titles == ["测试市人民政府 政府网站工作年度报表（2014年度）"]
        assert headings == HEADINGS
        assert rows["网站名称"][0] == "测试市人民政府"
        assert rows["政府网站标识码"][0] == "4310000009"
        assert rows["网站总访问量"][:2] == ["15", "次"]
        assert rows["独立用户访问总量"][0] == "—" and "Cookie" in rows["独立用户访问总量"][2]
        assert rows["信息发布总数"][0] == "12"
        assert rows["留言办理：收到留言数量"][0] == "3"
        assert rows["征集调查：收到意见数量"][0] == "5"
        assert rows["安全检测评估次数"][0] == "3"
        assert rows["是否建立安全监测预警机制"][0] == "是"
        assert rows["政务动态"][1] == "5"  # the per-column table
        assert document.core_properties.title == report.title
        assert any(p.text == "联系电话：0735-2222222" for p in document.paragraphs)

    def test_the_management_command_writes_the_docx(self):
        with tempfile.TemporaryDirectory() as folder:
            out = Path(folder) / "report.docx"
            call_command(
                "annual_report", "--site", WWW, "--year", "2014", "--out", str(out), stdout=io.StringIO()
            )
            titles, headings, rows, _ = docx_texts(out.read_bytes())
        assert headings == HEADINGS and rows["在线访谈：访谈期数"][0] == "1"
        with pytest.raises(CommandError):
            call_command(
                "annual_report", "--site", "nowhere.localhost", "--year", "2014", stdout=io.StringIO()
            )
        with pytest.raises(CommandError):
            call_command("annual_report", "--site", WWW, "--year", "1900", stdout=io.StringIO())

    def test_the_admin_views_are_scoped_to_the_users_sites(self):
        site = self.data.www.site
        html_url = reverse("monitoring:annual_report", args=[site.pk, 2014])
        docx_url = reverse("monitoring:annual_report_docx", args=[site.pk, 2014])
        # An editor of the other site: neither the list entry nor the report, HTML or .docx.
        self.client.force_login(make_user("ar_bhq", self.data.bhq.groups["editor"]))
        listing = self.client.get(reverse("monitoring:annual_reports"))
        assert listing.status_code == 200 and "测试市人民政府（" not in listing.content.decode()
        assert self.client.get(html_url).status_code == 404
        assert self.client.get(docx_url).status_code == 404
        # The site's own editor.
        self.client.force_login(make_user("ar_www", self.data.www.groups["editor"]))
        listing = self.client.get(reverse("monitoring:annual_reports"))
        page = listing.content.decode()
        assert "政府网站工作年度报表" in page and html_url in page and docx_url in page
        response = self.client.get(html_url)
        html = response.content.decode()
        assert response.status_code == 200
        for heading in HEADINGS:
            assert f">{heading}</h2>" in html
        assert '<th scope="row">留言办理：收到留言数量</th><td class="num">3</td>' in html
        assert "下载 Word 文档" in html
        download = self.client.get(docx_url)
        assert download.status_code == 200
        assert download["Content-Type"] == annual_report_docx.CONTENT_TYPE
        assert f'filename="annual-report-{WWW}-2014.docx"' in download["Content-Disposition"]
        assert docx_texts(download.content)[1] == HEADINGS
        assert self.client.get(reverse("monitoring:annual_report", args=[site.pk, 1999])).status_code == 404
        assert self.client.get(reverse("monitoring:annual_report", args=[999999, 2014])).status_code == 404
        # A superuser sees every site.
        self.client.force_login(make_user("ar_root", superuser=True))
        assert (
            self.client.get(
                reverse("monitoring:annual_report", args=[self.data.bhq.site.pk, 2014])
            ).status_code
            == 200
        )
        page = self.client.get(reverse("monitoring:annual_reports")).content.decode()
        assert "测试市人民政府（" in page and "测试区人民政府（" in page
