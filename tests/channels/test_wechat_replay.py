"""Replay protection of the Official Account callback: a signed query is good for
±WECHAT_CALLBACK_WINDOW_SECONDS around its `timestamp` and once only (the nonce cache,
shared through Django's cache), and an account with an EncodingAESKey takes encrypted
messages only. The clock is frozen with time-machine; nothing sleeps."""

import datetime as dt

import pytest
import time_machine
from django.core.cache import cache

from channels.wechat import inbound
from tests.factories import make_article, make_column

from .wechat_inbound import (
    APPID,
    WeChat,
    drop_aes_key,
    event_xml,
    fresh_cache,  # noqa: F401 - autouse: each test starts with an empty cache
    make_account,
    searches,
    text_xml,
)

NOW = dt.datetime(2026, 3, 2, 9, 30, tzinfo=dt.UTC)
NOW_TS = int(NOW.timestamp())


@pytest.fixture
def frozen():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def portal(frozen):
    site, account = make_account()
    column = make_column(site.home, title="政务动态", show_in_menus=True, channels=["web", "wechat"])
    make_article(column, title="郴州市公积金贷款政策调整")
    return site, account, column


# --- the same signed request twice ------------------------------------------------------


@pytest.mark.parametrize("aes", [True, False])
def test_the_same_signed_request_twice_is_refused_the_second_time(portal, wechat, aes):
    site, account, column = portal
    if not aes:
        drop_aes_key(account)
    first = wechat.post(text_xml("公积金", msg_id=901), aes=aes, nonce="captured")
    assert wechat.reply(first)["MsgType"] == "news"
    # Byte for byte the same request (same query and signature, same body) ...
    again = wechat.post(text_xml("公积金", msg_id=901), aes=aes, nonce="captured")
    assert again.status_code == 403
    # ... and the captured signature with another body: refused before it is read.
    other = wechat.post(text_xml("招聘", msg_id=902), aes=aes, nonce="captured")
    assert other.status_code == 403
    assert searches() == 1
    # WeChat's own retry comes with a new nonce: answered "success" (the MsgId de-dup).
    retry = wechat.post(text_xml("公积金", msg_id=901), aes=aes)
    assert (retry.status_code, retry.content) == (200, b"success")


def test_a_nonce_is_per_timestamp_and_per_account(portal, wechat):
    assert wechat.post(event_xml("subscribe", created=1), nonce="n1").status_code == 200
    # Same nonce, another second: another request.
    later = wechat.post(event_xml("subscribe", created=2), nonce="n1", timestamp=NOW_TS - 1)
    assert later.status_code == 200
    assert inbound.nonce_unused("wxotheraccount", str(NOW_TS), "n1")
    assert not inbound.nonce_unused(APPID, str(NOW_TS), "n1")


def test_the_nonce_mark_is_in_the_shared_cache_for_the_window(portal, wechat):
    wechat.post(event_xml("subscribe"), nonce="shared")
    key = inbound.nonce_key(APPID, str(NOW_TS), "shared")
    assert cache.get(key) == 1  # in Django's cache (Redis in production), not in a process
    # Another worker (the cache is all they share) refuses it.
    assert not inbound.nonce_unused(APPID, str(NOW_TS), "shared")


def test_a_forged_body_does_not_burn_the_nonce_of_the_genuine_request(portal, wechat):
    # An attacker racing a captured query with a bad msg_signature is refused, and the
    # genuine request with that query is still taken.
    forged = wechat.post(text_xml("公积金", msg_id=903), nonce="race", bad_msg_signature=True)
    assert forged.status_code == 403
    genuine = wechat.post(text_xml("公积金", msg_id=903), nonce="race")
    assert wechat.reply(genuine)["MsgType"] == "news"


def test_verification_echo_within_the_window_and_once(portal, wechat):
    response = wechat.verify(echostr="echo-1", timestamp=NOW_TS - 10, nonce="v1")
    assert (response.status_code, response.content) == (200, b"echo-1")
    assert wechat.verify(echostr="echo-1", timestamp=NOW_TS - 10, nonce="v1").status_code == 403
    assert wechat.verify(echostr="echo-2", timestamp=NOW_TS - 301, nonce="v2").status_code == 403


# --- the timestamp window ---------------------------------------------------------------


@pytest.mark.parametrize(
    "offset, status",
    [(-301, 403), (-299, 200), (-300, 200), (0, 200), (299, 200), (301, 403), (-86400 * 365, 403)],
)
def test_the_timestamp_must_be_within_300_seconds(portal, wechat, offset, status):
    response = wechat.post(text_xml("公积金", msg_id=904), timestamp=NOW_TS + offset)
    assert response.status_code == status
    assert searches() == (1 if status == 200 else 0)
    if status == 200:
        assert wechat.reply(response)["MsgType"] == "news"


def test_a_request_goes_stale_as_the_clock_moves(portal, wechat, frozen):
    # Captured now, replayed (with a fresh nonce cache: say it was evicted) 301 s later.
    params = wechat.signed(nonce="late")
    frozen.shift(301)
    cache.clear()
    response = wechat.client.get(wechat.url(**(params | {"echostr": "x"})))
    assert response.status_code == 403


@pytest.mark.parametrize("timestamp", ["", "abc", "1.7e9", f"{NOW_TS}.0", f" {NOW_TS}", f"-{NOW_TS}", "١٢٣"])
def test_a_timestamp_that_is_not_an_integer_is_refused(portal, wechat, timestamp):
    # Correctly signed over the odd timestamp: refused all the same.
    assert wechat.verify(timestamp=timestamp).status_code == 403
    assert wechat.post(event_xml("subscribe"), timestamp=timestamp).status_code == 403


def test_the_window_is_a_setting(portal, wechat, settings):
    settings.WECHAT_CALLBACK_WINDOW_SECONDS = 60
    assert wechat.post(event_xml("subscribe", created=1), timestamp=NOW_TS - 61).status_code == 403
    assert wechat.post(event_xml("subscribe", created=2), timestamp=NOW_TS - 59).status_code == 200


# --- encrypted mode required with an AES key ----------------------------------------------


def test_plaintext_to_an_account_with_an_aes_key_is_refused(portal, wechat):
    response = wechat.post(text_xml("公积金", msg_id=905), aes=False)
    assert response.status_code == 403
    assert searches() == 0
    # Encrypted: accepted (and the refused plaintext did not mark the MsgId as seen).
    response = wechat.post(text_xml("公积金", msg_id=905), aes=True)
    assert wechat.reply(response)["MsgType"] == "news"
    assert searches() == 1


def test_plaintext_is_refused_before_the_body_is_read(portal, wechat):
    # Even a body that would be 400 or 413: the downgrade is what is refused.
    assert wechat.post("not xml at all", aes=False).status_code == 403
    assert wechat.post(text_xml("公积金" * 30000), aes=False).status_code == 403


def test_plaintext_is_accepted_when_the_account_has_no_aes_key(portal, client):
    site, account, column = portal
    drop_aes_key(account)
    plain = WeChat(client, aes_key="")
    response = plain.post(text_xml("公积金", msg_id=906))
    assert plain.reply(response)["MsgType"] == "news"
