"""manage.py load_demo: build the Chenzhou demo cluster (idempotent)."""

import time

from django.conf import settings
from django.core.management.base import BaseCommand
from wagtail.images import get_image_model
from wagtail.models import Site

from cms.pages import ArticlePage
from demo.cluster import DEMO_PASSWORD, load_demo


class Command(BaseCommand):
    help = "创建郴州演示网站群（中文门户、英文门户、北湖区、资兴市、市电子政务信息中心）；可重复运行，已有内容不会重复创建。"

    def handle(self, *args, **options):
        started = time.perf_counter()
        report = load_demo()
        elapsed = time.perf_counter() - started
        if report.anything_created:
            made = "，".join(f"{kind} {n}" for kind, n in report.created.items() if n)
            self.stdout.write(self.style.SUCCESS(f"演示网站群已创建（{elapsed:.1f} 秒）：新建 {made}。"))
        else:
            self.stdout.write(f"演示网站群已存在，未作改动（{elapsed:.1f} 秒）。")
        for site in Site.objects.select_related("root_page").order_by("-is_default_site", "hostname"):
            articles = ArticlePage.objects.live().descendant_of(site.root_page).count()
            self.stdout.write(f"  {site.root_url}/  {site.site_name}（信息 {articles} 条）")
        self.stdout.write(f"  图片 {get_image_model().objects.count()} 张；管理后台 /admin/")
        if report.accounts:
            self.stdout.write(f"演示账号（仅开发环境，密码均为 {DEMO_PASSWORD}）：")
            for username, label in report.accounts:
                self.stdout.write(f"  {username:<14} {label}")
        elif not getattr(settings, "DEMO_ACCOUNTS_ENABLED", False):
            self.stdout.write("未创建演示账号（DEMO_ACCOUNTS_ENABLED 未开启）。")
