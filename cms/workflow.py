"""Review workflow steps (P10): group approval where nobody approves their own last edit,
and nothing is approved that breaks a publishing rule (cms.publish_checks).

A refused approval is no error page: the step stays where it is, and `on_action` returns
the edit page's address with REFUSED_PARAM, where the reviewer is told why
(cms.rule_messages). Wagtail's workflow action view redirects to what `on_action` returns
(and its modal follows it); the edit view's own approve button is answered by the same
module's after_edit_page hook.
"""

from urllib.parse import urlencode

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from wagtail.models import AbstractGroupApprovalTask

from .publish_checks import refusals

SELF_APPROVAL_MESSAGE = "您是该内容的最后编辑人，不能审核通过自己的修改，请由其他审核人审核。"
CONTENT_RULES_MESSAGE = "内容不符合发布要求，不能审核通过，请退回修改：%(reasons)s"
#: Query parameter of the edit page after a refused approval: the task state's id.
REFUSED_PARAM = "approval_refused"


def last_editor_id(obj):
    revision = obj.get_latest_revision()
    return revision.user_id if revision else None


def approval_refusal(obj, user, refused=None):
    """Why `user` may not approve `obj` now (one Chinese message), or None. `refused`: the
    publishing rules' reasons for its latest revision, when the caller has them already."""
    if last_editor_id(obj) == user.pk:
        return SELF_APPROVAL_MESSAGE
    # The content an approval passes on (and the last step publishes) must meet the rules
    # the publish button enforces, or review would be a way round them.
    if refused is None:
        refused = refusals(obj.get_latest_revision_as_object())
    if refused:
        return CONTENT_RULES_MESSAGE % {"reasons": "；".join(refused)}
    return None


def refused_approval_url(obj, task_state):
    edit = reverse("wagtailadmin_pages:edit", args=[obj.pk])
    return f"{edit}?{urlencode({REFUSED_PARAM: task_state.pk})}"


class NoSelfApprovalTask(AbstractGroupApprovalTask):
    """A group approval step (初审, 复审, 终审) whose approver may not be the last editor."""

    def get_actions(self, obj, user):
        actions = super().get_actions(obj, user)
        if last_editor_id(obj) == user.pk:
            # Requesting changes stays possible; approving one's own edit does not.
            return [a for a in actions if a[0] != "approve"]
        return actions

    def on_action(self, task_state, user, action_name, **kwargs):
        if action_name == "approve":
            obj = task_state.workflow_state.content_object
            if approval_refusal(obj, user) is not None:
                # Not approved: back to the edit page, which says why.
                return refused_approval_url(obj, task_state)
        return super().on_action(task_state, user, action_name, **kwargs)

    @classmethod
    def get_description(cls):
        return "所选用户组的成员可审核通过，但不能审核自己最后编辑的版本"

    class Meta:
        verbose_name = _("Review step (no self-approval)")
        verbose_name_plural = _("Review steps (no self-approval)")
