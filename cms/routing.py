"""Routing a public address to its page with one query for the whole chain of slugs.

Wagtail's Page.route() walks an address one slug at a time: for /gzdt/item/ the home page
asks for its child `gzdt` and turns it into its specific type, which asks for its child
`item` and turns that into its specific type, two queries for every level. Every page's
`url_path` already holds its whole chain of slugs from the tree's root (Wagtail keeps it
current when a page moves or changes its slug; indexed by cms migration 0009), so the
site's home page asks for the pages at all of the address's prefixes at once, then:

- hands each page its parent, as Wagtail's route() does, so breadcrumbs and the column's
  P01 meta tags (cms.items.parent_column) need no query; a column comes with its type;
- stops at the first page whose type routes what stands below it itself (a
  RoutablePageMixin page: the mailbox, budgets) and lets that page's own route() take the
  rest of the address;
- fetches the last page's specific row, and lets that page's own route() decide (its
  live check, its sub-routes), as Wagtail's walk ends.

So the answer is the walk's: the same page, the same 404s. An address whose prefix names no
page is handed to Wagtail's walk from the last page found, which answers 404 (or whatever
that page's own route() makes of it). tests/cms/test_routing.py compares every address of
a site with Wagtail's own walk.
"""

from django.contrib.contenttypes.models import ContentType
from django.db import DEFAULT_DB_ALIAS
from wagtail.models import Page

from . import page_events
from .tree import set_cached_parent

# Page fields read for every page of the chain: what breadcrumbs, page URLs and the live
# check use. Other fields of a page in the middle of the chain load when first read.
_PAGE_FIELDS = list(Page._meta.concrete_fields)


# The pages at the address's prefixes, with a column's type (what its P01 meta tags need),
# and the page-event mark (cms.page_events), which the page's memos read anyway: here it
# costs no round trip of its own.
_CHAIN = """
SELECT {columns}, c.column_type, ({newest}) AS page_event
FROM {page} p LEFT JOIN {column} c ON c.page_ptr_id = p.id
WHERE p.url_path IN ({marks})"""


def by_slug(method):
    """Mark a page type's route() as one that, like Wagtail's, only looks for a child by
    its slug, so the chain may pass through pages of that type."""
    method.routes_children_by_slug = True
    return method


def _passes_through(model):
    return model.route is Page.route or getattr(model.route, "routes_children_by_slug", False)


def _chain_rows(root, path_components, column_model):
    """The url_paths of the address's prefixes below `root`, and {url_path: row} of the
    pages at them, each with its column type when it is a column."""
    url_paths = []
    url_path = root.url_path
    for component in path_components:
        url_path += component + "/"
        url_paths.append(url_path)
    sql = _CHAIN.format(
        columns=", ".join(f"p.{f.column}" for f in _PAGE_FIELDS),
        page=Page._meta.db_table,
        column=column_model._meta.db_table,
        newest=page_events.NEWEST_SQL,
        marks=", ".join(["%s"] * len(url_paths)),
    )
    # raw() converts the database's values (SQLite's dates and booleans) as a query would.
    return url_paths, {row.url_path: row for row in Page.objects.raw(sql, url_paths)}


def _instance(row):
    """The page of a chain row as an instance of its specific type, its fields beyond the
    base page's (and a column's type) left to load when read."""
    values = {f.attname: getattr(row, f.attname) for f in _PAGE_FIELDS}
    model = ContentType.objects.get_for_id(values["content_type_id"]).model_class() or Page
    known = values
    if row.column_type is not None:
        known["column_type"] = row.column_type
    names, ordered = [], []
    for field in model._meta.concrete_fields:
        if field.attname in known:
            names.append(field.attname)
            ordered.append(known[field.attname])
        elif field.primary_key or getattr(field.remote_field, "parent_link", False):
            # A subtype's key is the pointer to its parent type's row: the page's id.
            names.append(field.attname)
            ordered.append(values["id"])
    return model.from_db(DEFAULT_DB_ALIAS, names, ordered)


def _specific(page):
    """`page` with all of its specific type's fields (one query), its parent kept. A type
    may say how a page it serves is read (`routed_queryset()`: e.g. with an annotation
    that saves its template a query)."""
    model = type(page)
    if model is Page:
        return page
    queryset = model.routed_queryset() if hasattr(model, "routed_queryset") else model._base_manager
    full = queryset.get(pk=page.pk)
    parent = page.__dict__.get("_cached_parent_obj")
    if parent is not None:
        set_cached_parent(full, parent)
    return full


def route(root, request, path_components, column_model):
    """What Wagtail's `root.route(request, path_components)` answers, with one query for
    the pages the address names (joined with `column_model`'s table for a column's
    `column_type`) and one for the last page's specific row."""
    if not path_components:
        return Page.route(root, request, path_components)
    url_paths, rows = _chain_rows(root, path_components, column_model)
    if rows:
        page_events.remember(request, next(iter(rows.values())).page_event)
    parent = root
    for position, url_path in enumerate(url_paths):
        row = rows.get(url_path)
        remaining = path_components[position + 1 :]
        if row is None:
            # No page at this prefix: the parent's own route() answers (404, or a sub-route).
            if parent is root:
                return Page.route(root, request, path_components[position:])
            return _specific(parent).route(request, path_components[position:])
        page = _instance(row)
        if page.depth != parent.depth + 1 or not page.path.startswith(parent.path):
            return Page.route(root, request, path_components)  # not the tree url_path says: walk
        set_cached_parent(page, parent)
        if not remaining:
            return _specific(page).route(request, [])
        if not _passes_through(type(page)):
            return _specific(page).route(request, remaining)
        parent = page
    raise AssertionError("unreachable: the last prefix returns")
