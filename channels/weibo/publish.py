"""Posting a published item to its site's Weibo account, and deleting the post on unpublish.

The post is the item's title, its summary (cut to fit) and the link to its page
(text.compose), with the item's picture when it has one (images.picture_for). Everything
Weibo would refuse (text over the limit, a picture it cannot take, a link outside the app's
safe domain, no account) is found before any request and raised as a final DeliveryError
whose reason the editor reads.

A post is not idempotent, and Weibo has no idempotency key. So:
  - the hash of the text is committed (WeiboPost.sending_key, and `sent` in the delivery's
    state) before statuses/share is called, and cleared once Weibo has answered;
  - a share whose answer is lost (a timeout after sending, a gateway or internal error, a
    worker killed mid-request) is not repeated by the client; the timeline is read at once,
    and the outbox retries later with backoff;
  - every attempt that finds a sending_key left behind reads the account's timeline first
    and adopts the post it finds there, and only posts when it is not there;
  - a page whose post is live is not posted again: a Weibo post cannot be edited, so a
    later publish of the same item is delivered without a post (withdraw it, by
    unpublishing, to post it anew).
Weibo's "repeated content" answer (20017, 20019) is also checked against the timeline.
"""

import time
from datetime import datetime
from urllib.parse import urlsplit

from django.conf import settings
from django.utils import timezone

from channels.adapters import DeliveryError

from .client import GONE_ERRORS, REPEATED_ERRORS, WeiboAPIError, WeiboClient
from .images import ImageRefused, picture_for
from .images import problem as image_problem
from .models import WeiboAccount, WeiboPost
from .text import TextTooLong, compose, text_key

UNCERTAIN_REASON = (
    "发布微博时未收到明确答复（{reason}），微博可能已经发出。为避免重复发布，"
    "系统会先查看该账号最近的微博，确认没有发出后才会再次发布"
)
SKIPPED = "该信息已发布到政务微博；微博发出后不能修改，更新不再重复发布（如需重发，请先撤下再发布）"


def account_for(page):
    site = page.get_site()
    if site is None:
        raise DeliveryError("该页面不属于任何网站，无法确定政务微博账号", code="no_account")
    account = WeiboAccount.for_site(site)
    if not account.is_configured:
        raise DeliveryError(
            f"网站“{site.site_name}”未配置或未启用政务微博账号（账号 UID 与授权令牌），无法发布到微博",
            code="no_account",
        )
    return account


def client_for(account, **kwargs):
    return WeiboClient(account.access_token, **kwargs)


def summary_of(page):
    summary = page.push_summary() if hasattr(page, "push_summary") else getattr(page, "summary", "")
    return summary or getattr(page, "search_description", "") or ""


def post_problems(page, url, account=None):
    """(part, Chinese reason) for each thing Weibo would refuse in the post of `page` (a
    specific page or a revision's object) linking to `url`; part is "text", "image" or
    "link". Reads the picture's file, uploads nothing."""
    problems = []
    try:
        compose(page.title, summary_of(page), url, limit=settings.WEIBO_TEXT_LIMIT)
    except TextTooLong as exc:
        problems.append(("text", str(exc)))
    image = page.label_image() if hasattr(page, "label_image") else None
    if image is not None and (reason := image_problem(image)):
        problems.append(("image", reason))
    host = urlsplit(url).hostname
    if account is not None and not account.covers(host):
        problems.append(
            (
                "link",
                f"信息的链接 {url} 不在微博应用的安全域名“{account.safe_domain}”内，微博会拒绝发布；"
                "请在微博开放平台的应用信息中添加该域名，或更正“政务微博账号”设置中的安全域名",
            )
        )
    return problems


def weibo_url(account, status):
    user = status.get("user") or {}
    uid = str(user.get("idstr") or user.get("id") or account.uid)
    return f"{settings.WEIBO_WEB_BASE_URL.rstrip('/')}/{uid}/{status_id_of(status)}"


def status_id_of(status):
    return str(status.get("idstr") or status.get("id") or "")


def posted_at(status):
    """When Weibo says the post was made ("Wed Oct 24 23:49:17 +0800 2012"), else now."""
    try:
        return datetime.strptime(status.get("created_at", ""), "%a %b %d %H:%M:%S %z %Y")
    except (TypeError, ValueError):
        return timezone.now()


def find_on_timeline(client, key):
    """The post among the account's latest whose text has `key`, or None."""
    for status in client.user_timeline(count=settings.WEIBO_TIMELINE_COUNT):
        if text_key(status.get("text", "")) == key:
            return status
    return None


