"""Public web pages of every page type: status, P01 meta tags, P04 footer, the
我为政府网站找错 entrance, English chrome on the English portal, syndication (P07),
pagination, disclosure table (G02) and validity (P12), and accessible theme colours."""

import datetime as dt
import io
import re
from html import unescape

import pytest
from django.core.cache import cache
from django.core.files.base import ContentFile
from django.core.files.images import ImageFile
from django.test import TestCase, override_settings
from PIL import Image as PILImage
from wagtail.documents.models import Document
from wagtail.images.models import Image

from cms.models import ArticleAttachment, SubjectCategory
from sites.models import SiteProfile
from sites.portal import contrast_ratio, theme_colours
from tests.factories import (
    CONAC_URL,
    TOPIC_VIDEO_URL,
    make_article,
    make_column,
    make_english_portal,
    make_organisation,
    make_portal,
    make_site,
    make_topic,
)

WWW = "www.test.localhost"
BHQ = "bhq.test.localhost"
EN = "en.test.localhost"
# 2014-03-05 01:30 UTC is 09:30 in Beijing: PubDate must show Beijing time.
PUBLISHED = dt.datetime(2014, 3, 5, 1, 30, tzinfo=dt.UTC)


def png(name, colour="#3366aa"):
    buffer = io.BytesIO()
    PILImage.new("RGB", (320, 200), colour).save(buffer, "PNG")
    return ImageFile(buffer, name=name)


def meta(html, name):
    """The content of <meta name=...>, or None; fails if the tag appears twice."""
    found = re.findall(rf'<meta name="{name}" content="([^"]*)">', html)
    assert len(found) <= 1, f"{name} appears {len(found)} times"
    return unescape(found[0]) if found else None


def rel(page):
    """A page's path on its own site (page.url is absolute once several sites exist)."""
    return page.get_url_parts()[2]


def hrefs(html):
    return [unescape(h) for h in re.findall(r'href="([^"]*)"', html)]


