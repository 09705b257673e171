"""Publish-time content checks: each blocking rule blocks publishing from the admin with a
Chinese message naming the failing block (the draft is kept), each warning warns and lets
the page go live, and compliant content publishes. The userbar's checker runs the same
rules."""

import io
import json

import pytest
from django.contrib.messages import get_messages
from django.core.files.images import ImageFile
from django.urls import reverse
from PIL import Image as PILImage
from wagtail.images.models import Image
from wagtail.test.utils.form_data import inline_formset, nested_form_data, rich_text, streamfield

from accessibility import checks
from accessibility.wagtail_hooks import PortalContentChecker
from cms.models import ArticlePage, ColumnType
from tests.factories import make_column, make_site, make_user

GOOD_TEXT = '<h2>一、工作目标</h2><p>建成全市统一的政府网站集约化平台。</p><h3>（一）进度</h3><p>详见<a href="https://www.czs.gov.cn/plan">2014年建设规划全文</a>。</p>'


@pytest.fixture
def image():
    buffer = io.BytesIO()
    PILImage.new("RGB", (64, 64), "#3366aa").save(buffer, "PNG")
    return Image.objects.create(title="机房", file=ImageFile(buffer, name="room.png"))


@pytest.fixture
def column():
    site = make_site("www.checks.localhost", "郴州市人民政府")
    # A column without review (机构职能): the editor's 发布 publishes there, unless a rule
    # refuses it; a news column would send it to review instead (cms.review_gate).
    return make_column(site.home, "机构职能", slug="news", column_type=ColumnType.FUNCTIONS)


@pytest.fixture
def admin_client(client):
    client.force_login(make_user("admin", superuser=True))
    return client


def publish(client, column, body, slug="item"):
    """Create an article in the admin with "publish": (response, messages, page)."""
    data = nested_form_data(
        {
            "title": "郴州市推进电子政务建设",
            "slug": slug,
            "summary": "",
            "body": streamfield(body),
            "attachments": inline_formset([]),
            "comments": inline_formset([]),
        }
    )
    data["action-publish"] = "action-publish"
    response = client.post(reverse("wagtailadmin_pages:add", args=["cms", "articlepage", column.pk]), data)
    assert response.status_code == 302, getattr(response, "context", {}) and response.context["form"].errors
    page = ArticlePage.objects.get(slug=slug)
    return response, [(m.level_tag, m.message) for m in get_messages(response.wsgi_request)], page


def image_block(image, alt="", decorative=False):
    return ("image", {"image": image.pk, "alt_text": alt, "decorative": decorative})


def table_block(header):
    value = {
        "data": [["项目", "完成情况"], ["集约化平台", "已完成"]],
        "first_row_is_table_header": header,
        "first_col_is_header": False,
        "table_caption": "",
        "table_header_choice": "row" if header else "neither",  # Wagtail's form asks for it
    }
    return ("table", json.dumps(value))


def assert_blocked(result, *fragments):
    response, messages, page = result
    assert not page.live  # kept as a draft, not published
    assert not ArticlePage.objects.live().filter(pk=page.pk).exists()
    assert page.latest_revision is not None
    assert response["Location"] == reverse("wagtailadmin_pages:edit", args=[page.pk])
    errors = [text for level, text in messages if level == "error"]
    assert errors and errors[0].startswith("未发布")
    for fragment in fragments:
        assert any(fragment in text for text in errors), (fragment, errors)


BLOCKING = {
    "skipped_heading": (
        lambda img: [("paragraph", rich_text("<h2>一、目标</h2><p>正文。</p><h4>细则</h4><p>正文。</p>"))],
        ["第1个内容块（正文）", "标题层级跳跃", "细则"],
    ),
    "heading_starts_at_h3": (
        lambda img: [("paragraph", rich_text("<h3>背景</h3><p>正文。</p>"))],
        ["标题层级跳跃"],
    ),
    "table_without_headers": (lambda img: [table_block(False)], ["第1个内容块（表格）", "表头"]),
    "click_here_link": (
        lambda img: [
            ("paragraph", rich_text('<p>全文请<a href="https://www.czs.gov.cn/a">点击这里</a>。</p>'))
        ],
        ["点击这里", "没有说明链接去向"],
    ),
    "more_link": (
        lambda img: [
            ("paragraph", rich_text('<p>相关政策：<a href="https://www.czs.gov.cn/b">更多</a></p>'))
        ],
        ["“更多”"],
    ),
    "english_click_here": (
        lambda img: [("paragraph", rich_text('<p><a href="https://www.czs.gov.cn/c">Click here</a></p>'))],
        ["Click here"],
    ),
}


