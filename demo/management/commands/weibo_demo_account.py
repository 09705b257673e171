"""manage.py weibo_demo_account: connect the demo portal to the Weibo stand-in.

Dev only (refuses unless settings.DEMO_ACCOUNTS_ENABLED): gives the www site a Weibo account
whose token the stand-in accepts, and adds the microblog channel to its 工作动态 column, so
`make serve` posts that column's news end to end to "Weibo" (the stand-in started beside
it) without any real credentials. Running it again changes nothing.
"""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from channels.weibo.models import WeiboAccount
from channels.weibo.rules import WEIBO
from cms.pages import ColumnPage
from demo.accounts import demo_site

DEMO_UID = "5800000001"
DEMO_COLUMN_SLUG = "gzdt"


class Command(BaseCommand):
    help = (
        "为演示网站配置政务微博账号，并让“工作动态”栏目发布到微博（仅开发环境，连接本机的微博接口模拟服务）。"
    )

    def add_arguments(self, parser):
        parser.add_argument("--site", default="www.czs.localhost", help="网站域名")
        parser.add_argument("--column", default=DEMO_COLUMN_SLUG, help="发布到微博的栏目（slug）")

    def handle(self, *args, **options):
        site = demo_site(options["site"])
        account = WeiboAccount.for_site(site)
        if account.is_configured:
            self.stdout.write(f"政务微博账号已配置：{account.uid}")
        else:
            account.uid, account.name, account.enabled = DEMO_UID, "郴州发布（演示）", True
            account.set_access_token("demo-weibo-token")  # noqa: S106 - the stand-in's, not a secret
            account.save()
            self.stdout.write(f"政务微博账号已配置：{account.uid}（{settings.WEIBO_API_BASE_URL}）")
        column = ColumnPage.objects.descendant_of(site.root_page).filter(slug=options["column"]).first()
        if column is None:
            raise CommandError(f"网站 {site.hostname} 没有栏目 {options['column']}")
        if WEIBO in column.channels:
            self.stdout.write(f"栏目“{column.title}”已发布到政务微博")
            return
        column.channels = [*column.channels, WEIBO]
        # A new revision, so the column's next edit in the admin keeps the channel.
        column.save_revision().publish()
        self.stdout.write(f"栏目“{column.title}”已加入政务微博渠道：此后发布的信息会发到微博模拟服务")
