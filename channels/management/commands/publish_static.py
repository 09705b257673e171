"""Write the published files of every live page (静态发布), e.g. after switching
STATIC_PUBLISHING on, after deploying new templates, or into a fresh PUBLISHED_ROOT after a
restore. Publishing keeps them fresh afterwards; this is the full rewrite."""

import time

from django.core.management.base import BaseCommand, CommandError
from wagtail.models import Page, Site

from channels.web import published
from channels.web.refresh import bake, bake_batch


class Command(BaseCommand):
    help = "把所有已发布页面写成静态文件（静态发布）。"

    def add_arguments(self, parser):
        parser.add_argument("--site", help="只写这个站点（主机名）的页面")
        parser.add_argument("--batch", type=int, default=200, help="每批读取的页面数")
        parser.add_argument(
            "--queue",
            action="store_true",
            help="不在本进程中写，而是按批放入后台任务队列，由所有 worker 分担",
        )

    def handle(self, *args, site=None, batch=200, queue=False, **options):
        if not published.enabled():
            raise CommandError("静态发布未开启：请先设置 STATIC_PUBLISHING=1。")
        pages = Page.objects.live().filter(depth__gt=1)
        if site:
            root = Site.objects.filter(hostname=site).select_related("root_page").first()
            if root is None:
                raise CommandError(f"没有主机名为 {site} 的站点。")
            pages = pages.descendant_of(root.root_page, inclusive=True)
        ids = list(pages.order_by("path").values_list("pk", flat=True))
        if queue:
            for start in range(0, len(ids), batch):
                bake_batch.enqueue(ids[start : start + batch])
            batches = (len(ids) + batch - 1) // batch
            self.stdout.write(f"{len(ids)} 个页面分 {batches} 批放入后台任务队列。")
            return
        started = time.monotonic()
        written = 0
        for start in range(0, len(ids), batch):
            chunk = Page.objects.filter(pk__in=ids[start : start + batch]).order_by("path").specific()
            written += len(bake(chunk))
        seconds = time.monotonic() - started
        self.stdout.write(
            f"{len(ids)} 个页面，写出 {written} 个文件，用时 {seconds:.1f} 秒"
            f"（{written / seconds if seconds else 0:.0f} 个/秒）。"
        )
