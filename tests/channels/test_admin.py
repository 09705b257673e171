"""Editors' view of the outbox: each channel's state and last error on the page, the
retry button, permissions, and the failures report."""

import pytest
from django.urls import reverse

from channels import outbox
from channels.adapters import DeliveryError
from channels.models import Delivery
from tests.factories import make_article, make_column, make_site, make_user

REASON = "标题超过32个字，请缩短后重新发布。"


@pytest.fixture
def failed(scripted):
    """An article whose WeChat delivery failed for good, and whose web delivery worked."""
    www = make_site("www.test.localhost", "测试市人民政府")
    county = make_site("bh.test.localhost", "北湖区人民政府")
    column = make_column(www.home, channels=["web", "wechat"])
    scripted.outcomes["wechat"] = [DeliveryError(REASON, code="title")]
    article = make_article(column)
    for row in Delivery.objects.filter(page=article):
        outbox.run(row.pk)
    return {"www": www, "county": county, "article": article}


def page_url(article):
    return reverse("portal_channels:page", args=[article.pk])


def test_editor_sees_each_channels_state_and_the_failure_reason(client, failed):
    client.force_login(make_user("editor", failed["www"].groups["editor"]))
    response = client.get(page_url(failed["article"]))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-status="delivered"' in html and 'data-status="failed"' in html
    assert REASON in html
    retry = reverse("portal_channels:retry", args=[Delivery.objects.get(channel="wechat").pk])
    assert f'action="{retry}"' in html
    assert html.count("重试</button>") == 1  # only the failed channel
    # Their failures report lists it too.
    assert REASON in client.get(reverse("portal_channels:failures")).content.decode()


def test_the_edit_view_links_to_the_channels_page(client, failed):
    client.force_login(make_user("editor", failed["www"].groups["editor"]))
    response = client.get(reverse("wagtailadmin_pages:edit", args=[failed["article"].pk]))
    assert response.status_code == 200
    html = response.content.decode()
    assert page_url(failed["article"]) in html
    assert "发布渠道（微信公众号失败）" in html


def test_retry_button_delivers_again(client, scripted, failed, django_capture_on_commit_callbacks):
    client.force_login(make_user("editor", failed["www"].groups["editor"]))
    row = Delivery.objects.get(channel="wechat")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("portal_channels:retry", args=[row.pk]))
    assert response.status_code == 302
    row.refresh_from_db()
    assert (row.status, row.attempts, row.last_error) == ("delivered", 1, "")
    assert [c[1] for c in scripted.calls].count("wechat") == 2


def test_retry_needs_post_and_csrf(failed):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(make_user("editor", failed["www"].groups["editor"]))
    row = Delivery.objects.get(channel="wechat")
    url = reverse("portal_channels:retry", args=[row.pk])
    assert client.get(url).status_code == 405
    assert client.post(url).status_code == 403
    row.refresh_from_db()
    assert row.status == "failed"


def test_another_sites_editor_is_refused(client, failed):
    client.force_login(make_user("county", failed["county"].groups["editor"]))
    row = Delivery.objects.get(channel="wechat")
    # Wagtail's admin answers PermissionDenied with a redirect to the dashboard.
    for response in (
        client.get(page_url(failed["article"])),
        client.post(reverse("portal_channels:retry", args=[row.pk])),
    ):
        assert (response.status_code, response.url) == (302, "/admin/")
    row.refresh_from_db()
    assert row.status == "failed"
    # The report shows them only their own site's failures: none.
    response = client.get(reverse("portal_channels:failures"))
    assert response.status_code == 200
    assert REASON not in response.content.decode()


def test_failures_report_lists_the_clusters_failures_for_superusers(client, failed):
    client.force_login(make_user("admin", superuser=True))
    response = client.get(reverse("portal_channels:failures"))
    html = response.content.decode()
    assert REASON in html and failed["article"].title in html
    assert f'data-delivery="{Delivery.objects.get(channel="wechat").pk}"' in html
    assert (
        'data-delivery="' + str(Delivery.objects.get(page=failed["article"], channel="web").pk) + '"'
        not in html
    )


def test_a_waiting_channel_shows_what_it_waits_for(client, scripted):
    from channels.adapters import DeliveryPending

    www = make_site("www.wait.localhost", "等待市人民政府")
    column = make_column(www.home, channels=["wechat"])
    reason = "已提交微信发布（publish_id 42），等待微信返回结果"
    scripted.outcomes["wechat"] = [DeliveryPending(reason, after=5)]
    article = make_article(column)
    row = Delivery.objects.get(page=article)
    assert outbox.run(row.pk) == "waiting"
    client.force_login(make_user("editor", www.groups["editor"]))
    html = client.get(page_url(article)).content.decode()
    assert 'data-status="waiting"' in html and "渠道处理中" in html and reason in html
    assert "重试</button>" not in html
