"""The WAP site (手机版) at /wap/ on every site's host: every page type renders within the
30 KB HTML budget with no script, web font or external stylesheet; long articles and topics
are split into server-side pages without losing or repeating anything; columns paginate;
links stay inside the WAP site; drafts, unpublished pages and other sites' pages are 404;
search uses the shared search service. The last class checks the budget on the demo."""

import io
import re
from html import unescape

from django.core.cache import cache
from django.core.files.base import ContentFile
from django.core.files.images import ImageFile
from django.db import connection
from django.test import TestCase
from django.test.utils import CaptureQueriesContext
from PIL import Image as PILImage
from wagtail.documents.models import Document
from wagtail.images.models import Image
from wagtail.models import PageViewRestriction

from channels.wap.views import PAGE_SIZE
from cms.models import ArticleAttachment
from tests.factories import (
    TOPIC_VIDEO_URL,
    make_article,
    make_column,
    make_organisation,
    make_site,
    make_topic,
)

WWW = "www.wap.localhost"
BHQ = "bhq.wap.localhost"
EN = "en.wap.localhost"
BUDGET = 30 * 1024


def png(name, size=(1600, 1200), colour="#3366aa"):
    buffer = io.BytesIO()
    PILImage.new("RGB", size, colour).save(buffer, "PNG")
    return ImageFile(buffer, name=name)


def hrefs(html):
    return [unescape(h) for h in re.findall(r'href="([^"]*)"', html)]


def text_of(html):
    return unescape(re.sub(r"<[^>]+>", "", html))


class WapClientMixin:
    def get(self, host, url, status=200):
        response = self.client.get(url, HTTP_HOST=host)
        self.assertEqual(response.status_code, status, url)
        return response

    def assert_wap_page(self, host, url):
        """A WAP page: 200, within the budget, no script, web font or external CSS, one
        <h1>, every image with an alt attribute. Returns the HTML."""
        response = self.get(host, url)
        content = response.content
        self.assertLessEqual(len(content), BUDGET, f"{host}{url}: {len(content)} bytes")
        html = content.decode()
        self.assertNotIn("<script", html.lower(), url)
        self.assertNotIn("@font-face", html, url)
        self.assertNotIn("@import", html, url)
        for link in re.findall(r"<link\b[^>]*>", html):
            self.assertNotIn("stylesheet", link, url)
        self.assertNotRegex(html, r"\son[a-z]+=", url)  # no inline event handlers either
        self.assertEqual(len(re.findall(r"<h1\b", html)), 1, url)
        for img in re.findall(r"<img\b[^>]*>", html):
            self.assertRegex(img, r'\salt="', url)
        return html

    def all_parts(self, host, url):
        """The HTML of every server-side page of `url`, following the "next" links."""
        pages = []
        while url:
            html = self.assert_wap_page(host, url)
            pages.append(html)
            nxt = re.search(r'<a href="([^"]+)" rel="next">', html)
            url = (url.split("?")[0] + unescape(nxt.group(1))) if nxt else None
            self.assertLess(len(pages), 100)
        return pages


