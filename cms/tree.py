"""The one place the project reaches into the private page-tree API of treebeard and Wagtail.

Wagtail pages are a treebeard materialised-path tree: a page's `path` is its parent's path
plus a fixed-width step (`Page.steplen` characters of `Page.alphabet`), and `depth` is the
number of steps. treebeard's public `add_child()` works out the next path by locking and
reading the parent, and Wagtail's `Page.save()` looks up the parent (for `url_path`) and the
sites (to clear the site-root cache). That is right for an editor saving one page, but
it costs several queries per page when thousands are written in a row, so:

- the bulk importer (cms.importer.ItemImporter._add_child) and the benchmark data builder
  (bench/pages.py) compute the new pages' paths themselves, from the last child path they
  already know, instead of asking treebeard for each page (`_get_path`, `_str2int`,
  `_get_children_path_interval`);
- the importer tells Page.save() that an article is not a site root (`_is_site_root`, the
  attribute Wagtail's `annotate_site_root_state()` sets), which saves the query on
  wagtailcore_site that every save would make;
- the importer and ColumnPage.route() hand a page its parent (`_cached_parent_obj`, what
  add_child() and Wagtail's own route() set), which saves the query for the parent in
  Page.save() (url_path) and in get_context()/breadcrumbs.

None of these names is documented, so a treebeard or Wagtail upgrade may change them
without notice. tests/cms/test_tree.py checks each one against treebeard's and Wagtail's
own behaviour and fails naming the attribute; fix it here, nowhere else.
"""

from treebeard.exceptions import PathOverflow
from wagtail.models import Page


def children_path_range(parent_path):
    """(lowest, highest) path any child of the page at `parent_path` can have, for a
    `path__range` filter. Deeper descendants fall in the range too: filter on depth as well."""
    return Page._get_children_path_interval(parent_path)


def child_position(path):
    """The position (1, 2, …) a page's last path step encodes among its siblings. Positions
    need not be dense: deleting a page leaves a gap."""
    return Page._str2int(path[-Page.steplen :])


def child_path(parent_path, position):
    """The path of the child at `position` under the page at `parent_path`. Raises
    PathOverflow, as treebeard does, when the position no longer fits in one step."""
    depth = len(parent_path) // Page.steplen + 1
    path = Page._get_path(parent_path, depth, position)
    # _get_path pads a short step but does not cut a long one: a longer path would sit
    # among the grandchildren and break the tree.
    if len(path) != len(parent_path) + Page.steplen:
        raise PathOverflow(f"Path Overflow: child {position} of '{parent_path}'")
    return path


def next_child_path(parent_path, last_child_path):
    """The path add_child() would give a new last child of the page at `parent_path`, whose
    current last child has `last_child_path` ("" or None when it has no children)."""
    return child_path(parent_path, child_position(last_child_path) + 1 if last_child_path else 1)


def mark_not_site_root(page):
    """Tell Wagtail that `page` is no site's root, so Page.save() skips the query that checks
    (Page.is_site_root()). Only for pages that cannot be one, such as articles."""
    page._is_site_root = False


def cached_parent(page):
    """The parent handed to `page` by set_cached_parent() or Wagtail's route(), or None."""
    return page.__dict__.get("_cached_parent_obj")


def routed_trail(page, root):
    """`page`'s ancestors from `root` down to its parent, when routing handed each of them
    its parent (Wagtail's and ColumnPage's route() do), so breadcrumbs need no query; None
    when the chain is broken (a page not reached by routing)."""
    trail = []
    current = page
    while current.depth > root.depth:
        current = cached_parent(current)
        if current is None:
            return None
        trail.append(current)
    if current.pk != root.pk:
        return None
    trail.reverse()
    return trail


def set_cached_parent(page, parent):
    """Give `page` its parent, so treebeard's get_parent() (and with it Page.save()'s
    url_path and Wagtail's breadcrumbs) does not fetch it again. `parent` must be the page
    at `page`'s parent path, with a current url_path."""
    page._cached_parent_obj = parent


def menu_pages(root):
    """The site's navigation under its home page `root`: live children marked "show in
    menus", in tree order (what every page's menu shows; static publishing's chrome check
    hashes the same list)."""
    return Page.objects.live().in_menu().child_of(root).order_by("path")
