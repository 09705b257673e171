"""The home page's blocks (cms/home_blocks.py): each found by its column type on any site
(slugs unlike the demo's), filled from its column and the column's sub-columns, at a query
count that does not grow with the site; the WAP home lists the same blocks; the demo's
welcome and filing numbers."""

import datetime as dt
import io
import re

import pytest
from django.core.cache import cache
from django.core.files.images import ImageFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from PIL import Image as PILImage
from wagtail.images.models import Image

from cms.pages import ColumnType
from demo import plan
from sites.models import SiteProfile
from tests.factories import make_article, make_column, make_portal, make_site, make_topic

WWW = "www.blocks.localhost"
COUNTY = "county.blocks.localhost"
DEPT = "dept.blocks.localhost"
C = ColumnType


def png(name):
    buffer = io.BytesIO()
    PILImage.new("RGB", (320, 180), "#3366aa").save(buffer, "PNG")
    return ImageFile(buffer, name=name)


def at(n):
    return dt.datetime(2014, 3, 1, tzinfo=dt.UTC) + dt.timedelta(hours=n)


@pytest.fixture
def portal(db):
    cache.clear()
    return build_portal(WWW)


def build_portal(host):
    """A portal laid out like the demo's www, with other slugs; items only in sub-columns."""
    site = make_portal(host)
    home = site.home
    news = make_column(home, "新闻中心", slug="a1", column_type=C.NEWS, show_in_menus=True)
    work = make_column(news, "工作动态", slug="b1", column_type=C.NEWS)
    depts = make_column(news, "部门动态", slug="b2", column_type=C.NEWS)
    notices = make_column(home, "通知公告", slug="a2", column_type=C.NOTICE, show_in_menus=True)
    hub = make_column(home, "政府信息公开", slug="a3", column_type=C.CATALOGUE, show_in_menus=True)
    guide = make_column(hub, "信息公开指南", slug="b3", column_type=C.GUIDE)
    catalogue = make_column(hub, "信息公开目录", slug="b4", column_type=C.CATALOGUE)
    functions = make_column(catalogue, "机构职能", slug="c1", column_type=C.FUNCTIONS)
    report = make_column(hub, "信息公开年报", slug="b5", column_type=C.ANNUAL_REPORT)
    services = make_column(home, "办事服务", slug="a4", column_type=C.SERVICES, show_in_menus=True)
    talk = make_column(home, "互动交流", slug="a5", column_type=C.CONSULT, show_in_menus=True)
    mailbox = make_column(talk, "市长信箱", slug="b6", column_type=C.CONSULT)
    survey = make_column(talk, "征集调查", slug="b7", column_type=C.SURVEY)
    interviews = make_column(talk, "在线访谈", slug="b8", column_type=C.INTERVIEW)
    policy = make_column(home, "政策文件", slug="a6", column_type=C.POLICY, show_in_menus=True)
    for n, title in enumerate(["政策解读", "回应关切", "走进郴州", "数据发布"]):  # a long menu
        make_column(home, title, slug=f"m{n}", column_type=C.INTERPRETATION, show_in_menus=True)
    cover = Image.objects.create(title="会场", file=png("cover.png"))
    make_article(work, "工作动态无图", published_at=at(1))
    lead = make_article(
        work, "全市政务公开工作会议召开", published_at=at(2), cover_image=cover, summary="会议部署全年工作。"
    )
    picture = make_article(depts, "部门动态配图信息", published_at=at(0), cover_image=cover)
    make_article(notices, "关于开展网站检查的通知", published_at=at(3))
    make_article(functions, "市政府办公室主要职能", published_at=at(4))
    make_article(guide, "政府信息公开指南", published_at=at(5))
    make_article(services, "网上办事指南", published_at=at(6))
    make_article(mailbox, "市长信箱来信选登", published_at=at(7))
    make_article(policy, "关于推进电子政务的意见", published_at=at(8))
    make_topic(home, column=work, policy=policy, images=[cover])
    return {
        "site": site, "work": work, "depts": depts, "lead": lead, "picture": picture,
        "links": {"catalogue": catalogue, "guide": guide, "report": report},
        "entrances": [mailbox, survey, interviews], "hub": hub, "talk": talk,
    }  # fmt: skip


def get(client, host, path="/"):
    response = client.get(path, HTTP_HOST=host)
    assert response.status_code == 200
    return response.content.decode()


def section(html, heading):
    """The HTML of the <section> whose h2 says `heading`."""
    for match in re.finditer(r"<section\b.*?</section>", html, re.S):
        h2 = re.search(r"<h2[^>]*>(.*?)</h2>", match.group(0), re.S)
        if h2 and re.sub(r"<[^>]+>", "", h2.group(1)).strip() == heading:
            return match.group(0)
    raise AssertionError(f"no block {heading!r}")


def test_every_block_is_filled_from_its_column_and_sub_columns(client, portal):
    html = get(client, WWW)
    lead = section(html, "要闻")
    # The lead story: the newest news item with a picture, the picture inside its link.
    assert re.search(rf'<a class="lead-story__link" href="{portal["lead"].url}">\s*<img[^>]+alt=""', lead)
    assert "会议部署全年工作。" in lead and "关于推进电子政务的意见" in lead
    assert "部门动态配图信息" in section(html, "图片新闻")
    news = section(html, "新闻中心")  # filled from 工作动态 and 部门动态
    assert "工作动态无图" in news and "部门动态配图信息" in news and "暂无信息" not in news
    assert "关于开展网站检查的通知" in section(html, "通知公告")
    disclosure = section(html, "政府信息公开")
    for column in portal["links"].values():  # 目录, 指南, 年报
        assert f'href="{column.url}">{column.title}</a>' in disclosure
    assert "市政府办公室主要职能" in disclosure  # an item two levels down
    assert "网上办事指南" in section(html, "办事服务")
    talk = section(html, "互动交流")
    for column in portal["entrances"]:
        assert f'href="{column.url}">{column.title}</a>' in talk
    assert "市长信箱来信选登" in talk
    assert "关于推进电子政务的意见" in section(html, "政策文件")  # a menu column of no block type
    assert "2014郴州两会" in section(html, "专题专栏")


