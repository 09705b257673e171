"""The WeChat client against the stand-in: bounded retries per error class, token refresh
shared through the cache, final errors with Chinese reasons, uploads re-sent whole."""

import pytest

from channels.wechat.client import PortalWeChatClient, WeChatAPIError

from .wechat_fixtures import standin  # noqa: F401


@pytest.fixture
def sleeps():
    return []


@pytest.fixture
def client(standin, sleeps):  # noqa: F811
    return PortalWeChatClient("wxapp", "secret", timeout=2, max_attempts=3, sleep=sleeps.append)


def test_token_fetch_and_calls_use_the_configured_base_url(standin, client):  # noqa: F811
    assert client.post_json("menu/create", {"button": [{"type": "click", "name": "动态", "key": "c1"}]}) == {
        "errcode": 0,
        "errmsg": "ok",
    }
    assert [r["endpoint"] for r in standin.calls()] == ["token", "menu/create"]
    assert standin.calls("menu/create")[0]["query"]["access_token"].startswith("TOKEN-")


def test_token_is_shared_through_the_cache(standin, client, sleeps):  # noqa: F811
    other = PortalWeChatClient("wxapp", "secret", sleep=sleeps.append)
    client.post_json("menu/create", {"button": [{"name": "a", "type": "click", "key": "k"}]})
    other.post_json("menu/create", {"button": [{"name": "b", "type": "click", "key": "k"}]})
    assert len(standin.calls("token")) == 1


def test_chinese_text_is_sent_unescaped(standin, client):  # noqa: F811
    client.post_json("menu/create", {"button": [{"name": "政务", "type": "click", "key": "k"}]})
    body = standin.calls("menu/create")[0]["body"]
    assert "政务".encode() in body and b"\\u" not in body


@pytest.mark.parametrize(
    "fault",
    [{"errcode": -1}, {"errcode": 45009}, {"status": 502}, {"status": 503}, {"non_json": True}],
    ids=["busy", "rate-limit", "502", "503", "non-json"],
)
def test_retryable_faults_are_retried_then_succeed(standin, client, fault):  # noqa: F811
    standin.inject("menu/create", times=1, **fault)
    if fault.get("errcode") == 45009:
        # A daily quota: no point retrying in-process; the outbox backs off instead.
        with pytest.raises(WeChatAPIError) as exc:
            client.post_json("menu/create", {"button": [{"name": "a", "type": "click", "key": "k"}]})
        assert exc.value.retryable and exc.value.code == 45009 and "上限" in exc.value.reason
        assert len(standin.calls("menu/create")) == 1
        return
    result = client.post_json("menu/create", {"button": [{"name": "a", "type": "click", "key": "k"}]})
    assert result["errcode"] == 0
    assert len(standin.calls("menu/create")) == 2


def test_retries_are_bounded_and_end_retryable(standin, client, sleeps):  # noqa: F811
    standin.inject("draft/add", errcode=-1, times=10)
    with pytest.raises(WeChatAPIError) as exc:
        client.post_json("draft/add", {"articles": []})
    assert exc.value.retryable and exc.value.code == -1
    assert "繁忙" in exc.value.reason
    assert len(standin.calls("draft/add")) == 3
    assert sleeps == [0.5, 1.0]  # exponential backoff, through the injected sleep


def test_timeout_is_retryable(standin, sleeps):  # noqa: F811
    client = PortalWeChatClient("wxapp", "secret", timeout=0.2, max_attempts=2, sleep=sleeps.append)
    standin.inject("menu/create", delay=0.5, times=2)
    with pytest.raises(WeChatAPIError) as exc:
        client.post_json("menu/create", {"button": [{"name": "a", "type": "click", "key": "k"}]})
    assert exc.value.retryable and "超时" in exc.value.reason
    assert len(standin.calls("menu/create")) == 2


@pytest.mark.parametrize("code", [40001, 42001])
def test_token_error_refreshes_token_then_retries(standin, client, code, sleeps):  # noqa: F811
    client.post_json("menu/create", {"button": [{"name": "a", "type": "click", "key": "k"}]})
    first = standin.calls("menu/create")[0]["query"]["access_token"]
    if code == 40001:
        standin.expire_tokens()  # the stand-in itself answers 40001 for the old token
    else:
        standin.inject("menu/create", errcode=42001)
    client.post_json("menu/create", {"button": [{"name": "a", "type": "click", "key": "k"}]})
    calls = standin.calls("menu/create")
    assert len(standin.calls("token")) == 2
    assert calls[-1]["query"]["access_token"] != first
    assert calls[-1]["answer"]["errcode"] == 0
    assert sleeps == []  # a fresh token needs no wait


def test_other_errors_are_final_with_a_readable_reason(standin, client):  # noqa: F811
    standin.inject("freepublish/submit", errcode=48001, times=5)
    with pytest.raises(WeChatAPIError) as exc:
        client.post_json("freepublish/submit", {"media_id": "x"})
    assert not exc.value.retryable
    assert "权限" in exc.value.reason and "48001" in exc.value.reason
    assert len(standin.calls("freepublish/submit")) == 1


def test_bad_secret_is_final(standin, sleeps):  # noqa: F811
    client = PortalWeChatClient("wxapp", "", sleep=sleeps.append)
    with pytest.raises(WeChatAPIError) as exc:
        client.post_json("menu/create", {"button": []})
    assert exc.value.code == 40125 and not exc.value.retryable and "AppSecret" in exc.value.reason


def test_upload_retry_resends_the_whole_file(standin, client):  # noqa: F811
    payload = b"\xff\xd8" + b"x" * 5000
    standin.inject("media/uploadimg", status=500)
    result = client.upload("media/uploadimg", "a.jpg", payload, "image/jpeg")
    assert result["url"].startswith("http://mmbiz.qpic.cn/")
    assert standin.images and list(standin.images.values()) == [len(payload)]


@pytest.mark.parametrize(
    "fault", [{"status": 502}, {"non_json": True}, {"delay": 0.5}], ids=["502", "non-json", "timeout"]
)
def test_a_call_that_is_not_idempotent_is_not_repeated_after_an_unclear_failure(standin, fault):  # noqa: F811
    client = PortalWeChatClient("wxapp", "secret", timeout=0.2, max_attempts=3, sleep=lambda s: None)
    standin.inject("freepublish/submit", times=3, **fault)
    with pytest.raises(WeChatAPIError) as exc:
        client.post_json("freepublish/submit", {"media_id": "x"}, idempotent=False)
    assert exc.value.ambiguous and exc.value.retryable
    assert len(standin.calls("freepublish/submit")) == 1
    # The same failure on a read is retried (bounded).
    standin.inject("freepublish/get", times=3, **fault)
    with pytest.raises(WeChatAPIError):
        client.post_json("freepublish/get", {"publish_id": "1"})
    assert len(standin.calls("freepublish/get")) == 3


def test_a_call_that_is_not_idempotent_is_repeated_after_an_answered_error(standin, client):  # noqa: F811
    standin.inject("draft/add", errcode=-1, times=1)
    with pytest.raises(WeChatAPIError) as exc:  # the stand-in refuses the empty draft
        client.post_json("draft/add", {"articles": []}, idempotent=False)
    assert exc.value.code == 40114 and not exc.value.ambiguous
    assert [r["answer"]["errcode"] for r in standin.calls("draft/add")] == [-1, 40114]
