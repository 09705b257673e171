"""Receivers that keep the content model's derived rows in step with Wagtail's tree;
connected by CmsConfig.ready()."""

from wagtail.signals import post_page_move

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
