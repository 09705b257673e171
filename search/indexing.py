"""From pages to index entries: text extraction, analysis, the vocabulary and the backend.

Used by the background tasks (publish, unpublish, move, delete) and by search_reindex.
Every function takes page ids and reads the current state of the database, so a task that
runs late or twice still leaves the index right.
"""

import functools
import multiprocessing
import os
from collections import Counter, defaultdict
from concurrent.futures import ProcessPoolExecutor

from django.apps import apps
from django.db import connection, transaction
from django.utils import translation
from pypinyin import lazy_pinyin
from wagtail.models import Page, PageViewRestriction, Site

from cms.items import item_key_of, item_types
from cms.listing import column_ids_of

from .analysis import MAX_TOKEN_LENGTH, ZH, analyse
from .backends import get_backend
from .backends.sql import copy_rows, insert_rows
from .language import analysis_language, to_django
from .models import IndexEntry, IndexEntryColumn, TermCount, VocabularyTerm
from .ranking import impacts

MAX_TEXT = 20_000


def type_labels(language):
    """{item key: its label} of every searchable item type in an analysis language (ZH, EN)."""
    with translation.override(to_django(language)):
        return {key: str(model.item_label) for key, model in item_types().items()}


class SiteMap:
    """Sites by root path, so a batch of pages finds its sites without a query each."""

    def __init__(self):
        self.sites = []
        for site in Site.objects.select_related("root_page"):
            language = analysis_language(site)
            self.sites.append((site.root_page.path, site.root_page.url_path, site, language))
        self.sites.sort(key=lambda s: -len(s[0]))

    def find(self, page):
        for path, url_path, site, language in self.sites:
            if page.path.startswith(path):
                return site, url_path, language
        return None, None, None


def page_text(page):
    """Plain text of a page (its item type's search document, cut at MAX_TEXT) and its
    metadata words."""
    document = page.search_document()
    parts = [*document.parts, page.search_description]
    text = "\n".join(p for p in parts if p)[:MAX_TEXT]
    return text, " ".join(m for m in document.meta if m)


def build_entry(page, sitemap, column_ids=()):
    """An unsaved IndexEntry for a live public page, or None if it must not be indexed."""
    draft = draft_entry(page, sitemap, column_ids)
    return draft and analysed(draft, analyse_document(*draft[1]))


def draft_entry(page, sitemap, column_ids=()):
    """(IndexEntry without its tokens, (language, title, body) to analyse) for a live
    public page, or None if it must not be indexed."""
    ctype = item_key_of(page)
    if ctype is None or not page.live:
        return None
    site, root_url_path, language = sitemap.find(page)
    if site is None:
        return None
    text, meta = page_text(page)
    relative = page.url_path[len(root_url_path) :]
    published = page.item_moment()
    filters = page.search_filters()
    entry = IndexEntry(
        page_id=page.pk,
        language=language,
        site_id=site.pk,
        content_type=ctype,
        organisation_id=filters["organisation_id"],
        validity=filters["validity"],
        index_number=(filters.get("index_number") or "").strip().upper()[:64],
        published_at=published,
        page_published_at=page.last_published_at,
        title=page.title[:255],
        url=f"{site.root_url}/{relative}",
        text=text,
    )
    entry.column_ids = list(column_ids)
    return entry, (language, page.title, f"{text}\n{meta}")


def analyse_document(language, title, body):
    """(title tokens, body tokens, {term: impact}) of a page's title and body text. A
    plain function of strings: the bulk rebuild runs it in a worker process."""
    title_tokens = analyse(title, language)
    body_tokens = analyse(body, language)
    return " ".join(title_tokens), " ".join(body_tokens), impacts(title_tokens, body_tokens)


def analysed(draft, analysis):
    """The draft's entry with its tokens and impacts (the postings' weights, which the
    backends write) filled in."""
    entry = draft[0]
    entry.title_tokens, entry.body_tokens, entry.impacts = analysis
    return entry


