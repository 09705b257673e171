"""Rebuild the public search index from the live pages, for the cluster or one site."""

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from tqdm import tqdm
from wagtail.models import Site

from search import indexing
from search.analysis import LANGUAGES
from search.backends import get_backend
from search.models import IndexEntry

BATCH = 200


def find_site(value):
    site = Site.objects.filter(hostname=value).first()
    if site is None and str(value).isdigit():
        site = Site.objects.filter(pk=int(value)).first()
    if site is None:
        raise CommandError(f"找不到网站“{value}”：请填写网站的主机名或编号。")
    return site


class Command(BaseCommand):
    help = "重建站内搜索索引（全部网站，或用 --site 指定一个网站）。"

    def add_arguments(self, parser):
        parser.add_argument("--site", help="只重建此网站（主机名或编号）")
        parser.add_argument("--no-progress", action="store_true", help="不显示进度条")
        parser.add_argument(
            "--in-place",
            action="store_true",
            help="逐批替换现有索引（重建期间检索照常可用，但较慢）；默认清空后批量重建",
        )

    def handle(self, *args, **options):
        site = find_site(options["site"]) if options["site"] else None
        backend = get_backend()
        ids = list(indexing.indexable_pages(site))
        if site is None:
            for language in LANGUAGES:
                backend.begin_rebuild(language)
            # Entries of pages that no longer exist or are no longer public go too.
            stale = list(IndexEntry.objects.exclude(pk__in=ids).values_list("pk", flat=True))
        else:
            stale = list(
                IndexEntry.objects.filter(site_id=site.pk).exclude(pk__in=ids).values_list("pk", flat=True)
            )
        if stale:
            indexing.remove_pages(stale, backend=backend)
        sitemap = indexing.SiteMap()
        indexed = 0
        with tqdm(total=len(ids), unit="页", disable=options["no_progress"], file=self.stderr) as bar:
            if site is None and not options["in_place"]:
                # The whole cluster: a bulk load into the emptied index (indexing.Rebuild).
                with indexing.Rebuild(backend=backend, sitemap=sitemap) as rebuild:
                    for start in range(0, len(ids), rebuild.BATCH):
                        batch = ids[start : start + rebuild.BATCH]
                        rebuild.add(batch)
                        bar.update(len(batch))
                # The last batch is written on leaving the block.
                indexed = rebuild.indexed
            else:
                for start in range(0, len(ids), BATCH):
                    batch = ids[start : start + BATCH]
                    with transaction.atomic():
                        indexed += indexing.index_pages(batch, sitemap=sitemap, backend=backend)
                    bar.update(len(batch))
        if site is None:
            for language in LANGUAGES:
                backend.end_rebuild(language)
        self.stdout.write(f"已索引 {indexed} 个页面，移除 {len(stale)} 个过期条目。")
