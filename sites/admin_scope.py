"""What an admin user of the cluster may see: the one home of the rules every scoped admin
view (sites/admin_views.py, the snippets of the content apps, budgets' coverage) applies.

Provisioning (sites/provisioning.py) gives each site's editors page permissions on their
own site's tree and collection permissions on its collection. From them:

- own pages are those the user may explore: any page permission on them or below them;
- other sites' pages appear only in the page chooser (syndication, links to another
  government site), and only as the public sees them: live, public, and not renamed by a
  pending draft (the admin names a page by its latest draft's title);
- images, documents and snippets are the instances their model's permission policy grants;
  an object that belongs to a page (an interview's questions and live text) belongs to the
  page's site: PageScopedPermissionPolicy grants the model permission on those objects
  only whose page the user may edit.
"""

from django.db.models import F, Q
from wagtail.models import Page
from wagtail.permission_policies import ModelPermissionPolicy
from wagtail.permissions import policy_registry

# Any of these on an instance lets a user see it listed (bulk-action confirm pages,
# snippet listings and choosers); each view still checks the action it performs.
SEE_ACTIONS = ("add", "change", "delete", "choose", "view")


def explorable_pages(user):
    """The pages the user may see in the admin (Wagtail's explorer rule: any permission on
    the page or below it, within the user's common root); every page for a superuser."""
    return policy_registry.get_by_type(Page).explorable_instances(user)


def editable_pages(user):
    return policy_registry.get_by_type(Page).instances_user_has_permission_for(user, "change")


def public_pages():
    """Pages the public sees, whose admin title is their published one: live, under no
    view restriction, and no pending draft renaming them (the admin shows a page by its
    latest draft's title)."""
    return Page.objects.live().public().filter(Q(draft_title=F("title")) | Q(draft_title=""))


def choosable_pages(user, pages):
    """`pages` limited to those the page chooser may offer `user`: their own site's pages,
    drafts included, and other sites' pages as the public sees them."""
    if user.is_superuser:
        return pages
    return pages.filter(Q(pk__in=explorable_pages(user).values("pk")) | Q(pk__in=public_pages().values("pk")))


def page_is_choosable(user, page_id):
    return choosable_pages(user, Page.objects.filter(pk=page_id)).exists()


def may_see_page(user, page):
    """Whether the user may see `page` in the admin: a page of their own, or one waiting in
    a workflow step the user may act on (a reviewer outside the page's groups)."""
    if explorable_pages(user).filter(pk=page.pk).exists():
        return True
    task = page.current_workflow_task
    return bool(task and task.specific.get_actions(page, user))


def visible_instances(user, model):
    """The instances of `model` the user may see listed: the explorable pages for pages,
    what the model's permission policy grants for any of SEE_ACTIONS otherwise."""
    if issubclass(model, Page):
        return explorable_pages(user)
    return policy_registry.get_by_type(model).instances_user_has_any_permission_for(user, SEE_ACTIONS)


class PageScopedPermissionPolicy(ModelPermissionPolicy):
    """The model's Django permissions, on the instances whose page (the foreign key
    `page_field`) the user may edit: register it for a model whose objects belong to a
    page, e.g. `register_permission_policy(Question, PageScopedPermissionPolicy(Question,
    "interview"))`."""

    def __init__(self, model, page_field):
        super().__init__(model)
        self.page_field = page_field

    def _page_is_editable(self, user, instance):
        page_id = getattr(instance, f"{self.page_field}_id")
        return page_id is not None and editable_pages(user).filter(pk=page_id).exists()

    def user_has_permission_for_instance(self, user, action, instance):
        return self.user_has_permission(user, action) and self._page_is_editable(user, instance)

    def user_has_any_permission_for_instance(self, user, actions, instance):
        return self.user_has_any_permission(user, actions) and self._page_is_editable(user, instance)

    def instances_user_has_any_permission_for(self, user, actions):
        instances = super().instances_user_has_any_permission_for(user, actions)
        return instances.filter(**{f"{self.page_field}__in": editable_pages(user).values("pk")})
