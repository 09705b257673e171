"""Run the Weibo API stand-in (demo/weibo_standin.py) so the demo posts to "Weibo" end to
end: point WEIBO_API_BASE_URL (and WEIBO_WEB_BASE_URL, for the 查看 links) at the printed
address."""

from django.core.management.base import BaseCommand

from demo.weibo_standin import WeiboStandin


class Command(BaseCommand):
    help = "运行微博接口模拟服务（演示与测试用）"

    def add_arguments(self, parser):
        parser.add_argument("--port", type=int, default=8766)
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument(
            "--safe-domain",
            action="append",
            dest="safe_domains",
            help="微博应用的安全域名（可重复）；不指定则接受任何网址的链接",
        )

    def handle(self, *args, host, port, safe_domains, **options):
        standin = WeiboStandin(host, port, safe_domains=safe_domains)
        self.stdout.write(
            f"Weibo stand-in on {standin.base_url} "
            f"(WEIBO_API_BASE_URL={standin.base_url}, WEIBO_WEB_BASE_URL={standin.base_url})"
        )
        try:
            standin.serve_forever()
        except KeyboardInterrupt:
            pass
