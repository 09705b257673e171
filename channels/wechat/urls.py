"""URLs of the WeChat channel: the callback of each account (by AppID), mounted at
/wechat/; and the channel's admin views, which WeChatAdapter.admin_urls mounts at
/admin/channels/wechat/ (namespace portal_channels:wechat)."""

from django.urls import path

from . import preview, views

app_name = "wechat"
urlpatterns = [
    path("<str:appid>/", views.callback, name="callback"),
]

admin_urlpatterns = [
    path("menu/", views.menu_admin, name="menu"),
    path("page/<int:page_id>/notify/", views.notify_followers, name="notify"),
    path("page/<int:page_id>/preview/", preview.wechat_preview, name="preview"),
]
