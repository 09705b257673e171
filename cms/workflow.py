"""Review workflow steps (P10): group approval where nobody approves their own last edit."""

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext_lazy as _
from wagtail.models import AbstractGroupApprovalTask

from .publish_checks import refusals

SELF_APPROVAL_MESSAGE = "您是该内容的最后编辑人，不能审核通过自己的修改，请由其他审核人审核。"
CONTENT_RULES_MESSAGE = "内容不符合发布要求，不能审核通过，请退回修改：%(reasons)s"


def last_editor_id(obj):
    revision = obj.get_latest_revision()
    return revision.user_id if revision else None


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
            if last_editor_id(obj) == user.pk:
                raise PermissionDenied(SELF_APPROVAL_MESSAGE)
            # The content an approval passes on (and the last step publishes) must meet the
            # rules the publish button enforces, or review would be a way round them.
            refused = refusals(obj.get_latest_revision_as_object())
            if refused:
                raise PermissionDenied(CONTENT_RULES_MESSAGE % {"reasons": "；".join(refused)})
        return super().on_action(task_state, user, action_name, **kwargs)

    @classmethod
    def get_description(cls):
        return "所选用户组的成员可审核通过，但不能审核自己最后编辑的版本"

    class Meta:
        verbose_name = _("Review step (no self-approval)")
        verbose_name_plural = _("Review steps (no self-approval)")