class ClusterPagesTestCase(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.www = make_portal(WWW)
        cls.bhq = make_site(BHQ, "北湖区人民政府", code="4310020001", kind="county")
        cls.en = make_english_portal(EN)
        cls.news = make_column(
            cls.www.home,
            "工作动态",
            slug="news",
            show_in_menus=True,
            description="郴州市政府工作动态",
            keywords="郴州,政务动态",
        )
        cls.mayor = make_column(cls.news, "市长活动", slug="mayor")
        cls.hidden = make_column(cls.www.home, "内部栏目", slug="internal", show_in_menus=False)
        cls.policy = make_column(
            cls.www.home, "政策文件", slug="policy", column_type="政策文件", show_in_menus=True
        )

        cls.organisation = make_organisation("郴州市人民政府办公室")
        category = SubjectCategory.objects.create(name="综合政务", code="01")
        cls.cover = Image.objects.create(title="封面", file=png("cover.png"))
        cls.photo = Image.objects.create(title="电子政务中心", file=png("photo.png", "#aa3366"))
        cls.document = Document.objects.create(
            title="郴州市电子政务规划", file=ContentFile(b"%PDF-1.4", name="plan.pdf")
        )
        cls.policy_doc = make_article(
            cls.policy,
            "郴州市人民政府办公室关于推进电子政务建设的通知",
            organisation=cls.organisation,
            doc_number="郴政办函〔2014〕82号",
            written_at=dt.date(2014, 3, 1),
            category=category,
            keywords="电子政务,政府网站",
            source="郴州市人民政府办公室",
            author="市电子政务中心",
            summary="部署全市电子政务建设工作。",
            validity="repealed",
            published_at=PUBLISHED,
            cover_image=cls.cover,
            body=[
                {"type": "paragraph", "value": "<p>各县市区人民政府，市直各单位：现将有关事项通知如下。</p>"},
                {
                    "type": "table",
                    "value": {
                        "data": [["项目", "完成情况"], ["政府网站集约化", "已完成"]],
                        "first_row_is_table_header": True,
                    },
                },
                {
                    "type": "image",
                    "value": {"image": cls.photo.pk, "alt_text": "电子政务中心机房", "decorative": False},
                },
                {"type": "attachment", "value": {"document": cls.document.pk, "title": "附件1：建设规划"}},
            ],
        )
        ArticleAttachment.objects.create(
            page=cls.policy_doc, title="附件2：旧系统文件", url="https://old.czs.gov.cn/a.doc"
        )
        cls.news_item = make_article(cls.news, "郴州市召开全市政务公开工作会议", published_at=PUBLISHED)

        # P07: a www item shown in a county column, edited once, linked to its owning site.
        cls.county_news = make_column(cls.bhq.home, "县区动态", slug="county-news", show_in_menus=True)
        make_article(cls.county_news, "北湖区开展政务服务进社区活动")
        cls.news_item.syndicate_to.add(cls.county_news)
        cls.news_item.save()

        cls.en_news = make_column(
            cls.en.home, "News", slug="news", show_in_menus=True, description="City news"
        )
        cls.en_item = make_article(
            cls.en_news,
            "Chenzhou opens its government service centre",
            source="Chenzhou Daily",
            organisation=cls.organisation,
            doc_number="CZ-2014-1",
            published_at=PUBLISHED,
        )

        # The English portal is its own tree; counterparts are linked explicitly.
        cls.en.home.counterpart = cls.www.home
        cls.en.home.save(update_fields=["counterpart"])
        cls.en_item.counterpart = cls.policy_doc
        cls.en_item.save(update_fields=["counterpart"])

        cls.topic = make_topic(
            cls.www.home, column=cls.news, policy=cls.policy, images=[cls.photo, cls.cover]
        )

    def setUp(self):
        # Wagtail caches site root paths; class data outlives the cache of other tests.
        cache.clear()

    def get(self, host, url, status=200):
        response = self.client.get(url, HTTP_HOST=host)
        self.assertEqual(response.status_code, status, url)
        return response.content.decode()

    def assert_site_meta(self, html, name, host, code):
        self.assertEqual(meta(html, "SiteName"), name)
        self.assertEqual(meta(html, "SiteDomain"), host)
        self.assertEqual(meta(html, "SiteIDCode"), code)

    def assert_p04_footer(self, html):
        footer = html[html.index("<footer") :]
        for label in [
            "主办单位",
            "网站标识码",
            "ICP备案号",
            "公安机关备案号",
            "党政机关网站标识",
            "联系方式",
        ]:
            self.assertIn(label, footer)
        for value in [
            "郴州市人民政府办公室",
            "4310000001",
            "湘ICP备05001234号-1",
            "湘公网安备 43100202000123号",
            "0735-2222222",
        ]:
            self.assertIn(value, footer)
        links = hrefs(footer)
        self.assertIn("https://beian.miit.gov.cn/", links)
        self.assertIn(CONAC_URL, links)
        self.assertIn("https://www.beian.gov.cn/portal/registerSystemInfo?recordcode=43100202000123", links)
        # Every image in the page is served by the platform itself.
        for src in re.findall(r'<img[^>]+src="([^"]+)"', html):
            self.assertFalse(src.startswith(("http:", "https:", "//")), src)


class TestChinesePortal(ClusterPagesTestCase):
    def test_home_page(self):
        html = self.get(WWW, "/")
        self.assertIn('<html lang="zh-Hans">', html)
        self.assert_site_meta(html, "郴州市人民政府", WWW, "4310000001")
        self.assertIsNone(meta(html, "ColumnName"))
        self.assert_p04_footer(html)
        profile = SiteProfile.for_site(self.www.site)
        self.assertIn(profile.error_report_url, hrefs(html))
        self.assertIn("我为政府网站找错", html)
        self.assertIn('href="#main"', html)
        self.assertIn('<main id="main"', html)
        self.assertIn("郴州市召开全市政务公开工作会议", html)
        self.assertIn("2014郴州两会", html)

    def test_navigation_lists_only_the_sites_in_menu_columns(self):
        html = self.get(WWW, "/news/")
        nav = re.search(r'<nav class="site-nav".*?</nav>', html, re.S).group(0)
        self.assertIn("工作动态", nav)
        self.assertIn("政策文件", nav)
        self.assertNotIn("内部栏目", nav)
        self.assertNotIn("县区动态", nav)  # another site's column
        self.assertIn('<a href="/news/" aria-current="page">工作动态</a>', nav)

    def test_column_page(self):
        html = self.get(WWW, "/news/")
        self.assert_site_meta(html, "郴州市人民政府", WWW, "4310000001")
        self.assertEqual(meta(html, "ColumnName"), "工作动态")
        self.assertEqual(meta(html, "ColumnDescription"), "郴州市政府工作动态")
        self.assertEqual(meta(html, "ColumnKeywords"), "郴州,政务动态")
        self.assertEqual(meta(html, "ColumnType"), "工作动态")
        self.assertIsNone(meta(html, "ArticleTitle"))
        self.assert_p04_footer(html)
        self.assertIn('aria-label="当前位置"', html)
        self.assertIn(rel(self.news_item), hrefs(html))
        subcolumns = re.search(r'<nav class="subcolumns".*?</nav>', html, re.S).group(0)
        self.assertEqual(hrefs(subcolumns), ["/news/mayor/"])

    def test_article_page_meta_tags(self):
        html = self.get(WWW, rel(self.policy_doc))
        self.assert_site_meta(html, "郴州市人民政府", WWW, "4310000001")
        self.assertEqual(meta(html, "ColumnName"), "政策文件")
        self.assertEqual(meta(html, "ColumnType"), "政策文件")
        self.assertEqual(meta(html, "ArticleTitle"), "郴州市人民政府办公室关于推进电子政务建设的通知")
        self.assertEqual(meta(html, "PubDate"), "2014-03-05 09:30")
        self.assertEqual(meta(html, "ContentSource"), "郴州市人民政府办公室")
        self.assertEqual(meta(html, "Keywords"), "电子政务,政府网站")
        self.assertEqual(meta(html, "Author"), "市电子政务中心")
        self.assertEqual(meta(html, "Description"), "部署全市电子政务建设工作。")
        self.assertEqual(meta(html, "Url"), f"http://{WWW}{rel(self.policy_doc)}")
        image = meta(html, "Image")
        self.assertTrue(image.startswith(f"http://{WWW}/") and "cover" in image, image)
        self.assert_p04_footer(html)

    def test_article_page_disclosure_table_body_and_attachments(self):
        html = self.get(WWW, rel(self.policy_doc))
        table = re.search(r'<table class="disclosure">.*?</table>', html, re.S).group(0)
        self.policy_doc.refresh_from_db()
        expected = {
            "索引号": self.policy_doc.index_number,
            "主题分类": "综合政务",
            "发布机构": "郴州市人民政府办公室",
            "成文日期": "2014-03-01",
            "发布日期": "2014-03-05",
            "标题": "郴州市人民政府办公室关于推进电子政务建设的通知",
            "文号": "郴政办函〔2014〕82号",
            "主题词": "电子政务,政府网站",
            "有效性": "已废止",
        }
        self.assertTrue(self.policy_doc.index_number)
        for label, value in expected.items():
            self.assertRegex(table, rf'<th scope="row">{label}</th><td[^>]*>{re.escape(value)}</td>')
        # P12: the status also shows prominently above the text.
        self.assertIn(
            '<p class="validity validity--repealed" role="status">有效性: <strong>已废止</strong></p>', html
        )
        self.assertIn("来源: 郴州市人民政府办公室", html)
        self.assertIn("作者: 市电子政务中心", html)
        self.assertIn("发布时间: <time", html)
        # Body blocks: rich text, table, image, attachment; then the inline attachments.
        self.assertIn("现将有关事项通知如下", html)
        self.assertIn("政府网站集约化", html)
        self.assertIn('alt="电子政务中心机房"', html)
        self.assertIn(self.document.url, hrefs(html))
        self.assertIn("附件1：建设规划", html)
        self.assertIn("https://old.czs.gov.cn/a.doc", hrefs(html))
        self.assertIn("附件2：旧系统文件", html)
        # Breadcrumbs: home, then the column.
        crumbs = re.search(r'<nav class="breadcrumbs.*?</nav>', html, re.S).group(0)
        self.assertEqual(hrefs(crumbs), ["/", "/policy/"])

    def test_article_without_disclosure_metadata_has_no_table(self):
        html = self.get(WWW, rel(self.news_item))
        self.assertNotIn('class="disclosure"', html)
        self.assertNotIn("索引号", html)
        self.assertEqual(meta(html, "ContentSource"), "郴州市人民政府")  # falls back to the site
        self.assertIsNone(meta(html, "Author"))

    def test_topic_page_renders_every_section_block(self):
        html = self.get(WWW, rel(self.topic))
        self.assert_site_meta(html, "郴州市人民政府", WWW, "4310000001")
        self.assertEqual(meta(html, "ColumnName"), "2014郴州两会")
        for block_type in ["banner", "column_feed", "rich_text", "gallery", "video_link", "related_links"]:
            self.assertIn(f"topic-section--{block_type}", html)
        self.assertIn("聚焦2014郴州两会", html)
        self.assertIn('alt="两会会场"', html)
        self.assertIn("两会动态", html)
        self.assertIn(rel(self.news_item), hrefs(html))  # column feed item
        self.assertIn("市十五届人大四次会议胜利闭幕", html)
        self.assertIn('alt="图集0"', html)
        self.assertIn('alt="图集1"', html)
        self.assertIn(TOPIC_VIDEO_URL, hrefs(html))
        self.assertIn("/policy/", hrefs(html))
        self.assertIn("https://www.hunan.gov.cn/", hrefs(html))
        self.assert_p04_footer(html)

    def test_unknown_path_and_unknown_host_give_404_not_500(self):
        html = self.get(WWW, "/no-such-page/", status=404)
        self.assertIn("页面不存在", html)
        self.assertIn("4310000001", html)  # site chrome still rendered
        html = self.get("unknown.test.localhost", "/", status=404)
        self.assertIn("页面不存在", html)


class TestSyndication(ClusterPagesTestCase):
    def test_syndicated_item_links_to_its_owning_site(self):
        html = self.get(BHQ, "/county-news/")
        links = hrefs(html)
        self.assertIn(f"http://{WWW}{rel(self.news_item)}", links)
        self.assertNotIn(rel(self.news_item), links)
        self.assertIn("北湖区开展政务服务进社区活动", html)
        # The county site keeps its own chrome and identity.
        self.assertEqual(meta(html, "SiteIDCode"), "4310020001")

    def test_owning_site_links_relatively(self):
        html = self.get(WWW, "/news/")
        self.assertIn(rel(self.news_item), hrefs(html))


class TestEnglishPortal(ClusterPagesTestCase):
    def test_english_chrome_on_english_portal(self):
        html = self.get(EN, "/")
        self.assertIn('<html lang="en">', html)
        self.assert_site_meta(html, "Chenzhou Municipal People's Government", EN, "4310000002")
        self.assertIn(">Home</a>", html)
        self.assertIn("Skip to main content", html)
        self.assertIn("Sponsor", html)
        self.assertIn("Foreign Affairs Office of Chenzhou", html)
        self.assertIn("Website ID code", html)
        self.assertIn(SiteProfile.for_site(self.en.site).error_report_url, hrefs(html))
        for chinese in ["首页", "主办单位", "网站标识码", "要闻"]:
            self.assertNotIn(chinese, html)

    def test_english_article(self):
        html = self.get(EN, rel(self.en_item))
        self.assertIn("Published: <time", html)
        self.assertIn("Source: Chenzhou Daily", html)
        self.assertIn('<th scope="row">Index No.</th>', html)
        self.assertIn('<th scope="row">Issuing organisation</th>', html)
        self.assertEqual(meta(html, "ColumnName"), "News")
        self.assertEqual(meta(html, "PubDate"), "2014-03-05 09:30")
        crumbs = re.search(r'<nav class="breadcrumbs.*?</nav>', html, re.S).group(0)
        self.assertIn(">Home</a>", crumbs)
        for chinese in ["发布时间", "来源", "索引号", "发布机构"]:
            self.assertNotIn(chinese, html)

    def test_counterpart_links_to_the_other_language_site(self):
        html = self.get(EN, "/")
        self.assertIn(f'<a href="http://{WWW}/" hreflang="zh-hans" lang="zh-hans">中文</a>', html)
        html = self.get(EN, rel(self.en_item))
        self.assertIn(
            f'<a href="http://{WWW}{rel(self.policy_doc)}" hreflang="zh-hans" lang="zh-hans">中文</a>', html
        )

    def test_chinese_sites_keep_chinese_chrome(self):
        html = self.get(WWW, rel(self.news_item))
        for chinese in ["首页", "发布时间", "主办单位", "跳到主要内容"]:
            self.assertIn(chinese, html)
        for english in [">Home<", "Published:", "Sponsor", "Skip to main content"]:
            self.assertNotIn(english, html)


@override_settings(COLUMN_PAGE_SIZE=2)
class TestPagination(ClusterPagesTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.long = make_column(cls.www.home, "通知公告", slug="notices", column_type="通知公告")
        base = dt.datetime(2014, 1, 1, tzinfo=dt.UTC)
        cls.items = [
            make_article(cls.long, f"郴州市通知第{n}号", published_at=base + dt.timedelta(days=n))
            for n in range(1, 6)
        ]

    def titles(self, html):
        return re.findall(r"郴州市通知第(\d)号", html)

    def test_pages(self):
        self.assertEqual(self.titles(self.get(WWW, "/notices/")), ["5", "4"])
        html = self.get(WWW, "/notices/?page=2")
        self.assertEqual(self.titles(html), ["3", "2"])
        self.assertIn("第2页，共3页", html)
        self.assertIn("?page=1", hrefs(html))
        self.assertIn("?page=3", hrefs(html))
        self.assertIn('<span aria-current="page">2</span>', html)

    def test_bad_page_numbers_do_not_error(self):
        self.assertEqual(self.titles(self.get(WWW, "/notices/?page=abc")), ["5", "4"])
        self.assertEqual(self.titles(self.get(WWW, "/notices/?page=999")), ["1"])
        self.assertEqual(self.titles(self.get(WWW, "/notices/?page=0")), ["1"])
        self.assertEqual(self.titles(self.get(WWW, "/notices/?page=-3")), ["1"])

    def test_unpublished_items_leave_the_list_and_its_page_count(self):
        self.assertIn("第1页，共3页", self.get(WWW, "/notices/"))
        self.items[-1].unpublish()
        html = self.get(WWW, "/notices/")
        self.assertEqual(self.titles(html), ["4", "3"])
        self.assertIn("第1页，共2页", html)


class TestThemeColour(ClusterPagesTestCase):
    def test_site_theme_colour_reaches_the_page(self):
        profile = SiteProfile.for_site(self.bhq.site)
        profile.theme_colour = "#ffd700"  # a light gold: white text on it would fail
        profile.save()
        html = self.get(BHQ, "/")
        style = re.search(r"<style>:root\{([^}]*)\}</style>", html).group(1)
        self.assertIn("--theme:#ffd700", style)
        self.assertIn("--on-theme:#000000", style)
        ink = re.search(r"--theme-ink:(#[0-9a-f]{6})", style).group(1)
        self.assertGreaterEqual(contrast_ratio(ink, "#ffffff"), 4.5)


def test_default_theme_keeps_white_text():
    colours = theme_colours("#b5121b")
    assert colours == {"bg": "#b5121b", "on": "#ffffff", "ink": "#b5121b"}
    assert contrast_ratio("#b5121b", "#ffffff") >= 4.5


@pytest.mark.parametrize(
    "theme", ["#ffffff", "#ffff00", "#00ff00", "#777777", "#7f7f7f", "#1a73e8", "#000000", "#e0e0e0"]
)
def test_any_theme_keeps_aa_contrast(theme):
    colours = theme_colours(theme)
    assert contrast_ratio(colours["bg"], colours["on"]) >= 4.5
    assert contrast_ratio(colours["ink"], "#ffffff") >= 4.5


def test_invalid_theme_falls_back_to_default():
    assert theme_colours("red; } body { display:none")["bg"] == "#b5121b"
