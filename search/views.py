"""The search page of every site and the JSON API the app and WeChat reuse.

Parameters are read leniently: a malformed page number, date or id is ignored, never an
error page, and the query text is capped (analysis.MAX_QUERY_LENGTH)."""

import datetime

from django.http import JsonResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET
from wagtail.models import Site

from sites.models import SiteProfile

from . import service
from .analysis import EN, ZH
from .indexing import TYPE_LABELS

LABELS = {
    ZH: {
        "title": "站内搜索",
        "keywords": "搜索关键词",
        "scope": "搜索范围",
        "this_site": "本站",
        "cluster": "全市政府网站",
        "order": "排序",
        "by_relevance": "按相关度",
        "by_date": "按时间",
        "submit": "搜索",
        "hot": "热门搜索",
        "did_you_mean": "您是不是要找：",
        "found_prefix": "共找到 ",
        "found_suffix": " 条结果",
        "pages": "分页",
        "prev": "上一页",
        "next": "下一页",
    },
    EN: {
        "title": "Search",
        "keywords": "Keywords",
        "scope": "Search in",
        "this_site": "This site",
        "cluster": "All Chenzhou government websites",
        "order": "Sort by",
        "by_relevance": "Relevance",
        "by_date": "Date",
        "submit": "Search",
        "hot": "Popular searches",
        "did_you_mean": "Did you mean: ",
        "found_prefix": "",
        "found_suffix": " results",
        "pages": "Pages",
        "prev": "Previous",
        "next": "Next",
    },
}


# Ids and page numbers above this are ignored: the databases' integer columns stop here,
# and SQLite's driver refuses larger Python ints outright.
MAX_INT = 2**31 - 1


def _int(value, default=None):
    try:
        number = int(str(value)[:12])
    except (TypeError, ValueError):
        return default
    return number if -MAX_INT <= number <= MAX_INT else default


def _date(value, end=False):
    try:
        day = datetime.date.fromisoformat(str(value))
    except ValueError:
        return None
    if end:  # inclusive: up to the end of that day
        day += datetime.timedelta(days=1)
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time()))


def _language_of(site):
    if site is None:
        return ZH
    return EN if SiteProfile.for_site(site).locale == "en" else ZH


def params_from(request, default_site=None):
    get = request.GET
    site_id = _int(get.get("site"))
    site = Site.objects.filter(pk=site_id).first() if site_id else None
    if site is None:
        site_id = None
    language = get.get("lang") if get.get("lang") in (ZH, EN) else _language_of(site or default_site)
    content_type = get.get("type") if get.get("type") in TYPE_LABELS else None
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
    )


@require_GET
def api_search(request):
    """GET /api/v1/search/?q=&site=&type=&page=&page_size= (and column, organisation,
    validity, from, to, order, lang). Without `site` the whole cluster is searched."""
    answer = service.search(params_from(request, Site.find_for_request(request)))
    for result in answer["results"]:
        result["highlight"] = str(result["highlight"])
        result["title_highlight"] = str(result["title_highlight"])
    return JsonResponse(answer, json_dumps_params={"ensure_ascii": False})


@require_GET
def api_autocomplete(request):
    site = Site.find_for_request(request)
    language = request.GET.get("lang") if request.GET.get("lang") in (ZH, EN) else _language_of(site)
    return JsonResponse(
        {"suggestions": service.autocomplete(request.GET.get("q", ""), language)},
        json_dumps_params={"ensure_ascii": False},
    )


@require_GET
def api_hot(request):
    site = Site.find_for_request(request)
    language = request.GET.get("lang") if request.GET.get("lang") in (ZH, EN) else _language_of(site)
    return JsonResponse({"terms": service.hot_terms(language)}, json_dumps_params={"ensure_ascii": False})


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
            "labels": LABELS[params.language],
        },
    )
