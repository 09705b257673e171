"""Wagtail signal handlers that enqueue index updates (cms/ never imports search/: the
hook lives here). Each handler only enqueues page ids; the task reads the current state.

An interview's questions and live entries are moderated outside the page editor (as
snippets), so their saves and deletions re-index the interview they belong to."""

from django.db.models.signals import post_delete, post_save
from wagtail.models import Page, get_page_models
from wagtail.signals import page_published, page_unpublished, post_page_move

from interaction.interviews import LiveEntry, Question, QuestionStatus

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


def on_interview_part_saved(sender, instance, created=False, **kwargs):
    # A question the public has just sent is pending and changes nothing public: skipping
    # it keeps a flood of submissions from flooding the task queue. Any moderator's save
    # (approve, answer, edit, reject) re-indexes, since the old status is not known here.
    if sender is Question and created and instance.status != QuestionStatus.APPROVED:
        return
    tasks.update_pages.enqueue([instance.interview_id])


def on_interview_part_deleted(sender, instance, origin=None, **kwargs):
    if isinstance(origin, Page):
        return  # deleted with its interview, whose own deletion removes the entry
    if sender is Question and instance.status != QuestionStatus.APPROVED:
        return  # never indexed
    tasks.update_pages.enqueue([instance.interview_id])


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
    for model in (Question, LiveEntry):
        label = model._meta.label
        post_save.connect(on_interview_part_saved, sender=model, dispatch_uid=f"portal_search_saved_{label}")
        post_delete.connect(
            on_interview_part_deleted, sender=model, dispatch_uid=f"portal_search_part_deleted_{label}"
        )
