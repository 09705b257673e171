"""The Weibo client (channels/weibo/client.py) against the stand-in: what it sends, Weibo's
errors turned into Chinese reasons with the right retry class, and its bounded in-process
retries (a share is repeated only when it never reached Weibo or Weibo answered busy)."""

import socket

import pytest

from channels.weibo.client import WeiboAPIError, WeiboClient
from channels.weibo.images import Picture

from .weibo_fixtures import TOKEN, UID, weibo_standin  # noqa: F401

URL = "http://www.wb.localhost/zwdt/article-1/"
TEXT = f"【市政府召开常务会议】研究部署防汛工作。 {URL}"


@pytest.fixture
def client(weibo_standin):  # noqa: F811
    weibo_standin.authorize(TOKEN, UID)
    slept = []
    api = WeiboClient(TOKEN, sleep=slept.append, timeout=0.3)
    api.slept = slept
    return api


def jpeg(size=10_000):
    return Picture("p.jpg", b"\xff\xd8\xff\xe0" + b"\0" * (size - 4), "image/jpeg")


def test_a_share_posts_the_text_and_picture_and_the_timeline_shows_it(client, weibo_standin):  # noqa: F811
    status = client.share(TEXT, jpeg(), rip="203.0.113.7")
    (call,) = weibo_standin.calls("statuses/share")
    assert call["fields"] == {"status": TEXT, "rip": "203.0.113.7", "access_token": TOKEN} and call["has_pic"]
    assert status["user"]["idstr"] == UID and status["text"].startswith("【市政府召开常务会议】")
    assert "http://t.cn/" in status["text"]  # Weibo shows the link shortened
    (shown,) = client.user_timeline()
    assert shown["idstr"] == status["idstr"]
    client.destroy(status["idstr"])
    assert client.user_timeline() == [] and weibo_standin.posts() == []


@pytest.mark.parametrize(
    ("prepare", "code", "reason"),
    [
        (lambda s: s.expire_token(TOKEN), 21327, "授权（access_token）已过期或无效"),
        (lambda s: s.tokens.pop(TOKEN), 21332, "重新授权"),
    ],
    ids=["expired", "invalid"],
)
def test_a_token_error_is_final_and_says_to_authorise_again(client, weibo_standin, prepare, code, reason):  # noqa: F811
    prepare(weibo_standin)
    with pytest.raises(WeiboAPIError) as failed:
        client.share(TEXT)
    error = failed.value
    assert (error.code, error.retryable, error.ambiguous) == (code, False, False)
    assert reason in error.reason and f"微博错误码 {code}" in error.reason
    assert len(weibo_standin.calls("statuses/share")) == 1 and weibo_standin.posts() == []


@pytest.mark.parametrize("code", [10022, 10023, 10024, 20016])
def test_a_rate_limit_is_raised_at_once_for_the_outbox_to_back_off(client, weibo_standin, code):  # noqa: F811
    weibo_standin.inject("statuses/user_timeline", error_code=code)
    with pytest.raises(WeiboAPIError) as failed:
        client.user_timeline()  # even a read: waiting seconds does not lift a quota
    assert failed.value.quota and failed.value.retryable and not failed.value.ambiguous
    assert "频次上限" in failed.value.reason
    assert len(weibo_standin.calls("statuses/user_timeline")) == 1 and client.slept == []


def test_busy_answers_are_retried_with_backoff_a_bounded_number_of_times(client, weibo_standin):  # noqa: F811
    weibo_standin.inject("statuses/share", error_code=10009, times=2)
    status = client.share(TEXT)
    assert [c["status"] for c in weibo_standin.calls("statuses/share")] == [400, 400, 200]
    assert client.slept == [0.5, 1.0] and len(weibo_standin.posts()) == 1 and status["id"]

    weibo_standin.inject("statuses/destroy", error_code=10002, times=3)
    with pytest.raises(WeiboAPIError) as failed:
        client.destroy(status["idstr"])
    assert len(weibo_standin.calls("statuses/destroy")) == 3  # max_attempts, then raised
    assert failed.value.retryable and "服务暂停" in failed.value.reason


