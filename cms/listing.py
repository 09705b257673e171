"""Where each article is listed: its own column and every column it is syndicated to (P07).

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

from .tree import children_path_range


class ColumnListing(models.Model):
    column = models.ForeignKey("cms.ColumnPage", on_delete=models.CASCADE, related_name="+")
    article = models.ForeignKey("cms.ArticlePage", on_delete=models.CASCADE, related_name="listings")
    published_at = models.DateTimeField(null=True)

    class Meta:
        verbose_name = _("Column item index")
        constraints = [models.UniqueConstraint(fields=["column", "article"], name="one_listing_per_column")]
        indexes = [models.Index(fields=["column", "-published_at", "-article"], name="column_newest_first")]


def sync_listings(article):
    """Make the article's listing rows match its parent column and its syndication targets
    as stored in the database (the live version, not an unsaved draft)."""
    # By name: the page module imports this one.
    ColumnPage = apps.get_model("cms", "ColumnPage")
    wanted = set(
        article.syndicate_to.through.objects.filter(articlepage=article).values_list(
            "columnpage_id", flat=True
        )
    )
    parent_id = (
        ColumnPage.objects.filter(path=article.path[: -article.steplen]).values_list("pk", flat=True).first()
    )
    if parent_id:
        wanted.add(parent_id)
    rows = ColumnListing.objects.filter(article=article)
    have = dict(rows.values_list("column_id", "published_at"))
    stale = set(have) - wanted
    if stale:
        rows.filter(column_id__in=stale).delete()
    if any(have[c] != article.published_at for c in wanted & set(have)):
        rows.filter(column_id__in=wanted).update(published_at=article.published_at)
    missing = wanted - set(have)
    if missing:
        ColumnListing.objects.bulk_create(
            [ColumnListing(column_id=c, article=article, published_at=article.published_at) for c in missing],
            ignore_conflicts=True,
        )


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
            self.model.objects.live()
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


def child_lists():
    """The registered lists, in registration order."""
    return list(_child_lists.values())
