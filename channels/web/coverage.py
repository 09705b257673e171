"""Which deliveries a published file already shows, so a burst of publishes (a bulk
import, a morning's batch) renders each shared page once rather than once per item.

Every delivery of the web and WAP channels rewrites the pages that show its item: its
column, the parent columns, the home pages, its neighbours. A thousand items imported into
one column would render that column and its home page a thousand times, each render
showing the same newest items.

Why skipping is safe: a delivery's row is written in the same transaction as its publish
or unpublish (channels/outbox.record), so once the row is visible its change is visible
too. A delivery about to render shared pages first reads the ids of the open rows visible
at that moment (`visible()`); its renders start later, so they see all those changes. Once
the files are written it records those ids against each file (`mark()`). A later delivery
whose id is recorded against a file (`covers()`) knows the file shows its change, and
leaves it. Files are rendered and written one writer per site at a time
(published.exclusive), so a file written later comes from a later render: it shows at
least as much as the one the record was made for.

The records are rows of the database (PublishedCoverage), so a restored or recreated
database never inherits another database's ids. A delivery's own page is always written.
"""

import hashlib

from channels.models import Delivery, PublishedCoverage

# Rows that may still run: only these will ask whether a file shows them.
OPEN = (Delivery.Status.PENDING, Delivery.Status.RUNNING, Delivery.Status.WAITING)


def runs(ids):
    """Sorted ids as [[first, last], ...] of consecutive ids (a backlog is mostly one run)."""
    found = []
    for pk in sorted(ids):
        if found and pk == found[-1][1] + 1:
            found[-1][1] = pk
        else:
            found.append([pk, pk])
    return found


def visible():
    """Runs of the ids of the open delivery rows visible now: a render that starts after
    this read sees the changes of all of them. Rows not yet committed are not among them,
    so they stay uncovered."""
    return runs(Delivery.objects.filter(status__in=OPEN).values_list("pk", flat=True))


def _key(name):
    return hashlib.sha1(name.encode(), usedforsecurity=False).hexdigest()


def covered(names, delivery_id):
    """Those of the files `names` rendered after delivery `delivery_id`'s row was visible."""
    keys = {_key(name): name for name in names}
    return {
        keys[key]
        for key, stored in PublishedCoverage.objects.filter(key__in=keys).values_list("key", "runs")
        if any(first <= delivery_id <= last for first, last in stored)
    }


def mark(names, seen):
    """Record that the files `names` were rendered after the rows `seen` (visible()) were
    visible. Only the newest render's rows are kept: any row that will still ask was open,
    so visible, then too."""
    PublishedCoverage.objects.bulk_create(
        [PublishedCoverage(key=_key(name), name=name, runs=seen) for name in names],
        update_conflicts=True,
        unique_fields=["key"],
        update_fields=["runs", "rendered_at"],
    )
