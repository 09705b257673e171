"""The one module that talks to the Weibo open API (https://api.weibo.com/2/...).

Three calls: statuses/share (post a text with a link of the app's safe domain and an
optional picture), statuses/destroy (delete a post) and statuses/user_timeline (the
account's latest posts, read before a post is tried again). Errors come back as JSON
{"error_code", "error"}; every failure becomes a WeiboAPIError with a Chinese reason and
says whether trying again may help (`retryable`), whether the request may have been carried
out all the same (`ambiguous`) and whether it is Weibo's rate limit (`quota`).

Retries are bounded (`max_attempts`) and only of what is safe: the timeline and destroy
(deleting twice only says the post is gone) after any transient failure; a share only when
it never reached Weibo (the connection was refused or timed out while connecting) or Weibo
answered a busy error. A share whose answer was lost, and every rate-limit or token error,
is raised at once: the outbox backs off, and publish.py looks at the timeline before it
posts again. Timeouts: WEIBO_API_TIMEOUT seconds (connect and read).
"""

import logging
import time

import requests
from django.conf import settings

from channels.adapters import DeliveryError
from channels.transport import failure_of, failure_reason, may_have_reached

logger = logging.getLogger(__name__)

#: The access token expired, was revoked or is not valid: only a new authorisation helps.
TOKEN_ERRORS = {21301, 21314, 21315, 21316, 21317, 21319, 21327, 21332}
#: Rate limits (per IP, per user, per user and call; posting too fast): back off.
QUOTA_ERRORS = {10022, 10023, 10024, 20016}
#: Weibo is busy: nothing was done, try again.
BUSY_ERRORS = {10002, 10009}
#: Weibo's own failures in the middle of the work: it may have been done.
INTERNAL_ERRORS = {10001, 10003, 10010, 10011}
#: The text was posted before (a retry whose first answer was lost may meet these).
REPEATED_ERRORS = {20017, 20019}
#: The post to delete is not there (deleted in Weibo, or by an earlier try).
GONE_ERRORS = {20101}

REAUTHORISE_REASON = (
    "政务微博授权（access_token）已过期或无效，请账号管理员在微博开放平台重新授权，"
    "并在“设置 → 政务微博账号”中填写新的授权令牌后点击重试"
)
QUOTA_REASON = "已达到微博接口调用频次上限，系统将稍后自动重试"

#: Readable reasons for the errors an editor can meet; anything else shows Weibo's text.
REASONS = {
    10001: "微博系统错误",
    10002: "微博服务暂停，请稍后重试",
    10003: "微博远程服务出错",
    10009: "微博任务过多，系统繁忙，请稍后重试",
    10010: "微博任务超时",
    10011: "微博内部调用（RPC）出错",
    10014: "微博应用没有该接口的权限，请在微博开放平台申请（statuses/share 等写入接口）",
    10017: "微博认为请求参数无效（常见原因：正文中的链接不在微博应用的安全域名内）",
    20005: "图片格式不受微博支持（仅支持 JPG、PNG、GIF）",
    20006: "图片过大，微博要求小于 5 MB",
    20012: "微博正文超过 140 字",
    20017: "与刚发过的微博内容相似，微博拒绝重复发布",
    20018: "正文包含微博不允许的网址",
    20019: "与已发布的微博内容重复，微博拒绝重复发布",
    20021: "正文含有微博不允许发布的内容",
    20101: "该条微博不存在（可能已被删除）",
    20102: "不是本账号发布的微博，无法删除",
    **dict.fromkeys(TOKEN_ERRORS, REAUTHORISE_REASON),
    **dict.fromkeys(QUOTA_ERRORS, QUOTA_REASON),
}


class WeiboAPIError(DeliveryError):
    """A Weibo call that failed: a DeliveryError whose `code` is Weibo's error_code (None for
    a transport failure). `ambiguous`: the request may have been carried out all the same
    (a timeout after it was sent, a gateway error, an internal error), so a post must not be
    repeated before the timeline says it is not there. `quota`: Weibo's rate limit."""

    def __init__(self, reason, *, code=None, retryable=False, ambiguous=False, quota=False):
        super().__init__(reason, retryable=retryable, code=code)
        self.ambiguous = ambiguous
        self.quota = quota