def add_items(column, count, start, cover=None):
    for n in range(start, start + count):
        make_article(column, f"第{n}条信息", published_at=at(100 + n), cover_image=cover)


def count_queries(client, host, path="/"):
    get(client, host, path)  # fills the site-root cache and makes the renditions
    with CaptureQueriesContext(connection) as queries:
        html = get(client, host, path)
    return len(queries), html


def test_home_query_count_does_not_grow_with_items(client, portal):
    cover = portal["lead"].cover_image
    small, _ = count_queries(client, WWW)
    add_items(portal["work"], 12, 1, cover)
    add_items(portal["depts"], 12, 20, cover)
    large, html = count_queries(client, WWW)
    assert "第31条信息" in section(html, "要闻")
    assert html.count('<li><a href="') >= 4  # pictures, entrances…
    assert small == large, f"{small} queries before, {large} after 24 more items with pictures"
    wap_small, _ = count_queries(client, WWW, "/wap/")
    add_items(portal["depts"], 10, 40, cover)
    wap_large, _ = count_queries(client, WWW, "/wap/")
    assert wap_small == wap_large


def test_sites_with_fewer_columns_get_the_blocks_they_have(client, db):
    cache.clear()
    county = make_site(COUNTY, "北湖区人民政府", code="4310020001", kind="county")
    news = make_column(county.home, "政务动态", slug="zwdt", show_in_menus=True)
    hub = make_column(county.home, "政府信息公开", slug="xxgk", column_type=C.CATALOGUE, show_in_menus=True)
    make_column(hub, "信息公开指南", slug="xxgkzn", column_type=C.GUIDE)
    functions = make_column(hub, "机构职能", slug="jgzn", column_type=C.FUNCTIONS)
    make_article(news, "北湖区政务动态")
    make_article(functions, "北湖区人民政府办公室主要职能")
    html = get(client, COUNTY)
    assert "北湖区政务动态" in section(html, "政务动态")
    disclosure = section(html, "政府信息公开")
    assert "北湖区人民政府办公室主要职能" in disclosure and "信息公开指南" in disclosure
    assert "图片新闻" not in html and "互动交流" not in html and "办事服务" not in html

    dept = make_site(DEPT, "郴州市电子政务信息中心", code="bm43100001", kind="department")
    make_column(dept.home, "中心动态", slug="zxdt", show_in_menus=True)
    make_column(dept.home, "机构职能", slug="jgzn", column_type=C.FUNCTIONS, show_in_menus=True)
    make_column(dept.home, "负责人信息", slug="ldxx", column_type=C.LEADERS, show_in_menus=True)
    disclosure = section(get(client, DEPT), "政府信息公开")  # no hub: its disclosure columns
    assert 'href="/jgzn/">机构职能</a>' in disclosure and 'href="/ldxx/">负责人信息</a>' in disclosure


def test_wap_home_lists_the_same_blocks(client, portal):
    html = get(client, WWW, "/wap/")
    assert "全市政务公开工作会议召开" in html
    for heading in ["新闻中心", "通知公告", "政府信息公开", "办事服务", "互动交流"]:
        assert f"<h2>{heading}</h2>" in html
    assert "部门动态配图信息" in html.split("<h2>新闻中心</h2>")[1].split("<h2>")[0]
    for column in [*portal["entrances"], portal["links"]["catalogue"]]:
        assert f">{column.title}</a>" in html
        assert f'href="/wap/{column.url.strip("/")}/"' in html


def test_demo_home_welcome_and_filings():
    assert "我中心" not in plan.WWW_WELCOME and "市民" in plan.WWW_WELCOME
    for key in ("bhq", "zxs", "dzzw"):
        assert plan.SITE_BY_KEY[key].name in plan.welcome(key)
    for spec in plan.SITES:
        fields = plan.filing_fields(spec.key)
        assert all(fields.values()), spec.key
        # As the site profile form validates them: a demo value an editor could not save fails.
        SiteProfile(site_code=spec.code, host_organisation="x", **fields).full_clean(exclude=["site"])
    # The 在线访谈 and 征集调查 columns' items are their interviews, consultations and surveys:
    # no articles about the same topics; the 市长信箱 is a mailbox page (demo/mailbox.py).
    columns = {c.slug: c for top in plan.plan_www() for c in top.walk()}
    assert columns["zxft"].articles == [] and columns["zjdc"].articles == []
    assert "zxts" not in columns and columns["hdjl"].model == "interaction.InteractionHubPage"


def test_footer_shows_filings_once_filled(client, portal):
    html = get(client, WWW)
    assert "湘ICP备05001234号-1" in html and "湘公网安备 43100202000123号" in html
    assert 'class="conac-link"' in html
    profile = SiteProfile.for_site(portal["site"].site)
    profile.icp_number = profile.police_number = profile.conac_url = ""
    profile.save()
    cache.clear()
    html = get(client, WWW)
    assert "ICP备案号" not in html and "公安机关备案号" not in html and "conac-link" not in html
