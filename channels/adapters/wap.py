"""The WAP channel: WAP pages are rendered from the same page objects at publish time, so
delivering means purging their cached addresses (under /wap/) like the web channel does."""

from channels.wap.links import wap_url

from .web import WebAdapter, list_pages


class WapAdapter(WebAdapter):
    name = "wap"

    def urls(self, page):
        pages = [page, *list_pages(page)]
        return {url for url in (wap_url(p, None) for p in pages) if url}
