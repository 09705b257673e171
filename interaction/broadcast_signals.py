"""A broadcast's side of the item protocol: a problem's progress (status, public note, date
resolved) is updated outside the page editor, so each change the public can see is
announced as `cms.items.item_changed`, which search and the app's change feed listen to.

A save that changes nothing public (a publish writing the same rows again) sends nothing.
Its live text and questions are the interview's and announced by interaction/signals.py.
"""

from django.db.models.signals import post_delete, post_save, pre_save
from wagtail.models import Page

from cms.items import item_changed

from .broadcasts import BroadcastPage, RectificationItem

# What the broadcast page shows of a problem.
PUBLIC_FIELDS = ("problem", "organisation_id", "deadline", "status", "progress_note", "resolved_on")


def _public(values):
    return tuple(values[name] for name in PUBLIC_FIELDS)


def remember_public_values(sender, instance, raw=False, **kwargs):
    row = None
    if instance.pk and not raw:
        row = RectificationItem.objects.filter(pk=instance.pk).values(*PUBLIC_FIELDS).first()
    instance._public_before = _public(row) if row else None


def on_saved(sender, instance, raw=False, **kwargs):
    if raw:
        return
    now = _public({name: getattr(instance, name) for name in PUBLIC_FIELDS})
    if now != getattr(instance, "_public_before", None):
        item_changed.send(sender=BroadcastPage, page_id=instance.page_id)


def on_deleted(sender, instance, origin=None, **kwargs):
    if isinstance(origin, Page):
        return  # deleted with its broadcast, whose own deletion is the change
    item_changed.send(sender=BroadcastPage, page_id=instance.page_id)


def connect():
    pre_save.connect(remember_public_values, sender=RectificationItem, dispatch_uid="broadcast_item_before")
    post_save.connect(on_saved, sender=RectificationItem, dispatch_uid="broadcast_item_saved")
    post_delete.connect(on_deleted, sender=RectificationItem, dispatch_uid="broadcast_item_deleted")
