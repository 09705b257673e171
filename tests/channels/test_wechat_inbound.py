"""The Official Account callback, driven the way WeChat drives it: signed queries, messages
encrypted with the account's EncodingAESKey in safe mode, retries of the same MsgId, and
hostile bodies. Search hits come from the real index, filled when the factories publish.

The account has an EncodingAESKey, so it takes encrypted messages only: the plaintext
variants (`aes=False`) remove the key first. Replay protection: test_wechat_replay.py."""

import datetime as dt
import itertools

import pytest
from django.db import connection
from django.utils import timezone

from channels.models import Delivery
from channels.wechat.inbound import SearchTimeout, time_box
from channels.wechat.models import WeChatArticle
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


@pytest.fixture
def portal():
    site, account = make_account()
    column = make_column(site.home, title="政务动态", show_in_menus=True, channels=["web", "wechat"])
    return site, account, column


# --- verification -------------------------------------------------------------------------


def test_get_verification_echoes_echostr_for_a_good_signature(portal, wechat):
    response = wechat.verify(echostr="8675309abc")
    assert response.status_code == 200
    assert response.content == b"8675309abc"


def test_get_verification_rejects_a_bad_or_missing_signature(portal, wechat, client):
    assert wechat.verify(signature="a" * 40).status_code == 403
    assert client.get(f"/wechat/{APPID}/?echostr=x").status_code == 403
    # Signed with another token: also refused.
    other = WeChat(client, token="not-the-token")
    assert other.verify().status_code == 403


def test_unknown_account_is_404(portal, client):
    assert WeChat(client, appid="wxunknown").verify().status_code == 404


# --- text messages → search -------------------------------------------------------------


@pytest.mark.parametrize("aes", [False, True])
def test_text_message_answers_with_the_best_hit_as_one_article(portal, wechat, aes):
    site, account, column = portal
    if not aes:
        drop_aes_key(account)
    article = make_article(column, title="郴州市公积金贷款政策调整", summary="公积金贷款额度提高")
    make_article(column, title="城市道路维修通知")

    response = wechat.post(text_xml("公积金", user="oCitizen"), aes=aes)
    if aes:
        assert b"<Encrypt>" in response.content and "公积金".encode() not in response.content
    reply = wechat.reply(response)

    assert reply["MsgType"] == "news"
    assert reply["ToUserName"] == "oCitizen"
    assert reply["ArticleCount"] == "1"
    item = reply["Articles"]["item"]
    assert item["Title"] == "郴州市公积金贷款政策调整"
    assert item["Url"] == article.get_full_url()
    assert "http://www.wxin.localhost/search/?q=%E5%85%AC%E7%A7%AF%E9%87%91" in item["Description"]


def test_text_message_without_a_hit_says_so_with_the_results_link(portal, wechat):
    reply = wechat.reply(wechat.post(text_xml("火星移民")))
    assert reply["MsgType"] == "text"
    assert "没有找到" in reply["Content"]
    assert "/search/?q=" in reply["Content"]


def test_search_is_scoped_to_the_accounts_site(portal, wechat):
    from tests.factories import make_site

    other = make_site(hostname="qita.localhost", name="其他市")
    other_column = make_column(other.home, title="动态")
    make_article(other_column, title="其他城市公积金新政")
    reply = wechat.reply(wechat.post(text_xml("公积金")))
    assert reply["MsgType"] == "text" and "没有找到" in reply["Content"]


def test_search_past_its_deadline_answers_with_the_results_link(portal, wechat, settings):
    site, account, column = portal
    make_article(column, title="郴州市公积金贷款政策调整")
    settings.WECHAT_SEARCH_TIMEOUT = 0
    reply = wechat.reply(wechat.post(text_xml("公积金")))
    assert reply["MsgType"] == "text"
    assert "http://www.wxin.localhost/search/?q=" in reply["Content"]
    assert searches() == 0  # the search never ran


def test_time_box_interrupts_a_running_query():
    # The clock passes the deadline once the query is under way: the database interrupts
    # it (SQLite progress handler, PostgreSQL statement_timeout) instead of finishing.
    ticks = itertools.chain([0.0, 0.999], itertools.repeat(10.0))
    sql = (
        "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 20000000) "
        "SELECT count(*) FROM c"
    )
    with pytest.raises(SearchTimeout):
        with time_box(1, clock=lambda: next(ticks)):
            with connection.cursor() as cursor:
                cursor.execute(sql)
    with connection.cursor() as cursor:  # the connection is usable afterwards
        cursor.execute("SELECT 1")
        assert cursor.fetchone() == (1,)


# --- retries and hostile input -------------------------------------------------------------


