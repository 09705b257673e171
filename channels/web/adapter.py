"""The web channel: after a publish or unpublish, rewrite the published files of the page
and of the lists that show it (static publishing, channels/web/published.py, when
STATIC_PUBLISHING is on), then purge those addresses from the frontend cache (Wagtail's
frontend_cache backends, WAGTAILFRONTENDCACHE), so a CDN refetches fresh files.

Shared pages (a column, the home page) already rendered after a delivery's row was visible
are not rendered again for it (channels/web/coverage.py): a bulk import renders each once.

Without WAGTAILFRONTENDCACHE there is no cache in front of the site and nothing to purge:
delivery succeeds at once. The purge runs in the outbox's worker, synchronously, so that
"delivered" means the cache answered, and a purge the cache refused is retried.
"""

import logging

from django.contrib.contenttypes.models import ContentType
from wagtail.contrib.frontend_cache.tasks import purge_urls_from_cache_task
from wagtail.contrib.frontend_cache.utils import PurgeBatch, get_backends
from wagtail.models import Page, ReferenceIndex

from channels.adapters import ChannelAdapter, DeliveryError
from channels.models import Delivery
from cms.listing import ColumnListing
from cms.neighbours import neighbours

from . import coverage, published


class _Collect(logging.Handler):
    """Wagtail's HTTP backends log a refused purge instead of raising; this turns those
    log records back into a failure the outbox can retry."""

    def __init__(self):
        super().__init__(level=logging.ERROR)
        self.messages = []

    def emit(self, record):
        self.messages.append(record.getMessage())


def list_pages(page):
    """The pages whose first page lists `page`: its parent, every column it is listed in
    (its own and syndication targets), and the home page of its site and of every site
    whose columns list it (home page blocks)."""
    columns = set(ColumnListing.objects.filter(article_id=page.pk).values_list("column_id", flat=True))
    ids = set(columns)
    if page.depth > 2:
        ids.add(page.get_parent().pk)
    paths = {page.path[: 2 * Page.steplen]} if page.depth > 2 else set()
    paths.update(
        p[: 2 * Page.steplen] for p in Page.objects.filter(pk__in=columns).values_list("path", flat=True)
    )
    ids.update(Page.objects.filter(depth=2, path__in=paths).values_list("pk", flat=True))
    ids.discard(page.pk)
    return Page.objects.filter(pk__in=ids).order_by("path")


def referring_pages(pages):
    """Live pages whose content refers to any of `pages`, from Wagtail's reference index: a
    topic's column feed (专题's 栏目信息 block) names a column, a related link or a rich-text
    link names an item."""
    page_type = ContentType.objects.get_for_model(Page)
    ids = ReferenceIndex.objects.filter(
        base_content_type=page_type, to_content_type=page_type, to_object_id__in=[str(p.pk) for p in pages]
    ).values_list("object_id", flat=True)
    return Page.objects.live().filter(pk__in=[int(pk) for pk in set(ids)])


def showing_pages(page):
    """`page`'s lists (list_pages), its neighbours in its column, whose 上一篇/下一篇 links
    name it, and the pages that refer to it or to its lists (a topic's column feed): every
    page whose rendering changes when `page` comes or goes."""
    pages = {p.pk: p for p in list_pages(page)}
    for referring in referring_pages([page, *pages.values()]):
        pages.setdefault(referring.pk, referring)
    pages.pop(page.pk, None)
    # Only items of the listing index (they have a display time) have neighbours.
    if page.depth > 2 and getattr(page, "published_at", None) is not None:
        around = neighbours(page, page.get_parent().pk)
        for neighbour in (around.previous, around.next):
            if neighbour is not None:
                pages.setdefault(neighbour.pk, neighbour)
    return sorted(pages.values(), key=lambda p: p.path)


class WebAdapter(ChannelAdapter):
    label = "网站"
    # A few cache requests: never queue behind a slow channel's delivery.
    queue_priority = 10

    def urls(self, page):
        """Every cached address that shows `page`: its own and its lists'."""
        batch = PurgeBatch()
        batch.add_page(page)
        batch.add_pages(list_pages(page))
        return batch.urls

    def purge(self, page):
        if not get_backends():
            return {"purged": []}
        urls = sorted(self.urls(page))
        collector = _Collect()
        frontend_logger = logging.getLogger("wagtail.frontendcache")
        frontend_logger.addHandler(collector)
        try:
            # .call(): run the purge here rather than enqueue a second task, so the
            # delivery is only "delivered" once the cache has answered.
            purge_urls_from_cache_task.call(urls)
        finally:
            frontend_logger.removeHandler(collector)
        if collector.messages:
            raise DeliveryError(
                f"网站缓存刷新失败（{len(collector.messages)} 个地址），将自动重试：{collector.messages[0]}",
                retryable=True,
                code="purge",
            )
        return {"purged": urls}

    def channel_path(self, path):
        """The address of a page on this channel, from its path on its site."""
        return path

    def addresses(self, pages):
        """(site id, path on this channel, page) of each routable page."""
        found = []
        for page in pages:
            parts = page.get_url_parts()
            if parts is not None and parts[2] is not None:
                found.append((parts[0], self.channel_path(parts[2]), page))
        return found

    def previous_state(self, delivery):
        """What the page's last delivery on this channel recorded: the files it wrote for
        the page itself (a page moved or renamed since leaves its old file behind
        otherwise) and the pages that showed it (an unpublished page is no longer in the
        listing index, yet the lists it was on must be rewritten)."""
        last = (
            Delivery.objects.filter(
                page_id=delivery.page_id, channel=delivery.channel, status=Delivery.Status.DELIVERED
            )
            .exclude(pk=delivery.pk)
            .order_by("-pk")
            .values_list("state", flat=True)
            .first()
        )
        return last or {}

    def publish_files(self, page, delivery, *, withdrawn):
        """Rewrite the published files that show `page` (static publishing)."""
        if not published.enabled():
            return {}
        before = self.previous_state(delivery)
        showing = {p.pk: p for p in showing_pages(page)}
        earlier = set(before.get("shown_on", [])) - set(showing) - {page.pk}
        showing.update((p.pk, p) for p in Page.objects.filter(pk__in=earlier).specific())
        own = self.addresses([page])
        shared = self.addresses(showing.values())
        sites = published.sites_of([*own, *shared])  # one read of the Site rows for all below
        own_names = set(published.file_names(own, sites).values())
        gone = set(before.get("own_files", []))
        if withdrawn:
            gone |= own_names
            own = []
        # Read before rendering: every render below sees the changes of these rows.
        seen = coverage.visible()
        fresh = coverage.covered(set(published.file_names(shared, sites).values()) - own_names, delivery.pk)
        result = published.refresh([*own, *shared], gone=gone, keep=fresh, sites=sites)
        coverage.mark(result["files"], seen)
        result["own_files"] = sorted(own_names & set(result["files"]))
        result["shown_on"] = sorted(showing)
        result["already_fresh"] = sorted(fresh)
        return result

    def deliver(self, page, revision, delivery):
        files = self.publish_files(page, delivery, withdrawn=False)
        return {**self.purge(page), **files}

    def withdraw(self, page, delivery):
        files = self.publish_files(page, delivery, withdrawn=True)
        return {**self.purge(page), **files}
