"""Short ASCII slugs for new pages, like the seeded `gzdt-167`: the column's slug and the
next number among its pages, or the date (`20261206-1`) where the parent's slug is no
short ASCII word. Wagtail's editor fills the slug from the title as the editor types, and
a Chinese title gives a long Chinese (percent-encoded) address; the page form
(cms.page_forms.PageForm) replaces such a slug, or an empty one, with `short_slug()`.
"""

import re

from django.db.models.functions import Length
from django.utils import timezone
from django.utils.text import slugify
from wagtail.models import Page

# A parent slug short and plain enough to prefix its pages' addresses.
PREFIX = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
PREFIX_MAX = 20


def wants_short_slug(slug, title):
    """Whether a new page's posted slug is to be replaced: empty, not ASCII, or what the
    editor's title auto-fill made of a title that is not ASCII."""
    slug = (slug or "").strip()
    if not slug or not slug.isascii():
        return True
    return not title.isascii() and slug == slugify(title, allow_unicode=True)


def slug_prefix(parent):
    slug = parent.slug if parent is not None and parent.depth > 2 else ""
    if slug and PREFIX.match(slug) and len(slug) <= PREFIX_MAX:
        return slug
    return timezone.localdate().strftime("%Y%m%d")


def short_slug(parent, page=None):
    """`<prefix>-<n>` for a new child of `parent`: n follows the highest number already
    used with that prefix among its children, so it is unique among the siblings (checked
    again, in case a page was added meanwhile)."""
    prefix = slug_prefix(parent)
    siblings = Page.objects.child_of(parent)
    if page is not None and page.pk:
        siblings = siblings.exclude(pk=page.pk)
    # The highest number is the longest slug, then the greatest: one query on the index.
    highest = (
        siblings.filter(slug__regex=rf"^{re.escape(prefix)}-[0-9]+$")
        .annotate(slug_length=Length("slug"))
        .order_by("-slug_length", "-slug")
        .values_list("slug", flat=True)
        .first()
    )
    number = int(highest.rsplit("-", 1)[1]) + 1 if highest else 1
    while siblings.filter(slug=f"{prefix}-{number}").exists():
        number += 1
    return f"{prefix}-{number}"
