"""App push through the outbox: an item first published in a column flagged for the app
(发布渠道 includes 移动客户端) is pushed once through the provider chosen by dotted path —
the HMAC-signed webhook (against a real stand-in on 127.0.0.1) or JPush — with retries
and no duplicates."""

import base64
import datetime as dt
import json
import socket
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import time_machine

from channels import outbox
from channels.adapters import get_adapter
from channels.models import Delivery
from channels.push.providers import JPushProvider, Notification, WebhookProvider, get_provider
from demo.push_standin import PushStandin
from tests.factories import make_article, make_column, make_site

SECRET = "push-test-secret"  # noqa: S105


@pytest.fixture
def receiver(settings):
    standin = PushStandin(secret=SECRET).start()
    settings.CHANNEL_ADAPTERS = {"app": "channels.push.adapter.AppPushAdapter"}
    settings.PUSH_PROVIDER = "channels.push.providers.WebhookProvider"
    settings.PUSH_WEBHOOK_URL = standin.url
    settings.PUSH_WEBHOOK_SECRET = SECRET
    get_adapter.cache_clear()
    get_provider.cache_clear()
    yield standin
    standin.stop()
    get_adapter.cache_clear()
    get_provider.cache_clear()


@pytest.fixture
def column():
    site = make_site("www.push.localhost", "郴州市人民政府", code="4310000001")
    return make_column(site.home, "要闻", slug="news", channels=["web", "app"])


def app_rows(page):
    return list(Delivery.objects.filter(page=page, channel="app").order_by("pk"))


def test_first_publish_pushes_a_signed_notification(receiver, column, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        article = make_article(column, title="郴州市召开全市电子政务工作会议", summary="部署2014年工作。")
    [row] = app_rows(article)
    assert row.status == "delivered", row.last_error
    [notification] = receiver.notifications.values()
    assert notification["title"] == "郴州市召开全市电子政务工作会议"
    assert notification["summary"] == "部署2014年工作。"
    assert notification["deep_link"] == f"czapp://item/{article.pk}"
    assert notification["url"] == f"http://www.push.localhost/news/{article.slug}/"
    assert row.state["message_id"] == str(notification["message_id"])
    request = receiver.requests[0]
    assert request["headers"]["X-Portal-Signature"].startswith("sha256=")


def test_edits_are_not_pushed_again(receiver, column, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        article = make_article(column)
    with django_capture_on_commit_callbacks(execute=True):
        article.title = "更正后的标题"
        article.save_revision().publish()
    assert [r.status for r in app_rows(article)] == ["delivered", "delivered"]
    assert len(receiver.requests) == 1 and len(receiver.notifications) == 1


def test_columns_not_flagged_for_the_app_push_nothing(receiver, django_capture_on_commit_callbacks):
    site = make_site("www.push.localhost", "郴州市人民政府", code="4310000001")
    quiet = make_column(site.home, "政策文件", channels=["web"])
    with django_capture_on_commit_callbacks(execute=True):
        make_article(quiet)
    assert receiver.requests == []


def test_a_failing_provider_is_retried_then_delivered_once(
    receiver, column, django_capture_on_commit_callbacks
):
    receiver.fail(503, times=1)
    with django_capture_on_commit_callbacks(execute=True):
        article = make_article(column)
    [row] = app_rows(article)
    assert (row.status, row.attempts) == ("pending", 1)
    assert "HTTP 503" in row.last_error and row.next_attempt_at
    with time_machine.travel(row.next_attempt_at + dt.timedelta(seconds=1), tick=False):
        assert outbox.run(row.pk) == "delivered"
        assert outbox.run(row.pk) is None  # a duplicate run of the same row sends nothing
    assert [r["status"] for r in receiver.requests] == [503, 200]
    assert len(receiver.notifications) == 1


def test_a_resent_notification_is_deduplicated_by_its_key(receiver):
    provider = WebhookProvider()
    notification = Notification(1, "标题", "摘要", "czapp://item/1", "http://x/", "x")
    first = provider.send(notification, "portal-push-1")
    second = provider.send(notification, "portal-push-1")  # e.g. the answer was lost
    assert first == second and len(receiver.notifications) == 1 and len(receiver.requests) == 2


def test_a_wrong_secret_is_refused_and_not_retried(
    receiver, column, settings, django_capture_on_commit_callbacks
):
    settings.PUSH_WEBHOOK_SECRET = "not-the-receivers"  # noqa: S105
    get_provider.cache_clear()
    with django_capture_on_commit_callbacks(execute=True):
        article = make_article(column)
    [row] = app_rows(article)
    assert row.status == "failed" and "HTTP 401" in row.last_error
    assert receiver.notifications == {}


def test_an_unreachable_provider_is_retryable(receiver, column, settings, django_capture_on_commit_callbacks):
    with socket.socket() as closed:  # a port nobody listens on
        closed.bind(("127.0.0.1", 0))
        settings.PUSH_WEBHOOK_URL = f"http://127.0.0.1:{closed.getsockname()[1]}/push"
    get_provider.cache_clear()
    with django_capture_on_commit_callbacks(execute=True):
        article = make_article(column)
    [row] = app_rows(article)
    assert row.status == "pending" and "无法连接" in row.last_error


class JPushStandin(ThreadingHTTPServer):
    def __init__(self):
        self.pushes = []

        class Handler(BaseHTTPRequestHandler):
            def do_POST(handler):  # noqa: N802, N805
                body = json.loads(handler.rfile.read(int(handler.headers["Content-Length"])))
                auth = base64.b64decode(handler.headers["Authorization"].removeprefix("Basic ")).decode()
                ok = auth == "appkey:master"
                if ok:
                    self.pushes.append(body)
                answer = json.dumps(
                    {"sendno": "1", "msg_id": "54043195528453"} if ok else {"error": {"code": 1004}}
                )
                handler.send_response(200 if ok else 401)
                handler.send_header("Content-Type", "application/json")
                handler.end_headers()
                handler.wfile.write(answer.encode())

            def log_message(handler, *args):  # noqa: N805
                pass

        super().__init__(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.serve_forever, daemon=True).start()

    @property
    def url(self):
        return f"http://127.0.0.1:{self.server_address[1]}/v3/push"


def test_jpush_provider_chosen_by_dotted_path(settings, column, django_capture_on_commit_callbacks):
    jpush = JPushStandin()
    settings.CHANNEL_ADAPTERS = {"app": "channels.push.adapter.AppPushAdapter"}
    settings.PUSH_PROVIDER = "channels.push.providers.JPushProvider"
    settings.PUSH_JPUSH_URL = jpush.url
    settings.PUSH_JPUSH_APP_KEY, settings.PUSH_JPUSH_MASTER_SECRET = "appkey", "master"
    get_adapter.cache_clear()
    get_provider.cache_clear()
    try:
        with django_capture_on_commit_callbacks(execute=True):
            article = make_article(column, title="极光推送测试", summary="摘要")
        [row] = app_rows(article)
        assert row.status == "delivered" and row.state["message_id"] == "54043195528453"
        [push] = jpush.pushes
        assert push["notification"]["ios"]["alert"] == {"title": "极光推送测试", "body": "摘要"}
        assert push["notification"]["android"]["extras"]["deep_link"] == f"czapp://item/{article.pk}"
        with pytest.raises(Exception, match="HTTP 401"):
            JPushProvider(url=jpush.url, app_key="appkey", master_secret="wrong").send(
                Notification(1, "t", "s", "d", "u", "x"), "k"
            )
    finally:
        jpush.shutdown()
        jpush.server_close()
        get_adapter.cache_clear()
        get_provider.cache_clear()
