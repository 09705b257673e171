"""Admin wiring of the search: the 热门搜索 menu group (hot terms and the sensitive-word
dictionary, search/admin_views.py), its permission policy, and its one permission in
Wagtail's group editor."""

from django.contrib.auth.models import Permission
from wagtail import hooks
from wagtail.permissions import register_permission_policy

from .admin_views import HotTermsGroup, ManageHotTermsPolicy
from .models import SensitiveWord

register_permission_policy(SensitiveWord, ManageHotTermsPolicy(SensitiveWord))


@hooks.register("register_admin_viewset")
def register_hot_terms():
    return HotTermsGroup()


@hooks.register("register_permissions")
def hot_terms_permission():
    return Permission.objects.filter(content_type__app_label="portal_search", codename="manage_hot_terms")
