"""After an approval that publishes, the approver is told where the item went (the column's
channels: 网站、手机版、微信公众号), once, with a link to the page's 发布渠道 view; an
approval that only passes the item on says nothing of the kind. And the page editor's
header says each channel's state (channels/approval_message.py, channels/wagtail_hooks.py)."""

import pytest
from django.urls import reverse
from wagtail.models import Page

from channels import outbox
from channels.models import Delivery
from cms.models import ColumnType
from tests.channels.wechat_fixtures import make_image
from tests.factories import make_article, make_column, make_site, make_user

PUBLISHED = "已审核通过并发布到：网站、手机版、微信公众号。"


@pytest.fixture
def desk():
    site = make_site("www.approve.localhost", "郴州市人民政府", slug="www")
    column = make_column(
        site.home,
        title="工作动态",
        slug="gzdt",
        column_type=ColumnType.NEWS,
        channels=["web", "wap", "wechat"],
    )
    people = {
        role: make_user(f"www_{role}", site.groups[role]) for role in ("editor", "reviewer", "approver")
    }
    article = make_article(
        column,
        "全市政务公开工作会议召开",
        publish=False,
        user=people["editor"],
        cover_image=make_image("封面"),
        summary="会议部署全年政务公开工作。",
    )
    article.get_workflow().start(article, people["editor"])
    return {"site": site, "column": column, "people": people, "article": article}


def workflow_action(client, user, page, action="approve"):
    state = Page.objects.get(pk=page.pk).current_workflow_task_state
    client.force_login(user)
    url = reverse("wagtailadmin_pages:workflow_action", args=[page.pk, action, state.pk])
    return client.post(url, {"comment": ""})


def test_the_final_approval_says_where_the_item_went_once(client, desk):
    article, people = desk["article"], desk["people"]
    first = workflow_action(client, people["reviewer"], article)
    assert "已审核通过并发布到" not in client.get(first["Location"]).content.decode()

    final = workflow_action(client, people["approver"], article)
    assert Page.objects.get(pk=article.pk).live
    landing = client.get(final["Location"]).content.decode()
    assert f"「全市政务公开工作会议召开」{PUBLISHED}" in landing
    assert reverse("portal_channels:page", args=[article.pk]) in landing
    # Said once: the next admin page does not repeat it.
    assert "已审核通过并发布到" not in client.get(reverse("wagtailadmin_home")).content.decode()


def test_a_dashboard_approval_lands_on_the_dashboard_with_the_message(client, desk):
    article, people = desk["article"], desk["people"]
    workflow_action(client, people["reviewer"], article)
    state = Page.objects.get(pk=article.pk).current_workflow_task_state
    client.force_login(people["approver"])
    url = reverse("wagtailadmin_pages:workflow_action", args=[article.pk, "approve", state.pk])
    response = client.post(f"{url}?next={reverse('wagtailadmin_home')}", {"comment": "同意"}, follow=True)
    assert PUBLISHED in response.content.decode()
    # Another user's approval is not announced to the editor.
    client.force_login(people["editor"])
    assert "已审核通过并发布到" not in client.get(reverse("wagtailadmin_home")).content.decode()


def test_the_editor_header_says_each_channels_state(client, scripted):
    from channels.adapters import DeliveryError

    site = make_site("www.status.localhost", "郴州市人民政府")
    column = make_column(site.home, channels=["web", "wechat"])
    scripted.outcomes["wechat"] = [DeliveryError("标题超过32个字", code="title")]
    article = make_article(column)
    for row in Delivery.objects.filter(page=article):
        outbox.run(row.pk)
    client.force_login(make_user("editor", site.groups["editor"]))
    html = client.get(reverse("wagtailadmin_pages:edit", args=[article.pk])).content.decode()
    # (the scripted web adapter of the tests has no label of its own: its key is shown)
    assert "发布渠道（微信公众号失败）：web 已送达 · 微信公众号 失败" in html
    # The failure is also told at the top of the editor, with the way to the details.
    assert "发布渠道：微信公众号发送失败。" in html
    assert reverse("portal_channels:page", args=[article.pk]) in html
