"""WAP renderings (手机版) of the budget column and its disclosures (预决算公开) and of online
interviews (在线访谈): the figures of the full version as accessible tables over server-side
pages within the 30 KB budget, the 三公 year-on-year change, the downloads; an interview's
status, guests, live text, approved questions with answers and transcript, never a
question no moderator approved; English chrome on the English portal."""

import datetime as dt
import re
from decimal import Decimal
from urllib.parse import unquote

from django.core.cache import cache
from django.test import TestCase

from budgets.pages import BudgetColumnPage, DisclosurePage
from budgets.tables import TABLES, Kind
from channels.wap.views import PAGE_SIZE
from interaction.interviews import LiveEntry, Question, QuestionStatus, Status
from tests.channels.test_wap import WapClientMixin, text_of
from tests.cms.budget_fixtures import make_budget_column, make_disclosure
from tests.factories import make_column, make_english_portal, make_organisation
from tests.interaction.builders import START, make_interview

PENDING = "请公布局长的手机号码"


def wap_path(page):
    return "/wap" + page.get_url_parts()[2]


class WapDisclosureTests(WapClientMixin, TestCase):
    @classmethod
    def setUpTestData(cls):
        # 16 live disclosures: more than one WAP list page (15).
        cls.departments = [make_organisation(f"郴州市测试{i}局") for i in range(8)]
        cls.column = make_budget_column(cls.departments)
        cls.host = cls.column.get_site().hostname
        for org in cls.departments:
            for year in (2013, 2014):
                make_disclosure(cls.column, org, year, Kind.FINAL)
        cls.page = make_disclosure(
            cls.column, cls.departments[0], 2014, Kind.BUDGET, explanation="压减公务接待开支。"
        )
        cls.earlier = make_disclosure(cls.column, cls.departments[0], 2013, Kind.BUDGET)

    def setUp(self):
        cache.clear()

    def test_budget_column_lists_disclosures_newest_year_first_paginated_with_year_filter(self):
        first, *rest = self.all_parts(self.host, wap_path(self.column))
        titles = re.findall(r'<li><a href="[^"]+">([^<]+)</a> \d{4}-\d\d-\d\d</li>', first)
        assert len(titles) == 15 and all("2014年" in t for t in titles[:9])
        assert "第1页，共2页" in first
        assert len(rest) == 1
        everything = first + rest[0]
        assert everything.count("2013年部门") == 9 and everything.count("2014年部门") == 9
        only_2013 = self.get(self.host, wap_path(self.column) + "?year=2013").content.decode()
        assert "2014年部门" not in only_2013 and only_2013.count("2013年部门") == 9
        # Items link to their WAP pages.
        assert f'href="{wap_path(self.page)}"' in everything

    def test_disclosure_shows_sangong_year_on_year_tables_and_downloads(self):
        parts = self.all_parts(self.host, wap_path(self.page))
        first, last = parts[0], parts[-1]
        assert f"<h1>{self.page.title}</h1>" in first
        assert "部门：郴州市测试0局" in first and "年度：2014" in first and "金额单位：万元" in first
        # G02's metadata, as on the full site.
        self.page.refresh_from_db()
        assert self.page.index_number and f"索引号：{self.page.index_number}" in first
        assert f"发布机构：{self.page.organisation.name}" in first and "成文日期：" in first
        # The 三公 comparison: this year, last year and the change, as on the full version.
        row = next(r for r in self.page.sangong_changes(self.earlier) if r["part"] == "公务接待费")
        word = "增长" if row["percent"] > 0 else "下降"
        assert '<th scope="col">2013年</th>' in first and '<th scope="col">增减幅度</th>' in first
        assert f"{row['previous']:,.2f}" in first and f"{word} {abs(row['percent']):.1f}%" in first
        assert "压减公务接待开支。" in first and "因公出国(境)团组数" in first
        # Every stored table, captioned, header cells scoped, each in a keyboard-scrollable region.
        html = "".join(parts)
        for number, spec in enumerate(TABLES, start=1):
            if spec.key in self.page.tables:
                assert f"<caption>表{number}　{spec.title(Kind.BUDGET)}（万元）</caption>" in html
        assert '<th scope="col">科目</th>' in html
        assert re.search(r'<div class="scroll" role="region" tabindex="0" aria-label="表1　', html)
        expenditure = self.page.tables["expenditure"]
        for row in expenditure:
            header = f"{row['code'] or ''} {row['item']}".strip()
            assert f'<th scope="row">{header}</th>' in html
        total = Decimal(expenditure[-1]["values"]["合计"])
        assert f"<td>{total:,.2f}</td>" in html
        # Downloads close the last page: open data from the page's own routes.
        full = self.page.get_url_parts()[2]
        assert f'href="{full}open-data/csv/"' in last and f'href="{full}open-data/json/"' in last
        assert self.client.get(f"{full}open-data/csv/", HTTP_HOST=self.host).status_code == 200

    def test_a_long_table_is_split_between_rows_without_loss(self):
        page = self.page
        rows = [
            {
                "code": f"2{i:06d}",
                "item": f"测试科目{i}",
                "values": {"合计": "1.00", "基本支出": "1.00", "项目支出": "0.00"},
            }
            for i in range(400)
        ]
        # Straight into the live row: the figures only need to be long, not to add up.
        DisclosurePage.objects.filter(pk=page.pk).update(tables={**page.tables, "expenditure": rows})
        parts = self.all_parts(self.host, wap_path(page))
        assert len(parts) > 2
        text = "".join(text_of(p) for p in parts)
        assert sum(text.count(f"2{i:06d} 测试科目{i}") for i in range(400)) == 400
        assert "（续）" in "".join(parts)


