"""The one module that talks to push providers.

A provider takes a Notification and an idempotency key and sends it, or raises PushError
(a DeliveryError: the outbox reads its Chinese reason, whether a later retry may succeed
and its code as they are). Two are built in:

- WebhookProvider (the default): POSTs the notification as JSON to PUSH_WEBHOOK_URL, signed
  with HMAC-SHA256 over "<timestamp>.<body>" (PUSH_WEBHOOK_SECRET) in X-Portal-Signature,
  with X-Portal-Timestamp and an Idempotency-Key header the receiver dedupes on;
- JPushProvider: JPush's v3 push API (Basic auth with the app key and master secret).

Retries are the outbox's (bounded, with backoff); a provider makes one attempt per call.
"""

import base64
import hashlib
import hmac
import json
import time
from dataclasses import asdict, dataclass
from functools import cache

import requests
from django.conf import settings
from django.utils.module_loading import import_string

from channels.adapters import DeliveryError


@dataclass
class Notification:
    item_id: int
    title: str
    summary: str
    deep_link: str
    url: str
    site: str


class PushError(DeliveryError):
    """A notification the provider did not take."""


class PushProvider:
    name = ""

    def send(self, notification, idempotency_key):
        """Send one notification. Returns a dict to keep on the delivery (e.g. a message id)."""
        raise NotImplementedError


def _post(url, *, body, headers, what):
    try:
        response = requests.post(url, data=body, headers=headers, timeout=settings.PUSH_TIMEOUT_SECONDS)
    except requests.Timeout:
        raise PushError(f"{what}超时，将自动重试", retryable=True, code="timeout") from None
    except requests.RequestException as exc:
        raise PushError(
            f"无法连接{what}（{type(exc).__name__}），将自动重试", retryable=True, code="connect"
        ) from None
    if response.status_code >= 500 or response.status_code == 429:
        raise PushError(
            f"{what}暂时不可用（HTTP {response.status_code}），将自动重试",
            retryable=True,
            code=str(response.status_code),
        )
    if response.status_code >= 400:
        raise PushError(
            f"{what}拒绝了推送（HTTP {response.status_code}）：{response.text[:200]}",
            code=str(response.status_code),
        )
    return response


def sign(secret, timestamp, body):
    """HMAC-SHA256 of "<timestamp>.<body>" as "sha256=<hex>" (what the receiver recomputes)."""
    mac = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256)
    return "sha256=" + mac.hexdigest()


class WebhookProvider(PushProvider):
    name = "webhook"

    def __init__(self, url=None, secret=None, clock=time.time):
        self.url = url if url is not None else settings.PUSH_WEBHOOK_URL
        self.secret = secret if secret is not None else settings.PUSH_WEBHOOK_SECRET
        self.clock = clock

    def send(self, notification, idempotency_key):
        if not self.url or not self.secret:
            raise PushError(
                "未配置App推送地址或签名密钥（PUSH_WEBHOOK_URL、PUSH_WEBHOOK_SECRET）", code="unconfigured"
            )
        body = json.dumps({"id": idempotency_key, **asdict(notification)}, ensure_ascii=False).encode()
        timestamp = str(int(self.clock()))
        headers = {
            "Content-Type": "application/json; charset=utf-8",
            "Idempotency-Key": idempotency_key,
            "X-Portal-Timestamp": timestamp,
            "X-Portal-Signature": sign(self.secret, timestamp, body),
        }
        response = _post(self.url, body=body, headers=headers, what="App推送服务")
        try:
            answer = response.json()
        except ValueError:
            answer = {}
        return {
            "provider": self.name,
            "message_id": str(answer.get("message_id", "")) if isinstance(answer, dict) else "",
        }


class JPushProvider(PushProvider):
    name = "jpush"

    def __init__(self, url=None, app_key=None, master_secret=None):
        self.url = url or settings.PUSH_JPUSH_URL
        self.app_key = app_key if app_key is not None else settings.PUSH_JPUSH_APP_KEY
        self.master_secret = master_secret if master_secret is not None else settings.PUSH_JPUSH_MASTER_SECRET

    def send(self, notification, idempotency_key):
        if not self.app_key or not self.master_secret:
            raise PushError("未配置极光推送的 AppKey 或 Master Secret", code="unconfigured")
        extras = {
            "item_id": notification.item_id,
            "deep_link": notification.deep_link,
            "url": notification.url,
        }
        payload = {
            "platform": "all",
            "audience": "all",
            "notification": {
                "alert": notification.title,
                "android": {
                    "alert": notification.summary or notification.title,
                    "title": notification.title,
                    "extras": extras,
                },
                "ios": {
                    "alert": {"title": notification.title, "body": notification.summary},
                    "extras": extras,
                },
            },
            # sendno echoes back; JPush has no idempotency key, so the outbox's own row is
            # what prevents a second push (docs/api.md).
            "options": {
                "sendno": int(hashlib.sha256(idempotency_key.encode()).hexdigest()[:7], 16),
                "apns_production": True,
            },
        }
        token = base64.b64encode(f"{self.app_key}:{self.master_secret}".encode()).decode()
        headers = {"Content-Type": "application/json", "Authorization": f"Basic {token}"}
        body = json.dumps(payload, ensure_ascii=False).encode()
        answer = _post(self.url, body=body, headers=headers, what="极光推送").json()
        return {"provider": self.name, "message_id": str(answer.get("msg_id", ""))}


@cache
def get_provider():
    return import_string(settings.PUSH_PROVIDER)()