@pytest.mark.parametrize("aes", [False, True])
def test_a_retried_msgid_is_processed_once(portal, wechat, aes):
    site, account, column = portal
    if not aes:
        drop_aes_key(account)
    make_article(column, title="郴州市公积金贷款政策调整")
    first = wechat.reply(wechat.post(text_xml("公积金", msg_id=555), aes=aes))
    assert first["MsgType"] == "news"
    for _ in range(3):  # WeChat's retries
        response = wechat.post(text_xml("公积金", msg_id=555), aes=aes)
        assert response.status_code == 200 and response.content == b"success"
    assert searches() == 1
    # Another message is processed.
    assert wechat.reply(wechat.post(text_xml("公积金", msg_id=556), aes=aes))["MsgType"] == "news"
    assert searches() == 2


def test_a_retried_event_is_processed_once(portal, wechat):
    assert wechat.reply(wechat.post(event_xml("subscribe", created=1700000100)))["MsgType"] == "text"
    assert wechat.post(event_xml("subscribe", created=1700000100)).content == b"success"
    # Same follower, later event: answered.
    assert wechat.reply(wechat.post(event_xml("subscribe", created=1700000200)))["MsgType"] == "text"


@pytest.mark.parametrize("aes", [False, True])
def test_bad_signature_is_403_and_nothing_is_processed(portal, wechat, aes):
    site, account, column = portal
    if not aes:
        drop_aes_key(account)
    make_article(column, title="郴州市公积金贷款政策调整")
    if aes:
        response = wechat.post(text_xml("公积金", msg_id=777), aes=True, bad_msg_signature=True)
        assert response.status_code == 403
    response = wechat.post(text_xml("公积金", msg_id=777), aes=aes, bad_signature=True)
    assert response.status_code == 403
    assert searches() == 0
    # The rejected tries did not mark the MsgId as seen: the genuine one is answered.
    assert wechat.reply(wechat.post(text_xml("公积金", msg_id=777), aes=aes))["MsgType"] == "news"


def test_message_encrypted_for_another_account_is_refused(portal, client):
    from .wechat_inbound import AES_KEY, TOKEN

    # Right token and key, but the AppID inside the ciphertext is another account's.
    forged = WeChat(client, appid=APPID, token=TOKEN, aes_key=AES_KEY)
    forged.crypto = type(forged.crypto)(TOKEN, AES_KEY, "wxsomeoneelse")
    assert forged.post(text_xml("公积金"), aes=True).status_code == 403
    assert searches() == 0


@pytest.mark.parametrize(
    "body",
    [
        "<xml><MsgType>text</MsgType><Content>unclosed",
        "not xml at all",
        "<xml><Content><![CDATA[no type]]></Content></xml>",
        '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaaaaaa"><!ENTITY b "&a;&a;&a;&a;">]>'
        "<xml><MsgType>text</MsgType><Content>&b;</Content><MsgId>1</MsgId></xml>",
        "",
    ],
)
@pytest.mark.parametrize("aes", [False, True])
def test_malformed_xml_is_400(portal, wechat, body, aes):
    if not aes:
        drop_aes_key(portal[1])
    assert wechat.post(body, aes=aes).status_code == 400
    assert searches() == 0


def test_malformed_xml_inside_a_valid_encrypted_envelope_is_400(portal, wechat):
    assert wechat.post("<xml><MsgType>text</MsgType", aes=True).status_code == 400


def test_a_garbled_encrypted_envelope_is_400(portal, wechat):
    params = wechat.signed()
    encrypt = "not base64 ciphertext!!"
    from .wechat_inbound import TOKEN, sign

    params |= {
        "encrypt_type": "aes",
        "msg_signature": sign(TOKEN, params["timestamp"], params["nonce"], encrypt),
    }
    body = f"<xml><Encrypt><![CDATA[{encrypt}]]></Encrypt></xml>"
    assert wechat.client.post(wechat.url(**params), data=body, content_type="text/xml").status_code == 400


def test_oversized_body_is_refused(portal, wechat):
    response = wechat.post(text_xml("公积金" * 30000))
    assert response.status_code == 413
    assert searches() == 0


def test_cdata_terminator_in_user_text_cannot_inject_reply_xml(portal, wechat):
    hostile = "火星]]></Content><MsgType><![CDATA[image]]></MsgType><Content><![CDATA[x"
    response = wechat.post(text_xml(hostile))
    reply = wechat.reply(response)
    assert reply["MsgType"] == "text"
    assert "]]>" not in reply["Content"]
    # The would-be elements stayed text inside the one Content element.
    assert "</Content><MsgType><![CDATA[image</MsgType>" in reply["Content"]
    assert "没有找到" in reply["Content"]
    assert set(reply) == {"ToUserName", "FromUserName", "CreateTime", "MsgType", "Content"}


# --- events and other messages -------------------------------------------------------------


def test_subscribe_answers_a_welcome_listing_the_menu(portal, wechat):
    site, account, column = portal
    make_column(site.home, title="通知公告", show_in_menus=True)
    reply = wechat.reply(wechat.post(event_xml("subscribe")))
    assert reply["MsgType"] == "text"
    assert reply["Content"].startswith("欢迎关注郴州发布")
    for name in ("政务动态", "通知公告", "访问网站"):
        assert name in reply["Content"]


