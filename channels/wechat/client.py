"""The one module that talks to the WeChat API.

wechatpy 1.8.18 supplies request building and JSON handling; this module fixes what it gets
wrong for a multi-process portal (docs/wechat.md):

- the base URL, token fetch included, comes from settings.WECHAT_API_BASE_URL, so tests and
  the demo talk to the stand-in (demo/wechat_standin.py);
- the access token lives in the Django cache (shared by every web and worker process, with
  its TTL) and only one process at a time refreshes it (a cache.add lock);
- wechatpy's own retry is off (it is unbounded and re-sends consumed upload streams); `call`
  retries a bounded number of times with bytes it can send again;
- every failure becomes a WeChatAPIError with a Chinese reason and a retryable flag.
"""

import logging
import time

import requests
from django.conf import settings
from django.core.cache import cache
from wechatpy import WeChatClient
from wechatpy.exceptions import WeChatClientException
from wechatpy.session import SessionStorage

from channels.adapters import DeliveryError
from channels.transport import failure_of, failure_reason, may_have_reached

logger = logging.getLogger(__name__)

#: WeChat error codes worth another attempt: busy, token invalid/expired, rate limit.
TOKEN_ERRORS = {40001, 40014, 42001}
RETRYABLE_ERRORS = {-1, 45009} | TOKEN_ERRORS

#: Readable reasons for the errors an editor can meet; anything else shows its code.
REASONS = {
    -1: "微信系统繁忙，请稍后重试",
    40001: "公众号凭证（access_token）无效，请检查 AppSecret 或稍后重试",
    40005: "图片文件类型不受微信支持，请改用 JPG 或 PNG 图片",
    40007: "微信素材已失效（media_id 无效）",
    40009: "图片过大，微信要求正文图片小于 1 MB、封面缩略图小于 64 KB",
    40013: "AppID 无效，请检查公众号设置",
    40014: "公众号凭证（access_token）不合法",
    40016: "菜单按钮数量不符合微信要求",
    40018: "菜单名称过长",
    40114: "草稿编号或序号无效",
    40125: "AppSecret 无效，请检查公众号设置",
    40164: "服务器 IP 不在公众号的 IP 白名单中，请在公众平台添加",
    41005: "缺少图片文件",
    42001: "公众号凭证（access_token）已过期",
    45009: "已达到微信接口调用次数上限，请稍后重试",
    45065: "相同内容已群发过，不会重复发送",
    45066: "群发过于频繁，请一分钟后再试",
    45067: "群发内容超过长度限制",
    48001: "公众号没有该接口的权限（需要认证的公众号）",
    53503: "该草稿未通过发布检查，请检查内容",
    53504: "需前往公众平台官网使用该草稿",
    53505: "请手动保存成功后再发表",
}


class WeChatAPIError(DeliveryError):
    """A WeChat call that failed: a DeliveryError whose `code` is WeChat's errcode (None
    for a transport failure). `reason` is for editors (Chinese); `retryable` says if trying
    again later may succeed; `ambiguous` says the request may have been carried out all
    the same (a timeout or a gateway error after it was sent), so repeating a call that is
    not idempotent may do it twice."""

    def __init__(self, reason, *, code=None, retryable=False, ambiguous=False):
        super().__init__(reason, retryable=retryable, code=code)
        self.ambiguous = ambiguous


def reason_for(code, errmsg=""):
    if code in REASONS:
        return f"{REASONS[code]}（微信错误码 {code}）"
    detail = f"：{errmsg}" if errmsg else ""
    return f"微信接口返回错误（错误码 {code}）{detail}"


class DjangoCacheStorage(SessionStorage):
    """wechatpy session storage over django.core.cache, keeping the TTL (its MemoryStorage
    ignores it). Redis in production makes it shared by every process."""

    prefix = "wechat:"

    def get(self, key, default=None):
        return cache.get(self.prefix + key, default)

    def set(self, key, value, ttl=None):
        cache.set(self.prefix + key, value, ttl)

    def delete(self, key):
        cache.delete(self.prefix + key)

    def add(self, key, value, ttl):
        return cache.add(self.prefix + key, value, ttl)


def api_base_url():
    base = settings.WECHAT_API_BASE_URL
    return base if base.endswith("/") else base + "/"


