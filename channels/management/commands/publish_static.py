"""Write the published files of every live page (静态发布), e.g. after switching
STATIC_PUBLISHING on, after deploying new templates, or into a fresh PUBLISHED_ROOT after a
restore. Publishing keeps them fresh afterwards; this is the full rewrite."""

import time

from django.core.management.base import BaseCommand, CommandError
from wagtail.models import Page, Site

from channels.web import chrome, published
from channels.web.refresh import bake, queue_batches, site_page_ids
from sites import resolution


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
        sites = Site.objects.select_related("root_page").order_by("pk")
        if site:
            sites = sites.filter(hostname=site)
        sites = list(sites)
        if site and not sites:
            raise CommandError(f"没有主机名为 {site} 的站点。")
        # The files show the sites as the database holds them now, also when a row changed
        # outside the application (a restore, a repair in SQL): no process renders them
        # from a site it remembers (sites/resolution.py).
        resolution.move_on()
        ids = []
        for each in sites:
            # The files about to be written show the chrome of this moment: a later change
            # is the clock's to find (channels/web/chrome.py).
            chrome.record(each)
            ids += site_page_ids(each.root_page)
        ids = list(dict.fromkeys(ids))  # a site whose root stands inside another site's tree
        if queue:
            batches = queue_batches(ids, batch)
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
