"""Who may view a page (Wagtail's privacy settings), read in one query.

Wagtail's Page.get_view_restrictions() reads the page's ancestors (to take an alias's
restrictions from its source page) and then the restrictions: two queries on every public
page view, which its before-serve hook asks for. An ancestor's path is a prefix of the
page's own, so one query that joins the restrictions to their pages by path gives the
same set (tests/cms/test_restrictions.py compares the two)."""

from django.db.models import Q
from wagtail.models import Page, PageViewRestriction


class ViewRestrictionsInOneQuery:
    """Mixin of the platform's page types."""

    def get_view_restrictions(self):
        """The restrictions on this page and its ancestors, each alias among them answered
        by its source page (Wagtail points an alias of an alias at the original)."""
        step = Page.steplen
        paths = [self.path[:end] for end in range(step, len(self.path) + 1, step)]
        return PageViewRestriction.objects.filter(
            Q(page__path__in=paths, page__alias_of__isnull=True) | Q(page__aliases__path__in=paths)
        ).distinct()
