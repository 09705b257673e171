"""The web channel: after a publish or unpublish, purge the page and the lists that show
it from the frontend cache (Wagtail's frontend_cache backends, WAGTAILFRONTENDCACHE).

Without WAGTAILFRONTENDCACHE there is no cache in front of the site and nothing to purge:
delivery succeeds at once. The purge runs in the outbox's worker, synchronously, so that
"delivered" means the cache answered, and a purge the cache refused is retried.
"""

import logging

from wagtail.contrib.frontend_cache.tasks import purge_urls_from_cache_task
from wagtail.contrib.frontend_cache.utils import PurgeBatch, get_backends
from wagtail.models import Page

from channels.adapters import ChannelAdapter, DeliveryError


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
    (its own and syndication targets), and its site's home page."""
    from cms.listing import ColumnListing

    ids = set(ColumnListing.objects.filter(article_id=page.pk).values_list("column_id", flat=True))
    if page.depth > 2:
        ids.add(page.get_parent().pk)
        ids.add(Page.objects.ancestor_of(page).filter(depth=2).values_list("pk", flat=True).first())
    ids.discard(None)
    return Page.objects.filter(pk__in=ids).order_by("path")


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

    def deliver(self, page, revision, delivery):
        return self.purge(page)

    def withdraw(self, page, delivery):
        return self.purge(page)