# What _counted_keys reads of an entry.
_COUNTED_FIELDS = ("language", "site_id", "content_type", "title_tokens", "body_tokens")


def _counted_keys(entry):
    """The TermCount keys a page adds: (language, term, site, type) for each of its distinct
    terms, and the empty term for the page itself."""
    if entry is None:
        return set()
    tokens = set(entry.title_tokens.split()) | set(entry.body_tokens.split())
    tokens.add("")
    # Cut as analysis cuts them now: an entry written before the cap must still find its
    # keys when it is replaced.
    return {(entry.language, t[:MAX_TOKEN_LENGTH], entry.site_id or 0, entry.content_type) for t in tokens}


COUNT_KEYS = ("language", "term", "site_id", "content_type")


def recount_statistics():
    """{TermCount key: pages} as the entries say it should be."""
    counts = Counter()
    for entry in IndexEntry.objects.only(*_COUNTED_FIELDS).iterator(chunk_size=500):
        counts.update(_counted_keys(entry))
    return counts


def statistics_drift():
    """TermCount keys whose stored document frequency differs from a recount of the
    entries (an entry written or removed outside this module)."""
    stored = {
        (language, term, site_id, ctype): df
        for language, term, site_id, ctype, df in TermCount.objects.filter(df__gt=0).values_list(
            *COUNT_KEYS, "df"
        )
    }
    counted = recount_statistics()
    return sorted(k for k in stored.keys() | counted.keys() if stored.get(k, 0) != counted.get(k, 0))


@transaction.atomic
def rebuild_statistics():
    TermCount.objects.all().delete()
    add_counts(TermCount, COUNT_KEYS, recount_statistics())


def update_counts(old_entries, new_entries, delta=None):
    """Move the index statistics from the old entries of some pages to their new ones:
    TermCount (document frequency by site and type) and VocabularyTerm's df. `delta`:
    changes already counted ({TermCount key: ±pages}, the bulk rebuild's)."""
    delta = Counter(delta or {})
    for entry in old_entries:
        for key in _counted_keys(entry):
            delta[key] -= 1
    for entry in new_entries:
        for key in _counted_keys(entry):
            delta[key] += 1
    vocabulary = Counter()
    for (language, term, _site, _type), n in delta.items():
        if n and term and VocabularyTerm.is_counted(term):
            vocabulary[language, term] += n
    add_counts(TermCount, COUNT_KEYS, delta)
    add_counts(
        VocabularyTerm,
        ("language", "term"),
        vocabulary,
        extra=("pinyin", "initials"),
        extra_of=lambda language, term: _pinyin(term, language),
    )