@pytest.mark.parametrize("aes", [False, True])
def test_menu_click_lists_the_latest_items_of_the_column(portal, wechat, aes):
    site, account, column = portal
    if not aes:
        drop_aes_key(account)
    import datetime

    from django.utils import timezone

    base = timezone.now() - datetime.timedelta(days=10)
    items = [
        make_article(column, title=f"动态第{i}条", published_at=base + datetime.timedelta(days=i))
        for i in range(7)
    ]
    reply = wechat.reply(wechat.post(event_xml("CLICK", key=f"column:{column.pk}"), aes=aes))
    assert reply["MsgType"] == "text"
    content = reply["Content"]
    assert content.startswith("【政务动态】")
    newest = items[::-1][:5]
    positions = [content.index(f'<a href="{a.get_full_url()}">{a.title}</a>') for a in newest]
    assert positions == sorted(positions)
    assert "动态第1条" not in content and "动态第0条" not in content


def test_click_on_an_unknown_or_foreign_column_gets_help(portal, wechat):
    from tests.factories import make_site

    other = make_site(hostname="qita2.localhost", name="其他市")
    foreign = make_column(other.home, title="别人的栏目")
    for i, key in enumerate([f"column:{foreign.pk}", "column:999999", "column:abc", "weird"]):
        reply = wechat.reply(wechat.post(event_xml("CLICK", key=key, created=1700001000 + i)))
        assert reply["MsgType"] == "text"
        assert "发送关键词" in reply["Content"]


def test_other_messages_get_help_and_other_events_success(portal, wechat):
    image = (
        "<xml><ToUserName><![CDATA[gh]]></ToUserName><FromUserName><![CDATA[oU]]></FromUserName>"
        "<CreateTime>1700000000</CreateTime><MsgType><![CDATA[image]]></MsgType>"
        "<PicUrl><![CDATA[http://x/y.jpg]]></PicUrl><MediaId><![CDATA[m]]></MediaId><MsgId>42</MsgId></xml>"
    )
    reply = wechat.reply(wechat.post(image))
    assert reply["MsgType"] == "text" and "发送关键词" in reply["Content"]
    for i, event in enumerate(["VIEW", "unsubscribe", "SOMETHING_NEW"]):
        response = wechat.post(event_xml(event, key="http://x/", created=1700002000 + i))
        assert response.status_code == 200 and response.content == b"success"


def test_publish_job_finish_records_the_article_url_and_completes_the_delivery(
    portal, wechat, django_capture_on_commit_callbacks
):
    site, account, column = portal
    article = make_article(column, title="发布结果")
    WeChatArticle.objects.create(
        page=article,
        account=account,
        media_id="DRAFT-1",
        publish_id="2247503051",
        submitted_revision_id=article.live_revision_id,
        submitted_at=timezone.now(),
    )
    # The delivery submitted the job and waits for its next check, a minute away.
    row = Delivery.objects.get(page=article, channel="wechat")
    row.status, row.next_attempt_at = "waiting", timezone.now() + dt.timedelta(seconds=60)
    row.save()
    info = (
        "<PublishEventInfo><publish_id>2247503051</publish_id><publish_status>0</publish_status>"
        "<article_id><![CDATA[ART-9]]></article_id><article_detail><count>1</count><item><idx>1</idx>"
        "<article_url><![CDATA[https://mp.weixin.qq.com/s/ART-9]]></article_url></item></article_detail>"
        "</PublishEventInfo>"
    )
    with django_capture_on_commit_callbacks(execute=True):
        response = wechat.post(event_xml("PUBLISHJOBFINISH", user="gh_portal", extra=info))
    assert response.content == b"success"
    record = WeChatArticle.objects.get(page=article)
    assert record.url == "https://mp.weixin.qq.com/s/ART-9"
    assert record.article_id == "ART-9"
    # Checked at once, and answered from what the event brought: no request to WeChat
    # (WECHAT_API_BASE_URL is WeChat's real host, unreachable here).
    row.refresh_from_db()
    assert (row.status, row.state["url"]) == ("delivered", "https://mp.weixin.qq.com/s/ART-9")


def test_failed_publish_job_records_nothing(portal, wechat):
    site, account, column = portal
    article = make_article(column, title="发布失败")
    WeChatArticle.objects.create(page=article, account=account, media_id="DRAFT-2", publish_id="88")
    info = (
        "<PublishEventInfo><publish_id>88</publish_id><publish_status>3</publish_status></PublishEventInfo>"
    )
    assert wechat.post(event_xml("PUBLISHJOBFINISH", user="gh_portal", extra=info)).content == b"success"
    assert WeChatArticle.objects.get(page=article).url == ""
