"""Receivers that keep the content model's derived rows in step with Wagtail's tree."""

from django.dispatch import receiver
from wagtail.signals import post_page_move

from .listing import sync_listings
from .pages import ArticlePage


@receiver(post_page_move, sender=ArticlePage)
def relist_moved_article(sender, instance, **kwargs):
    # Moving an article to another column changes its own column's listing row.
    sync_listings(ArticlePage.objects.get(pk=instance.pk))