class PortalWeChatClient(WeChatClient):
    """WeChatClient with a configurable base URL, a shared cache token store refreshed by
    one process at a time, and bounded retries (`call`)."""

    #: seconds subtracted from the token's lifetime, so it is renewed before WeChat drops it
    TOKEN_MARGIN = 300
    #: how long a refresh lock is held at most (a crashed holder frees it by expiry)
    LOCK_TTL = 10

    def __init__(self, appid, secret, *, timeout=None, max_attempts=4, sleep=time.sleep, backoff=0.5):
        if timeout is None:
            timeout = getattr(settings, "WECHAT_API_TIMEOUT", 10)
        super().__init__(appid, secret, session=DjangoCacheStorage(), timeout=timeout, auto_retry=False)
        self.base_url = api_base_url()
        self.API_BASE_URL = self.base_url + "cgi-bin/"
        self.max_attempts = max_attempts
        self.sleep = sleep
        self.backoff = backoff

    # --- token -------------------------------------------------------------------------

    @property
    def lock_key(self):
        return f"{self.access_token_key}:lock"

    def fetch_access_token(self):
        # wechatpy's version hard-codes WeChat's host and sends no timeout.
        res = self._http.get(
            self.API_BASE_URL + "token",
            params={"grant_type": "client_credential", "appid": self.appid, "secret": self.secret},
            timeout=self.timeout,
        )
        try:
            res.raise_for_status()
            result = res.json()
        except requests.HTTPError as exc:
            raise WeChatClientException(None, None, client=self, response=res) from exc
        except ValueError as exc:
            raise WeChatAPIError("微信服务器返回了无法识别的内容，请稍后重试", retryable=True) from exc
        if result.get("errcode"):
            raise WeChatClientException(
                int(result["errcode"]), result.get("errmsg"), client=self, response=res
            )
        # Kept a little shorter than its lifetime, so it is renewed before WeChat drops it.
        expires_in = int(result.get("expires_in", 7200))
        self.session.set(
            self.access_token_key, result["access_token"], max(expires_in - self.TOKEN_MARGIN, 60)
        )
        return result

    @property
    def access_token(self):
        token = self.session.get(self.access_token_key)
        if token:
            return token
        return self.refresh_token()

    def refresh_token(self, stale=None):
        """Fetch a new token unless another process just did. `stale` is a token WeChat
        rejected: only that one is replaced (another process may already hold a newer)."""
        for _ in range(self.LOCK_TTL * 10):
            current = self.session.get(self.access_token_key)
            if current and current != stale:
                return current
            if self.session.add(self.lock_key, "1", self.LOCK_TTL):
                try:
                    current = self.session.get(self.access_token_key)
                    if current and current != stale:
                        return current
                    try:
                        self.fetch_access_token()
                    except WeChatClientException as exc:
                        raise self._error_from(exc) from exc
                    except requests.RequestException as exc:
                        raise WeChatAPIError(
                            "连接微信服务器获取凭证失败，请稍后重试", retryable=True
                        ) from exc
                    return self.session.get(self.access_token_key)
                finally:
                    self.session.delete(self.lock_key)
            # Another process is refreshing: wait for its token rather than spend quota.
            self.sleep(0.1)
        raise WeChatAPIError("获取微信凭证超时，请稍后重试", retryable=True)

    # --- calls -------------------------------------------------------------------------

    def call(self, method, endpoint, *, data=None, params=None, files=None, idempotent=True):
        """One API call with bounded retries. `files` maps a field to
        (filename, bytes, content_type): bytes, so a retry sends the whole file again.
        A call that is not `idempotent` (draft/add, freepublish/submit) is repeated only
        after errors WeChat answered; an ambiguous failure is raised at once."""
        attempt = 0
        while True:
            attempt += 1
            token = None
            try:
                token = self.access_token
                return self._call_once(method, endpoint, token, data=data, params=params, files=files)
            except WeChatAPIError as exc:
                if exc.code in TOKEN_ERRORS and token and attempt < self.max_attempts:
                    self.refresh_token(stale=token)
                # 45009 is a daily quota: waiting seconds here does not help, the outbox's
                # backoff does.
                if not exc.retryable or exc.code == 45009 or attempt >= self.max_attempts:
                    raise
                if exc.ambiguous and not idempotent:
                    raise
                logger.info("WeChat %s failed (%s), attempt %d", endpoint, exc.reason, attempt)
                if exc.code not in TOKEN_ERRORS:
                    self.sleep(self.backoff * 2 ** (attempt - 1))

    def _call_once(self, method, endpoint, token, *, data, params, files):
        query = dict(params or {})
        query["access_token"] = token
        kwargs = {"params": query}
        if data is not None:
            kwargs["data"] = data
        if files:
            kwargs["files"] = {name: (fn, content, ctype) for name, (fn, content, ctype) in files.items()}
        try:
            result = self._request(method, endpoint, **kwargs)
        except WeChatClientException as exc:
            raise self._error_from(exc) from exc
        except requests.RequestException as exc:
            kind = failure_of(exc)
            raise WeChatAPIError(
                failure_reason(kind, "微信"), retryable=True, ambiguous=may_have_reached(kind)
            ) from exc
        if not isinstance(result, dict):
            raise WeChatAPIError("微信服务器返回了无法识别的内容，请稍后重试", retryable=True, ambiguous=True)
        return result

    def _error_from(self, exc):
        if exc.errcode is None:  # an HTTP error status
            status = getattr(exc.response, "status_code", None)
            retryable = status is None or status >= 500
            return WeChatAPIError(
                f"微信服务器暂时不可用（HTTP {status}），请稍后重试", retryable=retryable, ambiguous=retryable
            )
        code = int(exc.errcode)
        return WeChatAPIError(reason_for(code, exc.errmsg), code=code, retryable=code in RETRYABLE_ERRORS)

    def post_json(self, endpoint, data, *, idempotent=True):
        return self.call("post", endpoint, data=data, idempotent=idempotent)

    def upload(self, endpoint, filename, content, content_type, params=None):
        return self.call("post", endpoint, params=params, files={"media": (filename, content, content_type)})
