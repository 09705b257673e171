"""What the portal answers to messages and events WeChat forwards from an Official
Account's followers (the callback view is channels/wechat/views.py).

- subscribe → a welcome text listing the menu;
- a text message → the site's best search hit as a one-article news reply (its description
  carries the link to every result); nothing found or no time left → a text with that link;
- a menu CLICK `column:<id>` → the column's latest items as a text with links;
- PUBLISHJOBFINISH (not known to wechatpy 1.8.18, registered here) → the article URL is
  recorded on the page's WeChatArticle and the delivery waiting on the job is checked now;
- other events → nothing ("success"); other messages → a help text.

WeChat waits 5 s and then retries: `seen_before` de-duplicates on MsgId (events: sender +
CreateTime) through the shared cache, and the search runs under a deadline (`time_box`)
that interrupts its database queries.

Replay protection for the callback itself (the view calls these after the signature
check): `timestamp_fresh` allows a `timestamp` within ±WECHAT_CALLBACK_WINDOW_SECONDS of
now, and `nonce_unused` remembers each (account, timestamp, nonce) for that window in the
shared cache, so a captured signed query is accepted once.
"""

import hashlib
import logging
import re
import time
from contextlib import contextmanager

from django.conf import settings
from django.core.cache import cache
from django.db import DatabaseError, connection, transaction
from wechatpy.events import BaseEvent, register_event
from wechatpy.replies import ArticlesReply, TextReply

from channels import outbox
from channels.models import Delivery
from cms import lookups
from cms.models import ArticlePage, ColumnPage
from search import service
from search.language import analysis_language

from .menu import COLUMN_KEY, build_menu, menu_titles, search_url
from .models import WeChatArticle

logger = logging.getLogger(__name__)

#: how long a message id is remembered: WeChat's three retries come within ~15 s
DEDUP_TTL = 300
#: items listed for a menu CLICK
COLUMN_ITEMS = 5
#: a callback's `timestamp` may differ from our clock by this much (settings may override)
CALLBACK_WINDOW_SECONDS = 300
_TIMESTAMP = re.compile(r"[0-9]{1,12}")


@register_event("publishjobfinish")
class PublishJobFinishEvent(BaseEvent):
    """freepublish result pushed by WeChat. parse_message lower-cases the event name."""

    event = "publishjobfinish"

    @property
    def info(self):
        info = self._data.get("PublishEventInfo")
        return info if isinstance(info, dict) else {}


# --- safety ---------------------------------------------------------------------------


def safe(text):
    """Text that can go into wechatpy's CDATA templates: a `]]>` would end the section and
    let the sender write XML into our reply."""
    text = str(text or "")
    while "]]>" in text:
        text = text.replace("]]>", "")
    return text


def text_reply(message, content):
    return TextReply(source=safe(message.target), target=safe(message.source), content=safe(content))


def news_reply(message, *, title, description, url, image=""):
    article = {"title": safe(title), "description": safe(description), "url": safe(url), "image": safe(image)}
    # A passive reply to a user message may carry one article only (45008 otherwise).
    return ArticlesReply(source=safe(message.target), target=safe(message.source), articles=[article])


def dedup_key(appid, message):
    msg_id = message._data.get("MsgId")
    if msg_id:
        ident = f"msg:{msg_id}"
    else:
        ident = f"evt:{message.source}:{message._data.get('CreateTime', '')}"
    return f"wechat:inbound:{appid}:{ident}"


def seen_before(appid, message):
    """True if this message (or an earlier try of it) was already taken; marks it taken."""
    return not cache.add(dedup_key(appid, message), 1, DEDUP_TTL)


def callback_window():
    return int(getattr(settings, "WECHAT_CALLBACK_WINDOW_SECONDS", CALLBACK_WINDOW_SECONDS))


def timestamp_fresh(timestamp, *, now=None):
    """True if `timestamp` (the query's string) is a whole number of seconds within the
    window of now, either way."""
    if not isinstance(timestamp, str) or not _TIMESTAMP.fullmatch(timestamp):
        return False
    now = time.time() if now is None else now
    return abs(int(timestamp) - now) <= callback_window()