@pytest.mark.parametrize(
    ("fault", "reason"),
    [
        ({"status": 502}, "HTTP 502"),
        ({"status": 503, "after": True}, "HTTP 503"),
        ({"non_json": True}, "无法识别"),
        ({"delay": 0.6}, "超时"),
        ({"error_code": 10001}, "微博系统错误"),
    ],
    ids=["502", "503-after-posting", "non-json", "timeout-after-send", "internal-error"],
)
def test_a_share_without_a_clear_answer_is_never_repeated_by_the_client(client, weibo_standin, fault, reason):  # noqa: F811
    weibo_standin.inject("statuses/share", **fault)
    with pytest.raises(WeiboAPIError) as failed:
        client.share(TEXT)
    assert failed.value.ambiguous and failed.value.retryable and reason in failed.value.reason
    assert len(weibo_standin.calls("statuses/share")) == 1 and client.slept == []


@pytest.mark.parametrize("fault", [{"status": 502}, {"non_json": True}, {"delay": 0.6}])
def test_reads_are_retried_after_any_transient_failure(client, weibo_standin, fault):  # noqa: F811
    weibo_standin.inject("statuses/user_timeline", **fault)
    assert client.user_timeline() == []
    assert len(weibo_standin.calls("statuses/user_timeline")) == 2 and client.slept == [0.5]


def test_a_share_that_never_reached_weibo_is_retried(settings):
    with socket.socket() as sock:  # a port nobody listens on: the connection is refused
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    settings.WEIBO_API_BASE_URL = f"http://127.0.0.1:{port}/"
    slept = []
    with pytest.raises(WeiboAPIError) as failed:
        WeiboClient(TOKEN, sleep=slept.append).share(TEXT)
    assert (
        not failed.value.ambiguous and failed.value.retryable and "无法连接微博服务器" in failed.value.reason
    )
    assert slept == [0.5, 1.0]  # three attempts


@pytest.mark.parametrize(
    ("text", "picture", "setup", "code", "reason"),
    [
        ("【" + "很长的标题" * 30 + "】 " + URL, None, None, 20012, "超过 140 字"),
        (TEXT, Picture("p.webp", b"RIFF\0\0\0\0WEBPVP8 ", "image/webp"), None, 20005, "仅支持 JPG、PNG、GIF"),
        (TEXT, jpeg(60_000), lambda s: setattr(s, "image_max_bytes", 50_000), 20006, "小于 5 MB"),
        (TEXT, None, lambda s: setattr(s, "safe_domains", ["czs.gov.cn"]), 10017, "安全域名"),
        ("#郴州发布# " + TEXT, None, None, 10017, "请求参数无效"),
        ("【市政府召开常务会议】研究部署防汛工作。", None, None, 10017, "请求参数无效"),  # no link
    ],
    ids=["too-long", "webp", "too-big", "outside-safe-domain", "topic", "no-link"],
)
def test_weibos_refusals_are_final_with_a_readable_reason(
    client,
    weibo_standin,  # noqa: F811
    text,
    picture,
    setup,
    code,
    reason,
):
    if setup:
        setup(weibo_standin)
    with pytest.raises(WeiboAPIError) as failed:
        client.share(text, picture)
    assert (failed.value.code, failed.value.retryable) == (code, False)
    assert reason in failed.value.reason and f"微博错误码 {code}" in failed.value.reason
    assert weibo_standin.posts() == []


def test_repeated_content_and_a_missing_post_are_told_apart(client, weibo_standin):  # noqa: F811
    status = client.share(TEXT)
    with pytest.raises(WeiboAPIError) as repeated:
        client.share(TEXT)
    assert repeated.value.code == 20019 and "重复" in repeated.value.reason
    client.destroy(status["idstr"])
    with pytest.raises(WeiboAPIError) as gone:
        client.destroy(status["idstr"])
    assert gone.value.code == 20101 and not gone.value.retryable