class StatusPoster:
    """One delivery of one page revision to the page's site's Weibo account."""

    def __init__(self, page, revision, delivery=None, *, sleep=time.sleep):
        self.page = page
        self.revision = revision
        self.delivery = delivery
        self.account = account_for(page)
        self.client = client_for(self.account, sleep=sleep)

    @property
    def content(self):
        return self.revision.as_object() if self.revision is not None else self.page

    def run(self):
        record, _ = WeiboPost.objects.get_or_create(page_id=self.page.pk, account=self.account)
        if record.is_live:
            return {**self.result(record), "skipped": SKIPPED}
        if record.sending_key and self.adopt(record, record.sending_key):
            return self.result(record)
        text, picture = self.build()
        key = text_key(text)
        record.mark_sending(key)
        if self.delivery is not None:
            self.delivery.save_state(sent={"text_sha256": key, "at": record.sending_at.isoformat()})
        try:
            status = self.client.share(text, picture, rip=settings.WEIBO_REPORTED_IP)
        except WeiboAPIError as exc:
            if exc.code in REPEATED_ERRORS:
                if self.adopt(record, key):
                    return self.result(record)
                record.clear_sending()
                raise
            if not exc.ambiguous:
                record.clear_sending()  # Weibo answered: nothing was posted
                raise
            if self.adopt(record, key, quietly=True):
                return self.result(record)
            raise DeliveryError(
                UNCERTAIN_REASON.format(reason=exc.reason), retryable=True, code="share_uncertain"
            ) from exc
        self.confirm(record, status, text)
        return self.result(record)

    def build(self):
        """The post's text and picture, or a final DeliveryError saying what to fix."""
        content, url = self.content, self.page.get_full_url() or ""
        problems = post_problems(content, url, self.account)
        if problems:
            raise DeliveryError(
                "无法发布到政务微博：" + "；".join(reason for _, reason in problems) + "。", code="refused"
            )
        text = compose(content.title, summary_of(content), url, limit=settings.WEIBO_TEXT_LIMIT)
        image = content.label_image() if hasattr(content, "label_image") else None
        try:
            picture = picture_for(image) if image is not None else None
        except ImageRefused as exc:
            raise DeliveryError(f"无法发布到政务微博：{exc}。", code="refused") from exc
        return text, picture

    def adopt(self, record, key, *, quietly=False):
        """Look for the text on the timeline; record the post when it is there. A failed
        look is raised (nothing may be posted before it succeeds), unless `quietly`."""
        try:
            status = find_on_timeline(self.client, key)
        except WeiboAPIError:
            if quietly:
                return False
            raise
        if status is None:
            return False
        self.confirm(record, status, status.get("text", ""))
        return True

    def confirm(self, record, status, text):
        record.status_id = status_id_of(status)
        record.url = weibo_url(self.account, status)
        record.text = text
        record.revision_id = self.revision.pk if self.revision is not None else None
        record.posted_at = posted_at(status)
        record.withdrawn_at = None
        record.sending_key, record.sending_at = "", None
        record.save()

    @staticmethod
    def result(record):
        return {"url": record.url, "status_id": record.status_id, "text": record.text}


def post_status(page, revision, delivery=None, **kwargs):
    return StatusPoster(page, revision, delivery, **kwargs).run()


def withdraw_status(page, *, sleep=time.sleep):
    """Delete an unpublished page's post (statuses/destroy). Nothing to do when the page
    never reached Weibo. A post whose answer was lost is looked for on the timeline first.
    When Weibo does not allow the deletion, the row fails with the reason: the post stays
    on Weibo until someone deletes it there."""
    record = WeiboPost.objects.filter(page_id=page.pk).select_related("account").first()
    if record is None or not (record.is_live or record.sending_key):
        return {"withdrawn": False}
    account = record.account
    if not account.is_configured:
        raise DeliveryError(
            f"政务微博账号“{account}”已停用或未配置，无法删除该信息的微博，请登录微博手动删除",
            code="no_account",
        )
    client = client_for(account, sleep=sleep)
    if not record.is_live:
        status = find_on_timeline(client, record.sending_key)
        if status is None:
            record.clear_sending()
            return {"withdrawn": False}
        record.status_id, record.url = status_id_of(status), weibo_url(account, status)
    try:
        client.destroy(record.status_id)
    except WeiboAPIError as exc:
        if exc.code not in GONE_ERRORS:
            if not exc.retryable:
                raise DeliveryError(
                    f"无法从微博删除该信息的微博：{exc.reason}。请登录微博手动删除", code=exc.code
                ) from exc
            raise
    record.withdrawn_at = timezone.now()
    record.sending_key, record.sending_at = "", None
    record.save()
    return {"withdrawn": True, "status_id": record.status_id}
