"""A stand-in for WeChat's side of the callback: messages built, signed and (in safe
mode) encrypted exactly as WeChat does, posted to /wechat/<appid>/ through the test
client, and replies decrypted and parsed back.

Like WeChat, each request carries the current time as `timestamp` and a fresh `nonce`
(the callback refuses stale timestamps and used nonces); the test account has an
EncodingAESKey, so messages go encrypted unless the account is made plaintext-only
(`drop_aes_key`)."""

import base64
import hashlib
import os
import secrets
import time
from urllib.parse import urlencode

import pytest
import xmltodict
from django.core.cache import cache
from django.db.models import Sum
from wechatpy.crypto import WeChatCrypto

from channels.wechat.models import WeChatAccount
from search.models import QueryLog
from tests.factories import make_site

TOKEN = "portal-callback-token"
APPID = "wxinbound0001"
AES_KEY = base64.b64encode(os.urandom(32)).decode()[:-1]  # 43 characters, like WeChat's


def make_account(hostname="www.wxin.localhost", name="郴州市人民政府"):
    site = make_site(hostname=hostname, name=name)
    account = WeChatAccount.for_site(site.site)
    account.appid = APPID
    account.name = "郴州发布"
    account.enabled = True
    account.set_secrets(secret="s3cret", token=TOKEN, aes_key=AES_KEY)
    account.save()
    return site, account


def drop_aes_key(account):
    """The account in plaintext mode: no EncodingAESKey, so plaintext messages are taken."""
    account.set_secrets(aes_key="")
    account.save()
    return account


def sign(*parts):
    return hashlib.sha1("".join(sorted(parts)).encode()).hexdigest()  # noqa: S324 - WeChat's scheme


def cdata(text):
    """CDATA as WeChat writes it: a `]]>` in the user's text is split across sections."""
    return "<![CDATA[" + text.replace("]]>", "]]]]><![CDATA[>") + "]]>"


def text_xml(content, msg_id=1001, user="oUser123", created=None):
    return (
        f"<xml><ToUserName><![CDATA[gh_portal]]></ToUserName>"
        f"<FromUserName><![CDATA[{user}]]></FromUserName>"
        f"<CreateTime>{created or int(time.time())}</CreateTime>"
        f"<MsgType><![CDATA[text]]></MsgType><Content>{cdata(content)}</Content>"
        f"<MsgId>{msg_id}</MsgId></xml>"
    )


def event_xml(event, key=None, user="oUser123", created=1700000000, extra=""):
    key_xml = f"<EventKey><![CDATA[{key}]]></EventKey>" if key is not None else ""
    return (
        f"<xml><ToUserName><![CDATA[gh_portal]]></ToUserName>"
        f"<FromUserName><![CDATA[{user}]]></FromUserName><CreateTime>{created}</CreateTime>"
        f"<MsgType><![CDATA[event]]></MsgType><Event><![CDATA[{event}]]></Event>{key_xml}{extra}</xml>"
    )


class WeChat:
    """Posts like WeChat's servers: query signature over the token, and in safe mode the
    message encrypted with the account's EncodingAESKey and a msg_signature."""

    def __init__(self, client, appid=APPID, token=TOKEN, aes_key=AES_KEY):
        self.client = client
        self.appid = appid
        self.token = token
        self.crypto = WeChatCrypto(token, aes_key, appid) if aes_key else None

    def url(self, **params):
        return f"/wechat/{self.appid}/?{urlencode(params)}"

    def signed(self, timestamp=None, nonce=None, signature=None):
        """The signed query: now (the test's clock, time-machine's when frozen) and a
        fresh nonce unless given."""
        timestamp = str(int(time.time())) if timestamp is None else str(timestamp)
        nonce = secrets.token_hex(8) if nonce is None else nonce
        return {
            "timestamp": timestamp,
            "nonce": nonce,
            "signature": signature or sign(self.token, timestamp, nonce),
        }

    def verify(self, echostr="echo-123", **overrides):
        return self.client.get(self.url(**(self.signed(**overrides) | {"echostr": echostr})))

    def post(
        self, xml, *, aes=None, bad_signature=False, bad_msg_signature=False, timestamp=None, nonce=None
    ):
        """Post `xml` as WeChat would; encrypted (safe mode) unless `aes=False`, or when this
        stand-in has no EncodingAESKey."""
        aes = self.crypto is not None if aes is None else aes
        params = self.signed(timestamp, nonce, signature="0" * 40 if bad_signature else None)
        body = xml.encode() if isinstance(xml, str) else xml
        if aes:
            envelope = xmltodict.parse(self.crypto.encrypt_message(xml, params["nonce"], params["timestamp"]))
            encrypt = envelope["xml"]["Encrypt"]
            msg_signature = sign(self.token, params["timestamp"], params["nonce"], encrypt)
            if bad_msg_signature:
                msg_signature = "f" * 40
            params |= {"encrypt_type": "aes", "msg_signature": msg_signature}
            body = f"<xml><ToUserName><![CDATA[gh_portal]]></ToUserName><Encrypt><![CDATA[{encrypt}]]></Encrypt></xml>".encode()
        response = self.client.post(self.url(**params), data=body, content_type="text/xml")
        response.aes = aes
        response.nonce, response.timestamp = params["nonce"], params["timestamp"]
        return response

    def reply(self, response):
        """The reply as a dict ({} for "success"); safe-mode replies are checked and
        decrypted the way WeChat does."""
        assert response.status_code == 200, response.content
        text = response.content.decode()
        if text == "success":
            return {}
        if response.aes:
            envelope = xmltodict.parse(text)["xml"]
            assert envelope["MsgSignature"] == sign(
                self.token, envelope["TimeStamp"], envelope["Nonce"], envelope["Encrypt"]
            )
            text = self.crypto.decrypt_message(
                text, envelope["MsgSignature"], envelope["TimeStamp"], envelope["Nonce"]
            )
        return xmltodict.parse(text)["xml"]


def searches():
    """How many searches the portal has logged (a message that searched adds one)."""
    return QueryLog.objects.aggregate(n=Sum("count"))["n"] or 0


@pytest.fixture(autouse=True)
def fresh_cache():
    """The callback's de-duplication marks and nonces live in the cache: a module that
    imports this fixture starts each test with none."""
    cache.clear()
    yield
    cache.clear()
