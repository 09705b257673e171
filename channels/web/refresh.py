"""Static publishing outside a delivery: pages whose public content changed without a new
revision (`cms.items.item_changed`: an interview's approved question), whole sites whose
chrome changed (channels/web/chrome.py: a profile, a menu), and the whole cluster at once
(`manage.py publish_static`, after switching static publishing on or deploying new
templates). Each rewrites the files of the rendered channels (web, WAP) that the page goes
to, through the same adapters as a delivery.

No page's file follows the clock alone: what changes with the date goes through a published
revision (a document's validity, cms.validity; scheduled publishing and expiry), and page
types whose state follows the clock (interviews, consultations, surveys, mailboxes) are
never files (`publish_as_file = False`)."""

from django.conf import settings
from django.db import transaction
from django_tasks import task
from wagtail.models import Page, Site

from cms.items import RENDERED_CHANNELS, item_changed
from sites import resolution

from ..adapters import get_adapter
from . import chrome, published
from .adapter import WebAdapter, list_pages


def rendered_adapters():
    """The configured rendered channels' adapters (those that keep published files)."""
    found = []
    for channel in RENDERED_CHANNELS:
        if channel in settings.CHANNEL_ADAPTERS:
            adapter = get_adapter(channel)
            if isinstance(adapter, WebAdapter):
                found.append(adapter)
    return found


def bake(pages, *, with_lists=False):
    """Write the published files of `pages` (and of the pages listing them) on every
    rendered channel. Returns the names of the files written."""
    pages = list(pages)
    if with_lists:
        extra = {p.pk: p for page in pages for p in list_pages(page)}
        pages += [p for pk, p in extra.items() if pk not in {page.pk for page in pages}]
    written = []
    for adapter in rendered_adapters():
        written += published.refresh(adapter.addresses(pages))["files"]
    return written


@task()
def refresh_pages(page_ids):
    """Rewrite the files of the pages (and their lists) whose content changed."""
    if not published.enabled():
        return 0
    return len(bake(Page.objects.live().filter(pk__in=page_ids).specific(), with_lists=True))


@task()
def bake_batch(page_ids):
    """Write the files of these live pages (publish_static --queue: the cluster's pages in
    batches, spread over every worker)."""
    if not published.enabled():
        return 0
    return len(bake(Page.objects.live().filter(pk__in=page_ids).order_by("path").specific()))


def site_page_ids(root):
    """The ids of the live pages of the site under `root` (the home page first)."""
    return list(
        Page.objects.live().descendant_of(root, inclusive=True).order_by("path").values_list("pk", flat=True)
    )


def queue_batches(ids, size):
    """Queue `bake_batch` over `ids`, `size` pages at a time; returns the number of batches."""
    for start in range(0, len(ids), size):
        bake_batch.enqueue(ids[start : start + size])
    return (len(ids) + size - 1) // size


@task()
def refresh_site_chrome(batch=200):
    """Periodic: queue every file of each site whose chrome changed since its files were
    written (a profile edited, a menu column renamed, added or withdrawn). A tick that finds
    no change renders nothing."""
    if not published.enabled():
        return 0
    queued = 0
    for site in Site.objects.select_related("root_page").order_by("pk"):
        with transaction.atomic():
            if chrome.note_change(site):
                # A change no process heard of (a row changed outside the application) must
                # not be rendered from a worker's remembered site (sites/resolution.py).
                resolution.move_on()
                queued += queue_batches(site_page_ids(site.root_page), batch)
    return queued


def on_item_changed(sender, page_id, **kwargs):
    if published.enabled():
        transaction.on_commit(lambda: refresh_pages.enqueue([page_id]))


def connect():
    """Connect the receiver (ChannelsConfig.ready)."""
    item_changed.connect(on_item_changed, dispatch_uid="portal_static_publishing_item_changed")
