"""Admin hooks that keep the sites of the cluster apart.

Wagtail's page explorer, choosers and image/document listings already filter by the
group permissions provisioning grants per site. Its internal admin API for images and
documents (/admin/api/main/images/, .../documents/) does not: it lists every item to any
admin user. Editors of one county site must not see another site's files, so those two
endpoints are replaced by versions limited to the collections the user may choose from.

The page chooser has to reach other sites (syndicating an item into another site's column,
linking to another government site), but only their pages as the public sees them: another
site's drafts stay private, and so do the draft titles of its published pages.

The rest of the scoping (sites/admin_scope.py, sites/admin_views.py) is wired here: every
bulk action, the page workflow views and the page types report.
"""

from wagtail import hooks
from wagtail.documents.api.admin.views import DocumentsAdminAPIViewSet
from wagtail.images.api.admin.views import ImagesAdminAPIViewSet
from wagtail.permissions import policy_registry

from .admin_scope import choosable_pages
from .admin_views import SCOPED_BULK_ACTIONS, ScopedPageViewSet


class _CollectionPermissionMixin:
    def get_queryset(self):
        allowed = policy_registry.get_by_type(self.model).instances_user_has_any_permission_for(
            self.request.user, ["choose", "change"]
        )
        return super().get_queryset().filter(pk__in=allowed.values("pk"))


class SiteImagesAdminAPIViewSet(_CollectionPermissionMixin, ImagesAdminAPIViewSet):
    pass


class SiteDocumentsAdminAPIViewSet(_CollectionPermissionMixin, DocumentsAdminAPIViewSet):
    pass


# A late order, so these replace the endpoints wagtail.images / wagtail.documents register.
@hooks.register("construct_admin_api", order=100)
def restrict_admin_api_to_own_collections(router):
    router.register_endpoint("images", SiteImagesAdminAPIViewSet)
    router.register_endpoint("documents", SiteDocumentsAdminAPIViewSet)


@hooks.register("construct_page_chooser_queryset")
def only_public_pages_of_other_sites(pages, request):
    return choosable_pages(request.user, pages)


# A late order, so each replaces the action Wagtail registers for the same model and name:
# its confirm page lists only objects the user may see.
for action_class in SCOPED_BULK_ACTIONS:
    hooks.register("register_bulk_action", action_class, order=100)


# Wagtail registers its page viewset with order -1; this one replaces it for every page type.
@hooks.register("register_admin_viewset", order=100)
def register_scoped_page_viewset():
    return ScopedPageViewSet()


@hooks.register("construct_reports_menu")
def hide_page_types_report(request, menu_items):
    # sites.admin_views.PageTypesUsageView: superusers only.
    if not request.user.is_superuser:
        menu_items[:] = [item for item in menu_items if item.name != "page-types-usage"]
