"""Wagtail admin views limited to what the user may see (the rules: sites/admin_scope.py).

Each class subclasses Wagtail's own view and changes only which objects it will look at,
so an object of another site is refused (or left out) before its title is read:

- PageScopedSnippetViewSet: snippets that belong to a page (an interview's questions and
  live text): listing, edit, delete, copy, usage, history and the chooser;
- SCOPED_BULK_ACTIONS: every bulk action of pages, images, documents, snippets and users;
  their confirm pages list only objects the user may see;
- ScopedPageViewSet: the page workflow views (action, cancellation, task preview);
- the page chooser and three reports (page types usage, site history, workflows), which
  Wagtail builds without a hook: sites/admin_urls.py mounts these in front of Wagtail's
  admin URLs.
"""

import json

import django_filters
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_list_or_404
from wagtail.admin.views import chooser as page_chooser
from wagtail.admin.views.pages.bulk_actions.delete import DeleteBulkAction as PageDelete
from wagtail.admin.views.pages.bulk_actions.move import MoveBulkAction
from wagtail.admin.views.pages.bulk_actions.publish import PublishBulkAction
from wagtail.admin.views.pages.bulk_actions.unpublish import UnpublishBulkAction
from wagtail.admin.views.pages.workflow import (
    CollectWorkflowActionDataView,
    ConfirmWorkflowCancellationView,
    PreviewRevisionForTaskView,
    WorkflowActionView,
)
from wagtail.admin.views.reports.audit_logging import (
    LogEntriesView,
    SiteHistoryReportFilterSet,
    get_users_for_filter,
)
from wagtail.admin.views.reports.page_types_usage import PageTypesUsageReportView
from wagtail.admin.views.reports.workflows import (
    WorkflowReportFilterSet,
    WorkflowView,
    get_editable_content_type_ids,
    get_editable_page_ids_query,
)
from wagtail.admin.viewsets.pages import PageViewSet
from wagtail.documents.views.bulk_actions.add_tags import AddTagsBulkAction as DocumentAddTags
from wagtail.documents.views.bulk_actions.add_to_collection import (
    AddToCollectionBulkAction as DocumentAddToCollection,
)
from wagtail.documents.views.bulk_actions.delete import DeleteBulkAction as DocumentDelete
from wagtail.images.views.bulk_actions.add_tags import AddTagsBulkAction as ImageAddTags
from wagtail.images.views.bulk_actions.add_to_collection import (
    AddToCollectionBulkAction as ImageAddToCollection,
)
from wagtail.images.views.bulk_actions.delete import DeleteBulkAction as ImageDelete
from wagtail.models import Page, WorkflowState
from wagtail.permissions import policy_registry
from wagtail.snippets.bulk_actions.delete import DeleteBulkAction as SnippetDelete
from wagtail.snippets.views import chooser as snippet_chooser
from wagtail.snippets.views import snippets as snippet_views
from wagtail.users.views.bulk_actions.assign_role import AssignRoleBulkAction
from wagtail.users.views.bulk_actions.delete import DeleteBulkAction as UserDelete
from wagtail.users.views.bulk_actions.set_active_state import SetActiveStateBulkAction

from .admin_scope import (
    SEE_ACTIONS,
    choosable_pages,
    editable_pages,
    explorable_pages,
    may_see_page,
    page_is_choosable,
    visible_instances,
)


def _with(mixin, view_class):
    return type(view_class.__name__, (mixin, view_class), {"__module__": __name__})


# ---- snippets that belong to a page ----------------------------------------------------


class _SnippetInScopeMixin:
    """Refuses an object the user may not see before the view shows anything of it, and
    offers only the user's own pages in the form's page field."""

    def get_object(self, *args, **kwargs):
        obj = super().get_object(*args, **kwargs)
        policy = policy_registry.get_by_type(self.model)
        # (The create view asks too, and gets None.)
        if obj is not None and not policy.user_has_any_permission_for_instance(
            self.request.user, SEE_ACTIONS, obj
        ):
            raise PermissionDenied
        return obj

    def get_form(self, *args, **kwargs):
        form = super().get_form(*args, **kwargs)
        page_field = getattr(policy_registry.get_by_type(self.model), "page_field", None)
        if page_field in form.fields:
            field = form.fields[page_field]
            field.queryset = field.queryset.filter(pk__in=editable_pages(self.request.user).values("pk"))
        return form


