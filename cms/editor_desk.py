"""信息采编: the dashboard panel an editor starts from. For each column of their own site they
may add pages to, a "写信息" shortcut straight into the add form of the item type that
column offers (cms.items.Item.can_create_at: 工作动态 → 信息, 在线访谈 → 访谈); and their
own items in review and those sent back (退回修改) with the reviewer's comment.

Columns come from the user's Wagtail page permissions ("add" on the column or above it),
within the pages they may explore (the rule sites.admin_scope applies, read from the same
page permission policy: cms imports no other app): an editor of one site never sees
another's columns. Registered by cms/wagtail_hooks.py (construct_homepage_panels).
"""

from django.urls import reverse
from wagtail.admin.ui.components import Component
from wagtail.models import Page, WorkflowState, get_default_page_content_type
from wagtail.permissions import policy_registry

from .pages import ColumnPage
from .timeliness import LateDisclosurePanel

#: More columns than this (a superuser sees the whole cluster) are cut, with a note.
MAX_COLUMNS = 60
MAX_STATES = 10


def _policy():
    return policy_registry.get_by_type(Page)


def explorable_pages(user):
    return _policy().explorable_instances(user)


def writable_columns(user):
    """The columns `user` may add pages to, in tree order, as (column, [(label, add url)])
    for each one that offers an item type; directory columns (those with sub-columns in
    the list) are left out: their editors write in the sub-columns."""
    addable = _policy().instances_user_has_permission_for(user, "add")
    columns = list(
        ColumnPage.objects.filter(pk__in=addable.values("pk"))
        .filter(pk__in=explorable_pages(user).values("pk"))
        .only("title", "path", "depth", "column_type", "numchild", "content_type")
        .order_by("path")[: MAX_COLUMNS + 1]
    )
    parents = {column.path[: -column.steplen] for column in columns}
    desk = []
    for column in columns[:MAX_COLUMNS]:
        if column.path in parents:
            continue
        shortcuts = [
            (str(model.get_verbose_name()), add_url(model, column)) for model in item_types_offered(column)
        ]
        if shortcuts:
            desk.append((column, shortcuts))
    return desk, len(columns) > MAX_COLUMNS


def item_types_offered(column):
    """The item types (not sub-columns or topics) a column offers, as Wagtail lists them."""
    return [
        model
        for model in column.specific_class.creatable_subpage_models()
        if not getattr(model, "column_section", False) and model.can_create_at(column)
    ]


def add_url(model, parent):
    return reverse("wagtailadmin_pages:add", args=[model._meta.app_label, model._meta.model_name, parent.pk])


def own_workflow_states(user, status):
    """The user's latest page workflows in `status` (in review, or sent back), on pages
    they may still see."""
    states = list(
        WorkflowState.objects.filter(
            requested_by=user, status=status, base_content_type_id=get_default_page_content_type().pk
        )
        .select_related("current_task_state", "current_task_state__task", "current_task_state__finished_by")
        .order_by("-created_at")[:MAX_STATES]
    )
    ids = [int(state.object_id) for state in states]
    visible = {page.pk: page for page in explorable_pages(user).filter(pk__in=ids).specific()}
    return [(state, visible[int(state.object_id)]) for state in states if int(state.object_id) in visible]


def column_label(column, titles):
    """ "政务动态 › 工作动态": the column under its parent columns (from `titles`, by path)."""
    parts, path = [], column.path
    while path in titles:
        parts.insert(0, titles[path])
        path = path[: -column.steplen]
    return " › ".join(parts)


class EditorDeskPanel(Component):
    name = "editor_desk"
    template_name = "cms/admin/editor_desk.html"
    order = 50  # above Wagtail's own panels: where an editor's day starts

    def __init__(self, user):
        self.user = user

    def get_context_data(self, parent_context):
        context = super().get_context_data(parent_context)
        desk, cut = writable_columns(self.user)
        titles = self._column_titles(desk)
        context.update(
            {
                "columns": [(column, column_label(column, titles), links) for column, links in desk],
                "columns_cut": cut,
                "in_review": own_workflow_states(self.user, WorkflowState.STATUS_IN_PROGRESS),
                "sent_back": own_workflow_states(self.user, WorkflowState.STATUS_NEEDS_CHANGES),
            }
        )
        return context

    @staticmethod
    def _column_titles(desk):
        """{path: title} of the listed columns and their parent columns (one query); with
        the sites' home pages too when the desk spans several sites (a superuser's), so
        each label says its site."""
        paths = set()
        homes = {column.path[: 2 * column.steplen] for column, _links in desk}
        for column, _links in desk:
            for depth in range(3, column.depth + 1):
                paths.add(column.path[: depth * column.steplen])
        if len(homes) > 1:
            paths |= homes
        return dict(Page.objects.filter(path__in=paths).values_list("path", "title"))


def editor_desk_panel(request, panels):
    """construct_homepage_panels: the panel first (it renders nothing for a user with no
    column to write in and no item in review)."""
    panels.append(EditorDeskPanel(request.user))
    # G03: the user's items that went out after the 20-working-day deadline.
    panels.append(LateDisclosurePanel(request.user))
