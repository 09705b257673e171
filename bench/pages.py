"""Bulk creation of live ArticlePages for the benchmarks (bench/render.py, bench/search.py,
bench/dynamic.py), and the numbered article series they share.

`add_child()` saves a page at a time and costs several queries per page (over 15 minutes
for 20,000 articles); a benchmark needs the resulting rows, not the editing history. Here
the Page rows go in with bulk_create, carrying the treebeard paths, depths and URL paths
that add_child would give them, then the ArticlePage rows are inserted for the child table
of the multi-table inheritance, the column listing rows are written (in the column and its parent columns) and the column's child count is updated once. No revision
is written and no signal is sent: whatever must follow publishing (Wagtail's search index,
the portal's search index) the caller runs itself, through that code's own entry point.
"""

import datetime as dt

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from wagtail.models import Page

from cms.listing import relist
from cms.models import ArticlePage, ColumnPage
from cms.tree import child_path, child_position

BATCH = 500
SERIES_START = dt.datetime(2014, 1, 1, tzinfo=dt.UTC)


def numbered_articles(numbers, paragraphs, slug_prefix):
    """The benchmarks' article series, as add_articles takes it: (n, values) for each n of
    `numbers`, 第n期 of the e-government news, ten minutes after the one before from
    2014-01-01, with `paragraphs` (texts) as the body's one paragraph block and the first as
    its summary."""
    body = [{"type": "paragraph", "value": "".join(f"<p>{p}</p>" for p in paragraphs)}]
    for n in numbers:
        yield (
            n,
            {
                "title": f"郴州市推进电子政务建设工作动态（第{n}期）",
                "slug": f"{slug_prefix}-{n}",
                "published_at": SERIES_START + dt.timedelta(minutes=10 * n),
                "body": body,
                "summary": paragraphs[0],
                "source": "郴州市电子政务中心",
            },
        )


def _next_step(column):
    """Step number of the next child path under `column` (children may not be dense)."""
    last = Page.objects.filter(path__startswith=column.path, depth=column.depth + 1).order_by("-path").first()
    return child_position(last.path) + 1 if last else 1


def add_articles(column, articles, batch=BATCH):
    """Insert live articles under `column` after its existing children and return their ids
    in order. `articles` yields dicts of ArticlePage field values: `title` and `slug` are
    required, `published_at` defaults to 2014-01-01, anything else (body, summary,
    organisation_id, …) is set as given."""
    column = ColumnPage.objects.get(pk=column.pk)
    content_type = ContentType.objects.get_for_model(ArticlePage)
    article_fields = list(ArticlePage._meta.local_concrete_fields)
    page_fields = [f.attname for f in Page._meta.concrete_fields]
    step = _next_step(column)
    ids = []
    articles = iter(articles)
    while True:
        chunk = [a for _, a in zip(range(batch), articles, strict=False)]
        if not chunk:
            break
        with transaction.atomic():
            pages = []
            for values in chunk:
                when = values.get("published_at") or dt.datetime(2014, 1, 1, tzinfo=dt.UTC)
                pages.append(
                    Page(
                        title=values["title"],
                        draft_title=values["title"],
                        slug=values["slug"],
                        content_type=content_type,
                        path=child_path(column.path, step),
                        depth=column.depth + 1,
                        numchild=0,
                        url_path=f"{column.url_path}{values['slug']}/",
                        live=True,
                        has_unpublished_changes=False,
                        first_published_at=when,
                        last_published_at=when,
                        locale_id=column.locale_id,
                    )
                )
                step += 1
            Page.objects.bulk_create(pages)
            rows = []
            for page, values in zip(pages, chunk, strict=True):
                article = ArticlePage(page_ptr_id=page.pk, published_at=page.first_published_at)
                article.__dict__.update({name: getattr(page, name) for name in page_fields})
                for name, value in values.items():
                    if name not in ("title", "slug", "published_at"):
                        setattr(article, name, value)
                rows.append(article)
                ids.append(page.pk)
            # What Model.save() does for the child table of multi-table inheritance, in bulk.
            ArticlePage._base_manager._insert(rows, fields=article_fields, raw=True)
            # ...and the column listing rows ArticlePage.save() keeps (cms.listing): in the
            # column and every column above it.
            relist([(row.pk, row.path, row.published_at, True) for row in rows])
    ColumnPage.objects.filter(pk=column.pk).update(
        numchild=Page.objects.filter(path__startswith=column.path, depth=column.depth + 1).count()
    )
    return ids