def add_counts(model, keys, delta, extra=(), extra_of=None):
    """Add {key tuple: ±n} to the `df` column of a counts table whose unique key is
    `keys`. A new key is inserted, with `extra` columns from `extra_of(*key)` (the
    vocabulary's pinyin). Keys go in sorted order so two workers updating at once lock
    rows in the same order (no deadlock on PostgreSQL). PostgreSQL loads the changes with
    one COPY; SQLite runs a prepared statement over the rows."""
    delta = sorted((k, v) for k, v in delta.items() if v)
    if not delta:
        return
    table = model._meta.db_table
    columns = [*keys, "df", *extra]
    added = [(*key, n, *(extra_of(*key) if extra_of else ())) for key, n in delta if n > 0]
    removed = [(*key, n) for key, n in delta if n < 0]
    key_list = ", ".join(keys)
    upsert = f"ON CONFLICT ({key_list}) DO UPDATE SET df = {table}.df + excluded.df"
    match = " AND ".join(f"v.{k} = d.{k}" for k in keys)
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # COPY every change into a scratch table (this session's, emptied at commit),
            # then upsert the additions, subtract the removals and empty it (an outer
            # transaction may call again before committing).
            scratch = f"{table}_delta"
            cursor.execute(
                f"CREATE TEMP TABLE IF NOT EXISTS {scratch} ON COMMIT DELETE ROWS "  # noqa: S608
                f"AS SELECT {', '.join(columns)} FROM {table} WITH NO DATA"
            )
            copy_rows(cursor, scratch, columns, added + [(*row, *[""] * len(extra)) for row in removed])
            cursor.execute(
                f"INSERT INTO {table} ({', '.join(columns)}) SELECT {', '.join(columns)} FROM {scratch} "  # noqa: S608
                f"WHERE df > 0 ORDER BY {key_list} {upsert}"
            )
            cursor.execute(
                f"UPDATE {table} v SET df = v.df + d.df FROM {scratch} d WHERE d.df < 0 AND {match}"  # noqa: S608
            )
            cursor.execute(f"DELETE FROM {scratch}")  # noqa: S608
            return
        if added:
            marks = ", ".join(["%s"] * len(columns))
            cursor.executemany(
                f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks}) {upsert}",  # noqa: S608
                added,
            )
        if removed:
            where = " AND ".join(f"{k} = %s" for k in keys)
            cursor.executemany(
                f"UPDATE {table} SET df = df + %s WHERE {where}",  # noqa: S608
                [(n, *key) for *key, n in removed],
            )


@functools.lru_cache(maxsize=500_000)
def _pinyin(term, language):
    """(pinyin, initials) of a Chinese term, kept for the life of the process: a reindex
    meets the same terms in thousands of pages and pypinyin costs about 50 µs a term."""
    if language != ZH or term.isascii():
        return "", ""
    syllables = lazy_pinyin(term, errors="ignore")
    # The first letter of each syllable is what Style.FIRST_LETTER gives (the same on
    # 334,565 corpus terms), without converting the term a second time.
    initials = "".join(s[0] for s in syllables if s)
    return "".join(syllables)[:255], initials[:64]


def with_parent_columns(columns):
    """{page id: column ids} with every column above each of them added: filtering a search
    by a parent column (政务动态) finds the items of its sub-columns (工作动态) too, as the
    parent column lists them. Two queries for a batch of pages."""
    ids = {c for cs in columns.values() for c in cs}
    if not ids:
        return columns
    paths = dict(Page.objects.filter(pk__in=ids).values_list("pk", "path"))
    step = Page.steplen
    above = {path[:n] for path in paths.values() for n in range(step, len(path), step)}
    ColumnPage = apps.get_model("cms", "ColumnPage")
    parents = dict(ColumnPage.objects.filter(path__in=above).values_list("path", "pk"))

    def chain(column_id):
        path = paths.get(column_id, "")
        return [parents[path[:n]] for n in range(step, len(path), step) if path[:n] in parents]

    return {pk: list(dict.fromkeys([*cs, *(p for c in cs for p in chain(c))])) for pk, cs in columns.items()}


def _restricted_paths():
    return list(PageViewRestriction.objects.values_list("page__path", flat=True))


def build_entries(page_ids, sitemap):
    """Unsaved IndexEntry rows of the live public pages among these ids."""
    return [analysed(draft, analyse_document(*draft[1])) for draft in draft_entries(page_ids, sitemap)]


def draft_entries(page_ids, sitemap, restricted=None):
    """draft_entry() of each live public page among these ids."""
    pages = list(Page.objects.filter(pk__in=page_ids).specific(defer=False))
    restricted = _restricted_paths() if restricted is None else restricted
    public = [p for p in pages if not any(p.path.startswith(r) for r in restricted)]
    columns = with_parent_columns(column_ids_of(public))
    return [d for d in (draft_entry(p, sitemap, columns.get(p.pk, ())) for p in public) if d]


def analyse_documents(documents):
    """analyse_document() of each (language, title, body): one batch for the worker."""
    return [analyse_document(*document) for document in documents]


