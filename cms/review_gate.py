"""The review gate (issue 14, P10): in a column with a review workflow nobody publishes
around the workflow, whatever their role (superusers included) and whichever path they
take; where a column has no workflow (机构职能 etc.), publishing stays direct.

Two layers:

1. Permissions. Every page type of the platform answers `permissions_for_user()` with
   `ReviewGatedPermissionTester` (`ReviewGatedPage`, mixed into `cms.items.Item` and the
   home page). Its `can_publish()` is false for a page under a workflow and its
   `can_publish_subpage()` is false below one, so every Wagtail path that asks them
   refuses: the edit and create views (the 发布 button is not offered, 提交审核 is; a
   posted action-publish saves a draft and says why, see the admin hooks below), the
   revisions' revert-and-publish (an edit view), scheduling (go_live_at is set by the same
   publish), bulk publish, copy with "publish copies" or as an alias, moving live pages
   into a reviewed column, the admin API's publish action, the import with a user. The
   one exception is the publish that the workflow's final approval makes
   (cms.review_approval.publish_approved), for that page only.

2. The model. A page under a workflow going live with a new revision, or a revision of it
   being scheduled, raises PermissionDenied unless cms.review_approval sanctioned it,
   whenever someone acts: an admin user (Wagtail's log context, set for every admin view)
   or a write-API key (`acting()`). This catches any path that publishes without asking
   the permissions (skip_permission_checks=True after a check of its own). Code that runs
   without an actor (the import command without --user, the scheduled-publishing worker,
   the demo loader, data migrations) is the operator's, not a role's, and is not gated:
   the worker only publishes revisions whose schedule was itself approved, since
   scheduling is gated like publishing.

Who approves: cms.workflow.NoSelfApprovalTask (nobody approves their own last edit).
"""

import contextlib
import contextvars

from django.core.exceptions import PermissionDenied
from django.db.models.signals import pre_save
from django.dispatch import receiver
from wagtail import hooks
from wagtail.log_actions import LogFormatter, get_active_log_context
from wagtail.models import Page, PagePermissionTester, Revision, WorkflowPage
from wagtail.models.content_types import get_default_page_content_type

from .review_approval import sanction_for

REVIEW_REQUIRED = "该页面所在栏目设有审核流程，须提交审核、审核通过后发布，不能直接发布。"
SAVED_AS_DRAFT = "“%(title)s”所在栏目设有审核流程，不能直接发布：已保存为草稿，请点击“提交审核”。"
IN_REVIEW = "“%(title)s”正在审核中，不能直接发布：修改已保存为草稿，须经审核流程审核通过后发布。"
EMERGENCY_LOG_ACTION = "cms.emergency_publish"

_actor = contextvars.ContextVar("cms_review_actor", default=None)


def under_review(page):
    """Whether `page` (saved, or about to be added with its tree path set) is under an
    active review workflow: its own or its nearest ancestor's, as Wagtail assigns them."""
    return page.has_workflow


@contextlib.contextmanager
def acting(actor):
    """Mark code run on someone's behalf outside the admin (the write API's key), so the
    model layer gates it as it gates an admin user."""
    token = _actor.set(actor)
    try:
        yield
    finally:
        _actor.reset(token)


def current_actor():
    return get_active_log_context().user or _actor.get()


# -- layer 1: permissions --------------------------------------------------------------


