"""The search page of every site (the JSON search is the app API's: channels/api/search.py),
and what the WAP search page (channels/wap/views.py) shares with it: the parameters, the
advanced search's form (filters.py) and links that keep every filter.

Parameters are read leniently for people: a malformed page number is ignored, a filter
that names nothing is ignored with a note on the page saying which, never an error page,
and the query text is capped (analysis.MAX_QUERY_LENGTH)."""

from django.conf import settings
from django.shortcuts import render
from django.utils import translation
from django.utils.html import format_html
from django.utils.translation import gettext, pgettext
from django.views.decorators.http import require_GET
from wagtail.models import Site

from sites.client_address import client_address

from . import filters as search_filters
from . import service
from .analysis import EN, clean_query
from .language import analysis_language, from_django, to_django


def labels(language, count=None, estimated=False):
    """The search page's labels in an analysis language (ZH, EN: the site's, or the one
    `lang` asks for), and the result count's sentence when `count` is given: 约 N 条 when
    it is an estimate (a several-term query matching too many pages to count cheaply)."""
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
            "sep": pgettext("label separator", ": "),
            "advanced": pgettext("search filter", "Advanced search"),
            "column": pgettext("search filter", "Column"),
            "any_column": pgettext("search filter", "All columns"),
            "organisation": pgettext("search filter", "Issuing organisation"),
            "any_organisation": pgettext("search filter", "All organisations"),
            "dates": pgettext("search filter", "Publication date"),
            "from": pgettext("search filter", "From"),
            "to": pgettext("search filter", "To"),
            "validity": pgettext("search filter", "Validity"),
            "any_validity": pgettext("search filter", "Any validity"),
            "type": pgettext("search filter", "Type"),
            "any_type": pgettext("search filter", "All types"),
            "site": pgettext("search filter", "Website"),
            "clear": pgettext("search filter", "Clear filters"),
        }
        if count is not None and estimated:
            names["found"] = gettext("About %(count)s results") % {"count": count}
        elif count is not None:
            names["found"] = gettext("%(count)s results") % {"count": count}
    return names


def _note_ignored(language, ignored):
    """The sentence naming the filters a request gave that the page did not apply."""
    if not ignored:
        return ""
    names = labels(language)
    joiner = ", " if language == EN else "、"
    with translation.override(to_django(language)):
        sentence = gettext("These filters were not valid and were ignored: %(names)s")
    return sentence % {"names": joiner.join(names[name] for name in ignored)}


def _note_results_for(language, term):
    """'Showing results for "三公经费"': the answer is the suggestion's (service.search)."""
    with translation.override(to_django(language)):
        sentence = gettext('Showing results for "%(term)s"')
    # The sentence is ours (the .po files); only the term is escaped.
    return format_html(sentence.replace("{", "{{").replace("}", "}}").replace("%(term)s", "{}"), term)


# The `lang` values of every endpoint: Django's language codes.
LANGUAGE_CODES = [code for code, _name in settings.LANGUAGES]


def read_request(request, default_site=None):
    """(SearchParams, filters.Filters) of a search page's request."""
    get = request.GET
    site_id = search_filters.positive_int(get.get("site"))
    site = Site.objects.filter(pk=site_id).first() if site_id else None
    filters = search_filters.read(get)
    if site is None:
        site_id = None
        if get.get("site"):
            filters.ignored.insert(0, "site")
    # `lang` is spelt as everywhere else (zh-hans, en: Django's codes, as in the app API).
    lang = get.get("lang")
    language = from_django(lang) if lang in LANGUAGE_CODES else analysis_language(site or default_site)
    params = service.SearchParams(
        q=get.get("q", ""),
        language=language,
        site_id=site_id,
        content_type=filters.content_type,
        organisation_id=filters.organisation_id,
        column_id=filters.column_id,
        validity=filters.validity,
        date_from=filters.date_from,
        date_to=filters.date_to,
        order="date" if get.get("order") == "date" else "relevance",
        page=search_filters.positive_int(get.get("page")) or 1,
        page_size=min(search_filters.positive_int(get.get("page_size")) or 10, 50),
        # Counts the query's distinct clients for the hot terms; never stored.
        client=client_address(request),
    )
    return params, filters


def params_from(request, default_site=None):
    """The SearchParams of a search page's request (read_request without the filters)."""
    return read_request(request, default_site)[0]


def page_context(request, params, filters, answer, scope=None):
    """What the web and WAP search pages show besides the results: the advanced search's
    choices and values, the notes (filters ignored, results of a suggestion), the links
    (pages, facets, suggestion; each keeps the query, scope, order and every filter)."""
    site = Site.find_for_request(request)
    language = params.language
    get = request.GET
    base = {
        "q": clean_query(params.q),
        "scope": scope,
        "order": "date" if params.order == "date" else None,
        "site": params.site_id if get.get("site") and "site" not in filters.ignored else None,
        "lang": get.get("lang") if get.get("lang") in LANGUAGE_CODES else None,
        "page_size": params.page_size if get.get("page_size") and params.page_size != 10 else None,
    }

    def href(**changes):
        return "?" + search_filters.query_string(base, filters, **changes)

    context = {
        "choices": search_filters.choices(site, language),
        "filters": filters,
        "given": filters.given,
        "ignored_note": _note_ignored(language, filters.ignored),
        "clear_href": href(**dict.fromkeys(search_filters.NAMES)),
        "prev_href": None,
        "next_href": None,
        "results_for_note": "",
        "suggestion_href": None,
        "site_facets": [],
        "type_facets": [],
    }
    if answer is None:
        return context
    pages = (answer["count"] + params.page_size - 1) // params.page_size
    page = max(1, min(params.page, service.MAX_PAGE))
    if page > 1:
        context["prev_href"] = href(page=page - 1)
    if page < min(pages, service.MAX_PAGE):
        context["next_href"] = href(page=page + 1)
    if answer["results_for"]:
        context["results_for_note"] = _note_results_for(language, answer["results_for"])
    elif answer["suggestion"]:
        context["suggestion_href"] = href(q=answer["suggestion"])
    context["site_facets"] = [
        {**f, "href": href(scope="cluster" if scope else None, site=f["id"])}
        for f in answer["facets"]["site"]
    ]
    context["type_facets"] = [{**f, "href": href(type=f["type"])} for f in answer["facets"]["type"]]
    return context


@require_GET
def search_page(request):
    """The search page of the requesting site: its own pages by default, the whole cluster
    with scope=cluster."""
    site = Site.find_for_request(request)
    params, filters = read_request(request, site)
    scope = "cluster" if request.GET.get("scope") == "cluster" or site is None else "site"
    if scope == "site" and params.site_id is None:
        params.site_id = site.pk
    answer = service.search(params) if params.q.strip() else None
    return render(
        request,
        "search/search.html",
        {
            "query": params.q,
            "scope": scope,
            "answer": answer,
            "params": params,
            "hot_terms": service.hot_terms(params.language),
            "current_site": site,
            "labels": labels(
                params.language,
                answer["count"] if answer else None,
                estimated=bool(answer and answer.get("count_estimated")),
            ),
            "search": page_context(request, params, filters, answer, scope),
        },
    )