class WapSiteTests(WapClientMixin, TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.www = make_site(
            WWW,
            "郴州市人民政府",
            code="4310000001",
            host_organisation="郴州市人民政府办公室",
            contact_phone="0735-2222222",
            icp_number="湘ICP备05001234号-1",
            police_number="湘公网安备 43100202000123号",
        )
        cls.bhq = make_site(BHQ, "北湖区人民政府", code="4310020001", kind="county")
        cls.en = make_site(EN, "Chenzhou Government", code="4310000002", kind="english", locale="en")
        cls.news = make_column(cls.www.home, "工作动态", slug="news", show_in_menus=True, description="动态")
        cls.policy = make_column(cls.www.home, "政策文件", slug="policy", show_in_menus=True)
        cls.sub = make_column(cls.news, "市长活动", slug="mayor")
        cls.items = [make_article(cls.news, f"全市政务公开工作第{i:02d}项") for i in range(2 * PAGE_SIZE + 5)]

        cls.photos = [
            Image.objects.create(title=f"照片{i}", file=png(f"p{i}.png", colour=f"#33{i:02d}aa"))
            for i in range(12)
        ]
        cls.document = Document.objects.create(
            title="郴州市电子政务规划", file=ContentFile(b"%PDF-1.4", name="plan.pdf")
        )
        cls.target = make_article(cls.policy, "郴州市电子政务建设规划")
        body = []
        for i in range(300):
            # 300 paragraphs of ~ 700 bytes: ~ 200 KB of text, far over one page's budget.
            text = f"第{i:03d}段：" + "推进政务公开标准化规范化建设，提升政府网站集约化水平。" * 8
            if i == 5:
                text += f'<a linktype="page" id="{cls.target.pk}">见规划全文</a>'
            body.append({"type": "paragraph", "value": f"<p>{text}</p>"})
            if i % 25 == 0:
                photo = cls.photos[i // 25]
                body.append(
                    {
                        "type": "image",
                        "value": {"image": photo.pk, "alt_text": f"图片说明{i:03d}", "decorative": False},
                    }
                )
        body.append(
            {"type": "image", "value": {"image": cls.photos[0].pk, "alt_text": "", "decorative": True}}
        )
        # One paragraph with no element to split at, and a long list.
        body.append({"type": "paragraph", "value": "<p>" + "长段落内容。" * 3000 + "</p>"})
        body.append(
            {
                "type": "paragraph",
                "value": "<ol>" + "".join(f"<li>列表第{i:03d}项</li>" for i in range(900)) + "</ol>",
            }
        )
        body.append(
            {
                "type": "table",
                "value": {
                    "data": [["项目", "完成情况"]] + [[f"表格行{i:03d}", "已完成"] for i in range(400)],
                    "first_row_is_table_header": True,
                    "table_caption": "建设进度",
                },
            }
        )
        body.append(
            {"type": "attachment", "value": {"document": cls.document.pk, "title": "附件1：建设规划"}}
        )
        cls.long = make_article(
            cls.policy,
            "郴州市人民政府关于推进政务公开的实施意见",
            organisation=make_organisation("郴州市人民政府办公室"),
            doc_number="郴政发〔2014〕1号",
            source="郴州市人民政府办公室",
            summary="部署政务公开工作。",
            cover_image=cls.photos[1],
            body=body,
        )
        ArticleAttachment.objects.create(
            page=cls.long, title="附件2：旧系统文件", url="https://old.czs.gov.cn/a.doc"
        )

        cls.topic = make_topic(
            cls.www.home,
            column=cls.news,
            policy=cls.policy,
            images=cls.photos[2:] + cls.photos[:2],
            feed_count=30,
        )

        # P07: a www item shown in a county column links to its WAP page on www.
        cls.county = make_column(cls.bhq.home, "县区动态", slug="county", show_in_menus=True)
        cls.bhq_item = make_article(cls.county, "北湖区开展政务服务进社区活动")
        cls.items[0].syndicate_to.add(cls.county)
        cls.items[0].save_revision().publish()

        cls.draft = make_article(cls.news, "尚未发布的草稿", publish=False)
        cls.withdrawn = make_article(cls.news, "已撤回的信息")
        cls.withdrawn.unpublish()
        cls.en_news = make_column(cls.en.home, "News", slug="news", show_in_menus=True)
        make_article(cls.en_news, "Chenzhou opens its service centre")

    def setUp(self):
        cache.clear()  # Wagtail caches site root paths; class data outlives it

    def test_home_page(self):
        html = self.assert_wap_page(WWW, "/wap/")
        self.assertIn('<html lang="zh-Hans">', html)
        self.assertIn('<meta name="SiteName" content="郴州市人民政府">', html)
        self.assertIn('<meta name="SiteIDCode" content="4310000001">', html)
        links = hrefs(html)
        for url in ["/wap/news/", "/wap/policy/", "/wap/lianghui/", "/"]:
            self.assertIn(url, links)
        self.assertIn('<form method="get" action="/wap/search/"', html)
        self.assertIn(f"/wap/news/{self.items[-1].slug}/", links)  # latest updates
        # Short P04 footer: sponsor, site code, filings, phone, the error-report entrance.
        footer = html[html.index("<footer") :]
        for fact in [
            "主办单位",
            "郴州市人民政府办公室",
            "网站标识码",
            "4310000001",
            "湘ICP备05001234号-1",
            "0735-2222222",
        ]:
            self.assertIn(fact, footer)
        self.assertIn("https://beian.miit.gov.cn/", hrefs(footer))
        self.assertIn(
            "https://www.beian.gov.cn/portal/registerSystemInfo?recordcode=43100202000123", hrefs(footer)
        )
        self.assertIn("我为政府网站找错", footer)

    def test_column_pages_cover_every_item_once_newest_first(self):
        pages = self.all_parts(WWW, "/wap/news/")
        self.assertEqual(len(pages), 3)
        seen = []
        for html in pages:
            seen += re.findall(r'<a href="/wap/news/(article-\d+)/">', html)
            self.assertIn('<meta name="ColumnName" content="工作动态">', html)
        expected = [a.slug for a in sorted(self.items, key=lambda a: (a.published_at, a.pk), reverse=True)]
        self.assertEqual(seen, expected)  # no draft, no withdrawn item
        self.assertIn("第1页，共3页", pages[0])
        self.assertIn("/wap/news/mayor/", hrefs(pages[0]))  # sub-column
        self.assertIn("&laquo; 返回 首页", pages[0])
        for bad in ["?page=abc", "?page=999", "?page=-1"]:
            self.assert_wap_page(WWW, "/wap/news/" + bad)

    def test_long_article_is_split_without_loss_or_repetition(self):
        pages = self.all_parts(WWW, f"/wap/policy/{self.long.slug}/")
        self.assertGreater(len(pages), 5)
        text = "".join(text_of(p) for p in pages)
        for i in range(300):
            self.assertEqual(text.count(f"第{i:03d}段："), 1, i)
        self.assertEqual(text.count("长段落内容。"), 3000)
        for i in range(900):
            self.assertEqual(text.count(f"列表第{i:03d}项"), 1, i)
        all_html = "".join(pages)
        for i in range(400):
            self.assertEqual(all_html.count(f"<td>表格行{i:03d}</td>"), 1, i)
        # The header row repeats on every piece of the split table; the caption once.
        self.assertGreater(all_html.count('<th scope="col">项目</th>'), 1)
        self.assertEqual(all_html.count("<caption>建设进度</caption>"), 1)
        # A continued ordered list keeps its numbering.
        self.assertRegex(all_html, r'<ol start="\d+"><li>列表第')
        # Images: small renditions, with the editor's alt text or "" when decorative.
        imgs = re.findall(r"<img\b[^>]*>", all_html)
        # Body images and the decorative one; the cover is one of the body images: not twice.
        self.assertEqual(len(imgs), 12 + 1)
        for img in imgs:
            width = int(re.search(r'width="(\d+)"', img).group(1))
            self.assertLessEqual(width, 320)
        for i in range(0, 300, 25):
            self.assertIn(f'alt="图片说明{i:03d}"', all_html)
        self.assertIn('alt=""', all_html)
        # Rich-text links to pages stay in the WAP site; the document link is the file.
        self.assertIn(f"/wap/policy/{self.target.slug}/", hrefs(all_html))
        self.assertIn(self.document.url, hrefs(all_html))
        # Disclosure facts and summary open the article; the attachments close it.
        self.assertIn("郴政发〔2014〕1号", pages[0])
        self.assertIn("部署政务公开工作。", pages[0])
        self.assertNotIn("附件2：旧系统文件", "".join(pages[:-1]))
        self.assertIn("https://old.czs.gov.cn/a.doc", hrefs(pages[-1]))
        self.assertIn(
            '<meta name="ArticleTitle" content="郴州市人民政府关于推进政务公开的实施意见">', pages[0]
        )
        self.assertIn(self.long.get_url_parts()[2], hrefs(pages[0]))  # full web version
        self.assertIn("&laquo; 返回 政策文件", pages[0])

    def test_topic_page(self):
        html = "".join(self.all_parts(WWW, "/wap/lianghui/"))
        self.assertIn('alt="两会会场"', html)
        for i in range(12):
            self.assertIn(f'alt="图集{i}"', html)
        links = hrefs(html)
        self.assertIn("/wap/news/", links)
        self.assertIn("/wap/policy/", links)
        self.assertIn("https://www.hunan.gov.cn/", links)
        self.assertIn(TOPIC_VIDEO_URL, links)
        self.assertIn(f"/wap/news/{self.items[-1].slug}/", links)

    def test_syndicated_item_links_to_its_owning_sites_wap_page(self):
        html = self.assert_wap_page(BHQ, "/wap/county/")
        self.assertIn(f"http://{WWW}/wap/news/{self.items[0].slug}/", hrefs(html))
        self.assertIn(f"/wap/county/{self.bhq_item.slug}/", hrefs(html))

    def test_drafts_unpublished_and_other_sites_pages_are_404(self):
        for host, url in [
            (WWW, f"/wap/news/{self.draft.slug}/"),
            (WWW, f"/wap/news/{self.withdrawn.slug}/"),
            (WWW, "/wap/county/"),  # a bhq column asked for on www
            (BHQ, f"/wap/news/{self.items[1].slug}/"),
            (WWW, "/wap/no-such-page/"),
        ]:
            response = self.get(host, url, status=404)
            self.assertIn("页面不存在", response.content.decode())
            self.assertNotIn("<script", response.content.decode())

    def test_path_without_trailing_slash_redirects(self):
        response = self.get(WWW, "/wap/news", status=302)
        self.assertEqual(response["Location"], "/wap/news/")

    def test_restricted_page_sends_to_the_full_version(self):
        PageViewRestriction.objects.create(page=self.sub, restriction_type="password", password="x")
        response = self.get(WWW, "/wap/news/mayor/", status=302)
        self.assertEqual(response["Location"], "/news/mayor/")

    def test_search_uses_the_search_service_and_links_to_wap_pages(self):
        html = self.assert_wap_page(WWW, "/wap/search/?q=" + "政务公开")
        self.assertRegex(html, r"共找到 \d+ 条结果")
        links = [h for h in hrefs(html) if "/article-" in h]
        self.assertEqual(len(links), 10)
        self.assertTrue(all(h.startswith("/wap/") for h in links), links)
        self.assertIn("<mark>", html)
        self.assertIn('rel="next"', html)
        page2 = self.assert_wap_page(WWW, "/wap/search/?q=政务公开&page=2")
        self.assertIn('<ol start="11">', page2)
        # The site's own pages only: the county item is not found from www.
        county_item = f"/wap/county/{self.bhq_item.slug}/"
        self.assertNotIn(county_item, hrefs(self.assert_wap_page(WWW, "/wap/search/?q=北湖区")))
        self.assertIn(county_item, hrefs(self.assert_wap_page(BHQ, "/wap/search/?q=北湖区")))
        empty = self.assert_wap_page(WWW, "/wap/search/")
        self.assertIn('name="q"', empty)
        self.assertIn('method="get"', empty)

    def test_english_site_has_english_chrome(self):
        html = self.assert_wap_page(EN, "/wap/news/")
        self.assertIn('<html lang="en">', html)
        self.assertIn("Sections", html)
        self.assertNotIn("栏目导航", html)


class WapQueryCountTests(WapClientMixin, TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.site = make_site(WWW, "郴州市人民政府", code="4310000001")
        cls.short = make_column(cls.site.home, "通知公告", slug="short", show_in_menus=True)
        cls.long = make_column(cls.site.home, "工作动态", slug="long", show_in_menus=True)
        for i in range(2):
            make_article(cls.short, f"通知{i}")
        for i in range(PAGE_SIZE + 3):
            make_article(cls.long, f"动态{i}")

    def queries(self, url):
        cache.clear()
        self.get(WWW, url)  # warm Wagtail's site caches
        with CaptureQueriesContext(connection) as captured:
            self.assert_wap_page(WWW, url)
        return len(captured)

    def test_a_column_page_costs_the_same_queries_whatever_its_length(self):
        long_column = self.queries("/wap/long/")
        self.assertEqual(long_column, self.queries("/wap/short/"))
        self.assertLessEqual(long_column, 12)
