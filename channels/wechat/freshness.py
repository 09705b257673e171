"""The WeChat account's last post, for the monitor's new-media freshness check (M24),
named in MONITOR_NEW_MEDIA_SOURCES so the monitor names no channel. A post is an article
the platform published to the account (freepublish finished) or a mass send; posts made
in WeChat's own backend, outside the platform, are not seen here (docs/monitoring.md)."""

from django.db.models import Max

from .models import WeChatAccount, WeChatArticle, WeChatMassSend


def accounts(site, today=None):
    """[{name, kind, last_post}] of the site's enabled WeChat account (none if disabled)."""
    account = WeChatAccount.for_site(site)
    if not account.enabled or not account.appid:
        return []
    published = (
        WeChatArticle.objects.filter(account=account, withdrawn_at__isnull=True)
        .exclude(article_id="")
        .aggregate(last=Max("submitted_at"))["last"]
    )
    mass_sent = WeChatMassSend.objects.filter(account=account, status=WeChatMassSend.Status.SENT).aggregate(
        last=Max("sent_at")
    )["last"]
    posts = [moment for moment in (published, mass_sent) if moment]
    return [
        {
            "name": account.name or account.appid,
            "kind": "wechat",
            "label": "微信公众号",
            "last_post": max(posts) if posts else None,
        }
    ]