def nonce_key(appid, timestamp, nonce):
    # Hashed: the nonce is the sender's text, of any length and characters.
    digest = hashlib.sha256(f"{appid}\n{timestamp}\n{nonce}".encode()).hexdigest()
    return f"wechat:callback-nonce:{digest}"


def nonce_unused(appid, timestamp, nonce):
    """True the first time this (account, timestamp, nonce) is seen, and marks it seen for
    the window (cache.add is atomic, and the cache is shared by all workers). A timestamp
    outside the window is refused before this, so the mark outlives every valid replay."""
    # Twice the window: a timestamp up to one window in the future stays valid that long.
    return cache.add(nonce_key(appid, timestamp, nonce), 1, 2 * callback_window())


# --- deadline -------------------------------------------------------------------------


class SearchTimeout(Exception):
    pass


@contextmanager
def time_box(seconds, *, clock=time.monotonic):
    """Run database work under a deadline. Every query checks the time left first; on
    SQLite a progress handler interrupts a running query, on PostgreSQL each statement
    gets the time left as its statement_timeout. Raises SearchTimeout when time is up."""
    end = clock() + seconds
    vendor = connection.vendor

    def remaining():
        return end - clock()

    def wrapper(execute, sql, params, many, context):
        left = remaining()
        if left <= 0:
            raise SearchTimeout()
        if vendor == "postgresql":
            # On the driver's cursor: Django's would run this wrapper again.
            context["cursor"].cursor.execute(f"SET LOCAL statement_timeout = {max(1, int(left * 1000))}")
        return execute(sql, params, many, context)

    try:
        with transaction.atomic():
            connection.ensure_connection()
            raw = connection.connection
            if vendor == "sqlite":
                raw.set_progress_handler(lambda: 1 if remaining() <= 0 else 0, 1000)
            try:
                with connection.execute_wrapper(wrapper):
                    yield remaining
                if vendor == "postgresql":
                    # SET LOCAL lasts to the end of the outer transaction (a request may
                    # be atomic): put the server's default back for what follows.
                    with raw.cursor() as cursor:
                        cursor.execute("SET LOCAL statement_timeout = DEFAULT")
            finally:
                if vendor == "sqlite":
                    raw.set_progress_handler(None, 0)
    except DatabaseError as exc:
        # An interrupted (SQLite) or cancelled (PostgreSQL) query after the deadline.
        if remaining() <= 0:
            raise SearchTimeout() from exc
        raise


# --- answers --------------------------------------------------------------------------


def _cover_url(site, page_id):
    page = ArticlePage.objects.filter(pk=page_id).select_related("cover_image").first()
    if not page or not page.cover_image:
        return ""
    rendition = page.cover_image.get_rendition("fill-720x400|format-jpeg")
    url = rendition.url
    return url if url.startswith("http") else site.root_url.rstrip("/") + url


def best_hit(site, query, *, timeout=None):
    """(hit, count) for `query` on `site`; (None, 0) when nothing matches. Raises
    SearchTimeout when the deadline passes."""
    # WeChat gives up after 5 s; the rest of the budget is parsing, crypto and the reply.
    timeout = getattr(settings, "WECHAT_SEARCH_TIMEOUT", 3.0) if timeout is None else timeout
    with time_box(timeout):
        answer = service.search(
            service.SearchParams(q=query, language=analysis_language(site), site_id=site.pk, page_size=1)
        )
        if not answer["results"]:
            return None, 0
        hit = dict(answer["results"][0])
        try:
            hit["image"] = _cover_url(site, hit["id"])
        except Exception:  # a missing image file must not cost the answer
            logger.exception("WeChat reply: no cover for page %s", hit["id"])
            hit["image"] = ""
        return hit, answer["count"]


