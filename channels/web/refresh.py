"""Static publishing outside a delivery: pages whose public content changed without a new
revision (`cms.items.item_changed`: an interview's approved question), home pages whose
blocks follow the clock (an interview going live, a consultation closing), and the whole
cluster at once (`manage.py publish_static`, after switching static publishing on or
deploying new templates). Each rewrites the files of the rendered channels (web, WAP) that
the page goes to, through the same adapters as a delivery."""

from django.conf import settings
from django.db import transaction
from django_tasks import task
from wagtail.models import Page

from cms.items import RENDERED_CHANNELS, item_changed

from ..adapters import get_adapter
from . import published
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


@task()
def refresh_home_pages():
    """Periodic: rewrite every site's home page, whose blocks may follow the clock."""
    if not published.enabled():
        return 0
    return len(bake(Page.objects.live().filter(depth=2).specific()))


def on_item_changed(sender, page_id, **kwargs):
    if published.enabled():
        transaction.on_commit(lambda: refresh_pages.enqueue([page_id]))


def connect():
    """Connect the receiver (ChannelsConfig.ready)."""
    item_changed.connect(on_item_changed, dispatch_uid="portal_static_publishing_item_changed")
