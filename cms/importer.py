"""Bulk import of items (信息) from legacy systems: one JSON object per line.

The command `manage.py import_items` is a thin shell around `ItemImporter`; a later write
API can reuse `ItemImporter.validate()` and `ItemImporter.save()` for one item at a time.
The format is documented in docs/import.md.

Guarantees:
- every line is validated on its own; a bad line is reported with its line number and
  never stops the good ones;
- each item is atomic (a savepoint per item): a line that fails leaves no trace;
- re-importing an `external_id` updates that article (a new revision, published unless
  draft) instead of creating a second one, and never moves it;
- a re-import (and any --draft import) goes through Wagtail's save_revision() and
  revision.publish(); a new published item is written straight into the state those leave
  (see ItemImporter._create_published) at a third of the queries. Either way the
  page_published signal fires and ArticlePage.save() allocates the 索引号, exactly as when
  an editor publishes.
"""

import functools
import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.text import slugify
from wagtail.log_actions import log
from wagtail.models import Page, Revision, Site
from wagtail.rich_text import RichText
from wagtail.signal_handlers import disable_reference_index_auto_update
from wagtail.signals import page_published, published
from wagtail.tasks import update_reference_index_task

from .pages import ArticleAttachment, ArticlePage, ColumnPage
from .sanitize import sanitize_html
from .snippets import Organisation, SubjectCategory
from .tree import children_path_range, mark_not_site_root, next_child_path, set_cached_parent

# Naive times in legacy exports are local times of the city.
LEGACY_TIME_ZONE = ZoneInfo("Asia/Shanghai")
MAX_BODY_BYTES = 2 * 1024 * 1024
# Lines per transaction. Committing every item costs an fsync each; a savepoint per item
# inside the chunk keeps each item atomic all the same.
DEFAULT_CHUNK_SIZE = 200

REQUIRED_FIELDS = ("external_id", "site", "column", "title", "body_html", "published_at")
OPTIONAL_FIELDS = (
    "summary",
    "source",
    "author",
    "organisation",
    "doc_number",
    "written_at",
    "category",
    "attachments",
)
# Plain text fields copied to ArticlePage as they are; their limits come from the model.
TEXT_FIELDS = ("summary", "source", "author", "doc_number")
FIELD_LABELS = {
    "external_id": "外部编号（external_id）",
    "site": "网站（site）",
    "column": "栏目（column）",
    "title": "标题（title）",
    "body_html": "正文（body_html）",
    "published_at": "发布时间（published_at）",
    "summary": "摘要（summary）",
    "source": "来源（source）",
    "author": "作者（author）",
    "organisation": "发布机构（organisation）",
    "doc_number": "发文字号（doc_number）",
    "written_at": "成文日期（written_at）",
    "category": "主题分类（category）",
    "attachments": "附件（attachments）",
}

_http_url = URLValidator(schemes=["http", "https"])


class LineError(Exception):
    """One or more problems of one input line; the message is shown to the operator."""

    def __init__(self, messages):
        self.messages = [messages] if isinstance(messages, str) else list(messages)
        super().__init__("；".join(self.messages))


@dataclass
class ImportItem:
    """A validated line, ready to be written."""

    line_no: int
    external_id: str
    site: Site
    column: ColumnPage
    title: str
    body_html: str  # already sanitised
    published_at: datetime
    text: dict  # summary, source, author, doc_number
    written_at: date | None
    organisation: Organisation | None
    category: SubjectCategory | None
    attachments: list  # [(title, url)]
    existing_id: int | None  # the ArticlePage this line updates, if any


@dataclass
class ImportReport:
    created: int = 0
    updated: int = 0
    failed: int = 0
    errors: list = field(default_factory=list)  # [(line_no, message)]
    warnings: list = field(default_factory=list)  # [(line_no, message)]


def _max_length(model, name):
    return model._meta.get_field(name).max_length


