"""The change feed behind GET /api/v1/changes/: what an app needs to keep an offline copy
of a site exactly in step.

Recording: every event that can change the published set or an item's content (publish,
unpublish, delete, move, a parent's slug change) writes ChangeEvent rows for the items it
touches, inside the same transaction, with the tree path the item had then. A move writes
a row at the old path (before) and one at the new path (after), so both sites' feeds see it.

Some items change between publishes too (an interview's live text and approved questions):
their app sends cms.items.item_changed, which writes an event of the item; it never sends
one for a question the public may not see.

Reading: `feed()` takes the events after a cursor below the site's root, keeps each item's
last event, and answers each item with its state *now*: live and still below the root →
an upsert with its current representation; otherwise a tombstone (unpublished, deleted or
moved out of the site). Replaying the answers in order reproduces the published set as of
the request, whatever happened in between, because any later change writes a later event.
"""

from django.db import connection, transaction
from django.db.models.signals import post_delete
from wagtail.models import Page
from wagtail.signals import page_published, page_slug_changed, page_unpublished, post_page_move, pre_page_move

from cms.items import is_item, item_changed, item_types

from .items import api_serializers, item_content_type_ids, item_type_of_content_type
from .models import ChangeEvent

# Any constant of our own: the key of the PostgreSQL advisory lock that orders the writers.
CHANGE_FEED_LOCK = 7_430_100_001


def record(pages):
    """Write one event per (page id, path).

    Event ids must be handed out in commit order: a reader that has seen id 11 never looks
    below it again, so an id 10 committed after 11 would be lost to it. SQLite lets one
    writer in at a time anyway; on PostgreSQL, writers of events take a transaction-level
    advisory lock first, so the next one gets its ids only after this one has committed.
    """
    rows = [ChangeEvent(page_id=pk, path=path) for pk, path in pages]
    if not rows:
        return
    with transaction.atomic():  # the lock lasts until the outermost transaction ends
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_xact_lock(%s)", [CHANGE_FEED_LOCK])
        ChangeEvent.objects.bulk_create(rows)


def record_subtree(page):
    """Events for `page` (if it is an item) and every item below it, at their current paths."""
    record(
        Page.objects.filter(
            path__startswith=page.path, content_type_id__in=item_content_type_ids()
        ).values_list("pk", "path")
    )


def on_publish_state(sender, instance, **kwargs):
    if is_item(instance, api=True):
        # And the items whose representation shows this one (a disclosure's next year is
        # compared with it): their details changed too.
        record([(instance.pk, instance.path), *instance.related_items()])


def on_delete(sender, instance, **kwargs):
    # Deleting a column deletes its items through the tree; each comes here as a Page.
    if instance.content_type_id in item_content_type_ids():
        record([(instance.pk, instance.path)])


def on_move(sender, instance, **kwargs):
    # Before: the rows at the old paths (tombstones there); after: at the new ones.
    record_subtree(instance)


def on_slug_changed(sender, instance, **kwargs):
    # The web addresses of every item below changed.
    record_subtree(instance)


def on_item_changed(sender, page_id, **kwargs):
    """An item's public content changed without a publish (an interview's live text, or a
    question the public sees or saw): an event of the item, if it is live, so a syncing app
    fetches its detail again. Its app sends the signal only for public changes (a question
    that is not and was not public sends none: the feed must not even hint at what waits
    for moderation)."""
    if sender in item_types(api=True).values():
        record(Page.objects.filter(pk=page_id, live=True).values_list("pk", "path"))


def connect_receivers():
    """Connect the recording receivers (the app config's ready())."""
    page_published.connect(on_publish_state, dispatch_uid="portal_api_published")
    page_unpublished.connect(on_publish_state, dispatch_uid="portal_api_unpublished")
    post_delete.connect(on_delete, sender=Page, dispatch_uid="portal_api_deleted")
    pre_page_move.connect(on_move, dispatch_uid="portal_api_before_move")
    post_page_move.connect(on_move, dispatch_uid="portal_api_after_move")
    page_slug_changed.connect(on_slug_changed, dispatch_uid="portal_api_slug_changed")
    item_changed.connect(on_item_changed, dispatch_uid="portal_api_item_changed")


def feed(root, since, limit, renderer):
    """(entries, next_since, has_more) of the site below `root` after event id `since`."""
    events = list(
        ChangeEvent.objects.filter(pk__gt=since, path__startswith=root.path)
        .order_by("pk")
        .values_list("pk", "page_id")[:limit]
    )
    last_event = {}
    for pk, page_id in events:
        last_event[page_id] = pk
    ids = list(last_event)
    live = {}
    if ids:
        found = [
            item
            for serializer in api_serializers()
            for item in serializer.list_queryset().filter(pk__in=ids, path__startswith=root.path)
        ]
        live = {item["id"]: item for item in renderer.summaries(found)}
    state = {}
    if len(live) < len(ids):
        types = item_type_of_content_type()
        for pk, live_flag, ct in Page.objects.filter(pk__in=set(ids) - set(live)).values_list(
            "pk", "live", "content_type_id"
        ):
            state[pk] = ("moved" if live_flag else "unpublished", types.get(ct))
    entries = []
    for page_id, event_id in sorted(last_event.items(), key=lambda kv: kv[1]):
        if page_id in live:
            item = live[page_id]
            entries.append(
                {"cursor": str(event_id), "op": "upsert", "id": page_id, "type": item["type"], "item": item}
            )
        else:
            reason, kind = state.get(page_id, ("deleted", None))
            entries.append(
                {
                    "cursor": str(event_id),
                    "op": "delete",
                    "id": page_id,
                    "type": kind,
                    "reason": reason,
                    "item": None,
                }
            )
    next_since = events[-1][0] if events else since
    return entries, next_since, len(events) == limit
