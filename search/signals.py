"""Wagtail signal handlers that enqueue index updates (cms/ never imports search/: the
hook lives here). Each handler only enqueues page ids; the task reads the current state.

An item whose public content changes without a new revision (an interview's moderated
questions and live text) is re-indexed on the content app's `item_changed` signal."""

from django.db.models.signals import post_delete
from wagtail.models import Page, get_page_models
from wagtail.signals import page_published, page_unpublished, post_page_move

from cms.items import item_changed

from . import tasks


def on_published(sender, instance, **kwargs):
    tasks.update_pages.enqueue([instance.pk])


def on_unpublished(sender, instance, **kwargs):
    tasks.remove_pages.enqueue([instance.pk])


def on_moved(sender, instance, **kwargs):
    # A move changes the URL, site and column of the page and of everything below it.
    ids = list(Page.objects.descendant_of(instance, inclusive=True).values_list("pk", flat=True))
    tasks.update_pages.enqueue(ids)


def on_deleted(sender, instance, **kwargs):
    tasks.remove_pages.enqueue([instance.pk])


def on_item_changed(sender, page_id, **kwargs):
    # An item's public content changed without a new revision (cms.items.item_changed).
    tasks.update_pages.enqueue([page_id])


def connect():
    page_published.connect(on_published, dispatch_uid="portal_search_published")
    page_unpublished.connect(on_unpublished, dispatch_uid="portal_search_unpublished")
    post_page_move.connect(on_moved, dispatch_uid="portal_search_moved")
    # Per page model, not for every model: a receiver without a sender would stop Django
    # from fast-deleting rows of every other table.
    for model in {Page, *get_page_models()}:
        post_delete.connect(
            on_deleted, sender=model, dispatch_uid=f"portal_search_deleted_{model._meta.label}"
        )
    item_changed.connect(on_item_changed, dispatch_uid="portal_search_item_changed")
