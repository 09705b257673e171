"""The microblog account's last post, for the monitor's new-media freshness check (M24),
named in MONITOR_NEW_MEDIA_SOURCES so the monitor names no channel. A post is one the
platform made to the account and has not deleted since; posts made in Weibo itself,
outside the platform, are not seen here (docs/weibo.md)."""

from django.db.models import Max

from .models import WeiboAccount, WeiboPost


def accounts(site, today=None):
    """[{name, kind, label, last_post}] of the site's enabled Weibo account (none if it is
    disabled or has no UID)."""
    account = WeiboAccount.for_site(site)
    if not account.enabled or not account.uid:
        return []
    last = (
        WeiboPost.objects.filter(account=account, withdrawn_at__isnull=True)
        .exclude(status_id="")
        .aggregate(last=Max("posted_at"))["last"]
    )
    return [{"name": account.name or account.uid, "kind": "weibo", "label": "政务微博", "last_post": last}]
