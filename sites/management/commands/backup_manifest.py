"""manage.py backup_manifest: what a backup holds, to prove a restore got all of it back.

    backup_manifest --write FILE     the manifest of this database and these folders (JSON)
    backup_manifest --compare FILE   the same, recomputed here, compared with FILE

A manifest has the row count of every concrete model, a SHA-256 of every live page's
content and a SHA-256 of every file under MEDIA_ROOT and PUBLISHED_ROOT. deploy/bin/
portal-backup writes it beside the database dump and the file archives; deploy/bin/
portal-restore compares it with the restored copy (docs/backup.md). --compare prints each
difference and exits with status 1 if there is any.
"""

import datetime
import hashlib
import json
import os
import re
import tarfile
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, transaction
from modelcluster.models import get_all_child_relations
from wagtail.models import Page, Revision

FORMAT = 1
BATCH = 500


def count_rows():
    """Rows of every concrete model of every installed app (the project's, Wagtail's,
    Django's), many-to-many tables included; proxies and unmanaged models have no table
    of their own."""
    counts = {}
    for model in apps.get_models(include_auto_created=True):
        if model._meta.proxy or not model._meta.managed:
            continue
        # _base_manager: a default manager may hide rows (drafts, expired items).
        counts[model._meta.label] = model._base_manager.count()
    return dict(sorted(counts.items()))


def _columns(row):
    """A row's stored values as Django's serialisers write them (value_to_string). Not
    modelcluster's serializable_data(): it calls pre_save(), which gives every auto_now
    field (a rectification's updated_at) the current time, so no two runs would agree."""
    return {field.name: field.value_to_string(row) for field in row._meta.concrete_fields}


def page_content(page):
    """The specific page's own columns, its child rows (attachments, guests, rectification
    items) and its many-to-many ids. Child rows and ids are sorted by primary key: without
    an ORDER BY the database returns them in storage order, which a restore may change."""
    content = _columns(page)
    for relation in get_all_child_relations(page):
        rows = [_columns(child) for child in getattr(page, relation.get_accessor_name()).all()]
        pk = relation.related_model._meta.pk.name
        content[relation.get_accessor_name()] = sorted(rows, key=lambda row: row[pk])
    for field in page._meta.many_to_many:
        content[field.name] = sorted(str(related.pk) for related in getattr(page, field.name).all())
    return content


def page_checksums():
    """page id → url_path, title and the SHA-256 of what the page shows: its stored fields
    as served (page_content) and its live revision's content. Not a rendered page: rendering adds per-request nonces and CSRF
    tokens, and depends on templates rather than on the data that was backed up."""
    ids = list(Page.objects.live().filter(depth__gt=1).order_by("path").values_list("pk", flat=True))
    pages = {}
    for start in range(0, len(ids), BATCH):
        chunk = list(Page.objects.filter(pk__in=ids[start : start + BATCH]).order_by("path").specific())
        revisions = dict(
            Revision.objects.filter(
                pk__in=[p.live_revision_id for p in chunk if p.live_revision_id]
            ).values_list("pk", "content")
        )
        for page in chunk:
            shown = {
                "url_path": page.url_path,
                "page": page_content(page),
                "live_revision": revisions.get(page.live_revision_id),
            }
            text = json.dumps(shown, cls=DjangoJSONEncoder, sort_keys=True, ensure_ascii=False)
            pages[str(page.pk)] = {
                "url_path": page.url_path,
                "title": page.title,
                "sha256": hashlib.sha256(text.encode("utf-8")).hexdigest(),
            }
    return pages


def file_digests(path):
    """relative path → SHA-256 of every regular file under the folder `path`, or in the tar
    archive `path` (portal-backup hashes its archives, so the manifest describes exactly
    what was backed up even while uploads go on). None when the path does not exist."""
    path = Path(path)
    digests = {}
    if path.is_file():
        with tarfile.open(path) as archive:
            for member in archive:
                if member.isfile():
                    name = os.path.normpath(member.name).replace(os.sep, "/")
                    digests[name] = hashlib.file_digest(archive.extractfile(member), "sha256").hexdigest()
    elif path.is_dir():
        for folder, _dirs, files in os.walk(path):
            for filename in files:
                full = Path(folder, filename)
                # Symbolic links are not regular files: tar keeps them as links, not content.
                if full.is_symlink() or not full.is_file():
                    continue
                with full.open("rb") as handle:
                    digests[full.relative_to(path).as_posix()] = hashlib.file_digest(
                        handle, "sha256"
                    ).hexdigest()
    else:
        return None
    return dict(sorted(digests.items()))


