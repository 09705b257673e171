"""The one way a page of a reviewed column goes live: its workflow's final approval
(settings.WAGTAIL_FINISH_WORKFLOW_ACTION names `publish_approved` below), or the logged
emergency route (manage.py emergency_publish). Both publish inside `sanctioned()`, which
cms.review_gate asks before it lets such a page be published (cms/review_gate.py).

Wagtail imports the finish action while it defines its own models (WorkflowState's class
body reads the setting), so this module imports nothing of Wagtail's at the top.
"""

import contextlib
import contextvars

WORKFLOW = "workflow"
EMERGENCY = "emergency"

_sanction = contextvars.ContextVar("cms_review_sanction", default=None)


@contextlib.contextmanager
def sanctioned(object_id, revision_id, reason):
    """Within this block, revision `revision_id` of the page `object_id` may be published
    although the page is under a review workflow. `reason`: WORKFLOW or EMERGENCY."""
    token = _sanction.set((str(object_id), revision_id, reason))
    try:
        yield
    finally:
        _sanction.reset(token)


def sanction_for(object_id):
    """(revision_id, reason) when publishing of the page `object_id` is sanctioned now."""
    current = _sanction.get()
    if current is None or current[0] != str(object_id):
        return None
    return current[1], current[2]


def publish_approved(workflow_state, user=None):
    """Wagtail's own finish action (wagtail.workflows.publish_workflow_state: publish the
    object's latest revision as the last approver), with the approval named, so the review
    gate lets exactly this revision of exactly this page through. The publish still checks
    that the approver holds the publish permission, as Wagtail's does."""
    revision = workflow_state.content_object.get_latest_revision()
    with sanctioned(workflow_state.object_id, revision.pk, WORKFLOW):
        revision.publish(user=user)