class _ChooserInScopeMixin:
    """The model's permission is required, and only the instances the user may see are
    offered or returned."""

    def dispatch(self, request, *args, **kwargs):
        policy = policy_registry.get_by_type(self.model_class)
        if not policy.user_has_any_permission(request.user, SEE_ACTIONS):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def in_scope(self):
        return visible_instances(self.request.user, self.model_class)

    def get_object_list(self):
        return self.in_scope()

    def get_object(self, pk):
        return self.in_scope().get(pk=pk)

    def get_objects(self, pks):
        return self.in_scope().filter(pk__in=pks)


class PageScopedSnippetChooserViewSet(snippet_chooser.SnippetChooserViewSet):
    choose_view_class = _with(_ChooserInScopeMixin, snippet_chooser.ChooseView)
    choose_results_view_class = _with(_ChooserInScopeMixin, snippet_chooser.ChooseResultsView)
    chosen_view_class = _with(_ChooserInScopeMixin, snippet_chooser.SnippetChosenView)
    chosen_multiple_view_class = _with(_ChooserInScopeMixin, snippet_chooser.SnippetChosenMultipleView)
    create_view_class = _with(_ChooserInScopeMixin, snippet_chooser.SnippetCreateView)


class PageScopedSnippetViewSet(snippet_views.SnippetViewSet):
    """A snippet whose objects belong to a page: register its model's
    PageScopedPermissionPolicy (sites/admin_scope.py), then this viewset. Every view shows
    and accepts only the objects of pages the user may edit."""

    chooser_viewset_class = PageScopedSnippetChooserViewSet
    add_view_class = _with(_SnippetInScopeMixin, snippet_views.CreateView)
    edit_view_class = _with(_SnippetInScopeMixin, snippet_views.EditView)
    copy_view_class = _with(_SnippetInScopeMixin, snippet_views.CopyView)
    delete_view_class = _with(_SnippetInScopeMixin, snippet_views.DeleteView)
    usage_view_class = _with(_SnippetInScopeMixin, snippet_views.UsageView)
    history_view_class = _with(_SnippetInScopeMixin, snippet_views.HistoryView)
    inspect_view_class = _with(_SnippetInScopeMixin, snippet_views.InspectView)

    def get_queryset(self, request):
        return visible_instances(request.user, self.model)


# ---- bulk actions ----------------------------------------------------------------------


class ScopedBulkActionMixin:
    """The objects named in the URL are looked up among those the user may see: any other
    is dropped before the confirm page lists it, even as one the user may not act on."""

    # An instance method where Wagtail's is a class method: the request's user decides.
    def get_queryset(self, model, object_ids):
        return get_list_or_404(visible_instances(self.request.user, model), pk__in=object_ids)


class ScopedMoveBulkAction(ScopedBulkActionMixin, MoveBulkAction):
    """The destination is named on the confirm page (and by the chooser widget, which shows
    whatever page id was posted): one the user may see, or none."""

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        destination = kwargs.get("data", {}).get("chooser")
        if destination and not (
            destination.isdigit() and explorable_pages(self.request.user).filter(pk=destination).exists()
        ):
            kwargs["data"] = kwargs["data"].copy()
            kwargs["data"]["chooser"] = ""
        return kwargs

    def get_form(self, form_class=None):
        form = super().get_form(form_class)
        form.fields["chooser"].queryset = explorable_pages(self.request.user)
        return form


SCOPED_BULK_ACTIONS = [ScopedMoveBulkAction] + [
    _with(ScopedBulkActionMixin, action)
    for action in (
        PageDelete,
        PublishBulkAction,
        UnpublishBulkAction,
        ImageAddTags,
        ImageAddToCollection,
        ImageDelete,
        DocumentAddTags,
        DocumentAddToCollection,
        DocumentDelete,
        SnippetDelete,
        AssignRoleBulkAction,
        UserDelete,
        SetActiveStateBulkAction,
    )
]


# ---- page workflow views ---------------------------------------------------------------


class _PageInScopeMixin:
    """Refuses a page the user may not see before the view reads its title or workflow
    (Wagtail names the page in its "not awaiting moderation" message to anyone)."""

    def get_object(self, *args, **kwargs):
        page = super().get_object(*args, **kwargs)
        if not may_see_page(self.request.user, page):
            raise PermissionDenied
        return page


