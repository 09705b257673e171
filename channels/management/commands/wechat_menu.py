"""`manage.py wechat_menu --site <hostname>`: build the site's Official Account menu from
its columns and push it with menu/create (`--dry-run` prints it only)."""

import json

from django.core.management.base import BaseCommand, CommandError
from wagtail.models import Site

from channels.wechat.menu import MenuError, build_menu, push_menu


class Command(BaseCommand):
    help = "Build a site's WeChat menu from its columns and push it to the Official Account."

    def add_arguments(self, parser):
        parser.add_argument("--site", required=True, help="the site's hostname")
        parser.add_argument("--dry-run", action="store_true", help="print the menu, send nothing")

    def handle(self, *args, site, dry_run, **options):
        found = Site.objects.filter(hostname=site).first()
        if found is None:
            raise CommandError(f"没有主机名为 {site} 的站点。")
        if dry_run:
            menu = build_menu(found)
        else:
            try:
                menu = push_menu(found)
            except MenuError as exc:
                raise CommandError(exc.reason) from exc
        self.stdout.write(json.dumps(menu, ensure_ascii=False, indent=2))
        if not dry_run:
            self.stdout.write(self.style.SUCCESS(f"菜单已推送到 {site} 的公众号。"))