def _save_entries(entries):
    """Insert new IndexEntry rows and their column rows: the values bulk_create would
    write, in one prepared statement (SQLite) or COPY (PostgreSQL) instead of its SQL
    built anew for every 500 rows (a tenth of a rebuild's time)."""
    _insert(IndexEntry, entries)
    _insert(
        IndexEntryColumn,
        [IndexEntryColumn(entry_id=e.page_id, column_id=c) for e in entries for c in set(e.column_ids)],
    )


def _insert(model, objects):
    fields = [f for f in model._meta.concrete_fields if f is not model._meta.auto_field]
    columns = [f.column for f in fields]
    rows = [tuple(f.get_db_prep_save(f.pre_save(obj, True), connection) for f in fields) for obj in objects]
    with connection.cursor() as cursor:
        insert_rows(cursor, model._meta.db_table, columns, rows)


@transaction.atomic
def index_pages(page_ids, sitemap=None, backend=None):
    """Bring the index in line with the current state of these pages: index the live
    public ones, remove the rest. Returns the number indexed."""
    page_ids = list(page_ids)
    if not page_ids:
        return 0
    sitemap = sitemap or SiteMap()
    backend = backend or get_backend()
    entries = build_entries(page_ids, sitemap)
    old = IndexEntry.objects.filter(pk__in=page_ids).only(*_COUNTED_FIELDS)
    update_counts(old, entries)
    # only("pk"): the delete collects the rows it removes, and an entry carries up to
    # MAX_TEXT characters of text that nothing here needs.
    IndexEntry.objects.filter(pk__in=page_ids).only("pk").delete()
    _save_entries(entries)
    indexed = {e.page_id for e in entries}
    gone = [pk for pk in page_ids if pk not in indexed]
    if gone:
        backend.delete(gone)
    backend.index(entries)
    return len(entries)


@transaction.atomic
def remove_pages(page_ids, backend=None):
    """Remove pages (deleted or unpublished) from the index."""
    page_ids = list(page_ids)
    update_counts(IndexEntry.objects.filter(pk__in=page_ids).only(*_COUNTED_FIELDS), [])
    IndexEntry.objects.filter(pk__in=page_ids).only("pk").delete()
    (backend or get_backend()).delete(page_ids)


def indexable_pages(site=None):
    """Ids of every page of an indexed type, optionally below one site's root."""
    qs = Page.objects.live().exact_type(*item_types().values())
    if site is not None:
        qs = qs.descendant_of(site.root_page, inclusive=True)
    return qs.order_by("path").values_list("pk", flat=True)


