"""The item protocol: what every public page type declares about itself, and the registry
that search, the channels and the app API iterate instead of naming types.

A page type takes part by mixing in `Item` and setting its class attributes; the registry
(`item_types()`) is built from Django's app registry the first time it is asked, the way
Wagtail's search finds `get_indexed_models()`. search/ and channels/ never import a
content app: they read what a type says here, and reach a type's channel-specific code
(its API serializer, its WeChat article source, its WAP view) through the dotted paths it
declares, so adding a page type touches its own app only.

When an item's public content changes without a new page revision (an interview's approved
question, a live entry), its app sends `item_changed`; search and the change feed both
listen to that one signal.
"""

import functools
from dataclasses import dataclass, field

from django.apps import apps
from django.dispatch import Signal
from django.utils.module_loading import import_string
from wagtail.models import Page

from .page_forms import PageForm
from .restrictions import ViewRestrictionsInOneQuery
from .review_gate import ReviewGatedPage
from .tree import cached_parent

#: Sent by a content app when an item's public content changed without a new revision.
#: Arguments: sender (the page model), page_id.
item_changed = Signal()

#: Which of its column's channels an item goes to: all of them (WeChat and the app too),
#: or only the web and WAP renderings (lists, topics).
ALL_CHANNELS = "all"
RENDERED_CHANNELS = ("web", "wap")


@dataclass
class SearchDocument:
    """What search indexes of a page: text parts (most important first, so a cut at the
    length limit loses the least) and metadata words (names, numbers, keywords)."""

    parts: list = field(default_factory=list)
    meta: list = field(default_factory=list)


class Item(ViewRestrictionsInOneQuery, ReviewGatedPage):
    """Mixin of a public page type that search, the channels and the app API know.
    Publishing it passes the review gate (cms.review_gate): none around a column's workflow.

    Class attributes:
      item_key        the type's name in the API, search filters and the change feed
      item_label      its label (gettext_lazy), shown in search results and facets
      item_channels   ALL_CHANNELS, or RENDERED_CHANNELS for pages that only render
      api_serializer  dotted path of its app-API serializer (channels.api.serializers
                      .ItemSerializer subclass); empty: not in the app API
      wechat_source   dotted path of its WeChat article source; empty: read as an
                      article (its `body` StreamField)
      wap_view        dotted path of its WAP view function (request, wap, page); empty:
                      no WAP rendering of its own
      publish_as_file whether static publishing may keep its page as a file (False for a
                      page that changes with time or with data that sends no
                      item_changed: a mailbox's statistics, a consultation's open state)
    """

    # The editor's form shows the publishing rules' findings at their fields.
    base_form_class = PageForm

    item_key = ""
    item_label = ""
    item_channels = ALL_CHANNELS
    api_serializer = ""
    wechat_source = ""
    wap_view = ""
    publish_as_file = True

    #: The kinds of column (cms.pages.ColumnType values) an editor may add this type to;
    #: empty: every kind no type reserves.
    allowed_column_types = ()
    #: Whether its kinds are reserved to it: such a column offers only the types that name
    #: its kind (an interview column offers interviews, not articles).
    reserves_column_types = False
    #: A part of the column tree (a sub-column, a topic) rather than an item listed in a
    #: column: offered only in a column that lists no items of its own, or already has
    #: parts (a directory such as 政务动态), so a leaf column offers its items alone.
    column_section = False

    @classmethod
    def can_create_at(cls, parent):
        """Wagtail's rule, then the column's: each column offers the types that belong in
        it (Wagtail's "add child page" goes straight to the form when one type is left)."""
        if not super().can_create_at(parent):
            return False
        column_type = _column_type(parent)
        if column_type is None:
            return True  # a home page: no column rule
        if not offered_in_column_type(cls, column_type):
            return False
        if cls.column_section:
            has_items, has_sections = _column_children(parent)
            return has_sections or not has_items
        return True

    # -- search ----------------------------------------------------------------------------

    def search_document(self):
        """A SearchDocument of this (specific, live) page."""
        return SearchDocument(parts=[getattr(self, "summary", "")], meta=[getattr(self, "keywords", "")])

    def search_filters(self):
        """Filter values of the search index: organisation and validity (for the facets),
        and the 索引号 a search finds the item by exactly."""
        return {
            "organisation_id": getattr(self, "organisation_id", None),
            "validity": getattr(self, "validity", "") or "",
            "index_number": getattr(self, "index_number", "") or "",
        }

    # -- dates and summaries ---------------------------------------------------------------

    def item_moment(self):
        """When the item is listed as published: its own date if it has one."""
        return self.first_published_at

    def push_summary(self):
        """The short text a channel shows under the title (push, lists)."""
        return (getattr(self, "summary", "") or "").strip()

    # -- the change feed -------------------------------------------------------------------

    def related_items(self):
        """(pk, path) of other live items whose public representation changes when this one
        is published or unpublished (a disclosure's next year compares with it)."""
        return []

    # -- P01 page-label meta tags ----------------------------------------------------------

    def content_source(self, portal):
        """ContentSource: the issuing organisation, else the site."""
        organisation = getattr(self, "organisation", None) if getattr(self, "organisation_id", None) else None
        return organisation.name if organisation is not None else portal.name

    def page_label_tags(self, portal, request, format_time):
        """P01 tags after the site's own three (SiteName, SiteDomain, SiteIDCode), in the
        spec's order: the column's name and type, then the item's title, date and source,
        then the optional ones that have a value."""
        tags = []
        column = parent_column(self)
        if column is not None:
            tags += [("ColumnName", column.title), ("ColumnType", column.column_type)]
        tags += [
            ("ArticleTitle", self.title),
            ("PubDate", format_time(self.item_moment())),
            ("ContentSource", self.content_source(portal)),
        ]
        optional = [
            ("Keywords", getattr(self, "keywords", "")),
            ("Author", getattr(self, "author", "")),
            ("Description", self.push_summary() or self.search_description),
        ]
        image = self.label_image()
        if image is not None:
            image_url = image.file.url
            optional.append(("Image", request.build_absolute_uri(image_url) if request else image_url))
        optional.append(("Url", self.get_full_url(request)))
        return tags + [(name, value) for name, value in optional if value]

    def label_image(self):
        """The picture of the Image tag, if the item has one."""
        return None


