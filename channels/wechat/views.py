"""The Official Account's callback (`/wechat/<appid>/`), and the channel's admin parts
(urls.admin_urlpatterns, under /admin/channels/wechat/): the page that pushes each site's
menu, and the editor's "notify followers" (mass send) panel and action on a page.

The callback checks WeChat's signature before anything else (403, nothing processed),
then refuses a replay (403): a `timestamp` more than WECHAT_CALLBACK_WINDOW_SECONDS from
now, or an (account, timestamp, nonce) already used (inbound.nonce_unused, through the
shared cache). An account with an EncodingAESKey takes safe-mode (AES) messages only: a
plaintext POST is 403. It bounds the body (413), decrypts safe-mode messages with
wechatpy's WeChatCrypto, rejects malformed XML (400), answers a repeated message "success"
without processing it again, and hands the rest to channels/wechat/inbound.py. Replies to
safe-mode messages are encrypted the same way.
"""

import hashlib
import hmac
import logging

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse, HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect
from django.template.loader import render_to_string
from django.template.response import TemplateResponse
from django.urls import reverse
from django.views.decorators.csrf import csrf_exempt
from wagtail.admin.auth import require_admin_access
from wagtail.admin.menu import MenuItem
from wagtail.models import Page, Site
from wechatpy.crypto import WeChatCrypto
from wechatpy.exceptions import InvalidAppIdException, InvalidSignatureException
from wechatpy.parser import parse_message

from . import inbound, publish
from .menu import MenuError, build_menu, push_menu
from .models import WeChatAccount, WeChatMassSend

logger = logging.getLogger(__name__)

#: WeChat's messages are a few KB; anything much larger is not from WeChat.
MAX_BODY = 64 * 1024
SUCCESS = "success"
MENU_PERMISSION = "portal_channels.change_wechataccount"


def _plain(text, status=200):
    return HttpResponse(text, status=status, content_type="text/plain; charset=utf-8")


def signature_ok(token, signature, timestamp, nonce):
    if not (token and signature and timestamp and nonce):
        return False
    # SHA-1 is what WeChat signs with; not our choice.
    expected = hashlib.sha1("".join(sorted([token, timestamp, nonce])).encode()).hexdigest()  # noqa: S324
    return hmac.compare_digest(expected, signature)


@csrf_exempt
def callback(request, appid):
    if request.method not in ("GET", "POST"):
        return HttpResponseNotAllowed(["GET", "POST"])
    account = WeChatAccount.objects.filter(appid=appid).exclude(appid="").select_related("site").first()
    token = account.token if account else ""
    if not token:
        return _plain("未配置的公众号", 404)
    query = request.GET
    timestamp, nonce = query.get("timestamp", ""), query.get("nonce", "")
    if not signature_ok(token, query.get("signature", ""), timestamp, nonce):
        return _plain("签名错误", 403)
    if not inbound.timestamp_fresh(timestamp):
        return _plain("请求已过期", 403)
    encrypted = query.get("encrypt_type") == "aes"
    if request.method == "GET":
        if not inbound.nonce_unused(account.appid, timestamp, nonce):
            return _plain("重复的请求", 403)
        return _plain(query.get("echostr", ""))
    if not encrypted and account.aes_key:
        # Safe mode is configured: a plaintext message is not from WeChat (or is a downgrade).
        return _plain("请使用安全模式（加密）发送消息", 403)

    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return _plain("请求格式错误", 400)
    if length > MAX_BODY:
        return _plain("消息过大", 413)
    body = request.read(MAX_BODY + 1)
    if len(body) > MAX_BODY:
        return _plain("消息过大", 413)

    crypto = None
    if encrypted:
        try:
            crypto = WeChatCrypto(token, account.aes_key, account.appid)
        except Exception:  # a missing or malformed EncodingAESKey
            logger.error("WeChat account %s: EncodingAESKey missing or invalid", appid)
            return _plain("公众号未配置消息加解密密钥", 500)
        try:
            body = crypto.decrypt_message(body, query.get("msg_signature", ""), timestamp, nonce)
        except (InvalidSignatureException, InvalidAppIdException):
            return _plain("签名错误", 403)
        except Exception:  # broken XML, no <Encrypt>, bad base64 or padding
            return _plain("消息格式错误", 400)
    # Marked used only once the request is authenticated (msg_signature too, in safe
    # mode): a forged body cannot burn the nonce of a genuine request.
    if not inbound.nonce_unused(account.appid, timestamp, nonce):
        return _plain("重复的请求", 403)
    try:
        message = parse_message(body)
    except Exception:  # xmltodict/expat errors, entities, missing MsgType
        message = None
    if message is None:
        return _plain("消息格式错误", 400)

    if inbound.seen_before(account.appid, message):
        return _plain(SUCCESS)
    try:
        reply = inbound.handle(account.site, account, message)
    except Exception:
        # WeChat shows followers an error when we fail; "success" just says nothing.
        logger.exception("WeChat inbound message failed (%s)", appid)
        reply = None
    if reply is None:
        return _plain(SUCCESS)
    xml = reply.render()
    if crypto is not None:
        xml = crypto.encrypt_message(xml, nonce, timestamp)
    return HttpResponse(xml, content_type="application/xml; charset=utf-8")