class WapInterviewTests(WapClientMixin, TestCase):
    @classmethod
    def setUpTestData(cls):
        organisation = make_organisation("郴州市财政局")
        cls.budget = make_budget_column([organisation])
        cls.host = cls.budget.get_site().hostname
        cls.column = make_column(cls.budget.get_parent(), title="在线访谈", column_type="在线访谈")
        cls.ended = make_interview(
            cls.column,
            "部门预决算和“三公”经费公开",
            Status.ENDED,
            [("张立新", "市财政局局长")],
            transcript='<p>张立新：部门预决算公开是建设阳光财政的重要举措。</p><p><a href="http://elsewhere.example/x">相关链接</a></p>',
            video_url="https://video.czs.gov.cn/yjs.mp4",
        )
        for minutes, text in ((5, "今年55个部门全部公开预算。"), (0, "各位网友大家好。")):
            LiveEntry.objects.create(
                interview=cls.ended,
                speaker="主持人",
                text=text,
                posted_at=START + dt.timedelta(minutes=minutes),
            )
        Question.objects.create(
            interview=cls.ended,
            nickname="关注财政的网友",
            text="在哪里能查到各部门的三公经费？",
            status=QuestionStatus.APPROVED,
            answer="在部门预决算公开栏目查看。",
            answered_by="张立新",
        )
        Question.objects.create(interview=cls.ended, nickname="待审核网友", text=PENDING)
        cls.live = make_interview(
            cls.column, "电子政务外网和视频专网建设", Status.LIVE, [("刘志强", "市电子政务信息中心主任")]
        )
        Question.objects.create(interview=cls.live, nickname="待审核网友", text=PENDING)

    def setUp(self):
        cache.clear()

    def test_ended_interview_with_transcript_entries_in_order_and_answers(self):
        html = self.assert_wap_page(self.host, wap_path(self.ended))
        assert "状态：<strong" in html and "已结束" in html
        assert "<li>市财政局局长 张立新</li>" in html
        assert "文字实录" in html and "部门预决算公开是建设阳光财政的重要举措。" in html
        assert html.index("各位网友大家好。") < html.index("今年55个部门全部公开预算。")
        assert "<strong>关注财政的网友</strong> 问：在哪里能查到各部门的三公经费？" in html
        assert "<strong>张立新</strong> 答：在部门预决算公开栏目查看。" in html
        assert 'href="https://video.czs.gov.cn/yjs.mp4"' in html
        assert "我要提问" not in html  # closed after the event

    def test_unapproved_questions_never_appear(self):
        for page in (self.ended, self.live):
            html = self.assert_wap_page(self.host, wap_path(page))
            assert PENDING not in html and "待审核网友" not in html

    def test_live_interview_links_to_the_question_form_of_the_full_version(self):
        html = self.assert_wap_page(self.host, wap_path(self.live))
        assert "直播中" in html and "文字直播" in html and "访谈尚未开始。" in html
        assert f'href="{self.live.get_url_parts()[2]}#ask"' in html
        assert "文字实录" not in html

    def test_a_long_record_is_split_into_pages_in_order_without_loss(self):
        LiveEntry.objects.bulk_create(
            LiveEntry(
                interview=self.live,
                speaker="刘志强",
                text=f"第{i}条直播文字：视频专网覆盖全部乡镇，保障市县乡三级视频会商。",
                posted_at=START + dt.timedelta(minutes=10, seconds=i),
            )
            for i in range(400)
        )
        parts = self.all_parts(self.host, wap_path(self.live))
        assert len(parts) > 2
        text = "".join(text_of(p) for p in parts)
        positions = [text.index(f"第{i}条直播文字") for i in range(400)]
        assert positions == sorted(positions)
        assert all(text.count(f"第{i}条直播文字") == 1 for i in range(400))
        # The numbering runs on across pages; the header opens every page, the guests page 1.
        assert re.search(r'<ol start="\d+">', "".join(parts[1:]))
        assert all("直播中" in p for p in parts) and "市电子政务信息中心主任 刘志强" not in parts[1]
        assert PENDING not in "".join(parts)

    def test_interview_column_lists_its_interviews_newest_first(self):
        html = self.assert_wap_page(self.host, wap_path(self.column))
        assert "<h2>在线访谈</h2>" in html
        listed = re.findall(r'<li><a href="([^"]+)">([^<]+)</a> \(([^,]+), (\S+)\)</li>', html)
        # Both start at the same time: the later one entered comes first, as on the full site.
        assert [(unquote(href), title, status, day) for href, title, status, day in listed] == [
            (unquote(wap_path(self.live)), "电子政务外网和视频专网建设", "直播中", "2014-06-18"),
            (unquote(wap_path(self.ended)), "部门预决算和“三公”经费公开", "已结束", "2014-06-18"),
        ]
        # The links work: a Chinese slug is encoded once, not twice.
        assert "%25" not in html
        for href, title, _status, _day in listed:
            assert f"<h1>{title}</h1>" in self.assert_wap_page(self.host, href)