class Rebuild:
    """A full rebuild of the index (`search_reindex` without --site, bench/search.py):

        with Rebuild() as rebuild:
            for batch in batches:
                rebuild.add(batch)

    With a backend ranking from posting lists (SQLite, PostgreSQL) it is a bulk load:
    everything indexed is emptied first; each batch of pages is analysed and appended
    (entries, their columns, the backend's own index and postings) in one transaction
    without the per-page deletes and statistics updates of `index_pages`; the rank index
    of the postings is dropped while they load and built once at the end (a sort instead
    of a random B-tree insert per posting, which is what slowed indexing as the index
    grew); the statistics (TermCount, VocabularyTerm df) are counted in memory and
    written once, in key order, at the end. Where there is a second core, a worker
    process analyses each batch while this one writes the one before (`workers`). On
    SQLite the load runs with `synchronous=OFF`, a large page cache and the sorter's
    helper threads, restored afterwards. While it runs, searches
    see a partial index without its rank index: a rebuild is for a quiet hour (or a new
    cluster). The end runs even after an error, so an interrupted rebuild still leaves a
    consistent (partial) index with its rank index and statistics.

    Any other backend (Elasticsearch builds a new index behind its alias) goes through
    `index_pages` batch by batch."""

    BATCH = 1000

    def __init__(self, backend=None, sitemap=None, workers=None):
        from .backends.postings import PostingsBackend

        self.backend = backend or get_backend()
        self.sitemap = sitemap
        self.bulk = isinstance(self.backend, PostingsBackend)
        # Processes analysing the next batch while this one writes the current one (the
        # database takes one writer; the analysis was a quarter of a page's time). None:
        # one where there is a second core and `fork` (forked, the worker starts at once
        # and shares the loaded dictionary; it never touches the database connection).
        if workers is None:
            workers = int((os.cpu_count() or 1) > 1)
        self.workers = workers if "fork" in multiprocessing.get_all_start_methods() else 0
        self.pool = None
        # The batch read but not written yet: (drafts, a function returning their analysis).
        self.pending = None
        # {(language, site, type): Counter of terms (the empty term: pages)}, the TermCount
        # rows to write at the end.
        self.terms = defaultdict(Counter)
        self.indexed = 0

    def __enter__(self):
        self.sitemap = self.sitemap or SiteMap()
        self.restricted = _restricted_paths()
        if self.bulk:
            with transaction.atomic(), connection.cursor() as cursor:
                for model in (IndexEntryColumn, IndexEntry, TermCount):
                    cursor.execute(f"DELETE FROM {model._meta.db_table}")  # noqa: S608 - a model's table
                VocabularyTerm.objects.filter(df__gt=0).update(df=0)
                self.backend.clear()
            self.backend.begin_bulk()
            if self.workers:
                self.pool = ProcessPoolExecutor(self.workers, mp_context=multiprocessing.get_context("fork"))
        return self

    def add(self, page_ids):
        """Index these pages (ids of pages not indexed yet). Returns the number of pages
        written by this call: with a worker, a batch is analysed while the previous one is
        written, and the last one is written on leaving the `with` (`indexed` counts them
        all)."""
        page_ids = list(page_ids)
        if not page_ids:
            return 0
        if not self.bulk:
            n = index_pages(page_ids, sitemap=self.sitemap, backend=self.backend)
            self.indexed += n
            return n
        drafts = draft_entries(page_ids, self.sitemap, self.restricted)
        documents = [document for _entry, document in drafts]
        if self.pool is None:
            analysis = analyse_documents(documents)
            self.pending = (drafts, lambda: analysis)
            return self._write()
        future = self.pool.submit(analyse_documents, documents)
        written = self._write()
        self.pending = (drafts, future.result)
        return written

    def _write(self):
        """Append the pending batch (entries, columns, the backend's index and postings)
        in one transaction and count its statistics. Returns its number of pages."""
        if self.pending is None:
            return 0
        drafts, analysis = self.pending
        self.pending = None
        entries = [analysed(draft, result) for draft, result in zip(drafts, analysis(), strict=True)]
        with transaction.atomic():
            _save_entries(entries)
            self.backend.add(entries)
        for entry in entries:
            # The page's distinct terms are its impacts' keys (what _counted_keys gives,
            # without splitting the tokens again).
            terms = self.terms[entry.language, entry.site_id or 0, entry.content_type]
            terms.update(entry.impacts.keys())
            terms[""] += 1
        self.indexed += len(entries)
        return len(entries)

    def __exit__(self, exc_type, *exc):
        if self.bulk:
            try:
                if exc_type is None:
                    self._write()
            finally:
                self.pending = None
                if self.pool is not None:
                    self.pool.shutdown(cancel_futures=True)
                    self.pool = None
                self._end()
        return False

    def _end(self):
        """The statistics counted in memory, then the backend's end of the bulk load."""
        try:
            delta = {
                (language, term, site_id, ctype): n
                for (language, site_id, ctype), terms in self.terms.items()
                for term, n in terms.items()
            }
            with transaction.atomic():
                update_counts([], [], delta=delta)
        finally:
            self.terms.clear()
            self.backend.end_bulk()
