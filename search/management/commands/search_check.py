"""Report drift between the live pages, the search entries, the backend index and the
index statistics (TermCount); exit non-zero when there is any, and with --fix reindex what
drifted and recount the statistics."""

from django.core.management.base import BaseCommand, CommandError
from wagtail.models import Page

from search import indexing
from search.analysis import LANGUAGES
from search.backends import get_backend
from search.models import IndexEntry


def find_drift(backend=None):
    backend = backend or get_backend()
    live = dict(
        Page.objects.filter(pk__in=list(indexing.indexable_pages())).values_list("pk", "last_published_at")
    )
    entries = dict(IndexEntry.objects.values_list("pk", "page_published_at"))
    in_backend = set()
    for language in LANGUAGES:
        in_backend |= backend.indexed_ids(language)
    restricted = indexing._restricted_paths()
    private = set()
    if restricted:
        for pk, path in Page.objects.filter(pk__in=list(live)).values_list("pk", "path"):
            if any(path.startswith(r) for r in restricted):
                private.add(pk)
    public = {pk: ts for pk, ts in live.items() if pk not in private}
    return {
        "missing": sorted(set(public) - set(entries)),
        "stale": sorted(pk for pk in set(public) & set(entries) if public[pk] != entries[pk]),
        "orphaned": sorted(set(entries) - set(public)),
        "not_in_backend": sorted(set(entries) - in_backend),
        "only_in_backend": sorted(in_backend - set(entries)),
        "statistics": indexing.statistics_drift(),
    }


LABELS = {
    "missing": "已发布但未索引",
    "stale": "索引内容早于最近一次发布",
    "orphaned": "已删除或已下线但仍在索引中",
    "not_in_backend": "检索文档未写入检索引擎",
    "only_in_backend": "检索引擎中多余的条目",
    "statistics": "词频统计与检索文档不符的词条",
}


class Command(BaseCommand):
    help = "检查站内搜索索引与数据库是否一致。"

    def add_arguments(self, parser):
        parser.add_argument("--fix", action="store_true", help="重新索引不一致的页面")

    def handle(self, *args, **options):
        backend = get_backend()
        drift = find_drift(backend)
        total = sum(len(v) for v in drift.values())
        for key, found in drift.items():
            if key == "statistics":
                shown = "、".join(f"{k[1] or '（页面数）'}" for k in found[:20])
                detail = f"（{shown}{' …' if len(found) > 20 else ''}）"
            else:
                detail = (
                    "（页面编号 "
                    + ", ".join(str(i) for i in found[:20])
                    + (" …" if len(found) > 20 else "")
                    + "）"
                )
            self.stdout.write(f"{LABELS[key]}：{len(found)}" + (detail if found else ""))
        if not total:
            self.stdout.write("索引与数据库一致。")
            return
        if options["fix"]:
            indexing.index_pages(drift["missing"] + drift["stale"] + drift["not_in_backend"], backend=backend)
            indexing.remove_pages(drift["orphaned"], backend=backend)
            backend.delete(drift["only_in_backend"])
            # Reindexing moves counts correctly, so only counts already wrong need a recount.
            if drift["statistics"]:
                indexing.rebuild_statistics()
            self.stdout.write(f"已修复 {total} 处不一致。")
            return
        raise CommandError(f"发现 {total} 处索引与数据库不一致；运行 search_check --fix 修复。")
