"""Admin hooks that keep the sites of the cluster apart.

Wagtail's page explorer, choosers and image/document listings already filter by the
group permissions provisioning grants per site. Its internal admin API for images and
documents (/admin/api/main/images/, .../documents/) does not: it lists every item to any
admin user. Editors of one county site must not see another site's files, so those two
endpoints are replaced by versions limited to the collections the user may choose from.

The page chooser has to reach other sites (syndicating an item into another site's column,
linking to another government site), but only their published pages, which the public
sees anyway: another site's drafts stay private.
"""

from django.db.models import Q
from wagtail import hooks
from wagtail.documents.api.admin.views import DocumentsAdminAPIViewSet
from wagtail.images.api.admin.views import ImagesAdminAPIViewSet
from wagtail.models import Page
from wagtail.permissions import policy_registry


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
def only_published_pages_of_other_sites(pages, request):
    user = request.user
    if user.is_superuser:
        return pages
    own = policy_registry.get_by_type(Page).explorable_instances(user)
    return pages.filter(Q(live=True) | Q(pk__in=own.values("pk")))
