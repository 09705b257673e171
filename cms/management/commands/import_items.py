"""manage.py import_items FILE.jsonl: bulk import of items from a legacy system.

The format, the errors and the exit status are documented in docs/import.md; the work is
done by cms.importer.ItemImporter.
"""

import sys

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from cms.importer import DEFAULT_CHUNK_SIZE, ItemImporter, line_message


def count_lines(path):
    with open(path, "rb") as f:
        return sum(1 for _ in f)


class Command(BaseCommand):
    help = "从JSON Lines文件批量导入信息（每行一个JSON对象）；格式见 docs/import.md。"

    def add_arguments(self, parser):
        parser.add_argument("file", help="JSON Lines 文件（UTF-8，每行一个对象）")
        parser.add_argument("--draft", action="store_true", help="只保存为草稿，不发布")
        parser.add_argument("--dry-run", action="store_true", help="只检查并报告，不写入任何数据")
        parser.add_argument("--user", help="记为修订和操作日志的用户名（默认：系统）")
        parser.add_argument(
            "--chunk-size",
            type=int,
            default=DEFAULT_CHUNK_SIZE,
            help=f"每个数据库事务包含的行数（默认 {DEFAULT_CHUNK_SIZE}）；每条信息仍各自原子写入",
        )
        parser.add_argument("--no-progress", action="store_true", help="不显示进度条")

    def handle(self, *args, file, draft, dry_run, user, chunk_size, no_progress, **options):
        # The raw stream, not self.stderr: its OutputWrapper appends a newline to every
        # write, which breaks the progress bar's carriage returns.
        err_stream = options.get("stderr") or sys.stderr
        user_obj = None
        if user:
            user_obj = get_user_model().objects.filter(username=user).first()
            if user_obj is None:
                raise CommandError(f"未知用户 {user}", returncode=2)
        try:
            total = count_lines(file)
            handle = open(file, "rb")  # noqa: SIM115 — closed in the finally below
        except OSError as exc:
            raise CommandError(f"无法读取文件 {file}：{exc.strerror}", returncode=2) from exc

        importer = ItemImporter(draft=draft, dry_run=dry_run, user=user_obj, chunk_size=chunk_size)
        bar = tqdm(
            total=total,
            unit="行",
            file=err_stream,
            disable=True if no_progress else None,  # None: only when stderr is a terminal
            desc="检查" if dry_run else "导入",
            dynamic_ncols=True,
        )

        def on_error(line_no, message):
            tqdm.write(self.style.ERROR(line_message(line_no, message)), file=err_stream)

        def on_warning(line_no, message):
            tqdm.write(self.style.WARNING(line_message(line_no, message)), file=err_stream)

        try:
            report = importer.import_lines(
                handle, on_error=on_error, on_warning=on_warning, on_progress=lambda: bar.update(1)
            )
        finally:
            bar.close()
            handle.close()

        if dry_run:
            summary = f"试运行（未写入任何数据）：将新建 {report.created} 条，将更新 {report.updated} 条，失败 {report.failed} 条。"
        else:
            state = "草稿" if draft else "已发布"
            summary = f"导入完成（{state}）：新建 {report.created} 条，更新 {report.updated} 条，失败 {report.failed} 条。"
        self.stdout.write(summary)
        if report.failed:
            raise CommandError(f"有 {report.failed} 行未能导入，详见上面的错误信息。", returncode=1)
