"""The admin of the hot search terms (热门搜索), one menu group with two screens:

- 热门搜索词: the logged queries of the last 30 days with their searches and distinct
  clients, whether each is shown, held for a sensitive word, or below the client
  threshold; editors approve a held term, hide any term, or withdraw their decision.
- 敏感词库: the editors' sensitive-word dictionary (a ModelViewSet), added to the shipped
  seed list.

Both need one cluster-wide permission, portal_search.manage_hot_terms (管理热门搜索词和
敏感词库): superusers have it; an administrator grants it to a group under Settings →
Groups. Site provisioning never does, so a county's editors neither see nor manage the
list every site shows.
"""

from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext, gettext_lazy
from wagtail.admin.menu import MenuItem
from wagtail.admin.viewsets.base import ViewSet, ViewSetGroup
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.permission_policies import ModelPermissionPolicy

from . import hot_terms
from .analysis import EN, ZH
from .models import HotTerm, SensitiveWord

PERMISSION = "portal_search.manage_hot_terms"
PER_PAGE = 50


def can_manage(user):
    return user.is_active and user.has_perm(PERMISSION)


class ManageHotTermsPolicy(ModelPermissionPolicy):
    """Every action on the model (the sensitive-word dictionary) needs the one permission
    of the hot terms, not per-model add/change/delete permissions."""

    def __init__(self, model):
        super().__init__(model, auth_model=HotTerm)

    def _get_permission_codename(self, action):
        return "manage_hot_terms"


def _state_labels():
    return {
        hot_terms.SHOWN: gettext("Shown automatically"),
        hot_terms.APPROVED: gettext("Approved"),
        hot_terms.PENDING: gettext("Awaiting approval"),
        hot_terms.FEW_CLIENTS: gettext("Too few visitors"),
        hot_terms.HIDDEN: gettext("Hidden"),
    }


def _languages():
    return [(ZH, gettext("Chinese sites")), (EN, gettext("English sites"))]


ACTIONS = {
    "approve": HotTerm.Status.APPROVED,
    "hide": HotTerm.Status.HIDDEN,
    "reset": None,
}


def _filters(data):
    language = data.get("language") if data.get("language") in (ZH, EN) else ZH
    state = data.get("state") if data.get("state") in _state_labels() else ""
    search = (data.get("q") or "").strip()[:100]
    return language, state, search


def _list_url(language, state, search, page=None):
    params = {"language": language}
    if state:
        params["state"] = state
    if search:
        params["q"] = search
    if page:
        params["p"] = page
    return reverse("hot_terms:index") + "?" + urlencode(params)


def _page_url(page_obj, step, *filters):
    number = page_obj.number + step
    if 1 <= number <= page_obj.paginator.num_pages:
        return _list_url(*filters, page=number)
    return None


def index(request):
    if not can_manage(request.user):
        raise PermissionDenied
    if request.method == "POST":
        return _decide(request)
    language, state, search = _filters(request.GET)
    rows = hot_terms.candidates(language, search=search, only=state or None)
    labels = _state_labels()
    for row in rows:
        row["state_label"] = labels[row["state"]]
    page_obj = Paginator(rows, PER_PAGE).get_page(request.GET.get("p"))
    return TemplateResponse(
        request,
        "search/hot_terms_admin.html",
        {
            "page_obj": page_obj,
            "language": language,
            "languages": _languages(),
            "state": state,
            "states": list(labels.items()),
            "search": search,
            "min_clients": hot_terms.min_clients(),
            "days": hot_terms.HOT_DAYS,
            "page_urls": {
                "previous": _page_url(page_obj, -1, language, state, search),
                "next": _page_url(page_obj, 1, language, state, search),
            },
        },
    )


def _decide(request):
    language, state, search = _filters(request.POST)
    query = (request.POST.get("query") or "").strip()[:100]
    action = request.POST.get("action")
    back = redirect(_list_url(language, state, search))
    if not query or action not in ACTIONS:
        messages.error(request, gettext("Nothing was changed: choose a term and an action."))
        return back
    hot_terms.decide(language, query, ACTIONS[action], request.user)
    done = {
        "approve": gettext("“%(term)s” is approved: it is shown once enough visitors search it."),
        "hide": gettext("“%(term)s” is hidden: it is never shown as a hot search term."),
        "reset": gettext("The decision on “%(term)s” was withdrawn."),
    }[action]
    messages.success(request, done % {"term": query})
    return back


class _PermittedMenuItem(MenuItem):
    def is_shown(self, request):
        return can_manage(request.user)


class HotTermsViewSet(ViewSet):
    name = "hot_terms"
    icon = "search"
    menu_label = gettext_lazy("Hot search terms")

    @cached_property
    def menu_item_class(self):
        return _PermittedMenuItem

    def get_urlpatterns(self):
        return [path("", index, name="index")]


class SensitiveWordViewSet(ModelViewSet):
    model = SensitiveWord
    name = "sensitive_words"
    icon = "warning"
    menu_label = gettext_lazy("Sensitive words")
    form_fields = ["word", "category", "note"]
    list_display = ["word", "category", "note", "created_at"]
    list_filter = ["category"]
    search_fields = ["word", "note"]
    copy_view_enabled = False


class HotTermsGroup(ViewSetGroup):
    menu_label = gettext_lazy("Popular searches")
    menu_icon = "search"
    menu_order = 800
    items = (HotTermsViewSet, SensitiveWordViewSet)