class EnglishPortalTests(WapClientMixin, TestCase):
    """The interview and disclosure templates' own words follow the site's language."""

    @classmethod
    def setUpTestData(cls):
        site = make_english_portal("en.wap-i18n.localhost")
        cls.host = site.site.hostname
        column = make_column(site.home, title="Online interviews", slug="interviews")
        cls.interview = make_interview(
            column, "Opening up government information", Status.LIVE, [("Li Ming", "Director")]
        )
        organisation = make_organisation("郴州市财政局")
        budget = BudgetColumnPage(title="Budgets and final accounts", slug="budgets")
        site.home.add_child(instance=budget)
        budget.departments.set([organisation])
        budget.save_revision().publish()
        cls.budget = budget
        cls.disclosure = make_disclosure(budget, organisation, 2014, Kind.BUDGET)
        Question.objects.create(
            interview=cls.interview,
            nickname="Reader",
            text="Where are the budgets published?",
            status=QuestionStatus.APPROVED,
            answer="In the disclosure column.",
            answered_by="Li Ming",
        )

    def test_interview_page_and_its_wap_rendering_in_english(self):
        for url in (self.interview.get_url_parts()[2], wap_path(self.interview)):
            html = self.get(self.host, url).content.decode()
            assert 'Status: <strong id="interview-status">Live now</strong>' in html, url
            assert "Guests" in html and "Questions from the public" in html
            assert "<strong>Reader</strong> asks: Where are the budgets published?" in html
            assert "<strong>Li Ming</strong> answers: In the disclosure column." in html
            for chinese in ("状态", "访谈嘉宾", "网友提问", "直播中", " 问：", " 答："):
                assert chinese not in html, (url, chinese)
        full = self.get(self.host, self.interview.get_url_parts()[2]).content.decode()
        assert "Ask a question" in full and "Nickname" in full and "Verification question:" in full
        assert "at most 3 questions every 10 minutes" in full
        live = self.get(self.host, f"/interaction/interviews/{self.interview.pk}/live.json").json()
        assert live["status_label"] == "Live now"

    def test_disclosure_column_and_coverage_in_english(self):
        pages = {
            "disclosure": self.disclosure.get_url_parts()[2],
            "wap disclosure": wap_path(self.disclosure),
            "column": self.budget.get_url_parts()[2],
            "wap column": wap_path(self.budget),
            "coverage": self.budget.get_url_parts()[2] + "coverage/2014/",
        }
        html = {name: self.get(self.host, url).content.decode() for name, url in pages.items()}
        for name in ("disclosure", "wap disclosure"):
            assert "Department: 郴州市财政局" in html[name] and "Amounts in 10,000 yuan" in html[name]
            assert "Three public expenses (" in html[name] and "Reasons for the change" in html[name]
            assert "Table data (CSV, open data)" in html[name] and "Official vehicles held" in html[name]
            for chinese in ("部门：", "金额单位", "增减变化原因说明", "报表数据", "公开报表"):
                assert chinese not in html[name], (name, chinese)
        assert "Table 1: " in html["disclosure"] and "Table 1: " in html["wap disclosure"]
        assert "All years" in html["column"] and "All years" in html["wap column"]
        assert "Departments that must publish: 1." in html["coverage"] and "✓ Published" in html["coverage"]


