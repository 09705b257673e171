"""The monitor in the admin: the 网站监测 menu (dashboard, page views, annual reports, the
word dictionaries and the alert recipients) and its URLs (monitoring.admin_urls). Each
view scopes itself to the user's sites; the dictionaries and recipients also need their
model permissions, so their items show only to those who have them."""

from django.urls import include, path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import Menu, MenuItem, SubmenuMenuItem

from . import admin_urls, alert_admin, dictionary_admin


@hooks.register("register_admin_urls")
def register_urls():
    return [path("monitoring/", include((admin_urls.urlpatterns, "monitoring"), namespace="monitoring"))]


class ModelMenuItem(MenuItem):
    """A menu item shown to users who may at least view the viewset's model."""

    def __init__(self, label, viewset, **kwargs):
        self.viewset = viewset
        super().__init__(label, reverse(viewset.get_url_name("index")), **kwargs)

    def is_shown(self, request):
        return self.viewset.permission_policy.user_has_any_permission(request.user, ["view", "change", "add"])


def menu_items():
    return [
        MenuItem(_("Monitor overview"), reverse("monitoring:dashboard"), icon_name="pick", order=100),
        MenuItem(_("Page views"), reverse("monitoring:analytics"), icon_name="view", order=200),
        MenuItem(_("Annual reports"), reverse("monitoring:annual_reports"), icon_name="doc-full", order=300),
        ModelMenuItem(
            _("Monitor dictionaries"), dictionary_admin.dictionary_viewset, icon_name="openquote", order=400
        ),
        ModelMenuItem(
            _("Alert recipients"), alert_admin.alert_recipient_viewset, icon_name="mail", order=500
        ),
    ]


@hooks.register("register_admin_menu_item")
def register_menu():
    return SubmenuMenuItem(_("Site monitor"), Menu(items=menu_items()), icon_name="pick", order=650)
