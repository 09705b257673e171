"""Admin wiring of the outbox: its URLs, a "发布渠道" button in the page header and the
page listing's "more" menu, and the failures report in the Reports menu."""

from django.urls import include, path, reverse
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.widgets import Button
from wagtail.models import Page
from wagtail.permission_policies.pages import PagePermissionPolicy

from . import urls


@hooks.register("register_admin_urls")
def register_urls():
    return [path("channels/", include(urls, namespace="portal_channels"))]


def _button(page, user, priority):
    if page.is_root() or not page.permissions_for_user(user).can_edit():
        return []
    return [
        Button(
            "发布渠道",
            reverse("portal_channels:page", args=[page.pk]),
            icon_name="globe",
            priority=priority,
        )
    ]


@hooks.register("register_page_header_buttons")
def page_header_button(page, user, view_name=None, next_url=None):
    return _button(page, user, 66)


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
