"""Equal relevance scores are ordered newest first on every page, for a tie longer than a
list's first read (search/backends/postings.py) as for one inside a page, on both database
backends."""

import datetime

from django.utils import timezone

from search.backends.postings import FIRST_DEPTH
from search.service import SearchParams, search
from tests.factories import make_article, make_column, make_site


def test_a_tie_longer_than_the_rows_fetched_past_the_page_still_goes_newest_first():
    site = make_site(hostname="ties.test.localhost")
    column = make_column(site.home, title="观测记录")
    base = timezone.make_aware(datetime.datetime(2015, 5, 1, 9, 0))
    count = FIRST_DEPTH + 15
    # Same title, same (empty) text: one score for all. Published out of creation order,
    # so neither page ids nor insertion order give the expected order by accident.
    days = [(i * 7) % count for i in range(count)]
    made = {
        day: make_article(
            column, title="萤石矿区巡查", summary="", published_at=base + datetime.timedelta(days=day)
        )
        for day in days
    }
    newest_first = [made[day].pk for day in sorted(made, reverse=True)]
    got = []
    for page in range(1, count // 10 + 2):
        answer = search(SearchParams(q="萤石", page=page, page_size=10, log=False))
        assert answer["count"] == count
        got += [r["id"] for r in answer["results"]]
    assert got == newest_first


def test_a_page_inside_a_short_tie_is_ordered_newest_first():
    site = make_site(hostname="ties2.test.localhost")
    column = make_column(site.home, title="观测记录")
    base = timezone.make_aware(datetime.datetime(2016, 5, 1, 9, 0))
    # One better match (the term twice in the title) ahead of twelve tied ones.
    best = make_article(column, title="萤石萤石", summary="", published_at=base)
    tied = [
        make_article(
            column,
            title="萤石矿区巡查",
            summary="",
            published_at=base + datetime.timedelta(days=(i * 5) % 12 + 1),
        )
        for i in range(12)
    ]
    expected = [best.pk] + [p.pk for p in sorted(tied, key=lambda p: p.published_at, reverse=True)]
    pages = [search(SearchParams(q="萤石", page=n, page_size=4, log=False)) for n in (1, 2, 3, 4)]
    assert [r["id"] for answer in pages for r in answer["results"]] == expected