def error_for(code, message=""):
    """The WeiboAPIError of an error Weibo answered."""
    if code in REASONS:
        reason = f"{REASONS[code]}（微博错误码 {code}）"
    else:
        reason = f"微博接口返回错误（错误码 {code}）" + (f"：{message}" if message else "")
    return WeiboAPIError(
        reason,
        code=code,
        retryable=code in QUOTA_ERRORS | BUSY_ERRORS | INTERNAL_ERRORS,
        ambiguous=code in INTERNAL_ERRORS,
        quota=code in QUOTA_ERRORS,
    )


def api_base_url():
    base = settings.WEIBO_API_BASE_URL
    return base if base.endswith("/") else base + "/"


class WeiboClient:
    """One account's calls, with its access token. `sleep` and `backoff` pace the bounded
    in-process retries (injectable, so tests do not wait)."""

    def __init__(self, access_token, *, timeout=None, max_attempts=3, sleep=time.sleep, backoff=0.5):
        self.access_token = access_token
        self.timeout = settings.WEIBO_API_TIMEOUT if timeout is None else timeout
        self.max_attempts = max_attempts
        self.sleep = sleep
        self.backoff = backoff
        self.base_url = api_base_url() + "2/"

    # --- the calls ---------------------------------------------------------------------

    def share(self, text, picture=None, *, rip=""):
        """Post `text` (with an optional images.Picture). Returns Weibo's status dict."""
        data = {"status": text}
        if rip:
            data["rip"] = rip
        files = {"pic": (picture.filename, picture.content, picture.content_type)} if picture else None
        return self.call("post", "statuses/share", data=data, files=files, idempotent=False)

    def destroy(self, status_id):
        return self.call("post", "statuses/destroy", data={"id": status_id})

    def user_timeline(self, count=100):
        """The account's latest posts, newest first (a list of status dicts)."""
        answer = self.call("get", "statuses/user_timeline", params={"count": count, "trim_user": 1})
        statuses = answer.get("statuses")
        if not isinstance(statuses, list):
            raise WeiboAPIError("微博返回的微博列表无法识别，请稍后重试", retryable=True)
        return statuses

    # --- retries -----------------------------------------------------------------------

    def call(self, method, endpoint, *, data=None, params=None, files=None, idempotent=True):
        """One API call with bounded retries (see the module's docstring)."""
        attempt = 0
        while True:
            attempt += 1
            try:
                return self._call_once(method, endpoint, data=data, params=params, files=files)
            except WeiboAPIError as exc:
                again = exc.retryable and not exc.quota and attempt < self.max_attempts
                if not again or (exc.ambiguous and not idempotent):
                    raise
                logger.info("Weibo %s failed (%s), attempt %d", endpoint, exc.reason, attempt)
                self.sleep(self.backoff * 2 ** (attempt - 1))

    def _call_once(self, method, endpoint, *, data, params, files):
        auth = {"access_token": self.access_token}
        kwargs = {}
        if method == "get":
            kwargs["params"] = {**(params or {}), **auth}
        else:
            kwargs["data"] = {**(data or {}), **auth}
            if files:
                kwargs["files"] = files
        try:
            response = requests.request(
                method, f"{self.base_url}{endpoint}.json", timeout=self.timeout, **kwargs
            )
        except requests.RequestException as exc:
            kind = failure_of(exc)
            raise WeiboAPIError(
                failure_reason(kind, "微博"), retryable=True, ambiguous=may_have_reached(kind)
            ) from exc
        return self._answer(response)

    def _answer(self, response):
        try:
            answer = response.json()
        except ValueError:
            answer = None
        if isinstance(answer, dict) and answer.get("error_code") not in (None, "", 0, "0"):
            try:
                code = int(answer["error_code"])
            except (TypeError, ValueError):
                code = None
            if code is not None:
                raise error_for(code, str(answer.get("error", "")))
        if response.status_code >= 500:
            raise WeiboAPIError(
                f"微博服务器暂时不可用（HTTP {response.status_code}）", retryable=True, ambiguous=True
            )
        if response.status_code >= 400:
            raise WeiboAPIError(f"微博拒绝了请求（HTTP {response.status_code}）")
        if not isinstance(answer, dict):
            raise WeiboAPIError("微博服务器返回了无法识别的内容", retryable=True, ambiguous=True)
        return answer