def answer_text(site, account, message):
    query = " ".join((message.content or "").split())[:100]
    if not query:
        return help_reply(site, account, message)
    # A text command a content app answers (cms.lookups: "查询 <code>"), before search.
    looked_up = lookups.answer(site, query)
    if looked_up is not None:
        return text_reply(message, looked_up)
    more = search_url(site, query)
    try:
        hit, count = best_hit(site, query)
    except SearchTimeout:
        logger.warning("WeChat search timed out for %r on %s", query, site.hostname)
        return text_reply(message, f"搜索“{query}”用时较长，请点击查看搜索结果：{more}")
    if hit is None:
        return text_reply(message, f"没有找到与“{query}”相关的信息。\n可以换个关键词，或在网站搜索：{more}")
    description = f"共找到 {count} 条相关信息，全部结果：{more}" if count > 1 else f"网站搜索：{more}"
    return news_reply(
        message, title=hit["title"], description=description, url=hit["url"], image=hit["image"]
    )


def column_for_key(site, key):
    if not key.startswith(COLUMN_KEY):
        return None
    try:
        pk = int(key[len(COLUMN_KEY) :])
    except ValueError:
        return None
    return ColumnPage.objects.live().descendant_of(site.root_page).filter(pk=pk).first()


def answer_click(site, account, message):
    column = column_for_key(site, message.key or "")
    if column is None:
        return help_reply(site, account, message)
    items = list(column.articles()[:COLUMN_ITEMS])
    if not items:
        return text_reply(message, f"“{column.title}”栏目暂无信息。\n{column.get_full_url()}")
    lines = [f"【{column.title}】最新信息："]
    lines += [f'{i}. <a href="{a.get_full_url()}">{a.title}</a>' for i, a in enumerate(items, 1)]
    lines.append(f'<a href="{column.get_full_url()}">查看更多</a>')
    return text_reply(message, "\n".join(lines))


def welcome_reply(site, account, message):
    name = account.name or site.site_name or "本公众号"
    lines = [f"欢迎关注{name}！", "点击下方菜单查看："]
    lines += [f"· {line}" for line in menu_titles(build_menu(site))]
    lines.append("直接发送关键词（如“社保”）即可搜索本站信息。")
    return text_reply(message, "\n".join(lines))


def help_reply(site, account, message):
    return text_reply(
        message,
        "您好！发送关键词（如“公积金”“招聘”）即可搜索本站信息，点击下方菜单可查看各栏目最新信息。"
        f"\n网站：{site.root_url.rstrip('/')}/",
    )


def record_publish_result(account, message):
    """Store the article URL WeChat reports for a publish job we submitted, and have the
    delivery waiting on that job checked now rather than at its next scheduled check."""
    info = message.info
    publish_id = str(info.get("publish_id") or "")
    if not publish_id:
        return
    records = WeChatArticle.objects.filter(account=account, publish_id=publish_id)
    waiting = Delivery.objects.filter(
        page_id__in=records.values("page_id"), channel="wechat", status=Delivery.Status.WAITING
    )
    outbox.poke(list(waiting.values_list("pk", flat=True)))
    status = str(info.get("publish_status", ""))
    if status != "0":
        # The check asks freepublish/get and shows the editor why it failed.
        logger.warning("WeChat publish job %s ended with status %s", publish_id, status)
        return
    detail = info.get("article_detail") or {}
    items = detail.get("item") or []
    if isinstance(items, dict):  # xmltodict gives a dict for a single <item>
        items = [items]
    url = next((i.get("article_url") for i in items if str(i.get("idx", "1")) == "1"), "") or ""
    updates = {"article_id": info.get("article_id") or ""}
    if url.startswith("https://mp.weixin.qq.com/"):
        updates["url"] = url
    records.update(**{k: v for k, v in updates.items() if v})


def handle(site, account, message):
    """The reply to `message` (a wechatpy message or event), or None for "success"."""
    if isinstance(message, BaseEvent):
        event = message.event
        if event == "subscribe":
            return welcome_reply(site, account, message)
        if event == "click":
            return answer_click(site, account, message)
        if event == "publishjobfinish":
            record_publish_result(account, message)
        return None
    if str(message._data.get("MsgType", "")).lower() == "event":
        return None  # an event wechatpy does not know: nothing to answer
    if message.type == "text":
        return answer_text(site, account, message)
    return help_reply(site, account, message)
