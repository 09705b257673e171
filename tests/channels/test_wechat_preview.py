"""微信预览 (channels/wechat/preview.py): the latest draft as the WeChat article it will
become, in a 390 px frame, with WeChat's limits; for users who may see the page (403 for
another site's editor); reached from the editor's header. The WeChat limits reach the
editor while editing (title > 32, no cover) with the rule's own messages, and the title
field says the limit in a WeChat column. On the demo the stand-in lists what it received,
and the page's 发布渠道 view links to it."""

import html

import requests
from django.urls import reverse
from wagtail.test.utils.form_data import nested_form_data, rich_text, streamfield

from cms.models import ArticlePage, ColumnType
from tests.channels.wechat_fixtures import (  # noqa: F401 - fixtures
    account,
    article_with_images,
    deliver_to_wechat,
    standin,
)
from tests.factories import make_article, make_column, make_site, make_user

LONG_TITLE = "郴州市人民政府办公室关于进一步加强全市政府网站集约化建设与政务新媒体管理工作的通知"


def wechat_column(account):  # noqa: F811 - the fixture's value
    return make_column(
        account.site.root_page,
        title="工作动态",
        slug="gzdt",
        column_type=ColumnType.NEWS,
        channels=["web", "wechat"],
    )


def preview_url(page):
    return reverse("portal_channels:wechat:preview", args=[page.pk])


def editor_of(account, name="www_editor"):  # noqa: F811
    return make_user(name, account.provisioned.groups["editor"])


def test_the_preview_shows_the_latest_draft_converted_at_phone_width(client, account):  # noqa: F811
    page = article_with_images(wechat_column(account), title="全市政务公开工作会议召开")
    # A newer draft, not yet submitted: the preview shows it, not the live version.
    draft = page.get_latest_revision_as_object()
    draft.title = "全市政务公开工作会议召开（修改稿）"
    draft.save_revision()

    client.force_login(editor_of(account))
    response = client.get(preview_url(page))
    assert response.status_code == 200
    text = response.content.decode()
    assert 'width="390"' in text and "srcdoc=" in text
    frame = html.unescape(text.split('srcdoc="', 1)[1].split('"', 1)[0])
    assert "全市政务公开工作会议召开（修改稿）" in frame
    # The converter's output: inline styles, the external link as a numbered note, the
    # table, and images from the site's own renditions (nothing uploaded to WeChat).
    assert "font-size:16px" in frame and "[1]" in frame and "https://www.example.com/x" in frame
    assert "<table" in frame and "/media/" in frame and "mmbiz" not in frame
    assert "data-wechat-problems" not in text


def test_the_preview_lists_the_limits_wechat_would_refuse(client, account):  # noqa: F811
    page = make_article(wechat_column(account), title=LONG_TITLE)  # and no cover
    client.force_login(editor_of(account))
    text = client.get(preview_url(page)).content.decode()
    assert "data-wechat-problems" in text
    assert f"标题 {len(LONG_TITLE)} 字，微信要求不超过 32 字" in text
    assert "微信图文必须有封面图片" in text


def test_another_sites_editor_gets_403(client, account):  # noqa: F811
    page = article_with_images(wechat_column(account))
    county = make_site("bhq.wx.localhost", "北湖区人民政府")
    client.force_login(make_user("bhq_editor", county.groups["editor"]))
    response = client.get(preview_url(page))
    assert response.status_code == 403
    assert "没有查看该页面的权限" in response.content.decode()
    assert client.get(reverse("portal_channels:wechat:preview", args=[987654])).status_code == 404


def test_the_editor_header_offers_the_preview_and_the_title_says_the_limit(client, account):  # noqa: F811
    column = wechat_column(account)
    page = article_with_images(column)
    client.force_login(editor_of(account))
    edit = client.get(reverse("wagtailadmin_pages:edit", args=[page.pk])).content.decode()
    assert preview_url(page) in edit and "微信预览" in edit
    assert "微信标题不超过32字" in edit
    add = client.get(
        reverse("wagtailadmin_pages:add", args=["cms", "articlepage", column.pk])
    ).content.decode()
    assert "微信标题不超过32字" in add

    # A web-only column: no preview button, no hint.
    web = make_column(
        account.site.root_page, title="机构职能", column_type=ColumnType.FUNCTIONS, channels=["web"]
    )
    add = client.get(reverse("wagtailadmin_pages:add", args=["cms", "articlepage", web.pk])).content.decode()
    assert "微信标题不超过32字" not in add


def test_saving_a_long_title_without_cover_warns_and_submitting_is_refused(client, account):  # noqa: F811
    column = wechat_column(account)
    client.force_login(editor_of(account))
    form = nested_form_data(
        {
            "title": LONG_TITLE,
            "slug": "",
            "summary": "",
            "body": streamfield([("paragraph", rich_text("<p>正文。</p>"))]),
            "attachments": {"TOTAL_FORMS": 0, "INITIAL_FORMS": 0, "MIN_NUM_FORMS": 0, "MAX_NUM_FORMS": 1000},
            "comments": {"TOTAL_FORMS": 0, "INITIAL_FORMS": 0, "MIN_NUM_FORMS": 0, "MAX_NUM_FORMS": 1000},
        }
    )
    add = reverse("wagtailadmin_pages:add", args=["cms", "articlepage", column.pk])
    saved = client.post(add, form, follow=True)
    text = saved.content.decode()
    assert "已保存草稿" in text and "微信要求不超过 32 字" in text and "微信图文必须有封面图片" in text
    page = ArticlePage.objects.child_of(column).get()
    assert page.slug == "gzdt-1"  # and a short slug, not the Chinese title

    submit = reverse("wagtailadmin_pages:edit", args=[page.pk])
    refused = client.post(submit, {**form, "slug": page.slug, "action-submit": "action-submit"}, follow=True)
    assert "未提交审核" in refused.content.decode()
    assert not ArticlePage.objects.get(pk=page.pk).workflow_in_progress


def test_the_standin_lists_the_articles_it_received_and_the_channels_view_links_it(
    client,
    account,  # noqa: F811
    standin,  # noqa: F811
):
    page = article_with_images(wechat_column(account), title="政务公开工作会议召开")
    deliver_to_wechat(page)
    listing = requests.get(standin.base_url + "received", timeout=10).text
    assert "政务公开工作会议召开" in listing and "已发布" in listing and "width:390px" in listing
    assert "font-size:16px" in listing  # the converted content as sent

    client.force_login(editor_of(account))
    deliveries = client.get(reverse("portal_channels:page", args=[page.pk])).content.decode()
    assert standin.base_url + "received" in deliveries
    assert preview_url(page) in deliveries


def test_a_page_that_is_no_wechat_article_gets_a_clear_400(client, account):  # noqa: F811
    column = wechat_column(account)
    client.force_login(editor_of(account))
    response = client.get(preview_url(column))
    assert response.status_code == 400
    assert "无法预览微信图文" in response.content.decode()
