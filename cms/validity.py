"""P12: policy documents' validity over time. A periodic task (settings.PERIODIC_TASKS)
turns documents whose 有效期至 has passed into 已失效, through a published revision, so the
page, its lists, the search index and every channel hear of it as of any edit.

Lists, search and the API leave out documents no longer in force with
cms.disclosure.in_force(queryset).
"""

from django.db import transaction
from django.utils import timezone
from django_tasks import task

from .disclosure import Validity
from .pages import ArticlePage

STILL_VALID = (Validity.VALID, Validity.AMENDED)


def expire_due(today=None):
    """Mark every live document whose 有效期至 is before `today` as 已失效; returns them."""
    today = today or timezone.localdate()
    due = ArticlePage.objects.live().filter(expires_at__lt=today, validity__in=STILL_VALID)
    expired = []
    for page in due:
        with transaction.atomic():
            _expire(page)
        expired.append(page)
    return expired


def _expire(page):
    # The live version is published with the new status; a pending draft keeps its edits
    # and gets the status too, staying the latest revision for its editor.
    draft = page.get_latest_revision() if page.has_unpublished_changes else None
    live = page.live_revision.as_object() if page.live_revision_id else page
    live.validity = Validity.EXPIRED
    live.save_revision(log_action=True, changed=True).publish(skip_permission_checks=True)
    if draft is not None:
        pending = draft.as_object()
        pending.validity = Validity.EXPIRED
        pending.save_revision(log_action=False)


@task()
def apply_expiry_dates():
    """Periodic: apply the expiry dates that have passed (Beijing date)."""
    return len(expire_due())
