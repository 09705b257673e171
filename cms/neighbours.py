"""上一篇 / 下一篇: an article's neighbours in its own column's list, newest first.

The column's list is the listing index (cms.listing.ColumnListing, ordered by column,
-published_at, -article), so each neighbour is one step along that index from the
article's own place (its published_at), and both pages' titles and URLs are one more
query by primary key: three queries whatever the column's length.
"""

from dataclasses import dataclass

from wagtail.models import Page

from .listing import ColumnListing


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
    # the article's own place rather than scanned from one end.
    listing = ColumnListing.objects.filter(column_id=column_id)
    newer = (
        listing.filter(published_at__gte=moment)
        .exclude(published_at=moment, article_id__lte=article.pk)
        .order_by("published_at", "article")
        .values_list("article_id", flat=True)
        .first()
    )
    older = (
        listing.filter(published_at__lte=moment)
        .exclude(published_at=moment, article_id__gte=article.pk)
        .order_by("-published_at", "-article")
        .values_list("article_id", flat=True)
        .first()
    )
    pages = Page.objects.live().in_bulk([pk for pk in (newer, older) if pk is not None])
    return Neighbours(previous=pages.get(newer), next=pages.get(older))