def use_snapshot(snapshot):
    """Read the database as of a snapshot exported by another session (pg_export_snapshot):
    portal-backup runs pg_dump in the same one, so the dump and the counts agree even while
    visitors write sessions and letters."""
    if connection.vendor != "postgresql":
        raise CommandError("--snapshot 只适用于 PostgreSQL。")
    if not re.fullmatch(r"[0-9A-Fa-f]+-[0-9A-Fa-f]+(-[0-9]+)?", snapshot):
        raise CommandError(f"快照标识格式不对：{snapshot}")
    with connection.cursor() as cursor:
        cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
        cursor.execute("SET TRANSACTION SNAPSHOT %s", [snapshot])


def differences(saved, current):
    """Plain lines, one per difference between two manifests."""
    lines = []
    for label in sorted(saved["counts"].keys() | current["counts"].keys()):
        before, after = saved["counts"].get(label), current["counts"].get(label)
        if before != after:
            before = "无此模型" if before is None else before
            after = "无此模型" if after is None else after
            lines.append(f"计数不同 {label}: 备份 {before}，恢复后 {after}")
    for pk in sorted(saved["pages"].keys() | current["pages"].keys(), key=int):
        before, after = saved["pages"].get(pk), current["pages"].get(pk)
        page = before or after  # named as backed up
        name = f"#{pk} {page['url_path']}（{page['title']}）"
        if after is None:
            lines.append(f"页面缺失 {name}")
        elif before is None:
            lines.append(f"页面多出 {name}")
        elif before["sha256"] != after["sha256"]:
            lines.append(f"页面内容不同 {name}")
    for area in ("media", "published"):
        before, after = saved["files"].get(area), current["files"].get(area) or {}
        if before is None:
            continue  # the backup had no such folder: nothing to compare
        for name in sorted(before.keys() | after.keys()):
            if name not in after:
                lines.append(f"文件缺失 {area}/{name}")
            elif name not in before:
                lines.append(f"文件多出 {area}/{name}")
            elif before[name] != after[name]:
                lines.append(f"文件内容不同 {area}/{name}")
    return lines


def summary(manifest):
    files = sum(len(found or {}) for found in manifest["files"].values())
    return f"{len(manifest['counts'])} 个模型计数，{len(manifest['pages'])} 个页面校验和，{files} 个文件"


class Command(BaseCommand):
    # A backup must not stop on a system check's warning (it has nothing to do with it).
    requires_system_checks = []
    help = "写出或核对备份清单：各模型行数、已发布页面的校验和、媒体文件和静态发布文件的校验和。"

    def add_arguments(self, parser):
        mode = parser.add_mutually_exclusive_group(required=True)
        mode.add_argument("--write", metavar="FILE", help="把当前数据库和目录的清单写入 FILE（JSON）")
        mode.add_argument("--compare", metavar="FILE", help="与 FILE 中的清单核对，有不同时退出码为 1")
        parser.add_argument("--media", help="媒体文件目录或其 tar 包（默认 MEDIA_ROOT）")
        parser.add_argument("--published", help="静态发布目录或其 tar 包（默认 PUBLISHED_ROOT）")
        parser.add_argument(
            "--snapshot", help="PostgreSQL 导出的快照标识（pg_export_snapshot），只用于 --write"
        )

    def handle(self, *args, write=None, compare=None, media=None, published=None, snapshot=None, **options):
        if snapshot and not write:
            raise CommandError("--snapshot 只用于 --write。")
        folders = {
            "media": media or settings.MEDIA_ROOT,
            # getattr: settings written before static publishing have no PUBLISHED_ROOT.
            "published": published
            or getattr(settings, "PUBLISHED_ROOT", Path(settings.BASE_DIR) / "var" / "published"),
        }
        with transaction.atomic():
            if snapshot:
                use_snapshot(snapshot)
            manifest = {
                "format": FORMAT,
                "created_at": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
                "counts": count_rows(),
                "pages": page_checksums(),
                "files": {area: file_digests(path) for area, path in folders.items()},
            }
        if write:
            Path(write).write_text(
                json.dumps(manifest, ensure_ascii=False, indent=1) + "\n", encoding="utf-8"
            )
            for area, path in folders.items():
                if manifest["files"][area] is None:
                    self.stdout.write(f"{path} 不存在，清单中没有 {area} 文件。")
            self.stdout.write(f"清单已写入 {write}：{summary(manifest)}")
            return

        try:
            saved = json.loads(Path(compare).read_text(encoding="utf-8"))
        except (OSError, ValueError) as error:
            raise CommandError(f"无法读取清单 {compare}：{error}") from error
        if saved.get("format") != FORMAT:
            raise CommandError(f"{compare} 不是第 {FORMAT} 版的备份清单。")
        for area in ("media", "published"):
            if saved["files"].get(area) is None:
                self.stdout.write(f"备份中没有 {area} 文件，不核对 {folders[area]}。")
        lines = differences(saved, manifest)
        for line in lines:
            self.stdout.write(line)
        if lines:
            raise CommandError(f"不一致：{len(lines)} 处不同（清单 {compare}）。", returncode=1)
        self.stdout.write(f"一致：{summary(saved)}")
