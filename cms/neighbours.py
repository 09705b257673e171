"""上一篇 / 下一篇: an article's neighbours in its own column's list, newest first.

The column's list is the listing index (cms.listing.ColumnListing, ordered by column,
-published_at, -article), so each neighbour is one step along that index from the
article's own place (its published_at), read together with the neighbouring page itself:
one query whatever the column's length.
"""

from dataclasses import dataclass

from django.db import connection
from wagtail.models import Page

from .listing import ColumnListing

# One statement for both neighbours: each side is one step along the listing index from the
# article's place, joined to the page for what a link needs (its title and URL) and what
# `specific` needs; other fields load on first use (raw() defers them). Written as SQL
# because the ORM spent longer compiling two such queries than the database answering them.
_SIDE = """
SELECT %s AS side, p.id, p.title, p.url_path, p.path, p.depth, p.locale_id, p.content_type_id, p.live
FROM {page} p WHERE p.id = (
  SELECT l.article_id FROM {listing} l
  WHERE l.column_id = %s AND l.published_at {cmp} %s AND NOT (l.published_at = %s AND l.article_id {tie} %s)
  ORDER BY l.published_at {order}, l.article_id {order} LIMIT 1
)"""


def _statement():
    tables = {"page": Page._meta.db_table, "listing": ColumnListing._meta.db_table}
    newer = _SIDE.format(cmp=">=", tie="<=", order="ASC", **tables)
    older = _SIDE.format(cmp="<=", tie=">=", order="DESC", **tables)
    return f"{newer}\nUNION ALL\n{older}"


@dataclass(frozen=True)
class Neighbours:
    previous: Page | None = None  # 上一篇: the next newer item in the column's list
    next: Page | None = None  # 下一篇: the next older one

    def __bool__(self):
        return bool(self.previous or self.next)


def neighbours(article, column_id):
    """The article's neighbours in column `column_id`'s list (live items only: the list
    holds no others). The listing rows carry the article's own published_at (sync_listings),
    so the article's place in the list is known without reading its row."""
    moment = article.published_at
    if moment is None or column_id is None:
        return Neighbours()
    # A range on published_at (not an OR of two conditions) so that the index is entered at
    # the article's own place rather than scanned from one end; the moment as the backend
    # stores it (SQLite compares text).
    stored = connection.ops.adapt_datetimefield_value(moment)
    params = []
    for side in ("newer", "older"):
        params += [side, column_id, stored, stored, article.pk]
    found = {page.side: page for page in Page.objects.raw(_statement(), params)}
    return Neighbours(previous=found.get("newer"), next=found.get("older"))
