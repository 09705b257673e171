"""Broadcasts in the admin: the progress of the problems raised on a show (整改事项) as a
snippet listing, where the responsible department updates status, public note and date
resolved. The problem itself (text, department, deadline) is edited in the broadcast's
page editor; here it is read-only, and no problem is added or deleted.

Scope: a user holding the model's permission sees the problems of the broadcasts they may
edit (their own site's, as interview moderation is scoped), and a member of a handling
unit (HandlerMembership) also the problems passed to that unit, on any site.
"""

from wagtail.admin.panels import FieldPanel
from wagtail.permissions import register_permission_policy
from wagtail.snippets.models import register_snippet

from sites.admin_scope import PageScopedPermissionPolicy, editable_pages
from sites.admin_views import PageScopedSnippetViewSet

from .broadcasts import RectificationItem
from .mailbox import HandlerMembership

# Problems belong to the show's record: they are raised in the page editor, never here.
REFUSED_ACTIONS = {"add", "delete"}


class RectificationPermissionPolicy(PageScopedPermissionPolicy):
    """The model's permission on the problems of pages the user may edit, or assigned to a
    unit the user belongs to; never adding or deleting one here."""

    def __init__(self):
        super().__init__(RectificationItem, "page")

    def user_has_permission(self, user, action):
        return action not in REFUSED_ACTIONS and super().user_has_permission(user, action)

    def user_has_any_permission(self, user, actions):
        return super().user_has_any_permission(user, set(actions) - REFUSED_ACTIONS)

    def _page_is_editable(self, user, instance):
        if HandlerMembership.objects.filter(user=user, organisation_id=instance.organisation_id).exists():
            return True
        return super()._page_is_editable(user, instance)

    def instances_user_has_any_permission_for(self, user, actions):
        actions = set(actions) - REFUSED_ACTIONS
        if not self.user_has_any_permission(user, actions):
            return RectificationItem.objects.none()
        units = HandlerMembership.objects.filter(user=user).values("organisation")
        return RectificationItem.objects.filter(
            page__in=editable_pages(user).values("pk")
        ) | RectificationItem.objects.filter(organisation__in=units)


register_permission_policy(RectificationItem, RectificationPermissionPolicy())


class RectificationViewSet(PageScopedSnippetViewSet):
    model = RectificationItem
    icon = "tasks"
    menu_label = "整改事项"
    copy_view_enabled = False
    list_display = ["problem", "page", "organisation", "deadline", "status", "updated_at"]
    list_filter = ["status"]
    ordering = ["status", "deadline", "pk"]
    panels = [
        FieldPanel("page", read_only=True),
        FieldPanel("problem", read_only=True),
        FieldPanel("organisation", read_only=True),
        FieldPanel("deadline", read_only=True),
        FieldPanel("status"),
        FieldPanel("progress_note"),
        FieldPanel("resolved_on"),
    ]


register_snippet(RectificationViewSet)
