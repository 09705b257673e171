"""Admin wiring of the outbox: its URLs (with each channel's own), a "发布渠道" button in
the page header (saying each channel's state) and the page listing's "more" menu, the
failures report in the Reports menu, and the configured channels' items in the Settings
menu. Also: the 微信预览 header button (channels/wechat/preview.py), WeChat's title hint in
the page form, a failed channel told at the top of the editor, and the message after an
approval that publishes, saying where the item went (channels/approval_message.py)."""

from django.conf import settings
from django.urls import include, path, reverse
from wagtail import hooks
from wagtail.admin import messages
from wagtail.admin.menu import MenuItem
from wagtail.admin.widgets import Button
from wagtail.models import Page
from wagtail.permission_policies.pages import PagePermissionPolicy

from cms.page_forms import register_field_hint

from . import urls
from .adapters import channel_label, get_adapter
from .approval_message import announce_published_approvals, status_label
from .models import Delivery
from .web import page_cache
from .wechat.html import TITLE_MAX
from .wechat.rules import goes_to_wechat


def failing_channels(page):
    """Labels of the channels whose latest delivery of the page failed."""
    latest = {}
    for channel, status in (
        Delivery.objects.filter(page_id=page.pk).order_by("-pk").values_list("channel", "status")[:50]
    ):
        latest.setdefault(channel, status)
    return [channel_label(c) for c, status in sorted(latest.items()) if status == Delivery.Status.FAILED]


@hooks.register("register_admin_urls")
def register_urls():
    return [path("channels/", include(urls, namespace="portal_channels"))]


def _button(page, user, priority, label="发布渠道"):
    if page.is_root() or not page.permissions_for_user(user).can_edit():
        return []
    return [
        Button(
            label,
            reverse("portal_channels:page", args=[page.pk]),
            icon_name="globe",
            priority=priority,
        )
    ]


@hooks.register("register_page_header_buttons")
def page_header_button(page, user, view_name=None, next_url=None):
    # On the page's own header the editor also sees each channel's state, and a failure
    # first (the listing's menu skips this: it would cost a query per row).
    failing = failing_channels(page)
    label = status_label(page)
    if failing:
        label = f"发布渠道（{'、'.join(failing)}失败）" + label.removeprefix("发布渠道")
    return _button(page, user, 66, label)


@hooks.register("register_page_header_buttons")
def wechat_preview_button(page, user, view_name=None, next_url=None):
    """微信预览 in the editor's header of a page whose column delivers to WeChat."""
    if "wechat" not in settings.CHANNEL_ADAPTERS or page.is_root() or not goes_to_wechat(page):
        return []
    if not page.permissions_for_user(user).can_edit():
        return []
    url = reverse("portal_channels:wechat:preview", args=[page.pk])
    return [Button("微信预览", url, icon_name="view", priority=67)]


# -- after an approval that publishes: where the item went (channels/approval_message.py) --


@hooks.register("after_edit_page")
def announce_after_edit_approval(request, page):
    if request.method == "POST" and request.POST.get("action-workflow-action"):
        announce_published_approvals(request)


@hooks.register("before_edit_page")
def announce_on_edit_page(request, page):
    if request.method == "GET":
        announce_published_approvals(request)
        _say_failed_channels(request, page)


@hooks.register("construct_homepage_panels")
def announce_on_dashboard(request, panels):
    announce_published_approvals(request)


@hooks.register("construct_explorer_page_queryset")
def announce_on_listing(parent_page, pages, request):
    announce_published_approvals(request)
    return pages


def _say_failed_channels(request, page):
    # A failure is told at the top of the editor too, not only behind the header's menu.
    failing = failing_channels(page)
    if failing and page.permissions_for_user(request.user).can_edit():
        messages.warning(
            request,
            f"发布渠道：{'、'.join(failing)}发送失败。",
            buttons=[messages.button(reverse("portal_channels:page", args=[page.pk]), "查看发布渠道")],
        )


def _wechat_title_hint(page, parent):
    """The page form's live hint in a column that delivers to WeChat (cms.page_forms): the
    limit itself is the publishing rule's (channels.wechat.rules)."""
    if "wechat" not in settings.CHANNEL_ADAPTERS or parent is None:
        return {}
    probe = page if page.path else type(page)(path=parent.path + "0" * Page.steplen, depth=parent.depth + 1)
    if not goes_to_wechat(probe):
        return {}
    return {"title": f"该栏目发布到微信公众号：微信标题不超过{TITLE_MAX}字。"}


register_field_hint(_wechat_title_hint)


@hooks.register("register_page_listing_more_buttons")
def page_listing_button(page, user, next_url=None):
    return _button(page, user, 55)


class FailuresMenuItem(MenuItem):
    def is_shown(self, request):
        return PagePermissionPolicy(Page).user_has_any_permission(request.user, ["change"])


@hooks.register("register_reports_menu_item")
def failures_menu_item():
    return FailuresMenuItem(
        "发布失败",
        reverse("portal_channels:failures"),
        name="channel-failures",
        icon_name="warning",
        order=900,
    )


@hooks.register("construct_settings_menu")
def channel_settings_items(request, menu_items):
    """Settings items of the configured channels (WeChat's 公众号菜单)."""
    for channel in settings.CHANNEL_ADAPTERS:
        menu_items.extend(
            item for item in get_adapter(channel).settings_menu_items() if item.is_shown(request)
        )


# The rendered-page cache keeps only answers of pages whose type allows it.
hooks.register("before_serve_page", page_cache.mark_page)
