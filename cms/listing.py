"""Where each article is listed: its own column and every column it is syndicated to (P07).

Wagtail's tree has no parent key, and a column's children are found by a path prefix that
SQLite cannot range-scan together with an order by publish time; with syndicated items
OR-ed in, a column's first page scanned every article of the cluster. One row per
(column, article) with the article's display time makes a column's newest items one
index range scan, whatever the size of the cluster.
"""

from django.db import models


class ColumnListing(models.Model):
    column = models.ForeignKey("cms.ColumnPage", on_delete=models.CASCADE, related_name="+")
    article = models.ForeignKey("cms.ArticlePage", on_delete=models.CASCADE, related_name="listings")
    published_at = models.DateTimeField(null=True)

    class Meta:
        verbose_name = "栏目信息索引"
        constraints = [models.UniqueConstraint(fields=["column", "article"], name="one_listing_per_column")]
        indexes = [models.Index(fields=["column", "-published_at", "-article"], name="column_newest_first")]


def sync_listings(article):
    """Make the article's listing rows match its parent column and its syndication targets
    as stored in the database (the live version, not an unsaved draft)."""
    from .pages import ColumnPage  # the page module imports this one

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
