"""The monitor's dashboard in the admin (M20, M13's export, M16's review): who sees which
site, what the dashboard and a site's page show, the CSV and XLSX downloads, a person's
confirm or dismiss, "scan now", refusals without a leak, and query counts flat in the
number of findings. Scans, scores and findings are rows made here, not real scans
(except "scan now", which runs the real task against a stand-in)."""

import csv
import datetime as dt
import io

from django.contrib.auth.models import Permission
from django.db import connection
from django.test import TestCase
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from monitoring.models import DailyScore, Finding, MonitorSettings, Scan
from tests.factories import make_site, make_user
from tests.monitoring.standin import StandIn

FORMULA = '=HYPERLINK("http://evil.example/","点我")'
M13_HEADER = [
    "链接地址",
    "链接文字",
    "类型",
    "状态",
    "所在页面地址",
    "所在页面标题",
    "内外链",
    "确定/疑似",
    "首次发现",
    "最近发现",
]


def link_finding(site, n, *, text="政务公开", certainty=Finding.Certainty.CERTAIN, status=404, **fields):
    target = f"http://{site.hostname}/missing-{n}.html"
    parent = f"http://{site.hostname}/zwgk/"
    return Finding.objects.create(
        site=site,
        check_id="M13",
        key=f"{target}|{parent}",
        title=f"死链：{text}",
        url=target,
        certainty=certainty,
        evidence={
            "target": target,
            "text": text,
            "kind": "link",
            "internal": True,
            "status": status,
            "error": "",
            "parent_url": parent,
            "parent_title": "政务公开",
        },
        **fields,
    )


def typo_finding(site, n=0):
    return Finding.objects.create(
        site=site,
        check_id="M16",
        key=f"typo:按装:http://{site.hostname}/a{n}/",
        title="疑似错别字：按装（应为安装）",
        url=f"http://{site.hostname}/a{n}/",
        certainty=Finding.Certainty.SUSPECTED,
        evidence={
            "kind": "typo",
            "word": "按装",
            "correction": "安装",
            "context": "……按装路灯……",
            "count": 1,
        },
    )


class DashboardData:
    @classmethod
    def build(cls):
        cls.city = make_site(hostname="www.dash-city.localhost", name="郴州市人民政府", slug="dash-city")
        cls.county = make_site(
            hostname="www.dash-county.localhost", name="北湖区人民政府", slug="dash-county"
        )
        cls.admin = make_user("dash-admin", superuser=True)
        cls.county_editor = make_user("dash-county", cls.county.groups["editor"])
        cls.today = timezone.localdate()
        city, county = cls.city.site, cls.county.site
        cls.city_scan = Scan.objects.create(
            site=city,
            status=Scan.Status.DONE,
            finished_at=timezone.now(),
            requests=321,
            score=0.0,
            passed=False,
            result={
                "score": 0.0,
                "passed": False,
                "vetoes": [
                    {
                        "check": "M03",
                        "key": "veto:M03",
                        "title": "首页已 15 天未更新",
                        "value": 15,
                        "limit": 14,
                    }
                ],
                "warnings": [
                    {
                        "check": "M09",
                        "key": "warning:M09",
                        "title": "空白栏目 3 个，接近单项否决线（5 个）",
                        "value": 3,
                        "limit": 5,
                    }
                ],
                "deductions": [
                    {"check": "M13", "title": "链接不可用 3 个", "count": 3, "points": 1.5, "cap": 10}
                ],
                "figures": {},
            },
        )
        Scan.objects.create(
            site=county,
            status=Scan.Status.DONE,
            finished_at=timezone.now(),
            score=87.5,
            passed=True,
            result={"score": 87.5, "passed": True, "vetoes": [], "warnings": [], "deductions": []},
        )
        for days_ago, score, passed in [(2, 91.5, True), (1, 72.25, True), (0, 0.0, False)]:
            vetoes = [] if passed else cls.city_scan.result["vetoes"]
            DailyScore.objects.create(
                site=city,
                day=cls.today - dt.timedelta(days=days_ago),
                score=score,
                passed=passed,
                vetoes=vetoes,
            )
        DailyScore.objects.create(site=county, day=cls.today, score=87.5, passed=True)
        cls.city_link = link_finding(city, 1, text="城市新闻")
        cls.county_link = link_finding(county, 1, text=FORMULA)
        cls.county_suspected = link_finding(
            county, 2, text="慢链接", certainty=Finding.Certainty.SUSPECTED, status=None
        )
        cls.county_suspected.evidence["error"] = "timeout"
        cls.county_suspected.save()
        cls.county_typo = typo_finding(county)


