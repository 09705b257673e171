"""Template tags of the page views (M22) for the public templates:

    {% load monitoring_analytics %}
    {% most_viewed site limit=5 days=30 as items %}        (a Wagtail Site)
    {% most_viewed column limit=5 days=30 as items %}      (a column, or any page: its subtree)
    {% for item in items %}<a href="{% pageurl item.page %}">{{ item.page.title }}</a> {{ item.views }}{% endfor %}

The ranking is kept in the cache for a few minutes (a busy home page must not add up the
counts on every view); the pages themselves are read fresh, so an item unpublished since
drops out at once.
"""

from django import template
from django.core.cache import cache
from django.utils import timezone
from wagtail.models import Page, Site

from ..analytics import PageCount, most_viewed

register = template.Library()

CACHE_SECONDS = 300
MAX_LIMIT = 50
MAX_DAYS = 366


def _bounded(value, default, highest):
    try:
        number = int(value)
    except (TypeError, ValueError):
        return default
    return min(max(number, 1), highest)


@register.simple_tag(name="most_viewed")
def most_viewed_tag(target, limit=5, days=30):
    """[PageCount(page, views)] of the most-viewed items of a site or below a page."""
    limit, days = _bounded(limit, 5, MAX_LIMIT), _bounded(days, 30, MAX_DAYS)
    if isinstance(target, Site):
        site, column = target, None
    elif isinstance(target, Page):
        site = target.get_site()
        column = None if site is None or target.pk == site.root_page_id else target
    else:
        return []
    if site is None:
        return []
    today = timezone.localdate()
    key = f"monitor_most_viewed:{site.pk}:{column.pk if column else 0}:{days}:{limit}:{today.isoformat()}"
    ranking = cache.get(key)
    if ranking is None:
        ranking = [(item.page.pk, item.views) for item in most_viewed(site, column, days, limit, today)]
        cache.set(key, ranking, CACHE_SECONDS)
    pages = Page.objects.live().public().filter(pk__in=[pk for pk, _ in ranking]).specific().in_bulk()
    return [PageCount(pages[pk], views) for pk, views in ranking if pk in pages]
