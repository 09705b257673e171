"""The WAP channel: WAP pages are rendered from the same page objects at publish time, so
delivering means rewriting their published files (under /wap/, with static publishing) and
purging their cached addresses, like the web channel does."""

from channels.web.adapter import WebAdapter, list_pages

from .links import wap_path, wap_url


class WapAdapter(WebAdapter):
    label = "手机版"

    def channel_path(self, path):
        return wap_path(path)

    def urls(self, page):
        pages = [page, *list_pages(page)]
        return {url for url in (wap_url(p, None) for p in pages) if url}
