"""Run the WeChat API stand-in (demo/wechat_standin.py) so the demo publishes to
"WeChat" end to end: point WECHAT_API_BASE_URL at the printed address."""

from django.core.management.base import BaseCommand

from demo.wechat_standin import WeChatStandin


class Command(BaseCommand):
    help = "运行微信接口模拟服务（演示与测试用）"

    def add_arguments(self, parser):
        parser.add_argument("--port", type=int, default=8765)
        parser.add_argument("--host", default="127.0.0.1")

    def handle(self, *args, host, port, **options):
        standin = WeChatStandin(host, port)
        self.stdout.write(f"WeChat stand-in on {standin.base_url} (WECHAT_API_BASE_URL={standin.base_url})")
        try:
            standin.serve_forever()
        except KeyboardInterrupt:
            pass
