"""The app API's list entries, kept by each process between requests.

An item's list entry (its serializer's `to_representation()`) is the same in every list it
stands in: its site's, its column's, a filtered one, any cursor page. It changes only when
the item or its column is published, unpublished, moved or deleted, when a register it
names (an organisation, a subject category, an image) or a site is edited, or when the
item's app says it changed (cms.items.item_changed). So each process keeps the entries it
built, per item, language and API address, under two marks read once per request:

- the page-event mark (cms.page_events), which every publish, unpublish, move and delete
  moves on, in whichever process it happens;
- a shared token (sites.shared_token), replaced by the other edits above.

A list then asks the database only which items stand on its page (channels.api.newest)
and builds only the entries this process has not seen since the marks last moved. A
list's Last-Modified (the newest change-feed event below the site) is kept the same way.

The kept entries are shared by the requests that read them: nothing may change them after
they are built (the views only serialize them). Like the remembered sites
(sites/resolution.py), the token needs a cache all processes share: `API_ENTRY_MEMO` is on
in production and the tests, off in `make serve`, where every list builds its entries.
"""

from django.conf import settings

from cms.page_events import EventMemo, last_event
from sites.shared_token import SharedToken

TOKEN = SharedToken("portal:api-entries:token")
# About 1 KB an entry: a bound of a few MB per process (a full memo starts again empty).
_KEPT = EventMemo(size=10_000)
_REQUEST_MARK = "_portal_api_entries_mark"


def enabled():
    return bool(getattr(settings, "API_ENTRY_MEMO", False))


def _mark(request):
    """(page-event mark, shared token) as this (Django) request found them (read once)."""
    if _REQUEST_MARK not in request.__dict__:
        # The token came with the site's (sites.shared_token.read_all): no cache read here.
        request.__dict__[_REQUEST_MARK] = (last_event(request), TOKEN.read(request))
    return request.__dict__[_REQUEST_MARK]


def remembered(request, key, compute):
    """compute()'s value, kept under the request's marks (computed every time when off)."""
    if not enabled():
        return compute()
    return _KEPT.get(_mark(request), ("value", key), compute)


def listed(request, renderer, wanted):
    """[(moment, pk, entry)] of the live items asked for, `wanted` being [(serializer, ids)]
    of one type each: rows as the serializers' `listed_items()` give them, with each item's
    list entry in place of the item. Kept entries are taken as they are; the others are
    loaded (one query per type) and built together (one query for all their columns)."""
    keeping = enabled()
    kept = _KEPT.current(_mark(request)) if keeping else {}
    found, loaded = [], []
    for serializer, keys in wanted:
        prefix = ("entry", serializer, renderer.lang, renderer.api_base)
        missing = []
        for pk in keys:
            row = kept.get((*prefix, pk))
            if row is None:
                missing.append(pk)
            else:
                found.append(row)
        if missing:
            loaded += [(prefix, row) for row in serializer.listed_items(missing)]
    built = renderer.summaries([row[2] for _, row in loaded])
    for (prefix, (moment, pk, _)), entry in zip(loaded, built, strict=True):
        row = (moment, pk, entry)
        if keeping:
            _KEPT.keep((*prefix, pk), row)
        found.append(row)
    return found


def connect():
    """Replace the token on the edits that change entries without a page event
    (ApiConfig.ready)."""
    from django.db.models.signals import post_delete, post_migrate, post_save
    from wagtail.images import get_image_model
    from wagtail.models import Site

    from cms.items import item_changed
    from cms.snippets import Organisation, SubjectCategory
    from sites.models import SiteProfile

    for model in (Organisation, SubjectCategory, get_image_model(), Site, SiteProfile):
        name = model.__name__
        post_save.connect(TOKEN.replace_on_edit, sender=model, dispatch_uid=f"portal_api_entries_save_{name}")
        post_delete.connect(
            TOKEN.replace_on_edit, sender=model, dispatch_uid=f"portal_api_entries_del_{name}"
        )
    item_changed.connect(TOKEN.replace_on_edit, dispatch_uid="portal_api_entries_item_changed")
    # A flush (and a migration) changes rows without saving models.
    post_migrate.connect(TOKEN.replace_on_edit, dispatch_uid="portal_api_entries_migrate")