class ReviewGatedPermissionTester(PagePermissionTester):
    """Wagtail's PagePermissionTester with publishing refused under a review workflow."""

    def _under_review(self):
        if not hasattr(self, "_review"):
            self._review = under_review(self.page)
        return self._review

    def has_publish_permission(self):
        """The role's publish permission, before the review gate (Wagtail's can_publish)."""
        return super().can_publish()

    def refused_by_review(self):
        """The user could publish here but for the review workflow."""
        return self.has_publish_permission() and not self.can_publish()

    def can_publish(self):
        if not super().can_publish():
            return False
        if not self._under_review():
            return True
        sanction = sanction_for(self.page.pk)
        return sanction is not None

    def can_publish_subpage(self):
        # A new page below a reviewed page is reviewed: it is created as a draft and
        # submitted. (The parent itself counts: a column's own workflow covers its items.)
        return super().can_publish_subpage() and not self._under_review()

    # Wagtail derives these from can_publish(); they do not put content live, so they keep
    # the role's own permission: page privacy, and cancelling a scheduled publication.
    def can_set_view_restrictions(self):
        return self.has_publish_permission()

    def can_unschedule(self):
        return self.has_publish_permission()

    def can_move_to(self, destination):
        """Moving live pages under another workflow (or from none into one) would put them
        in a reviewed column unreviewed; reordering and moving drafts stay as Wagtail has
        them."""
        if not super().can_move_to(destination):
            return False
        if self.page.is_child_of(destination):
            return True
        own = (
            WorkflowPage.objects.filter(page=self.page, workflow__active=True)
            .select_related("workflow")
            .first()
        )
        after = own.workflow if own else destination.get_workflow()
        if after is None or after == self.page.get_workflow():
            return True
        return not (self.page.live or self.page.get_descendants().live().exists())


class ReviewGatedPage:
    """Mixin of the platform's page types: their permissions pass the review gate."""

    def permissions_for_user(self, user):
        return ReviewGatedPermissionTester(user, self)


# -- layer 2: the model -----------------------------------------------------------------


def _refuse_unless_sanctioned(object_id, revision_id):
    sanction = sanction_for(object_id)
    if sanction is None or (revision_id is not None and sanction[0] != revision_id):
        raise PermissionDenied(REVIEW_REQUIRED)


@receiver(pre_save, dispatch_uid="cms_review_gate_page")
def _gate_going_live(sender, instance, raw=False, update_fields=None, **kwargs):
    """A page under a workflow may go live with a new revision only when sanctioned."""
    if raw or not isinstance(instance, Page) or not instance.live or current_actor() is None:
        return
    if update_fields is not None and not {"live", "live_revision"} & set(update_fields):
        return
    if not instance._state.adding:
        before = Page.objects.filter(pk=instance.pk).values_list("live", "live_revision_id").first()
        if before == (True, instance.live_revision_id):
            return  # already live with this revision: not a publication
    if under_review(instance):
        _refuse_unless_sanctioned(instance.pk, instance.live_revision_id)


@receiver(pre_save, sender=Revision, dispatch_uid="cms_review_gate_schedule")
def _gate_scheduling(sender, instance, raw=False, update_fields=None, **kwargs):
    """Scheduling a revision (what publish does with a future go_live_at) is publishing."""
    if raw or instance.approved_go_live_at is None or current_actor() is None:
        return
    if update_fields is not None and "approved_go_live_at" not in update_fields:
        return
    if instance.base_content_type_id != get_default_page_content_type().pk:
        return
    page = Page.objects.filter(pk=instance.object_id).first()
    if page is not None and under_review(page):
        _refuse_unless_sanctioned(instance.object_id, instance.pk)


# -- the admin: say why a posted 发布 saved a draft; the emergency route's log entry -------


def _explain_refused_publish(request, page):
    if request.method != "POST" or not request.POST.get("action-publish"):
        return
    if page.live and not page.has_unpublished_changes:
        return  # it was published after all
    perms = page.permissions_for_user(request.user)
    if isinstance(perms, ReviewGatedPermissionTester) and perms.refused_by_review():
        from wagtail.admin import messages

        message = IN_REVIEW if page.workflow_in_progress else SAVED_AS_DRAFT
        messages.warning(request, message % {"title": page.get_admin_display_title()})


@hooks.register("after_edit_page")
def explain_refused_publish_on_edit(request, page):
    _explain_refused_publish(request, page)


@hooks.register("after_create_page")
def explain_refused_publish_on_create(request, page):
    _explain_refused_publish(request, page)


@hooks.register("register_log_actions")
def register_emergency_publish(actions):
    @actions.register_action(EMERGENCY_LOG_ACTION)
    class EmergencyPublish(LogFormatter):
        label = "紧急发布（未经审核流程）"

        def format_message(self, log_entry):
            return f"紧急发布（未经审核流程）：{log_entry.data.get('reason', '')}"
