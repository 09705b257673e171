"""The web channel against a real HTTP stand-in for the frontend cache: Wagtail's
HTTPBackend sends PURGE requests to a server on 127.0.0.1 that records them."""

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from channels import outbox
from channels.adapters import get_adapter
from channels.models import Delivery
from tests.factories import make_article, make_column, make_site


class PurgeRecorder(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self):
        super().__init__(("127.0.0.1", 0), self.Handler)
        self.requests = []
        self.status = 200

    class Handler(BaseHTTPRequestHandler):
        def do_PURGE(self):
            self.server.requests.append((self.headers["Host"], self.path))
            self.send_response(self.server.status)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args):
            pass


@pytest.fixture
def cache_server():
    server = PurgeRecorder()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


@pytest.fixture
def web_only(settings):
    settings.CHANNEL_ADAPTERS = {"web": "channels.web.adapter.WebAdapter"}
    get_adapter.cache_clear()
    yield
    get_adapter.cache_clear()


@pytest.fixture
def frontend_cache(settings, cache_server):
    settings.WAGTAILFRONTENDCACHE = {
        "default": {
            "BACKEND": "wagtail.contrib.frontend_cache.backends.HTTPBackend",
            "LOCATION": f"http://127.0.0.1:{cache_server.server_port}",
        }
    }
    return cache_server


@pytest.fixture
def tree(web_only):
    site = make_site("www.test.localhost")
    news = make_column(site.home, title="工作动态", slug="gzdt", channels=["web"])
    other = make_column(site.home, title="图片新闻", slug="tpxw", channels=["web"])
    return site, news, other


def web_row(article, action="deliver"):
    return Delivery.objects.get(page=article, channel="web", action=action)


def test_publish_purges_the_page_its_columns_and_the_home_page(tree, frontend_cache):
    site, news, other = tree
    article = make_article(news)
    article.syndicate_to.add(other)
    article.save_revision().publish()  # the syndication is live from this revision on
    row = Delivery.objects.filter(page=article, channel="web").latest("pk")
    assert outbox.run(row.pk) == "delivered"
    assert sorted(frontend_cache.requests) == [
        ("www.test.localhost", "/"),
        ("www.test.localhost", "/gzdt/"),
        ("www.test.localhost", f"/gzdt/{article.slug}/"),
        ("www.test.localhost", "/tpxw/"),
    ]
    row.refresh_from_db()
    assert row.state["purged"] == [
        "http://www.test.localhost/",
        "http://www.test.localhost/gzdt/",
        f"http://www.test.localhost/gzdt/{article.slug}/",
        "http://www.test.localhost/tpxw/",
    ]


def test_unpublish_purges_the_page_and_its_column(tree, frontend_cache):
    site, news, other = tree
    article = make_article(news)
    article.unpublish()
    assert outbox.run(web_row(article, "withdraw").pk) == "delivered"
    assert {path for _, path in frontend_cache.requests} >= {f"/gzdt/{article.slug}/", "/gzdt/", "/"}


def test_a_refused_purge_is_retried_with_a_chinese_reason(tree, frontend_cache):
    site, news, other = tree
    frontend_cache.status = 503
    article = make_article(news)
    row = web_row(article)
    assert outbox.run(row.pk) == "pending"
    row.refresh_from_db()
    assert row.last_error.startswith("网站缓存刷新失败（3 个地址），将自动重试")
    assert row.next_attempt_at is not None


def test_without_a_frontend_cache_delivery_is_a_no_op(tree, settings):
    site, news, other = tree
    assert not hasattr(settings, "WAGTAILFRONTENDCACHE")
    article = make_article(news)
    row = web_row(article)
    assert outbox.run(row.pk) == "delivered"
    row.refresh_from_db()
    assert row.state == {"purged": []}


def test_wap_channel_purges_the_wap_addresses_of_the_page_and_its_lists(settings, frontend_cache):
    settings.CHANNEL_ADAPTERS = {"wap": "channels.wap.adapter.WapAdapter"}
    get_adapter.cache_clear()
    try:
        site = make_site("www.test.localhost")
        news = make_column(site.home, title="工作动态", slug="gzdt", channels=["wap"])
        article = make_article(news)
        row = Delivery.objects.get(page=article, channel="wap", action="deliver")
        assert outbox.run(row.pk) == "delivered"
        assert sorted(frontend_cache.requests) == [
            ("www.test.localhost", "/wap/"),
            ("www.test.localhost", "/wap/gzdt/"),
            ("www.test.localhost", f"/wap/gzdt/{article.slug}/"),
        ]
    finally:
        get_adapter.cache_clear()
