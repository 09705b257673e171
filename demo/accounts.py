"""What the demo-account commands (wechat_demo_account, weibo_demo_account) share: the
demo site they connect to a stand-in, in development only."""

from django.conf import settings
from django.core.management.base import CommandError
from wagtail.models import Site


def demo_site(hostname):
    """The site named `hostname`; CommandError outside development (DEMO_ACCOUNTS_ENABLED
    off) or before `load_demo` made it."""
    if not getattr(settings, "DEMO_ACCOUNTS_ENABLED", False):
        raise CommandError("仅开发环境可用：DEMO_ACCOUNTS_ENABLED 未开启。")
    site = Site.objects.filter(hostname=hostname).first()
    if site is None:
        raise CommandError(f"未知网站：{hostname}（请先运行 load_demo）")
    return site
