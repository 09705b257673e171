"""Admin wiring of the app API: the page header's "App 预览链接" button, which gives an
editor a signed, expiring link to the page's latest draft for a headless front end, and
设置 → 报送接口密钥 (superusers) for the write API's keys."""

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, render
from django.urls import path, reverse
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.widgets import Button
from wagtail.models import Page

from cms.items import is_item

from . import admin_views
from .preview import make_token


def preview_link(request, page_id):
    page = get_object_or_404(Page, pk=page_id).specific
    if not is_item(page, api=True) or not page.permissions_for_user(request.user).can_edit():
        raise PermissionDenied
    token = make_token(page)
    url = request.build_absolute_uri(reverse("api-preview", args=[page.pk])) + f"?token={token}"
    return render(
        request,
        "portal_api/preview_link.html",
        {
            "page": page,
            "token": token,
            "url": url,
            "minutes": settings.API_PREVIEW_MAX_AGE // 60,
        },
    )


@hooks.register("register_admin_urls")
def register_urls():
    return [
        path("api-preview/<int:page_id>/", preview_link, name="portal_api_preview_link"),
        path("api-keys/", admin_views.key_list, name="portal_api_keys"),
        path("api-keys/<int:pk>/revoke/", admin_views.key_revoke, name="portal_api_key_revoke"),
    ]


class SuperuserMenuItem(MenuItem):
    def is_shown(self, request):
        return request.user.is_superuser


@hooks.register("register_settings_menu_item")
def keys_menu_item():
    return SuperuserMenuItem(
        "报送接口密钥", reverse("portal_api_keys"), name="api-keys", icon_name="key", order=900
    )


@hooks.register("register_page_header_buttons")
def preview_button(page, user, view_name=None, next_url=None):
    if not is_item(page.specific_deferred, api=True):
        return []
    if not page.permissions_for_user(user).can_edit():
        return []
    return [
        Button(
            "App 预览链接",
            reverse("portal_api_preview_link", args=[page.pk]),
            icon_name="mobile-alt",
            priority=70,
        )
    ]
