"""The interaction app's side of the item protocol: an interview's public content changes
between publishes (a moderator posts live text, approves, answers or withdraws a question),
and each such change is announced once as `cms.items.item_changed`, which search and the
app's change feed both listen to.

A question that is not public and was not public before changes nothing anyone may see:
it sends nothing, so a flood of submissions never floods the task queue, and the change
feed never even hints at what waits for moderation.
"""

from django.db.models.signals import post_delete, post_save, pre_save
from wagtail.models import Page

from cms.items import item_changed

from .interviews import Interview, LiveEntry, Question, QuestionStatus


def remember_question_was_public(sender, instance, **kwargs):
    instance._was_public = bool(
        instance.pk and Question.objects.filter(pk=instance.pk, status=QuestionStatus.APPROVED).exists()
    )


def on_question(sender, instance, origin=None, **kwargs):
    if isinstance(origin, Page):
        return  # deleted with its interview, whose own deletion is the change
    if instance.status == QuestionStatus.APPROVED or getattr(instance, "_was_public", False):
        item_changed.send(sender=Interview, page_id=instance.interview_id)


def on_live_entry(sender, instance, origin=None, **kwargs):
    if isinstance(origin, Page):
        return
    item_changed.send(sender=Interview, page_id=instance.interview_id)


def connect():
    pre_save.connect(
        remember_question_was_public, sender=Question, dispatch_uid="interaction_question_before"
    )
    for signal in (post_save, post_delete):
        name = "saved" if signal is post_save else "deleted"
        signal.connect(on_question, sender=Question, dispatch_uid=f"interaction_question_{name}")
        signal.connect(on_live_entry, sender=LiveEntry, dispatch_uid=f"interaction_live_entry_{name}")