class DashboardTest(DashboardData, TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.build()

    def get(self, user, name, *args, **params):
        self.client.force_login(user)
        return self.client.get(reverse(name, args=args), params)

    def post(self, user, name, *args, **data):
        self.client.force_login(user)
        return self.client.post(reverse(name, args=args), data)

    # -- the cluster dashboard --------------------------------------------------------------

    def test_cluster_admin_sees_every_site_with_score_verdict_vetoes_and_trend(self):
        response = self.get(self.admin, "monitoring:dashboard")
        assert response.status_code == 200
        html = response.content.decode()
        assert "网站监测" in html
        assert "郴州市人民政府" in html and "北湖区人民政府" in html
        assert "www.dash-city.localhost" in html
        assert "不合格" in html and "合格" in html
        assert "首页已 15 天未更新" in html
        assert "空白栏目 3 个，接近单项否决线（5 个）" in html
        assert "87.5" in html
        # The trend: an SVG with a title and a description in words, and the numbers in a table.
        assert 'role="img"' in html and "<desc" in html and "<polyline" in html
        assert "最低 0，最高 91.5，最新 0" in html
        for number in ("91.5", "72.25"):
            assert f'<td class="num">{number}</td>' in html
        assert (self.today - dt.timedelta(days=2)).isoformat() in html

    def test_county_editor_sees_only_their_site(self):
        response = self.get(self.county_editor, "monitoring:dashboard")
        assert response.status_code == 200
        html = response.content.decode()
        assert "北湖区人民政府" in html and "87.5" in html
        assert "郴州市人民政府" not in html and "首页已 15 天未更新" not in html

    def test_another_sites_pages_downloads_and_actions_are_404(self):
        city_id = self.city.site.pk
        assert self.get(self.county_editor, "monitoring:site", city_id).status_code == 404
        assert self.get(self.county_editor, "monitoring:history", city_id).status_code == 404
        assert self.get(self.county_editor, "monitoring:export_site", city_id, "csv").status_code == 404
        assert self.post(self.county_editor, "monitoring:scan_now", city_id).status_code == 404
        response = self.post(self.county_editor, "monitoring:review", self.city_link.pk, decision="dismissed")
        assert response.status_code == 404
        self.city_link.refresh_from_db()
        assert self.city_link.review == Finding.Review.PENDING
        # Ids no row has, even beyond the database's integers: the same 404, never a 500.
        assert self.get(self.admin, "monitoring:site", 2**31 + 5).status_code == 404
        assert self.get(self.admin, "monitoring:site", 10**30).status_code == 404
        assert self.post(self.admin, "monitoring:review", 10**30, decision="confirmed").status_code == 404
        # The cluster download lists the county only.
        body = self.get(self.county_editor, "monitoring:export_cluster", "csv").content.decode("utf-8-sig")
        assert "北湖区人民政府" in body and "郴州市人民政府" not in body

    def test_without_admin_access_to_the_login(self):
        response = self.client.get(reverse("monitoring:dashboard"))
        assert response.status_code == 302 and reverse("wagtailadmin_login") in response["Location"]
        nobody = make_user("dash-nobody")
        self.client.force_login(nobody)
        for name, args in [("monitoring:dashboard", ()), ("monitoring:site", (self.county.site.pk,))]:
            response = self.client.get(reverse(name, args=args))
            assert response.status_code == 302 and reverse("wagtailadmin_login") in response["Location"]

    def test_a_user_with_admin_access_but_no_site_sees_an_empty_dashboard(self):
        user = make_user("dash-empty")
        user.user_permissions.add(Permission.objects.get(codename="access_admin"))
        response = self.get(user, "monitoring:dashboard")
        assert response.status_code == 200
        html = response.content.decode()
        assert "您没有可查看监测结果的网站" in html and "北湖区人民政府" not in html
        assert self.get(user, "monitoring:site", self.county.site.pk).status_code == 404

    # -- a site's page ----------------------------------------------------------------------

    def test_site_page_shows_scorecard_findings_with_evidence_history_and_scans(self):
        response = self.get(self.admin, "monitoring:site", self.city.site.pk)
        assert response.status_code == 200
        html = response.content.decode()
        assert "首页已 15 天未更新" in html and "M03 首页更新" in html
        assert '<td class="num">15</td><td class="num">14</td>' in html  # value vs line
        assert "链接不可用 3 个" in html and "1.5" in html
        assert "M13 链接可用性" in html and "城市新闻" in html and "HTTP 404" in html
        assert "政务公开" in html and "http://www.dash-city.localhost/zwgk/" in html
        assert "立即扫描" in html and "72.25" in html and "91.5" in html
        assert "321" in html  # the scan's requests
        assert reverse("monitoring:review", args=[self.city_link.pk]) in html
        assert 'name="csrfmiddlewaretoken"' in html

    def test_site_page_evidence_of_each_check(self):
        html = self.get(self.county_editor, "monitoring:site", self.county.site.pk).content.decode()
        assert "疑似" in html and "响应超时" in html and "确定" in html
        assert "按装" in html and "安装" in html and "……按装路灯……" in html and "错别字" in html
        # A hostile link text is shown as text.
        assert "=HYPERLINK(&quot;http://evil.example/&quot;,&quot;点我&quot;)" in html

    def test_a_scanned_javascript_address_is_never_a_link(self):
        Finding.objects.create(
            site=self.county.site,
            check_id="M13",
            key="js",
            title="死链：脚本",
            url="http://www.dash-county.localhost/x",
            evidence={"target": "javascript:alert(1)", "text": "脚本", "parent_url": "javascript:alert(2)"},
        )
        html = self.get(self.admin, "monitoring:site", self.county.site.pk).content.decode()
        assert "javascript:alert(1)" in html and 'href="javascript:' not in html

    def test_tamper_finding_offers_one_click_restore(self):
        tamper = Finding.objects.create(
            site=self.county.site,
            check_id="M17",
            key="9:hidden_links",
            title="隐藏链接",
            url="http://www.dash-county.localhost/",
            evidence={
                "kind": "hidden_links",
                "hidden_links": [{"href": "http://casino.example/", "text": "博彩"}],
            },
        )
        html = self.get(self.county_editor, "monitoring:site", self.county.site.pk).content.decode()
        restore = reverse("monitoring:tamper_restore", args=[tamper.pk])
        assert f'action="{restore}"' in html and "一键恢复" in html
        assert "博彩 http://casino.example/" in html
        # Only an M17 finding has the button.
        assert html.count("一键恢复") == 1

    def test_unknown_check_filter_on_the_page_shows_all(self):
        response = self.get(self.admin, "monitoring:site", self.county.site.pk, check="<b>", p="x")
        assert response.status_code == 200
        response = self.get(self.admin, "monitoring:site", self.county.site.pk, check="M13", p="99")
        assert response.status_code == 200 and "慢链接" in response.content.decode()

    def test_history_page(self):
        response = self.get(self.admin, "monitoring:history", self.city.site.pk, p="junk")
        assert response.status_code == 200
        assert "72.25" in response.content.decode()

    # -- review -----------------------------------------------------------------------------

    def test_confirm_is_stored_with_reviewer_and_time(self):
        before = timezone.now()
        response = self.post(
            self.county_editor, "monitoring:review", self.county_typo.pk, decision="confirmed"
        )
        assert response.status_code == 302
        assert response["Location"] == reverse("monitoring:site", args=[self.county.site.pk])
        self.county_typo.refresh_from_db()
        assert self.county_typo.review == Finding.Review.CONFIRMED
        assert self.county_typo.reviewed_by == self.county_editor
        assert self.county_typo.reviewed_at >= before
        html = self.client.get(response["Location"]).content.decode()
        assert "已确认：疑似错别字：按装（应为安装）" in html and "dash-county" in html

    def test_dismissed_finding_leaves_the_open_list_and_can_come_back(self):
        site_url = reverse("monitoring:site", args=[self.county.site.pk])
        response = self.post(
            self.county_editor, "monitoring:review", self.county_typo.pk, decision="dismissed", next=site_url
        )
        assert response.status_code == 302 and response["Location"] == site_url
        self.county_typo.refresh_from_db()
        assert self.county_typo.review == Finding.Review.DISMISSED
        assert self.county_typo.reviewed_by == self.county_editor
        html = self.client.get(site_url).content.decode()
        findings = html.partition('id="findings-heading"')[2]
        open_part, _, closed_part = findings.partition("data-dismissed")
        assert "按装" not in open_part and "按装" in closed_part
        assert "待处理问题（2）" in html and "已人工排除（1）" in html
        # Back to not reviewed: open again, no reviewer shown.
        self.post(self.county_editor, "monitoring:review", self.county_typo.pk, decision="pending")
        self.county_typo.refresh_from_db()
        assert self.county_typo.review == Finding.Review.PENDING and self.county_typo.reviewed_by is None

    def test_review_refuses_junk_and_get(self):
        response = self.post(self.admin, "monitoring:review", self.county_typo.pk, decision="delete")
        assert response.status_code == 400 and "无法识别" in response.content.decode()
        response = self.get(self.admin, "monitoring:review", self.county_typo.pk)
        assert response.status_code == 405
        assert self.get(self.admin, "monitoring:scan_now", self.county.site.pk).status_code == 405
        # An outside "next" is not followed.
        response = self.post(
            self.admin,
            "monitoring:review",
            self.county_typo.pk,
            decision="confirmed",
            next="https://evil.example/",
        )
        assert response["Location"] == reverse("monitoring:site", args=[self.county.site.pk])

    # -- downloads --------------------------------------------------------------------------

    def test_m13_csv_has_bom_chinese_headers_and_guarded_formula(self):
        response = self.get(
            self.county_editor, "monitoring:export_site", self.county.site.pk, "csv", check="M13"
        )
        assert response.status_code == 200
        assert response["Content-Type"].startswith("text/csv")
        assert response.content.startswith("\ufeff".encode())
        rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
        assert rows[0] == M13_HEADER
        assert len(rows) == 3  # two open links of the county; the typo is another check
        by_text = {row[1]: row for row in rows[1:]}
        assert "'" + FORMULA in by_text
        hostile = by_text["'" + FORMULA]
        assert hostile[0] == "http://www.dash-county.localhost/missing-1.html"
        assert hostile[2:8] == [
            "链接",
            "HTTP 404",
            "http://www.dash-county.localhost/zwgk/",
            "政务公开",
            "内链",
            "确定",
        ]
        assert by_text["慢链接"][3] == "响应超时" and by_text["慢链接"][7] == "疑似"

    def test_xlsx_has_the_same_rows_as_the_csv(self):
        csv_rows = list(
            csv.reader(
                io.StringIO(
                    self.get(
                        self.admin, "monitoring:export_site", self.county.site.pk, "csv", check="M13"
                    ).content.decode("utf-8-sig")
                )
            )
        )
        response = self.get(self.admin, "monitoring:export_site", self.county.site.pk, "xlsx", check="M13")
        assert response.status_code == 200 and "spreadsheetml" in response["Content-Type"]
        sheet = load_workbook(io.BytesIO(response.content)).active
        xlsx_rows = [["" if v is None else str(v) for v in row] for row in sheet.iter_rows(values_only=True)]
        assert xlsx_rows == csv_rows
        # No cell is a formula.
        assert all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row)

    def test_all_findings_and_cluster_downloads(self):
        response = self.get(self.admin, "monitoring:export_site", self.county.site.pk, "csv")
        rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
        assert rows[0][:3] == ["检查项", "问题", "地址"] and len(rows) == 4
        assert {row[0] for row in rows[1:]} == {"M13 链接可用性", "M16 错别字与敏感词"}
        response = self.get(self.admin, "monitoring:export_cluster", "xlsx")
        sheet = load_workbook(io.BytesIO(response.content)).active
        rows = list(sheet.iter_rows(values_only=True))
        assert rows[0][:4] == ("网站名称", "域名", "得分", "结论")
        city = next(row for row in rows if row[0] == "郴州市人民政府")
        assert city[2] == 0 and city[3] == "不合格" and city[4] == "首页已 15 天未更新"
        county = next(row for row in rows if row[0] == "北湖区人民政府")
        assert county[2] == 87.5 and county[3] == "合格" and county[6] == 3

    def test_downloads_refuse_junk(self):
        site_id = self.county.site.pk
        assert self.get(self.admin, "monitoring:export_site", site_id, "pdf").status_code == 404
        assert self.get(self.admin, "monitoring:export_cluster", "json").status_code == 404
        response = self.get(self.admin, "monitoring:export_site", site_id, "csv", check="M99\x00")
        assert response.status_code == 400 and "未知的检查项" in response.content.decode()

    def test_xlsx_survives_control_characters(self):
        link_finding(self.county.site, 9, text="坏\x01字符\x0b")
        response = self.get(self.admin, "monitoring:export_site", self.county.site.pk, "xlsx", check="M13")
        assert response.status_code == 200
        texts = [
            row[1] for row in load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True)
        ]
        assert "坏字符" in texts