class ScopedPageViewSet(PageViewSet):
    workflow_action_view_class = _with(_PageInScopeMixin, WorkflowActionView)
    collect_workflow_action_data_view_class = _with(_PageInScopeMixin, CollectWorkflowActionDataView)
    confirm_workflow_cancellation_view_class = _with(_PageInScopeMixin, ConfirmWorkflowCancellationView)
    workflow_preview_view_class = _with(_PageInScopeMixin, PreviewRevisionForTaskView)


# ---- the page chooser (mounted by sites/admin_urls.py) -----------------------------------
# The listed pages come through the construct_page_chooser_queryset hook
# (sites/wagtail_hooks.py); these views add what the hook does not reach.


class BrowseView(page_chooser.BrowseView):
    """The page whose children are listed is itself a row of the listing."""

    def get(self, request, parent_page_id=None):
        if parent_page_id is not None and not page_is_choosable(request.user, parent_page_id):
            raise Http404
        if parent_page_id is None and not request.user.is_superuser:
            # Wagtail would open a chooser limited to some page types at the nearest
            # ancestor of all such pages, which may be another site's draft.
            parent_page_id = Page.get_first_root_node().pk
        return super().get(request, parent_page_id)


class _ChoosableParentColumn(page_chooser.ParentPageColumn):
    def get_cell_context_data(self, instance, parent_context):
        context = super().get_cell_context_data(instance, parent_context)
        parent = context["value"]
        if parent is not None and not page_is_choosable(parent_context["request"].user, parent.pk):
            context["value"] = None
        return context


class SearchView(page_chooser.SearchView):
    """A result's parent is named too."""

    @property
    def columns(self):
        return [
            _ChoosableParentColumn(column.name, label=column.label)
            if isinstance(column, page_chooser.ParentPageColumn)
            else column
            for column in super().columns
        ]


class ChosenMultipleView(page_chooser.ChosenMultipleView):
    """Wagtail answers with the title of any page id it is given: it is given the ids of
    choosable pages only."""

    def get(self, request):
        pages = choosable_pages(request.user, Page.objects.filter(pk__in=request.GET.getlist("id")))
        request.GET = request.GET.copy()
        request.GET.setlist("id", [str(pk) for pk in pages.values_list("pk", flat=True)])
        return super().get(request)


class ExternalLinkView(page_chooser.ExternalLinkView):
    """A URL of a page the chooser would not offer stays an external link instead of
    becoming that page, with its admin (draft) title."""

    def post(self, request):
        response = super().post(request)
        data = json.loads(response.content)
        internal = data.get("internal") or data.get("result") or {}
        if "id" in internal and not page_is_choosable(request.user, internal["id"]):
            return self.render_chosen_response(self.get_result_data())
        return response


# ---- reports (mounted by sites/admin_urls.py) --------------------------------------------


class PageTypesUsageView(PageTypesUsageReportView):
    """The report counts every site's pages and names the last edited page of each type,
    drafts included: for superusers only (sites/wagtail_hooks.py hides its menu item)."""

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_superuser:
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


class _SiteHistoryFilterSet(SiteHistoryReportFilterSet):
    def get_users_queryset(self):
        # Wagtail 8 offers every user with a log entry anywhere (the scoped
        # get_user_choices of its site history is no longer called): only the authors of
        # entries the user may see.
        return get_users_for_filter(self.request.user)


class SiteHistoryView(LogEntriesView):
    filterset_class = _SiteHistoryFilterSet


def _requesters_in_scope(request):
    """The users who started the workflows the report lists to this user (the report's own
    rule: pages they may edit, snippets they may edit); Wagtail offers every requester."""
    page_type = ContentType.objects.get_for_model(Page)
    states = WorkflowState.objects.filter(
        Q(base_content_type=page_type, object_id__in=get_editable_page_ids_query(request))
        | Q(content_type_id__in=get_editable_content_type_ids(request))
    )
    User = get_user_model()
    return User.objects.filter(pk__in=states.values("requested_by")).order_by(User.USERNAME_FIELD)


class _WorkflowReportFilterSet(WorkflowReportFilterSet):
    requested_by = django_filters.ModelChoiceFilter(field_name="requested_by", queryset=_requesters_in_scope)


class WorkflowReportView(WorkflowView):
    filterset_class = _WorkflowReportFilterSet
