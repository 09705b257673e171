"""Alerts as WeChat template messages (消息模板) through the one WeChat client module:
sent by the alerted site's own Official Account when it has one configured, otherwise by
the cluster's default site's account, with MONITOR_WECHAT_TEMPLATE_ID. A failure is logged
and the email still carries the alert."""

import logging

from django.conf import settings
from django.utils import timezone
from wagtail.models import Site

from channels.wechat.client import WeChatAPIError
from channels.wechat.models import WeChatAccount
from channels.wechat.publish import client_for

logger = logging.getLogger(__name__)


def sending_account(site):
    for candidate in (site, Site.objects.filter(is_default_site=True).first()):
        if candidate is None:
            continue
        account = WeChatAccount.for_site(candidate)
        if account.is_configured:
            return account
    return None


def send_template(site, openids, alert):
    """Send `alert` to each openid; returns how many WeChat accepted."""
    account = sending_account(site)
    if account is None:
        logger.warning("no WeChat account to send monitor alerts for %s", site)
        return 0
    client = client_for(account, max_attempts=2)
    sent = 0
    for openid in openids:
        data = {
            "touser": openid,
            "template_id": settings.MONITOR_WECHAT_TEMPLATE_ID,
            "data": {
                "first": {"value": site.site_name},
                "keyword1": {"value": alert.title},
                "keyword2": {"value": timezone.localtime(alert.opened_at).strftime("%Y-%m-%d %H:%M")},
                "remark": {"value": "单项否决" if alert.level == "veto" else "预警"},
            },
        }
        try:
            client.post_json("message/template/send", data, idempotent=False)
            sent += 1
        except WeChatAPIError:
            logger.exception("monitor alert template message to %s failed", openid)
    return sent
