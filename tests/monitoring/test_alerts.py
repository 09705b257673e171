"""Alerts (issue 17, deliver 5): a crossed veto line or a raised warning is announced by
email and by WeChat template message (through the one WeChat client, against the API
stand-in), once per open problem; a problem that goes away closes its alert, and one that
comes back is announced again; the daily digest goes once a day."""

import datetime

import pytest
from django.core import mail
from django.core.cache import cache
from django.utils import timezone

from channels.wechat.models import WeChatAccount
from demo.wechat_standin import WeChatStandin
from monitoring.alerts import raise_and_close, send_daily_digest
from monitoring.models import Alert, AlertRecipient, Scan
from tests.factories import make_site

VETO = {
    "check": "M03",
    "key": "veto:M03",
    "title": "首页已 15 天未更新（单项否决：14 天）",
    "value": 15,
    "limit": 14,
}
WARNING = {
    "check": "M09",
    "key": "warning:M09",
    "title": "空白栏目 3 个，接近单项否决线（5 个）",
    "value": 3,
    "limit": 5,
}


def card(vetoes=(), warnings=()):
    return {"score": 90.0, "passed": not vetoes, "vetoes": list(vetoes), "warnings": list(warnings)}


@pytest.fixture
def sites():
    county = make_site("jia.alert.localhost", "甲县人民政府").site
    other = make_site("yi.alert.localhost", "乙县人民政府").site
    AlertRecipient.objects.create(site=county, name="甲县值班", email="a@alert.localhost")
    AlertRecipient.objects.create(name="市值班室", email="city@alert.localhost")
    AlertRecipient.objects.create(site=other, name="乙县值班", email="b@alert.localhost")
    return county, other


def test_a_problem_is_announced_once_while_it_stays_open(sites):
    county, _ = sites
    assert len(raise_and_close(county, card([VETO], [WARNING]))) == 2
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert sorted(message.to) == ["a@alert.localhost", "city@alert.localhost"]
    assert "甲县人民政府" in message.subject and "单项否决" in message.subject
    assert VETO["title"] in message.body and WARNING["title"] in message.body
    # The next scans see the same problems: nothing new is sent.
    assert raise_and_close(county, card([VETO], [WARNING])) == []
    assert len(mail.outbox) == 1
    assert Alert.objects.filter(site=county, closed_at__isnull=True, notified_at__isnull=False).count() == 2


def test_a_problem_that_goes_away_closes_and_one_that_returns_is_announced_again(sites):
    county, _ = sites
    raise_and_close(county, card([VETO]))
    raise_and_close(county, card())
    assert Alert.objects.get(site=county).closed_at is not None
    raise_and_close(county, card([VETO]))
    assert len(mail.outbox) == 2
    assert Alert.objects.filter(site=county).count() == 2


def test_a_warning_that_becomes_a_veto_is_a_new_alert(sites):
    county, _ = sites
    warning = {**VETO, "key": "warning:M03", "title": "首页已 11 天未更新"}
    raise_and_close(county, card([], [warning]))
    raise_and_close(county, card([VETO]))
    assert len(mail.outbox) == 2 and "单项否决" in mail.outbox[1].subject
    assert list(Alert.objects.filter(site=county, closed_at__isnull=True).values_list("key", flat=True)) == [
        "veto:M03"
    ]


@pytest.fixture
def wechat(settings):
    server = WeChatStandin().start()
    settings.WECHAT_API_BASE_URL = server.base_url
    settings.MONITOR_WECHAT_TEMPLATE_ID = "TPL-monitor"
    cache.clear()
    yield server
    server.stop()
    cache.clear()


def test_alerts_go_as_wechat_template_messages_through_the_sites_account(sites, wechat):
    county, _ = sites
    account = WeChatAccount.for_site(county)
    account.appid, account.name, account.enabled = "wxalert01", "甲县发布", True
    account.set_secrets(secret="s3cret")
    account.save()
    AlertRecipient.objects.create(site=county, name="分管领导", wechat_openid="OPENID-leader")
    raise_and_close(county, card([VETO]))
    (sent,) = wechat.template_messages
    assert sent["touser"] == "OPENID-leader" and sent["template_id"] == "TPL-monitor"
    assert sent["data"]["keyword1"]["value"] == VETO["title"]
    assert sent["data"]["first"]["value"] == "甲县人民政府"
    raise_and_close(county, card([VETO]))
    assert len(wechat.template_messages) == 1


def test_a_refused_template_message_does_not_stop_the_email(sites, wechat):
    county, _ = sites
    account = WeChatAccount.for_site(county)
    account.appid, account.enabled = "wxalert02", True
    account.set_secrets(secret="s3cret")
    account.save()
    AlertRecipient.objects.create(site=county, name="分管领导", wechat_openid="OPENID-leader")
    wechat.inject("message/template/send", errcode=43004, times=5)
    raise_and_close(county, card([VETO]))
    assert wechat.template_messages == []
    assert len(mail.outbox) == 1
    assert Alert.objects.get(site=county).notified_at is not None


def test_the_daily_digest_goes_once_a_day_after_its_hour_with_each_persons_sites(sites, settings):
    county, other = sites
    settings.MONITOR_DIGEST_HOUR = 8
    Scan.objects.create(site=county, status=Scan.Status.DONE, score=72.5, passed=False, result=card([VETO]))
    morning = timezone.make_aware(datetime.datetime(2026, 12, 7, 7, 30))
    assert send_daily_digest([county, other], now=morning) == 0
    later = morning + datetime.timedelta(hours=1)
    assert send_daily_digest([county, other], now=later) == 3
    by_person = {message.to[0]: message.body for message in mail.outbox}
    assert (
        "72.5 分，不合格" in by_person["a@alert.localhost"]
        and VETO["title"] in by_person["a@alert.localhost"]
    )
    assert "乙县人民政府：尚未扫描" in by_person["b@alert.localhost"]
    assert "甲县" not in by_person["b@alert.localhost"]
    assert (
        "甲县人民政府" in by_person["city@alert.localhost"]
        and "乙县人民政府" in by_person["city@alert.localhost"]
    )
    assert send_daily_digest([county, other], now=later + datetime.timedelta(hours=3)) == 0
