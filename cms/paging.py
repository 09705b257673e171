"""Which page of a list a request asks for, the same on the full site and on WAP: the first
page for a page number that is not a number, the last for one out of range (past the end,
or below 1)."""

from django.core.paginator import EmptyPage, PageNotAnInteger, Paginator


def page_of(items, number, size, count=None):
    """The Page of `items` that `number` (as given in the query string) names; `count`, when
    known, spares the paginator its count query."""
    paginator = Paginator(items, size)
    if count is not None:
        paginator.count = count
    try:
        return paginator.page(number or 1)
    except PageNotAnInteger:
        return paginator.page(1)
    except EmptyPage:
        return paginator.page(paginator.num_pages)