def channel_code(model, attribute):
    """The class or function a page type's dotted-path attribute (`api_serializer`,
    `wechat_source`, `wap_view`) names, or None. Any page model may declare one (the home
    page and the budget column have WAP views without being items)."""
    path = getattr(model, attribute, "") or ""
    return _import(path) if path else None


@functools.cache
def _import(path):
    return import_string(path)


def parent_column(page):
    """The column a page stands in (its parent, if that is a column of any kind): the
    parent routing handed down (no query), else its title and type in one query."""
    ColumnPage = apps.get_model("cms", "ColumnPage")  # by name: cms.pages imports this module
    parent = cached_parent(page)
    if isinstance(parent, ColumnPage):
        return parent
    parent_path = page.path[: -page.steplen]
    return ColumnPage.objects.filter(path=parent_path).only("title", "column_type").first()


# -- which types a column offers (Item.can_create_at) ---------------------------------------

_MEMO = "_cms_column_offer_memo"


def _memo(page):
    # Wagtail asks can_create_at of every creatable type for the same parent (the add-child
    # page, a listing row's buttons): what the parent's row says is read once per instance.
    memo = page.__dict__.get(_MEMO)
    if memo is None:
        memo = page.__dict__[_MEMO] = {}
    return memo


def _column_type(page):
    """The parent's column type, or None when it is no column."""
    ColumnPage = apps.get_model("cms", "ColumnPage")
    model = page.specific_class
    if model is None or not issubclass(model, ColumnPage):
        return None
    memo = _memo(page)
    if "type" not in memo:
        value = getattr(page, "column_type", None)
        if value is None:  # a plain Page row of a column
            value = ColumnPage.objects.filter(pk=page.pk).values_list("column_type", flat=True).first()
        memo["type"] = value
    return memo["type"]


def reserved_column_types():
    """Column kinds some item type reserves (its allowed_column_types)."""
    return {
        kind
        for model in _section_and_item_models()
        if model.reserves_column_types
        for kind in model.allowed_column_types
    }


def offered_in_column_type(model, column_type):
    """Whether a column of kind `column_type` offers the page type `model`."""
    if model.allowed_column_types:
        return column_type in model.allowed_column_types
    return column_type not in reserved_column_types()


@functools.cache
def _section_and_item_models():
    # Every page model mixing in Item (the budget column too, which declares no key).
    return [m for m in apps.get_models() if issubclass(m, Item) and issubclass(m, Page)]


def _section_content_type_ids():
    from django.contrib.contenttypes.models import ContentType

    models = [m for m in _section_and_item_models() if m.column_section]
    return {ct.pk for ct in ContentType.objects.get_for_models(*models).values()}


def _column_children(page):
    """(has items of its own, has sections) of a column: one query, then memoised."""
    memo = _memo(page)
    if "children" not in memo:
        if not page.numchild:
            memo["children"] = (False, False)
        else:
            kinds = set(Page.objects.child_of(page).values_list("content_type_id", flat=True).distinct())
            sections = _section_content_type_ids()
            memo["children"] = (bool(kinds - sections), bool(kinds & sections))
    return memo["children"]


# -- the registry ----------------------------------------------------------------------------


@functools.cache
def _registry():
    found = {}
    for model in apps.get_models():
        # A key is declared on the class itself: a subclass inherits none (see item_key_of).
        if issubclass(model, Item) and issubclass(model, Page) and model.__dict__.get("item_key"):
            if model.item_key in found:
                raise ValueError(
                    f"item type {model.item_key!r} is declared by {found[model.item_key].__name__} "
                    f"and {model.__name__}"
                )
            found[model.item_key] = model
    return found


def item_types(*, api=False, delivered=False):
    """{item key: page model} of every registered item type, in app order; `api=True` keeps
    those in the app API, `delivered=True` those that go to all of their column's channels."""
    return {
        key: model
        for key, model in _registry().items()
        if (not api or model.api_serializer) and (not delivered or model.item_channels == ALL_CHANNELS)
    }


def item_key_of(page):
    """The item key of a (specific) page, None for pages that are no item. The type is
    matched exactly: a subclass that declares no key of its own (the budget column) is no
    item of its parent's kind."""
    model = type(page)
    key = getattr(model, "item_key", "")
    return key if key and _registry().get(key) is model else None


def is_item(page, **kwargs):
    return type(page) in item_types(**kwargs).values()