class WapInterviewPagingTests(WapClientMixin, TestCase):
    """A column's interviews page on their own (?interviews_page=), newest first, beside
    its articles' pages."""

    @classmethod
    def setUpTestData(cls):
        budget = make_budget_column([make_organisation("郴州市财政局")])
        cls.host = budget.get_site().hostname
        cls.column = make_column(budget.get_parent(), title="在线访谈", column_type="在线访谈")
        cls.count = PAGE_SIZE + 2
        # Created oldest last, so neither ids nor creation order give the expected order.
        cls.interviews = [
            make_interview(cls.column, f"第{n}期访谈", Status.ENDED, starts_at=START + dt.timedelta(days=n))
            for n in range(cls.count)
        ]

    def titles(self, query=""):
        html = self.assert_wap_page(self.host, wap_path(self.column) + query)
        return re.findall(r'<li><a href="[^"]+">(第\d+期访谈)</a>', html), html

    def test_interviews_page_on_their_own_newest_first(self):
        newest_first = [f"第{n}期访谈" for n in reversed(range(self.count))]
        first, html = self.titles()
        assert first == newest_first[:PAGE_SIZE]
        assert '<a href="?interviews_page=2" rel="next">' in html
        second, html = self.titles("?interviews_page=2")
        assert second == newest_first[PAGE_SIZE:]
        assert '<a href="?interviews_page=1" rel="prev">' in html
        # A bad or too large number gives the first or the last page, never an error.
        assert self.titles("?interviews_page=x")[0] == first
        assert self.titles("?interviews_page=99")[0] == second
