"""Receivers that keep the content model's derived rows in step with Wagtail's tree;
connected by CmsConfig.ready()."""

from wagtail.signals import post_page_move

from .listing import sync_listings
from .pages import ArticlePage


def relist_moved_article(sender, instance, **kwargs):
    # Moving an article to another column changes its own column's listing row.
    sync_listings(ArticlePage.objects.get(pk=instance.pk))


def connect():
    post_page_move.connect(relist_moved_article, sender=ArticlePage, dispatch_uid="cms_relist_moved_article")
