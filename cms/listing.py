"""Where each article is listed: its own column, every column it is syndicated to (P07), and
every column above those (a parent column collects its sub-columns' items).

Wagtail's tree has no parent key, and a column's children are found by a path prefix that
SQLite cannot range-scan together with an order by publish time; with syndicated items
OR-ed in, a column's first page scanned every article of the cluster. One row per
(column, article) with the article's display time makes a column's newest items one
index range scan, whatever the size of the cluster.

Columns also list pages of other types among their children (an online interview in the
在线访谈 column): the apps that own those types register a `ChildList` here.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.apps import apps
from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.models import Page

from .items import offered_in_column_type
from .tree import children_path_range

STEPLEN = Page.steplen  # the width of one step of a page's tree path


class ColumnListing(models.Model):
    column = models.ForeignKey("cms.ColumnPage", on_delete=models.CASCADE, related_name="+")
    article = models.ForeignKey("cms.ArticlePage", on_delete=models.CASCADE, related_name="listings")
    published_at = models.DateTimeField(null=True)

    class Meta:
        verbose_name = _("Column item index")
        constraints = [models.UniqueConstraint(fields=["column", "article"], name="one_listing_per_column")]
        indexes = [models.Index(fields=["column", "-published_at", "-article"], name="column_newest_first")]


def sync_listings(article):
    """Make the article's listing rows match what is stored in the database (the live
    version, not an unsaved draft): see relist()."""
    relist([(article.pk, article.path, article.published_at, article.live)])


def relist(articles, registry=None):
    """Make the listing rows of `articles` — (id, path, published_at, live) tuples — match
    where each is listed: the column it stands in, the columns it is syndicated to (P07),
    and every column above any of those, because a parent column collects its sub-columns'
    items (政务动态 lists 工作动态's and 部门动态's). Items that are not live have no rows,
    so a list's page is a range of this table alone, whatever the columns' mix of drafts.

    `registry` is the app registry to take the models from: a data migration passes its
    historical one. Costs a constant number of queries per call, whatever the tree's depth.
    """
    registry = registry or apps
    Listing = registry.get_model("cms", "ColumnListing")
    ColumnPage = registry.get_model("cms", "ColumnPage")
    ArticlePage = registry.get_model("cms", "ArticlePage")
    through = ArticlePage._meta.get_field("syndicate_to").remote_field.through
    articles = list(articles)
    if not articles:
        return
    ids = [a[0] for a in articles]
    targets = {}
    for article_id, path in through.objects.filter(articlepage_id__in=ids).values_list(
        "articlepage_id", "columnpage__path"
    ):
        targets.setdefault(article_id, []).append(path)
    # Every path from the site root down to each listing column: those that are columns
    # are where the item is listed.
    candidates = {}
    for article_id, path, _when, live in articles:
        if not live:
            candidates[article_id] = set()
            continue
        paths = set()
        for column_path in [path[:-STEPLEN], *targets.get(article_id, ())]:
            paths.update(column_path[:end] for end in range(STEPLEN, len(column_path) + 1, STEPLEN))
        candidates[article_id] = paths
    wanted_paths = set().union(*candidates.values())
    column_of = {}
    paths = sorted(wanted_paths)
    for start in range(0, len(paths), 500):  # SQLite's bound on query parameters
        column_of.update(
            ColumnPage.objects.filter(path__in=paths[start : start + 500]).values_list("path", "pk")
        )
    have = {}
    for start in range(0, len(ids), 500):
        for article_id, column_id, published_at in Listing.objects.filter(
            article_id__in=ids[start : start + 500]
        ).values_list("article_id", "column_id", "published_at"):
            have.setdefault(article_id, {})[column_id] = published_at
    stale, create = [], []
    for article_id, _path, published_at, _live in articles:
        wanted = {column_of[p] for p in candidates[article_id] if p in column_of}
        rows = have.get(article_id, {})
        stale.extend((article_id, c) for c in set(rows) - wanted)
        moved = [c for c in wanted & set(rows) if rows[c] != published_at]
        if moved:
            Listing.objects.filter(article_id=article_id, column_id__in=moved).update(
                published_at=published_at
            )
        create.extend(
            Listing(column_id=c, article_id=article_id, published_at=published_at) for c in wanted - set(rows)
        )
    if stale:
        by_article = {}
        for article_id, column_id in stale:
            by_article.setdefault(article_id, []).append(column_id)
        for article_id, column_ids in by_article.items():
            Listing.objects.filter(article_id=article_id, column_id__in=column_ids).delete()
    if create:
        Listing.objects.bulk_create(create, ignore_conflicts=True, batch_size=500)


def relist_below(page=None, registry=None):
    """Relist every article at or below `page`, or every article at all (after a column
    moved, its items belong to other parent columns; a data migration relists all)."""
    ArticlePage = (registry or apps).get_model("cms", "ArticlePage")
    rows = ArticlePage.objects.order_by("pk").values_list("pk", "path", "published_at", "live")
    if page is not None:
        rows = rows.filter(path__startswith=page.path)
    batch = []
    for row in rows.iterator(chunk_size=500):
        batch.append(row)
        if len(batch) == 500:
            relist(batch, registry)
            batch = []
    relist(batch, registry)


class ListingWindow:
    """A column's list as a sequence for the paginator: a slice reads the ids of that page
    from the listing index alone (no join, no per-row check of the page table), then the
    pages by primary key. The page number's offset is walked in the index only, so page 500
    costs about what page 1 does."""

    def __init__(self, column_id, queryset, count):
        self.column_id = column_id
        self.queryset = queryset  # the pages' queryset (live articles, fields to load)
        self._count = count

    def count(self):
        return self._count

    def __len__(self):
        return self._count

    def __getitem__(self, index):
        if not isinstance(index, slice):
            return self[index : index + 1][0]
        ids = list(
            ColumnListing.objects.filter(column_id=self.column_id)
            .order_by("-published_at", "-article")
            .values_list("article_id", flat=True)[index]
        )
        pages = self.queryset.in_bulk(ids)
        return [pages[pk] for pk in ids if pk in pages]


@dataclass(frozen=True)
class ChildList:
    """A kind of page other than articles that a column lists among its children.

    Columns hold pages of apps that stand on cms (an online interview of the interaction
    app); the content model must not import them, so each such app registers its page type
    here from its AppConfig.ready(), saying how its items are ordered and what each row of
    the list shows besides the title. The column renders every registered list with the
    article list's markup and its own server-side pagination.

    The list is for the few pages of a kind a column holds (interviews: a handful a year),
    not for thousands: the column keeps the ordered ids of its children in the cache.
    """

    key: str  # names the list's page parameter (?<key>_page=) and its cache entry
    model: type  # a Page subclass whose parent may be a column
    heading: str  # the list's heading (gettext_lazy: rendered in the site's language)
    order_by: tuple  # newest first, ending in a unique field so pages never overlap
    time: Callable  # page -> the datetime shown for the row
    label: Callable | None = None  # page -> (css modifier, text) of a status badge, or None
    defer: tuple = ()  # long fields the list does not show
    time_format: str = "%Y-%m-%d"  # an event's list may want the hour as well

    @property
    def page_param(self):
        return f"{self.key}_page"

    def child_ids(self, column):
        """The ids of the column's live children of this type, in list order.

        With the path range, SQLite walks the column's children in the tree index whatever
        their type (6 ms for a column of 20k articles, with statistics or without), which is
        why the column caches this list rather than asking for every page of it."""
        return list(
            # Exactly this type: a subtype (a broadcast is an interview) has a list of its own.
            self.model.objects.live()
            .exact_type(self.model)
            .filter(path__range=children_path_range(column.path), depth=column.depth + 1)
            .order_by(*self.order_by)
            .values_list("pk", flat=True)
        )

    def rows(self, ids):
        """The rows of these pages, in the order of `ids`: one query by primary key."""
        pages = self.model.objects.defer(*self.defer).in_bulk(ids)
        rows = []
        for pk in ids:
            page = pages.get(pk)
            if page is not None:  # deleted since the ids were cached
                label = self.label(page) if self.label else ("", "")
                rows.append(ChildRow(page, self.time(page), *label))
        return rows


@dataclass(frozen=True)
class ChildRow:
    """One row of a child list, as the listing template shows it."""

    page: object
    time: object
    label_modifier: str = ""
    label: str = ""


_child_lists = {}


def column_ids_of(pages):
    """{page id: [column ids]}: the column each page stands in and, for articles, the
    columns it is syndicated to (its listing rows)."""
    ColumnPage = apps.get_model("cms", "ColumnPage")
    parents = {p.pk: p.path[: -p.steplen] for p in pages}
    by_path = dict(ColumnPage.objects.filter(path__in=set(parents.values())).values_list("path", "pk"))
    out = {pk: [by_path[path]] if path in by_path else [] for pk, path in parents.items()}
    rows = ColumnListing.objects.filter(article_id__in=list(parents)).values_list("article_id", "column_id")
    for article_id, column_id in rows:
        if column_id not in out[article_id]:
            out[article_id].append(column_id)
    return out


def register_child_list(child_list):
    """Make columns list `child_list.model` pages (idempotent: ready() may run twice in tests)."""
    _child_lists[child_list.key] = child_list


def child_lists(column=None):
    """The registered lists, in registration order; with a `column`, only those of the
    types its kind offers (cms.items.offered_in_column_type), so a column pays a query
    for the lists that can hold something (an 在线访谈 column's interviews and
    broadcasts), not for every list registered."""
    lists = list(_child_lists.values())
    if column is None:
        return lists
    return [c for c in lists if offered_in_column_type(c.model, column.column_type)]
