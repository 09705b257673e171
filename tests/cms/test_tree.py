"""cms.tree against treebeard's and Wagtail's own behaviour.

cms.tree uses undocumented names (`_get_path`, `_str2int`, `_get_children_path_interval`,
`_is_site_root`, `_cached_parent_obj`). If an upgrade of treebeard or Wagtail changes one,
a test here fails naming it: fix cms/tree.py, not its callers.
"""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from treebeard.exceptions import PathOverflow
from treebeard.mp_tree import MP_Node
from wagtail.models import Page

from cms.tree import (
    child_path,
    child_position,
    children_path_range,
    mark_not_site_root,
    next_child_path,
    set_cached_parent,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def parent():
    """A page without children under Wagtail's root node."""
    return Page.get_first_root_node().add_child(instance=Page(title="Parent", slug="tree-parent"))


def add_page(parent, slug):
    return parent.add_child(instance=Page(title=slug, slug=slug))


def new_child(parent, slug):
    """An unsaved page placed by hand as the next child of `parent`, as the importer does."""
    # Not get_children(): that trusts numchild, which saving by hand leaves as it was.
    children = Page.objects.filter(path__startswith=parent.path, depth=parent.depth + 1)
    last = children.order_by("-path").values_list("path", flat=True).first()
    page = Page(title=slug, slug=slug, locale_id=parent.locale_id, depth=parent.depth + 1)
    page.path = next_child_path(parent.path, last)
    return page


def table_queries(queries, table):
    return [q["sql"] for q in queries if f'"{table}"' in q["sql"]]


@pytest.mark.parametrize("name", ["_get_path", "_str2int", "_get_children_path_interval"])
def test_the_treebeard_path_helpers_exist(name):
    assert callable(getattr(Page, name, None)), (
        f"treebeard's MP_Node.{name} is gone or no longer callable: cms.tree uses it"
    )


def test_the_path_format_is_the_one_cms_tree_assumes():
    assert Page.steplen == 4 and MP_Node.steplen == 4, (
        f"treebeard's steplen changed ({Page.steplen}): the paths cms.tree computes no longer fit"
    )
    assert Page.alphabet == "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ", (
        f"treebeard's alphabet changed ({Page.alphabet!r}): check _str2int and _get_path in cms.tree"
    )


def test_next_child_path_is_the_path_add_child_gives(parent):
    last = None
    for n in range(1, 13):  # past position 9, where the step's last digit becomes a letter
        expected = next_child_path(parent.path, last)
        child = add_page(parent, f"child-{n}")
        assert child.path == expected, (
            f"treebeard's add_child gave child {n} the path {child.path}, cms.tree computed "
            f"{expected} with MP_Node._get_path/_str2int"
        )
        assert child_position(child.path) == n, (
            f"MP_Node._str2int read {child.path} as {child_position(child.path)}"
        )
        last = child.path


def test_a_gap_among_the_children_is_left_as_treebeard_leaves_it(parent):
    first, second, third = (add_page(parent, f"child-{n}") for n in (1, 2, 3))
    second.delete()  # a gap in the middle: the next child still goes after the last
    parent.refresh_from_db()
    expected = next_child_path(parent.path, third.path)
    fourth = add_page(parent, "child-4")
    assert fourth.path == expected, f"after a gap add_child gave {fourth.path}, cms.tree computed {expected}"
    fourth.delete()  # the last position is free again, and add_child takes it again
    parent.refresh_from_db()
    expected = next_child_path(parent.path, third.path)
    assert add_page(parent, "child-5").path == expected, "cms.tree and treebeard's add_child disagree"
    assert child_position(first.path) == 1


def test_the_first_child_path_is_the_one_add_child_gives_a_leaf(parent):
    expected = next_child_path(parent.path, "")
    assert next_child_path(parent.path, None) == expected
    assert add_page(parent, "only").path == expected, (
        "MP_Node._get_path(path, depth, 1) differs from add_child"
    )


def test_a_position_beyond_one_step_overflows_as_in_treebeard(parent):
    last_position = len(Page.alphabet) ** Page.steplen - 1
    last = child_path(parent.path, last_position)
    assert last == parent.path + Page.alphabet[-1] * Page.steplen
    with pytest.raises(PathOverflow):
        next_child_path(parent.path, last)
    # treebeard's own add_child after that child refuses as well.
    with pytest.raises(PathOverflow):
        Page(path=last, depth=parent.depth + 1)._inc_path()


def test_children_path_range_holds_exactly_the_children(parent):
    children = [add_page(parent, f"child-{n}") for n in range(1, 4)]
    # The highest position a step can hold, placed by hand, as a long-lived column's may be.
    top = Page(
        title="top", slug="top", path=parent.path + Page.alphabet[-1] * Page.steplen, depth=parent.depth + 1
    )
    top.save(clean=False)
    children.append(top)
    grandchild = add_page(children[0], "grandchild")
    sibling = add_page(Page.get_first_root_node(), "tree-sibling")
    in_range = Page.objects.filter(path__range=children_path_range(parent.path))
    by_prefix = Page.objects.filter(path__startswith=parent.path, depth=parent.depth + 1)
    assert set(in_range.filter(depth=parent.depth + 1)) == set(by_prefix) == set(children), (
        "MP_Node._get_children_path_interval no longer spans exactly a page's children"
    )
    assert grandchild in in_range  # why the importer filters on depth as well
    assert sibling not in in_range and parent not in in_range


def test_a_page_marked_not_site_root_asks_nobody(parent, django_assert_num_queries):
    page = new_child(parent, "article")
    mark_not_site_root(page)
    with django_assert_num_queries(0):
        assert page.is_site_root() is False, "Wagtail's Page.is_site_root() no longer reads _is_site_root"


def test_saving_a_page_marked_not_site_root_skips_the_site_query(parent):
    unmarked = new_child(parent, "unmarked")
    set_cached_parent(unmarked, parent)
    with CaptureQueriesContext(connection) as plain:
        unmarked.save(clean=False)
    # What the mark saves: without it, Page.save() asks whether the page is a site's root.
    assert table_queries(plain.captured_queries, "wagtailcore_site")

    parent.refresh_from_db()
    marked = new_child(parent, "marked")
    set_cached_parent(marked, parent)
    mark_not_site_root(marked)
    with CaptureQueriesContext(connection) as saved:
        marked.save(clean=False)
    assert not table_queries(saved.captured_queries, "wagtailcore_site"), (
        "Page.save() queried the sites for a page with _is_site_root = False: Wagtail no longer honours it"
    )


def test_the_site_root_mark_does_not_change_a_page_s_url(parent):
    page = new_child(parent, "article")
    set_cached_parent(page, parent)
    mark_not_site_root(page)
    page.save(clean=False)
    assert page.get_url_parts() == Page.objects.get(pk=page.pk).get_url_parts()


def test_a_cached_parent_is_what_get_parent_returns(parent, django_assert_num_queries):
    page = new_child(parent, "article")
    set_cached_parent(page, parent)
    with django_assert_num_queries(0):
        assert page.get_parent() is parent, "treebeard's get_parent() no longer returns _cached_parent_obj"


def parent_lookups(queries, parent):
    """The queries that fetch `parent` by its path, as treebeard's get_parent() does."""
    return [sql for sql in table_queries(queries, "wagtailcore_page") if f"\"path\" = '{parent.path}'" in sql]


def test_page_save_takes_the_url_path_from_the_cached_parent(parent):
    # An in-memory url_path the database does not have: only the cached object can supply it.
    parent.url_path = "/cached-parent/"
    page = new_child(parent, "article")
    set_cached_parent(page, parent)
    with CaptureQueriesContext(connection) as saved:
        page.save(clean=False)
    assert page.url_path == "/cached-parent/article/", (
        f"Page.save() set url_path {page.url_path}: it fetched the parent instead of using _cached_parent_obj"
    )
    assert not parent_lookups(saved.captured_queries, parent), (
        "Page.save() fetched the parent although _cached_parent_obj held it"
    )


def test_without_a_cached_parent_page_save_fetches_it(parent):
    # The counterpart of the test above, so that its checks can fail: the parent is
    # fetched, with the database's url_path.
    parent.url_path = "/cached-parent/"
    page = new_child(parent, "article")
    with CaptureQueriesContext(connection) as saved:
        page.save(clean=False)
    assert page.url_path == Page.objects.get(pk=parent.pk).url_path + "article/"
    assert parent_lookups(saved.captured_queries, parent)
