"""Receivers that keep the content model's derived rows in step with Wagtail's tree;
connected by CmsConfig.ready()."""

from django.db.models.signals import post_delete, post_save
from wagtail.models import Page
from wagtail.signals import post_page_move

from . import page_events
from .listing import relist_below
from .pages import ArticlePage, ColumnPage


def relist_moved_page(sender, instance, parent_page_before, parent_page_after, **kwargs):
    # Moving an article changes its own column's listing rows and its parent columns';
    # moving a column changes which parent columns collect the items below it. Reordering
    # among siblings changes neither.
    if parent_page_before.pk != parent_page_after.pk and issubclass(sender, ArticlePage | ColumnPage):
        relist_below(instance)


def connect():
    post_page_move.connect(relist_moved_page, dispatch_uid="cms_relist_moved_page")
    post_save.connect(page_events.forget_all, dispatch_uid="cms_page_events_saved")
    # Page only: a receiver for every model would turn Django's fast bulk deletes off.
    post_delete.connect(page_events.forget_all, sender=Page, dispatch_uid="cms_page_events_deleted")