def _contains_nul(value):
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(_contains_nul(k) or _contains_nul(v) for k, v in value.items())
    if isinstance(value, list):
        return any(_contains_nul(v) for v in value)
    return False


@functools.cache
def _unchecked_fields(model):
    """Fields _create_published leaves out of clean_fields (see there); the model's fields
    do not change while the process runs, so this is worked out once."""
    return (*(f.name for f in model._meta.concrete_fields if f.is_relation), "path", "depth", "numchild")


def line_message(line_no, message):
    return f"第{line_no}行：{message}"


class ItemImporter:
    """Validates and writes items; keeps per-run caches of sites, columns and registers.

    One instance serves one run: its caches assume that sites, columns, organisations and
    categories do not change while it runs.
    """

    def __init__(self, *, draft=False, dry_run=False, user=None, chunk_size=DEFAULT_CHUNK_SIZE):
        self.draft = draft
        self.dry_run = dry_run
        self.user = user
        self.chunk_size = max(1, chunk_size)
        self._sites = {}
        self._columns = {}
        self._organisations = {}
        self._categories = {}
        self._seen_external_ids = {}
        self._last_child_paths = {}  # column id -> path of its newest child  # external_id -> first line number in this run

    # -- the whole run -------------------------------------------------------------------

    def import_lines(
        self,
        lines: Iterable,
        *,
        on_error: Callable[[int, str], None] | None = None,
        on_warning: Callable[[int, str], None] | None = None,
        on_progress: Callable[[], None] | None = None,
    ) -> ImportReport:
        """Import an iterable of lines (bytes or str, numbered from 1).

        Blank lines are skipped. Lines are written in chunks of `chunk_size` per
        transaction, each item in its own savepoint; with dry_run nothing is written.
        """
        report = ImportReport()

        def fail(line_no, exc):
            report.failed += 1
            report.errors.append((line_no, str(exc)))
            if on_error:
                on_error(line_no, str(exc))

        def warn(line_no, message):
            report.warnings.append((line_no, message))
            if on_warning:
                on_warning(line_no, message)

        chunk = []

        def flush():
            if not chunk:
                return
            if self.dry_run:
                for item in chunk:
                    self._count(report, item)
            else:
                with transaction.atomic():
                    for item in chunk:
                        try:
                            with transaction.atomic():
                                self.save(item, warn=warn)
                        except LineError as exc:
                            fail(item.line_no, exc)
                        except Exception as exc:  # noqa: BLE001 — one bad item must not stop the run
                            fail(item.line_no, LineError(f"写入失败：{exc}"))
                        else:
                            self._count(report, item)
                        if on_progress:
                            on_progress()
            chunk.clear()

        for line_no, raw in enumerate(lines, start=1):
            try:
                data = self.parse(raw, first=line_no == 1)
                if data is None:  # blank line
                    if on_progress:
                        on_progress()
                    continue
                item = self.validate(data, line_no=line_no)
            except LineError as exc:
                fail(line_no, exc)
                if on_progress:
                    on_progress()
                continue
            chunk.append(item)
            if self.dry_run and on_progress:
                on_progress()
            if len(chunk) >= self.chunk_size:
                flush()
        flush()
        report.errors.sort()
        return report

    @staticmethod
    def _count(report, item):
        if item.existing_id:
            report.updated += 1
        else:
            report.created += 1

    # -- one line ------------------------------------------------------------------------

    @staticmethod
    def parse(raw, *, first=False):
        """Decode one line into a dict; None for a blank line."""
        if isinstance(raw, bytes):
            try:
                raw = raw.decode("utf-8")
            except UnicodeDecodeError as exc:
                raise LineError(f"不是有效的UTF-8编码（第{exc.start + 1}个字节处）") from exc
        if first:
            raw = raw.removeprefix("\ufeff")
        if not raw.strip():
            return None
        try:
            data = json.loads(raw)
        except json.JSONDecodeError as exc:
            raise LineError(f"JSON格式错误（第{exc.colno}列）：{exc.msg}") from exc
        if not isinstance(data, dict):
            raise LineError("每行必须是一个JSON对象（{…}）")
        return data

    def validate(self, data, *, line_no=0):
        """Check one decoded line and resolve its references; raises LineError listing
        every problem of the line. Writes nothing."""
        errors = []
        # PostgreSQL refuses NUL in text (even in a lookup), so such a line is stopped here,
        # before any query, with the fields named.
        with_nul = sorted(
            str(name) for name, value in data.items() if _contains_nul(name) or _contains_nul(value)
        )
        if with_nul:
            raise LineError(f"字段 {'、'.join(with_nul)} 含有空字符（\\u0000），无法保存")
        unknown = sorted(set(data) - set(REQUIRED_FIELDS) - set(OPTIONAL_FIELDS))
        if unknown:
            errors.append(f"未知字段 {'、'.join(unknown)}")
        for name in REQUIRED_FIELDS:
            if data.get(name) is None:
                errors.append(f"缺少{FIELD_LABELS[name]}")

        external_id = self._external_id(data.get("external_id"), line_no, errors)
        title = self._text(data, "title", _max_length(ArticlePage, "title"), errors, required=True)
        text = {name: self._text(data, name, _max_length(ArticlePage, name), errors) for name in TEXT_FIELDS}
        body_html = self._body(data.get("body_html"), errors)
        published_at = self._datetime(data.get("published_at"), errors)
        written_at = self._date(data.get("written_at"), errors)
        site = self._site(data.get("site"), errors)
        column = self._column(site, data.get("column"), errors) if site else None
        organisation = self._organisation(data.get("organisation"), errors)
        category = self._category(data.get("category"), errors)
        attachments = self._attachments(data.get("attachments"), errors)
        if errors:
            raise LineError(errors)

        existing_id = ArticlePage.objects.filter(external_id=external_id).values_list("pk", flat=True).first()
        return ImportItem(
            line_no=line_no,
            external_id=external_id,
            site=site,
            column=column,
            title=title,
            body_html=body_html,
            published_at=published_at,
            text=text,
            written_at=written_at,
            organisation=organisation,
            category=category,
            attachments=attachments,
            existing_id=existing_id,
        )

    # -- field checks (each appends its messages to `errors`) ------------------------------

    def _external_id(self, value, line_no, errors):
        if value is None:
            return None
        if isinstance(value, int) and not isinstance(value, bool):
            value = str(value)
        if not isinstance(value, str) or not value.strip():
            errors.append(f"{FIELD_LABELS['external_id']}必须是非空字符串")
            return None
        value = value.strip()
        limit = _max_length(ArticlePage, "external_id")
        if len(value) > limit:
            errors.append(f"{FIELD_LABELS['external_id']}超过{limit}个字符（{len(value)}个）")
            return None
        first = self._seen_external_ids.setdefault(value, line_no)
        if first != line_no:
            errors.append(f"外部编号 {value} 与第{first}行重复")
        return value

    @staticmethod
    def _text(data, name, limit, errors, required=False):
        value = data.get(name)
        if value is None:
            return ""
        if not isinstance(value, str):
            errors.append(f"{FIELD_LABELS[name]}必须是字符串")
            return ""
        value = value.strip()
        if required and not value:
            errors.append(f"{FIELD_LABELS[name]}不能为空")
        if len(value) > limit:
            errors.append(f"{FIELD_LABELS[name]}超过{limit}个字符（{len(value)}个）")
        return value

    @staticmethod
    def _body(value, errors):
        if value is None:
            return ""
        if not isinstance(value, str):
            errors.append(f"{FIELD_LABELS['body_html']}必须是字符串")
            return ""
        size = len(value.encode("utf-8"))
        if size > MAX_BODY_BYTES:
            errors.append(f"{FIELD_LABELS['body_html']}超过{MAX_BODY_BYTES // (1024 * 1024)}MB（{size}字节）")
            return ""
        return sanitize_html(value)

    @staticmethod
    def _datetime(value, errors):
        if value is None:
            return None
        try:
            if not isinstance(value, str):
                raise ValueError
            parsed = datetime.fromisoformat(value.strip())
        except ValueError:
            errors.append(
                f"{FIELD_LABELS['published_at']}“{value}”不是ISO 8601时间（如 2014-03-05T09:30:00+08:00）"
            )
            return None
        if parsed.tzinfo is None:
            parsed = parsed.replace(tzinfo=LEGACY_TIME_ZONE)
        try:
            # The database stores UTC: year 1 east of UTC (or 9999-12-31 west of it) has none.
            parsed.astimezone(UTC)
        except OverflowError:
            errors.append(f"{FIELD_LABELS['published_at']}“{value}”超出可保存的范围")
            return None
        return parsed

    @staticmethod
    def _date(value, errors):
        if value is None or value == "":
            return None
        try:
            if not isinstance(value, str):
                raise ValueError
            return date.fromisoformat(value.strip())
        except ValueError:
            errors.append(f"{FIELD_LABELS['written_at']}“{value}”不是日期（如 2014-03-05）")
            return None

    def _site(self, hostname, errors):
        if hostname is None:
            return None
        if not isinstance(hostname, str) or not hostname.strip():
            errors.append(f"{FIELD_LABELS['site']}必须是网站域名")
            return None
        hostname = hostname.strip().lower()
        if hostname not in self._sites:
            host, _, port = hostname.partition(":")
            sites = Site.objects.filter(hostname=host).select_related("root_page")
            if port.isdigit():
                sites = sites.filter(port=int(port))
            self._sites[hostname] = sites.order_by("port").first()
        site = self._sites[hostname]
        if site is None:
            errors.append(f"未知网站 {hostname}")
        return site

    def _column(self, site, path, errors):
        if path is None:
            return None
        if not isinstance(path, str) or not path.strip("/ "):
            errors.append(f"{FIELD_LABELS['column']}必须是栏目路径（如 xxgk/zcwj）")
            return None
        path = path.strip("/ ")
        key = (site.pk, path)
        if key not in self._columns:
            url_path = f"{site.root_page.url_path}{path}/"
            self._columns[key] = ColumnPage.objects.filter(url_path=url_path).first()
        column = self._columns[key]
        if column is None:
            errors.append(f"网站 {site.hostname} 下没有栏目 {path}")
        return column

    def _organisation(self, value, errors):
        if value is None or value == "":
            return None
        if not isinstance(value, str):
            errors.append(f"{FIELD_LABELS['organisation']}必须是机构名称或统一社会信用代码")
            return None
        value = value.strip()
        if value not in self._organisations:
            found = list(Organisation.objects.filter(credit_code=value)[:1]) or list(
                Organisation.objects.filter(Q(name_zh_hans=value) | Q(name_en=value))[:2]
            )
            if not found:
                self._organisations[value] = f"未知发布机构 {value}"
            elif len(found) > 1:
                self._organisations[value] = f"发布机构名称 {value} 对应多个机构，请改用统一社会信用代码"
            else:
                self._organisations[value] = found[0]
        result = self._organisations[value]
        if isinstance(result, str):
            errors.append(result)
            return None
        return result

    def _category(self, value, errors):
        if value is None or value == "":
            return None
        if not isinstance(value, str):
            errors.append(f"{FIELD_LABELS['category']}必须是分类名称")
            return None
        value = value.strip()
        if value not in self._categories:
            self._categories[value] = SubjectCategory.objects.filter(name=value).first()
        category = self._categories[value]
        if category is None:
            errors.append(f"未知主题分类 {value}")
        return category

    @staticmethod
    def _attachments(value, errors):
        if value is None:
            return []
        label = FIELD_LABELS["attachments"]
        if not isinstance(value, list):
            errors.append(f"{label}必须是列表")
            return []
        title_limit = _max_length(ArticleAttachment, "title")
        url_limit = _max_length(ArticleAttachment, "url")
        result = []
        for n, entry in enumerate(value, start=1):
            if not isinstance(entry, dict):
                errors.append(f"第{n}个附件必须是包含 title 和 url 的对象")
                continue
            unknown = sorted(set(entry) - {"title", "url"})
            if unknown:
                errors.append(f"第{n}个附件有未知字段 {'、'.join(unknown)}")
            title, url = entry.get("title") or "", entry.get("url")
            if not isinstance(title, str):
                errors.append(f"第{n}个附件的名称必须是字符串")
                continue
            title = title.strip()
            if len(title) > title_limit:
                errors.append(f"第{n}个附件的名称超过{title_limit}个字符")
            if not isinstance(url, str) or not url.strip():
                errors.append(f"第{n}个附件缺少地址（url）")
                continue
            url = url.strip()
            if len(url) > url_limit:
                errors.append(f"第{n}个附件的地址超过{url_limit}个字符")
                continue
            try:
                _http_url(url)
            except ValidationError:
                errors.append(f"第{n}个附件的地址“{url}”不是有效的http(s)网址")
                continue
            result.append((title, url))
        return result

    # -- writing -------------------------------------------------------------------------

    def save(self, item: ImportItem, warn=None):
        """Create or update the article of one validated item and publish it (unless
        draft). Call inside a transaction: on error the caller's savepoint undoes it all."""
        if item.existing_id:
            page = ArticlePage.objects.get(pk=item.existing_id)
            if page.path[: -page.steplen] != item.column.path and warn:
                warn(
                    item.line_no,
                    f"外部编号 {item.external_id} 已在栏目“{page.get_parent().title}”中，已更新内容，未移动位置",
                )
        else:
            page = ArticlePage(
                external_id=item.external_id,
                slug=self._free_slug(item),
                live=False,
                has_unpublished_changes=True,
                owner=self.user,
            )
        if self.user is not None:
            self._check_permissions(item, page if item.existing_id else None)
        self._apply_fields(page, item)
        # Each of the three saves below (create, revision, publish) would queue its own
        # reference-index update; one per item, queued once the item is committed, is enough.
        with disable_reference_index_auto_update():
            if not item.existing_id and not self.draft:
                self._create_published(item.column, page)
            else:
                if not item.existing_id:
                    self._add_child(item.column, page)
                # When publishing follows, publish()'s save runs the full model validation on
                # the same content; validating the revision as well would only double the queries.
                revision = page.save_revision(user=self.user, log_action=True, clean=self.draft)
                if not self.draft:
                    revision.publish(user=self.user)
        transaction.on_commit(
            lambda: update_reference_index_task.enqueue(page._meta.app_label, page._meta.model_name, page.pk)
        )
        return page

    def _create_published(self, column, page):
        """Write a new item straight into its published state: what save_revision() followed
        by revision.publish() leave behind for a page that has never existed, in one insert
        of the page, one of its revision and one update linking them, instead of the three
        saves (with a full validation and a re-read of the revision) that those make.

        The outcome is the same for everything downstream: the page is live with
        first/last published times, its live and latest revision hold its content, the audit
        log has the create and publish entries, ArticlePage.save() issues the 索引号 and the
        column listings, and page_published / published are sent as Wagtail sends them, so
        the channels and the search index hear of it exactly as for an editor's publish.
        tests/cms/test_import.py compares the result with Wagtail's own publish.
        """
        now = timezone.now()
        page.live = True
        page.has_unpublished_changes = False
        page.first_published_at = page.last_published_at = now
        page.locale_id = column.locale_id
        # The fields' own validation runs as in publish(). Left out, because each costs a
        # query that repeats one already made: the existence of every foreign key's target
        # (validate() looked up the organisation and category; Wagtail sets the rest), the
        # sibling-slug check (_free_slug chose a free slug) and the unique checks (the
        # database's unique indexes still refuse a duplicate, which fails only this line).
        # The tree fields are _add_child's to set.
        page.clean_fields(exclude=_unchecked_fields(ArticlePage))
        mark_not_site_root(page)  # an article is never a site's root: skips a query per save
        self._add_child(column, page)
        revision = Revision.objects.create(
            content_object=page,
            base_content_type=page.get_base_content_type(),
            user=self.user,
            content=page.serializable_data(),
            object_str=str(page),
        )
        page.latest_revision = page.live_revision = revision
        page.latest_revision_created_at = revision.created_at
        Page.objects.filter(pk=page.pk).update(
            latest_revision=revision, live_revision=revision, latest_revision_created_at=revision.created_at
        )
        log(instance=page, action="wagtail.publish", user=self.user, revision=revision, content_changed=True)
        page_published.send(sender=ArticlePage, instance=page, revision=revision)
        published.send(sender=ArticlePage, instance=page, revision=revision)

    def _add_child(self, column, page):
        """treebeard's add_child for many items in a row: the column's last child path is
        remembered between items (treebeard looks it up and locks the column each time)
        and the new page is not validated a second time (validate() checked the item and
        publish() runs the model's full validation). If another writer added a child to
        the column meanwhile, the path is taken: look it up again and retry once."""
        for attempt in (1, 2):
            last = self._last_child_paths.get(column.pk)
            if last is None or attempt == 2:
                last = (
                    Page.objects.filter(path__range=children_path_range(column.path), depth=column.depth + 1)
                    .order_by("-path")
                    .values_list("path", flat=True)
                    .first()
                    or ""
                )
            page.depth = column.depth + 1
            page.path = next_child_path(column.path, last)
            set_cached_parent(page, column)  # Page.save() asks for the parent to set url_path
            try:
                with transaction.atomic():
                    page.save(clean=False)
                break
            except IntegrityError:
                if attempt == 2:
                    raise
                page.pk = page.id = page.page_ptr_id = None
                page._state.adding = True
        Page.objects.filter(pk=column.pk).update(numchild=F("numchild") + 1)
        self._last_child_paths[column.pk] = page.path

    def _check_permissions(self, item, page):
        """With a user, the import may do only what that user may do in the admin."""
        name = self.user.get_username()
        if page is None:
            tester = item.column.permissions_for_user(self.user)
            may_write, may_publish = tester.can_add_subpage(), tester.can_publish_subpage()
            where = f"栏目“{item.column.title}”"
        else:
            tester = page.permissions_for_user(self.user)
            may_write, may_publish = tester.can_edit(), tester.can_publish()
            where = f"信息“{page.title}”"
        if not may_write:
            raise LineError(f"用户 {name} 无权编辑{where}")
        if not self.draft and not may_publish:
            raise LineError(f"用户 {name} 无权发布{where}（可加 --draft 只导入为草稿）")

    @staticmethod
    def _apply_fields(page, item):
        page.title = item.title
        page.draft_title = item.title
        page.body = [("paragraph", RichText(item.body_html))] if item.body_html else []
        page.published_at = item.published_at
        for name, value in item.text.items():
            setattr(page, name, value)
        page.written_at = item.written_at
        page.organisation = item.organisation
        page.category = item.category
        page.attachments = [
            ArticleAttachment(title=title, url=url, sort_order=n)
            for n, (title, url) in enumerate(item.attachments)
        ]

    @staticmethod
    def _free_slug(item):
        """A slug from the external id (stable, and unique in practice); '-2', '-3'… when
        a sibling already uses it."""
        limit = _max_length(ArticlePage, "slug")
        base = slugify(item.external_id, allow_unicode=True)[: limit - 8] or "item"
        siblings = item.column.get_children().filter(slug__startswith=base)
        taken = set(siblings.values_list("slug", flat=True))
        slug, n = base, 1
        while slug in taken:
            n += 1
            slug = f"{base}-{n}"
        return slug