class ScanNowTest(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.county = make_site(hostname="www.scan-now.localhost", name="苏仙区人民政府", slug="scan-now")
        cls.editor = make_user("scan-now-editor", cls.county.groups["editor"])

    def test_scan_now_enqueues_a_manual_scan(self):
        with StandIn() as standin:
            monitor = MonitorSettings.for_site(self.county.site)
            monitor.base_url = f"http://www.scan-now.localhost:{standin.port}"
            monitor.save()
            self.client.force_login(self.editor)
            response = self.client.post(
                reverse("monitoring:scan_now", args=[self.county.site.pk]), follow=True
            )
        assert response.redirect_chain[-1][0] == reverse("monitoring:site", args=[self.county.site.pk])
        assert "已加入扫描队列" in response.content.decode()
        # The test settings run tasks at once: the queued scan ran, as a manual one.
        scan = Scan.objects.get(site=self.county.site)
        assert scan.trigger == Scan.Trigger.MANUAL
        assert scan.status == Scan.Status.DONE and scan.finished_at is not None
        assert standin.requests, "the scan asked the site"

    def test_no_second_scan_while_one_runs(self):
        Scan.objects.create(site=self.county.site, status=Scan.Status.RUNNING)
        self.client.force_login(self.editor)
        response = self.client.post(reverse("monitoring:scan_now", args=[self.county.site.pk]), follow=True)
        assert "已在扫描队列中或正在扫描" in response.content.decode()
        assert Scan.objects.filter(site=self.county.site).count() == 1


class QueryCountTest(TestCase):
    """A site's page and the dashboard cost the same number of queries for 10 findings
    as for 200 (the findings are spread over three checks either way)."""

    @classmethod
    def setUpTestData(cls):
        cls.site = make_site(hostname="www.many.localhost", name="资兴市人民政府", slug="many")
        cls.other = make_site(hostname="www.many-other.localhost", name="汝城县人民政府", slug="many-other")
        cls.admin = make_user("many-admin", superuser=True)
        Scan.objects.create(site=cls.site.site, status=Scan.Status.DONE, score=90, passed=True, result={})

    def add(self, n):
        site = self.site.site
        rows = []
        for i in range(n):
            check = ("M13", "M16", "M05")[i % 3]
            rows.append(
                Finding(
                    site=site,
                    check_id=check,
                    key=f"bulk-{check}-{i}",
                    title=f"问题{i}",
                    url=f"http://www.many.localhost/p{i}/",
                    evidence={
                        "target": f"http://www.many.localhost/p{i}/",
                        "text": f"链接{i}",
                        "word": "按装",
                    },
                    review=Finding.Review.CONFIRMED if i % 5 == 0 else Finding.Review.PENDING,
                    reviewed_by=self.admin if i % 5 == 0 else None,
                    resolved_at=timezone.now() if i % 7 == 0 else None,
                )
            )
        Finding.objects.bulk_create(rows)

    def count(self, name, *args):
        self.client.force_login(self.admin)
        url = reverse(name, args=args)
        self.client.get(url)  # warm caches (site settings, permissions, menu)
        with CaptureQueriesContext(connection) as queries:
            response = self.client.get(url)
        assert response.status_code == 200
        return len(queries), response

    def test_site_page_queries_flat_in_findings(self):
        self.add(10)
        few, _ = self.count("monitoring:site", self.site.site.pk)
        Finding.objects.all().delete()
        self.add(200)
        many, response = self.count("monitoring:site", self.site.site.pk)
        assert many == few
        html = response.content.decode()
        # 20 shown per check, the rest a link away.
        assert html.count('class="finding"') <= 3 * 20 + 50 + 50
        assert "?check=M13" in html

    def test_dashboard_queries_flat_in_sites(self):
        few, _ = self.count("monitoring:dashboard")
        for i in range(4):
            site = make_site(hostname=f"www.many-{i}.localhost", name=f"县{i}人民政府", slug=f"many-{i}").site
            Scan.objects.create(site=site, status=Scan.Status.DONE, score=70 + i, passed=True, result={})
            DailyScore.objects.create(site=site, day=timezone.localdate(), score=70 + i, passed=True)
        many, response = self.count("monitoring:dashboard")
        assert many == few
        assert "县3人民政府" in response.content.decode()
