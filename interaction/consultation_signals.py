"""Consultations' and surveys' side of the item protocol: their public content changes
between publishes, and each change is announced once as `cms.items.item_changed` (search
and the app's change feed listen to it):

- a comment becomes public (approved) or stops being public (withdrawn, deleted);
- a consultation or survey closes: its page then shows the results and the feedback
  slot, its API detail the results. Time passing fires no signal, so the periodic task
  `announce_closings` (settings.PERIODIC_TASKS) announces each closing once.

A comment that is not public and was not public before changes nothing anyone may see:
it sends nothing, so a flood of submissions never floods the task queue. Responses to an
open survey are not public either: they send nothing.
"""

from django.db.models.signals import post_delete, post_save, pre_save
from django.utils import timezone
from django_tasks import task
from wagtail.models import Page

from cms.items import item_changed

from .consultations import CommentStatus, ConsultationComment, ConsultationPage, participation_models


def remember_comment_was_public(sender, instance, **kwargs):
    instance._was_public = bool(
        instance.pk
        and ConsultationComment.objects.filter(pk=instance.pk, status=CommentStatus.APPROVED).exists()
    )


def on_comment(sender, instance, origin=None, **kwargs):
    if isinstance(origin, Page):
        return  # deleted with its consultation, whose own deletion is the change
    if instance.status == CommentStatus.APPROVED or getattr(instance, "_was_public", False):
        item_changed.send(sender=ConsultationPage, page_id=instance.page_id)


def announce_closed(now=None):
    """Send item_changed for every live consultation or survey that has closed and was not
    announced yet; returns how many. The mark is a column update, not a page save: no
    revision, no publish listeners."""
    now = now or timezone.now()
    announced = 0
    for model in participation_models():
        due = model.objects.live().filter(closes_at__lte=now, closing_announced=False)
        for page_id in due.values_list("pk", flat=True):
            # Claimed first, so two workers never announce one closing twice.
            if model.objects.filter(pk=page_id, closing_announced=False).update(closing_announced=True):
                item_changed.send(sender=model, page_id=page_id)
                announced += 1
    return announced


@task()
def announce_closings():
    """Periodic (settings.PERIODIC_TASKS): announce the consultations and surveys that closed."""
    return announce_closed()


def connect():
    pre_save.connect(
        remember_comment_was_public, sender=ConsultationComment, dispatch_uid="interaction_comment_before"
    )
    post_save.connect(on_comment, sender=ConsultationComment, dispatch_uid="interaction_comment_saved")
    post_delete.connect(on_comment, sender=ConsultationComment, dispatch_uid="interaction_comment_deleted")