@pytest.mark.parametrize("rule", BLOCKING)
def test_each_blocking_rule_blocks_publishing(admin_client, column, image, rule):
    body, fragments = BLOCKING[rule]
    # A compliant block before the failing one: the message must name the second block.
    result = publish(admin_client, column, [("paragraph", rich_text("<p>说明。</p>")), *body(image)])
    shifted = [f.replace("第1个", "第2个") for f in fragments]
    assert_blocked(result, *shifted)


def test_image_without_alt_blocks(image):
    """Wagtail's own image form already asks for alt text when publishing from the editor;
    content that arrives by import or the write API is checked here the same way."""
    page = ArticlePage(
        title="t",
        body=[
            {"type": "paragraph", "value": "<p>说明。</p>"},
            {"type": "image", "value": {"image": image.pk, "alt_text": "", "decorative": False}},
            {"type": "image", "value": {"image": image.pk, "alt_text": "", "decorative": True}},
        ],
    )
    (error,) = checks.errors(checks.check_page(page))
    assert error.where == "“正文”第2个内容块（图片）"
    assert "替代文字" in error.message


def test_low_contrast_colour_blocks():
    """A colour in the content (pasted or imported HTML keeps its inline style) is checked
    against its background; the editor's rich text has no colour tool, so this is read
    from the stored body directly."""
    page = ArticlePage(
        title="t",
        body=[
            {"type": "paragraph", "value": '<p><span style="color:#999999">浅灰色的通知文字</span></p>'},
            {
                "type": "paragraph",
                "value": '<p><span style="color:#ffffff;background-color:#1a56db">蓝底白字</span></p>',
            },
        ],
    )
    found = checks.errors(checks.check_page(page))
    assert len(found) == 1
    assert "第1个内容块" in found[0].where and "#999999" in found[0].message and "4.5:1" in found[0].message


def test_empty_link_text_blocks():
    page = ArticlePage(
        title="t", body=[{"type": "paragraph", "value": '<p><a href="https://x.cn/"> </a></p>'}]
    )
    (error,) = checks.errors(checks.check_page(page))
    assert "链接文字为空" in error.message


def test_warnings_warn_and_publish(admin_client, column, image):
    long_paragraph = "<p>" + "郴州市人民政府坚持以人民为中心的发展思想，" * 30 + "</p>"
    result = publish(
        admin_client,
        column,
        [
            ("paragraph", rich_text(long_paragraph)),
            image_block(image, alt="IMG_2034.jpg"),
            (
                "paragraph",
                rich_text('<p>网址：<a href="https://www.czs.gov.cn/">https://www.czs.gov.cn/</a></p>'),
            ),
        ],
        slug="warned",
    )
    response, messages, page = result
    assert page.live
    warnings = [text for level, text in messages if level == "warning"]
    assert any("段落过长" in w and "第1个内容块（正文）" in w for w in warnings), warnings
    assert any("像是文件名" in w and "第2个内容块（图片）" in w for w in warnings), warnings
    assert any("链接文字是网址" in w for w in warnings), warnings
    assert not [text for level, text in messages if level == "error"]


def test_compliant_content_publishes(admin_client, column, image):
    response, messages, page = publish(
        admin_client,
        column,
        [
            ("paragraph", rich_text(GOOD_TEXT)),
            image_block(image, alt="电子政务中心机房"),
            image_block(image, decorative=True),  # decorative: no alt needed
            table_block(True),
        ],
        slug="good",
    )
    assert page.live
    assert [m for m in messages if m[0] in ("error", "warning")] == []


def test_blocks_inside_structures_are_named(image, column):
    """A topic's gallery item and related link are found inside their sections."""
    from cms.models import TopicPage

    topic = TopicPage(
        title="专题",
        sections=[
            {
                "type": "gallery",
                "value": {
                    "title": "图集",
                    "images": [{"image": image.pk, "alt_text": "", "decorative": False}],
                },
            },
            {
                "type": "related_links",
                "value": {
                    "title": "链接",
                    "links": [{"title": "更多", "page": None, "url": "https://x.cn/"}],
                },
            },
        ],
    )
    found = [str(f) for f in checks.errors(checks.check_page(topic))]
    assert any("第1个内容块（图集）" in f and "第1项" in f and "替代文字" in f for f in found), found
    assert any("第2个内容块（相关链接）" in f and "“更多”" in f for f in found), found


def test_userbar_checker_uses_the_same_rules(admin_client, column):
    from tests.factories import make_article

    article = make_article(column, body=[{"type": "paragraph", "value": GOOD_TEXT}])
    response = admin_client.get(article.get_url_parts()[2], HTTP_HOST="www.checks.localhost")
    html = response.content.decode()
    assert response.status_code == 200
    for rule in ["image-alt", "heading-order", "td-has-header", "link-name", "color-contrast"]:
        assert rule in html
    assert set(PortalContentChecker.axe_run_only) >= {
        "image-alt",
        "heading-order",
        "link-name",
        "color-contrast",
    }
    assert "图片缺少替代文字" in html or json.dumps("图片缺少替代文字") in html