# --- admin ------------------------------------------------------------------------------


@require_admin_access
def menu_admin(request):
    """Each site with an account: the menu its columns give, and a button to push it."""
    if not request.user.has_perm(MENU_PERMISSION):
        raise PermissionDenied
    if request.method == "POST":
        site = get_object_or_404(Site, pk=request.POST.get("site"))
        try:
            push_menu(site)
        except MenuError as exc:
            messages.error(request, exc.reason)
        else:
            messages.success(request, f"已将菜单推送到“{site.site_name or site.hostname}”的公众号。")
        return redirect("portal_channels:wechat:menu")
    rows = []
    for account in WeChatAccount.objects.exclude(appid="").select_related("site").order_by("site__hostname"):
        rows.append({"account": account, "site": account.site, "menu": build_menu(account.site)})
    return TemplateResponse(request, "channels/wechat/menu_admin.html", {"rows": rows})


class MenuAdminItem(MenuItem):
    def is_shown(self, request):
        return request.user.has_perm(MENU_PERMISSION)


def menu_admin_item():
    """Settings → 公众号菜单 (WeChatAdapter.settings_menu_items)."""
    return MenuAdminItem(
        "公众号菜单", reverse("portal_channels:wechat:menu"), name="wechat-menu", icon_name="list-ul"
    )


def may_notify(user, page):
    """Whether `user` may mass-send the page's published article: who holds the publish
    permission. Not can_publish(), which the review gate (cms.review_gate) refuses in a
    reviewed column: the article sent is the published, reviewed one; nothing goes live."""
    perms = page.permissions_for_user(user)
    return getattr(perms, "has_publish_permission", perms.can_publish)()


def notify_panel(request, page):
    """The channel's section of a page's 发布渠道 view (WeChatAdapter.page_panel): the
    published article's "notify followers" action, or nothing before it is published."""
    article = publish.published_article(page)
    if article is None:
        return ""
    context = {
        "page": page,
        "send": publish.mass_send_for(article),
        "can_publish": may_notify(request.user, page),
    }
    return render_to_string("channels/wechat/_notify_panel.html", context, request=request)


@require_admin_access
def notify_followers(request, page_id):
    """Mass send of a page's published WeChat article: a confirm page (GET), then the send
    (POST). Only users who may publish the page; a repeated POST (a double click, a
    browser retry) sends nothing a second time."""
    page = get_object_or_404(Page, pk=page_id).specific_deferred
    if not may_notify(request.user, page):
        raise PermissionDenied
    article = publish.published_article(page)
    done = publish.mass_send_for(article)
    if request.method == "POST":
        try:
            send, sent_now = publish.send_to_followers(page, user=request.user)
        except publish.PublishError as exc:
            messages.error(request, f"群发失败：{exc.reason}")
        else:
            if sent_now:
                messages.success(request, f"已将“{page.title}”群发给公众号“{send.account}”的关注者。")
            elif send.status == send.Status.SENDING:
                messages.warning(request, "该信息正在群发，请勿重复操作。")
            else:
                messages.warning(request, "该信息的这一版本已经群发过，不会重复发送。")
        return redirect("portal_channels:page", page.pk)
    history = WeChatMassSend.objects.filter(page_id=page.pk).select_related("requested_by").order_by("-pk")
    return TemplateResponse(
        request,
        "channels/wechat/notify_confirm.html",
        {"page": page, "article": article, "done": done, "history": history[:20]},
    )
