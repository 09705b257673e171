"""URLs of the WeChat channel, mounted at /wechat/: the callback of each account (by AppID)
and the admin page that pushes the menus."""

from django.urls import path

from . import views

app_name = "wechat"
urlpatterns = [
    path("admin/menu/", views.menu_admin, name="menu_admin"),
    path("<str:appid>/", views.callback, name="callback"),
]
