"""Admin wiring of the outbox: its URLs (with each channel's own), a "发布渠道" button in
the page header and the page listing's "more" menu, the failures report in the Reports
menu, and the configured channels' items in the Settings menu."""

from django.conf import settings
from django.urls import include, path, reverse
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.widgets import Button
from wagtail.models import Page
from wagtail.permission_policies.pages import PagePermissionPolicy

from . import urls
from .adapters import channel_label, get_adapter
from .models import Delivery


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
    # On the page's own header the editor also sees, without a click, that a channel
    # failed (the listing's menu skips this: it would cost a query per row).
    failing = failing_channels(page)
    label = f"发布渠道（{'、'.join(failing)}失败）" if failing else "发布渠道"
    return _button(page, user, 66, label)


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
