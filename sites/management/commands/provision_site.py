"""manage.py provision_site: add a site to the cluster."""

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from sites.models import SiteKind, SiteLocale
from sites.provisioning import describe_errors, provision_site


class Command(BaseCommand):
    help = "创建（或更新）网站群中的一个网站：首页、图片文档分类、编辑/初审/终审用户组和审核流程。"

    def add_arguments(self, parser):
        parser.add_argument("--hostname", required=True, help="如 bhq.czs.localhost")
        parser.add_argument("--name", required=True, help="网站名称，如 北湖区人民政府")
        parser.add_argument("--code", required=True, help="网站标识码")
        parser.add_argument("--host-org", required=True, help="主办单位")
        parser.add_argument("--kind", default=SiteKind.COUNTY, choices=SiteKind.values)
        parser.add_argument("--locale", default=SiteLocale.ZH, choices=SiteLocale.values)
        parser.add_argument("--port", type=int, default=80)
        parser.add_argument("--icp", default="", help="ICP备案号")
        parser.add_argument("--police", default="", help="公安机关备案号")
        parser.add_argument("--theme", default="#b5121b", help="主题色 #RRGGBB")

    def handle(self, *args, **opts):
        try:
            result = provision_site(
                hostname=opts["hostname"],
                site_name=opts["name"],
                site_code=opts["code"],
                host_organisation=opts["host_org"],
                kind=opts["kind"],
                locale=opts["locale"],
                port=opts["port"],
                icp_number=opts["icp"],
                police_number=opts["police"],
                theme_colour=opts["theme"],
            )
        except ValidationError as exc:
            raise CommandError(f"网站未创建：{describe_errors(exc)}") from exc
        self.stdout.write(
            self.style.SUCCESS(
                f"网站已就绪：{result.site.site_name}（{result.site.hostname}，首页 #{result.home.pk}）"
            )
        )
