"""manage.py wechat_demo_account: connect the demo portal to the WeChat stand-in.

Dev only (refuses unless settings.DEMO_ACCOUNTS_ENABLED): gives the www site a WeChat
account whose secrets the stand-in accepts, so `make serve` publishes news end to end to
"WeChat" (the stand-in started beside it) without any real credentials.
"""

from django.conf import settings
from django.core.management.base import BaseCommand

from channels.wechat.models import WeChatAccount
from demo.accounts import demo_site

DEMO_APPID = "wxczsdemo0000001"


class Command(BaseCommand):
    help = "为演示网站配置微信公众号（仅开发环境，连接本机的微信接口模拟服务）。"

    def add_arguments(self, parser):
        parser.add_argument("--site", default="www.czs.localhost", help="网站域名")

    def handle(self, *args, **options):
        site = demo_site(options["site"])
        account = WeChatAccount.for_site(site)
        if account.is_configured:
            self.stdout.write(f"微信公众号已配置：{account.appid}")
            return
        account.appid, account.name, account.enabled = DEMO_APPID, f"{site.site_name}（演示）", True
        account.set_secrets(secret="demo-secret", token="demo-token", aes_key="a" * 43)  # noqa: S106
        account.save()
        self.stdout.write(f"微信公众号已配置：{account.appid}（{settings.WECHAT_API_BASE_URL}）")
