"""The editor's "notify followers" (WeChat mass send): a button on the page's channel
panel, a confirm step, and one send however often the confirm is posted."""

import pytest
from django.test import Client
from django.urls import reverse

from channels.wechat.models import WeChatMassSend
from tests.factories import make_column, make_user

from .wechat_fixtures import account, article_with_images, deliver_to_wechat, standin  # noqa: F401


@pytest.fixture
def page(account):  # noqa: F811
    column = make_column(account.site.root_page, title="通知公告", channels=["web", "wechat"])
    return article_with_images(column, title="关于做好防汛工作的紧急通知")


@pytest.fixture
def approver(account, client):  # noqa: F811
    user = make_user("zhongshen", account.provisioned.groups["approver"])
    client.force_login(user)
    return user


def notify_url(page):
    return reverse("portal_channels:wechat:notify", args=[page.pk])


def test_the_channels_panel_offers_the_action_once_the_article_is_on_wechat(standin, page, approver, client):  # noqa: F811
    panel = reverse("portal_channels:page", args=[page.pk])
    assert notify_url(page) not in client.get(panel).content.decode()  # not on WeChat yet
    deliver_to_wechat(page)
    html = client.get(panel).content.decode()
    assert "通知关注者（微信群发）" in html and notify_url(page) in html


def test_confirm_step_then_one_send_however_often_it_is_posted(standin, page, approver, client):  # noqa: F811
    deliver_to_wechat(page)
    confirm = client.get(notify_url(page))
    html = confirm.content.decode()
    assert confirm.status_code == 200 and "确认群发" in html and "全部关注者" in html
    assert standin.calls("message/mass/sendall") == []  # looking is not sending

    first = client.post(notify_url(page), follow=True)
    assert "已将“关于做好防汛工作的紧急通知”群发给公众号“郴州发布”的关注者" in first.content.decode()
    # A double click, a browser re-post, a retry: nothing goes out again.
    for _ in range(3):
        again = client.post(notify_url(page), follow=True)
        assert "已经群发过，不会重复发送" in again.content.decode()
    assert len(standin.calls("message/mass/sendall")) == 1 and len(standin.mass_sends) == 1
    send = WeChatMassSend.objects.get()
    assert (send.status, send.requested_by) == ("sent", approver)
    # The panel and the confirm page now say it went out, with no button to send again.
    assert (
        'data-mass-send="sent"'
        in client.get(reverse("portal_channels:page", args=[page.pk])).content.decode()
    )
    assert "确认群发" not in client.get(notify_url(page)).content.decode()


def test_a_failed_send_shows_the_reason_and_can_be_retried(standin, page, approver, client):  # noqa: F811
    deliver_to_wechat(page)
    standin.inject("message/mass/sendall", errcode=45066)
    response = client.post(notify_url(page), follow=True)
    assert "群发失败：群发过于频繁，请一分钟后再试（微信错误码 45066）" in response.content.decode()
    assert "上次群发失败" in client.get(notify_url(page)).content.decode()
    client.post(notify_url(page))
    assert WeChatMassSend.objects.get().status == "sent" and len(standin.mass_sends) == 1


def test_nothing_to_send_before_the_article_is_on_wechat(standin, page, approver, client):  # noqa: F811
    assert "尚未发布到微信公众号" in client.get(notify_url(page)).content.decode()
    response = client.post(notify_url(page), follow=True)
    assert "请先将该信息发布到微信公众号" in response.content.decode()
    assert standin.calls("message/mass/sendall") == [] and not WeChatMassSend.objects.exists()


def test_only_users_who_may_publish_can_send(standin, account, page, client):  # noqa: F811
    deliver_to_wechat(page)
    client.force_login(make_user("bianji", account.provisioned.groups["editor"]))
    assert "需要发布权限" in client.get(reverse("portal_channels:page", args=[page.pk])).content.decode()
    for response in (client.get(notify_url(page)), client.post(notify_url(page))):
        assert (response.status_code, response.url) == (302, "/admin/")
    assert standin.calls("message/mass/sendall") == []


def test_the_send_needs_post_with_csrf(standin, account, page, approver):  # noqa: F811
    deliver_to_wechat(page)
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(approver)
    assert strict.post(notify_url(page)).status_code == 403
    assert standin.calls("message/mass/sendall") == []
