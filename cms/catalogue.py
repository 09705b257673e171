"""Browsing a directory column (信息公开目录) by subject category and issuing organisation (G06).

The public chooses a 主题分类 or a 发布机构 among those that have items in the column (its
sub-columns' included); both filters are plain query parameters, so a choice is a link
that works without JavaScript, survives paging and can be bookmarked. Values that do not
name an offered choice are ignored rather than refused: a stale bookmark still shows the
whole directory.
"""

from dataclasses import dataclass, field

from django.core.cache import cache
from django.utils.translation import gettext_lazy as _

from .snippets import Organisation, SubjectCategory

PARAMS = {"category": "category_id", "organisation": "organisation_id"}


@dataclass(frozen=True)
class Choice:
    """One link of the browse lists: choosing it keeps the other list's choice, drops the
    page number (the filtered list starts again at its first page)."""

    label: str
    href: str
    selected: bool


@dataclass
class CatalogueFilters:
    categories: list  # [Choice], the "all" link first
    organisations: list  # [Choice]
    lookups: dict = field(default_factory=dict)  # the ArticlePage filter of the choice

    @property
    def chosen(self):
        return bool(self.lookups)


def _offered(column, last_event):
    """The ids of the categories and organisations that have items listed in `column`,
    cached until the next page event as the column's count is."""
    key = f"catalogue-facets:{column.pk}:{last_event}"
    offered = cache.get(key)
    if offered is None:
        listed = column.articles().order_by()
        offered = {
            "category": set(listed.exclude(category=None).values_list("category_id", flat=True).distinct()),
            "organisation": set(
                listed.exclude(organisation=None).values_list("organisation_id", flat=True).distinct()
            ),
        }
        cache.set(key, offered, 3600)
    return offered


def catalogue_filters(column, query, last_event):
    """The browse choices of a directory column and the filter `query` (request.GET) picks."""
    offered = _offered(column, last_event)
    lookups = {}
    for param, lookup in PARAMS.items():
        value = query.get(param, "")
        if value.isdigit() and int(value) in offered[param]:
            lookups[lookup] = int(value)
    categories = SubjectCategory.objects.filter(pk__in=offered["category"]).order_by("code", "name")
    organisations = Organisation.objects.filter(pk__in=offered["organisation"]).order_by("name")
    return CatalogueFilters(
        categories=_choices(query, "category", categories, lookups.get("category_id")),
        organisations=_choices(query, "organisation", organisations, lookups.get("organisation_id")),
        lookups=lookups,
    )


def _choices(query, param, objects, chosen):
    def href(value):
        kept = query.copy()
        kept.pop("page", None)
        kept.pop(param, None)
        if value is not None:
            kept[param] = str(value)
        return "?" + kept.urlencode()

    return [Choice(_("All"), href(None), chosen is None)] + [
        Choice(str(obj.name), href(obj.pk), chosen == obj.pk) for obj in objects
    ]
