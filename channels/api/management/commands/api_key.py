"""Issue, list and revoke the write API keys of a site (信息报送).

    manage.py api_key issue --site www.czs.localhost --name 北湖区信息报送系统 [--publish] [--user NAME]
    manage.py api_key list [--site HOST]
    manage.py api_key revoke PREFIX

The key itself is printed once, at issue; only its SHA-256 is stored.
"""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from channels.api.models import ApiKey
from channels.api.scope import find_site


class Command(BaseCommand):
    help = "管理信息报送接口密钥：issue 签发、list 列出、revoke 吊销。"

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        issue = sub.add_parser("issue")
        issue.add_argument("--site", required=True, help="网站域名或编号")
        issue.add_argument("--name", required=True, help="报送系统名称")
        issue.add_argument("--publish", action="store_true", help="允许直接发布")
        issue.add_argument("--user", help="以该用户身份提交（用户名）")
        listing = sub.add_parser("list")
        listing.add_argument("--site")
        revoke = sub.add_parser("revoke")
        revoke.add_argument("prefix", help="密钥前缀（list 中显示）")

    def handle(self, *args, action, **options):
        getattr(self, action)(**options)

    def issue(self, site, name, publish, user, **_):
        found = find_site(site)
        if found is None:
            raise CommandError(f"网站 {site} 不存在")
        account = None
        if user:
            account = get_user_model().objects.filter(username=user).first()
            if account is None:
                raise CommandError(f"用户 {user} 不存在")
        key, raw = ApiKey.issue(site=found, name=name, can_publish=publish, user=account)
        self.stdout.write(f"已签发密钥（只显示这一次，请妥善保存）：\n{raw}")

    def list(self, site=None, **_):
        keys = ApiKey.objects.select_related("site")
        if site:
            found = find_site(site)
            if found is None:
                raise CommandError(f"网站 {site} 不存在")
            keys = keys.filter(site=found)
        for key in keys:
            state = "已吊销" if key.revoked_at else ("可发布" if key.can_publish else "仅草稿/审核")
            self.stdout.write(f"{key.prefix}…  {key.site.hostname}  {key.name}  {state}")

    def revoke(self, prefix, **_):
        keys = ApiKey.objects.active().filter(prefix=prefix.rstrip("…."))
        if keys.count() != 1:
            raise CommandError(f"没有唯一的有效密钥以 {prefix} 开头")
        key = keys.get()
        key.revoke()
        self.stdout.write(f"已吊销 {key}")
