"""The search page of every site (the JSON search is the app API's: channels/api/search.py).

Parameters are read leniently for people: a malformed page number, date or id is ignored,
never an error page, and the query text is capped (analysis.MAX_QUERY_LENGTH)."""

from django.conf import settings
from django.shortcuts import render
from django.utils import translation
from django.utils.translation import gettext, pgettext
from django.views.decorators.http import require_GET
from wagtail.models import Site

from cms.dates import day_bound
from cms.items import item_types
from sites.client_address import client_address

from . import service
from .language import analysis_language, from_django, to_django


def labels(language, count=None):
    """The search page's labels in an analysis language (ZH, EN: the site's, or the one
    `lang` asks for), and the result count's sentence when `count` is given."""
    with translation.override(to_django(language)):
        names = {
            "title": pgettext("search page", "Search"),
            "keywords": gettext("Keywords"),
            "scope": gettext("Search in"),
            "this_site": gettext("This site"),
            "cluster": gettext("All Chenzhou government websites"),
            "order": gettext("Sort by"),
            "by_relevance": gettext("Relevance"),
            "by_date": pgettext("search order", "Date"),
            "submit": pgettext("search button", "Search"),
            "hot": gettext("Popular searches"),
            "did_you_mean": gettext("Did you mean: "),
            "pages": gettext("Pages"),
            "prev": gettext("Previous"),
            "next": gettext("Next"),
        }
        if count is not None:
            names["found"] = gettext("%(count)s results") % {"count": count}
    return names


# Ids and page numbers above this are ignored: the databases' integer columns stop here,
# and SQLite's driver refuses larger Python ints outright.
MAX_INT = 2**31 - 1
# The `lang` values of every endpoint: Django's language codes.
LANGUAGE_CODES = [code for code, _name in settings.LANGUAGES]


def _int(value, default=None):
    try:
        number = int(str(value)[:12])
    except (TypeError, ValueError):
        return default
    return number if -MAX_INT <= number <= MAX_INT else default


def _date(value, end=False):
    """A lenient day bound: anything that is not a date is ignored."""
    try:
        return day_bound(str(value), end=end)
    except ValueError:
        return None


def params_from(request, default_site=None):
    get = request.GET
    site_id = _int(get.get("site"))
    site = Site.objects.filter(pk=site_id).first() if site_id else None
    if site is None:
        site_id = None
    # `lang` is spelt as everywhere else (zh-hans, en: Django's codes, as in the app API).
    lang = get.get("lang")
    language = from_django(lang) if lang in LANGUAGE_CODES else analysis_language(site or default_site)
    content_type = get.get("type") if get.get("type") in item_types() else None
    return service.SearchParams(
        q=get.get("q", ""),
        language=language,
        site_id=site_id,
        content_type=content_type,
        organisation_id=_int(get.get("organisation")),
        column_id=_int(get.get("column")),
        validity=get.get("validity") or None,
        date_from=_date(get.get("from", "")),
        date_to=_date(get.get("to", ""), end=True),
        order="date" if get.get("order") == "date" else "relevance",
        page=max(1, _int(get.get("page"), 1)),
        page_size=max(1, min(_int(get.get("page_size"), 10), 50)),
        # Counts the query's distinct clients for the hot terms; never stored.
        client=client_address(request),
    )


@require_GET
def search_page(request):
    """The search page of the requesting site: its own pages by default, the whole cluster
    with scope=cluster."""
    site = Site.find_for_request(request)
    params = params_from(request, site)
    scope = "cluster" if request.GET.get("scope") == "cluster" or site is None else "site"
    if scope == "site" and params.site_id is None:
        params.site_id = site.pk
    answer = service.search(params) if params.q.strip() else None
    page_size = params.page_size
    pages = 0
    if answer:
        pages = (answer["count"] + page_size - 1) // page_size
    return render(
        request,
        "search/search.html",
        {
            "query": params.q,
            "scope": scope,
            "answer": answer,
            "params": params,
            "pages": pages,
            "has_next": answer is not None and params.page < pages,
            "hot_terms": service.hot_terms(params.language),
            "current_site": site,
            "labels": labels(params.language, answer["count"] if answer else None),
        },
    )
