"""/api/v1/search/ (and its autocomplete and hot terms): the search service (search/) as
part of the app API, with the API's parameter vocabulary (`site` as id or domain, `lang`
as zh-hans or en, strict integers and dates), its problem+json errors and a schema
generated from the serializers below. The search page (/search/) stays lenient for
people; a program gets a 400 that names the parameter it got wrong."""

from django.conf import settings
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers as s
from rest_framework.response import Response
from wagtail.models import Site

from cms.disclosure import Validity
from cms.pages import ColumnPage
from cms.snippets import Organisation
from search import service
from search.language import analysis_language, from_django
from sites.client_address import client_address

from .base import ApiView
from .items import api_item_types
from .problems import bad_param, not_found
from .scope import LANGUAGES, choice_param, date_param, find_site, int_param
from .serializers import NamedSerializer
from .views import responses

ORDERS = ["relevance", "date"]
VALIDITIES = [v for v in Validity.values if v]


# -- the answers (for the schema) ------------------------------------------------------


class SearchResultSerializer(s.Serializer):
    id = s.IntegerField()
    title = s.CharField()
    title_highlight = s.CharField(help_text="标题，检索词以 <mark> 标出（已转义的 HTML）")
    url = s.CharField(help_text="网页地址")
    site = NamedSerializer()
    type = s.CharField(help_text="信息类型")
    type_label = s.CharField()
    published_at = s.DateTimeField(allow_null=True)
    highlight = s.CharField(help_text="摘要，检索词以 <mark> 标出（已转义的 HTML）")


class SiteFacetSerializer(NamedSerializer):
    count = s.IntegerField()


class TypeFacetSerializer(s.Serializer):
    type = s.CharField()
    label = s.CharField()
    count = s.IntegerField()


class FacetsSerializer(s.Serializer):
    site = SiteFacetSerializer(many=True)
    type = TypeFacetSerializer(many=True)


class SearchAnswerSerializer(s.Serializer):
    query = s.CharField()
    count = s.IntegerField()
    count_estimated = s.BooleanField(
        help_text="count 是否为估计数（多个检索词匹配的信息过多时估计，网页显示为“约 N 条”）；结果本身总是准确排序的"
    )
    results = SearchResultSerializer(many=True)
    suggestion = s.CharField(
        allow_null=True, help_text="“您是不是要找”：拼写相近的检索词，或无结果时的热门搜索词"
    )
    results_for = s.CharField(
        allow_null=True,
        help_text="原检索词无结果时（如输入拼音 sangongjingfei），results 是这个建议词（三公经费）的结果；否则为 null",
    )
    facets = FacetsSerializer()
    page = s.IntegerField()
    page_size = s.IntegerField()


class SuggestionsSerializer(s.Serializer):
    suggestions = s.ListField(child=s.CharField())


class HotTermsSerializer(s.Serializer):
    terms = s.ListField(child=s.CharField())


# -- parameters --------------------------------------------------------------------------

SITE = OpenApiParameter("site", str, description="网站编号或域名；省略则搜索全市网站")
LANG = OpenApiParameter("lang", str, enum=list(LANGUAGES), description="语言，默认为网站的语言")
Q = OpenApiParameter("q", str, description="搜索词")


def _site(request):
    """The site `site` names (id or domain; 404 for an unknown one), or None: the cluster."""
    value = request.query_params.get("site")
    if not value:
        return None
    site = find_site(value)
    if site is None:
        raise not_found(f"网站 {value} 不存在")
    return site


def _filter_id(request, name, model, what, **conditions):
    """An id parameter that must name an existing row (a 400 naming it otherwise)."""
    pk = int_param(request, name)
    if pk is not None and not model.objects.filter(pk=pk, **conditions).exists():
        raise bad_param(name, f"{what} {pk} 不存在")
    return pk


def _language(request, site):
    """Search's analysis language: `lang`, else the language of the site searched or of
    the request's host."""
    lang = choice_param(request, "lang", LANGUAGES)
    if lang is not None:
        return from_django(lang)
    return analysis_language(site or Site.find_for_request(request))


class SearchApiView(ApiView):
    # A search is logged for the hot terms: a client revalidates instead of reusing it.
    cache_control = "no-cache"


class SearchView(SearchApiView):
    params = frozenset(
        {"q", "site", "type", "column", "organisation", "validity", "from", "to", "order", "lang"}
        | {"page", "page_size"}
    )

    @extend_schema(
        operation_id="search",
        summary="站内搜索（全市网站或一个网站）",
        description=(
            "中文分词搜索，按相关度或时间排序，带网站和类型的分面统计。检索词是某条信息的索引号时，"
            "该信息排在第一位；无结果而拼写相近（拼音、同音字）时返回建议词的结果（见 results_for）。"
        ),
        tags=["search"],
        parameters=[
            Q,
            SITE,
            OpenApiParameter("type", str, enum=list(api_item_types()) + ["column"], description="信息类型"),
            OpenApiParameter("column", int, description="栏目编号（含其下级栏目的信息）"),
            OpenApiParameter("organisation", int, description="发布机构编号"),
            OpenApiParameter("validity", str, enum=VALIDITIES, description="有效性"),
            OpenApiParameter("from", str, description="发布日期起，如 2014-03-01"),
            OpenApiParameter("to", str, description="发布日期止（含当天）"),
            OpenApiParameter("order", str, enum=ORDERS, description="relevance（默认）或 date"),
            LANG,
            OpenApiParameter("page", int, description="页码"),
            OpenApiParameter("page_size", int, description="每页条数，默认 10，超过 50 按 50 计"),
        ],
        responses=responses(SearchAnswerSerializer),
    )
    def get(self, request):
        site = _site(request)
        size = int_param(request, "page_size") or settings.SEARCH_PAGE_SIZE
        params = service.SearchParams(
            q=request.query_params.get("q", ""),
            language=_language(request, site),
            site_id=site.pk if site else None,
            content_type=choice_param(request, "type", [*api_item_types(), "column"]),
            organisation_id=_filter_id(request, "organisation", Organisation, "发布机构"),
            column_id=_filter_id(request, "column", ColumnPage, "栏目", live=True),
            validity=choice_param(request, "validity", VALIDITIES),
            date_from=date_param(request, "from"),
            date_to=date_param(request, "to", end=True),
            order=choice_param(request, "order", ORDERS) or "relevance",
            page=int_param(request, "page") or 1,
            page_size=min(size, settings.SEARCH_MAX_PAGE_SIZE),
            # Counted among a term's distinct clients (hot terms), never stored.
            client=client_address(request),
        )
        if params.date_from and params.date_to and params.date_to <= params.date_from:
            raise bad_param("to", "截止日期不能早于起始日期")
        if params.page > service.MAX_PAGE:
            raise bad_param("page", f"最多 {service.MAX_PAGE} 页")
        answer = service.search(params)
        for result in answer["results"]:
            result["highlight"] = str(result["highlight"])
            result["title_highlight"] = str(result["title_highlight"])
        return Response(answer)


class AutocompleteView(SearchApiView):
    params = frozenset({"q", "lang"})

    @extend_schema(
        operation_id="search_autocomplete",
        summary="搜索联想（汉字、拼音或拼音首字母）",
        description="以输入的汉字、拼音或拼音首字母开头的常见检索词，最多 8 个。",
        tags=["search"],
        parameters=[Q, LANG],
        responses=responses(SuggestionsSerializer, codes=(400, 429)),
    )
    def get(self, request):
        language = _language(request, None)
        return Response({"suggestions": service.autocomplete(request.query_params.get("q", ""), language)})


class HotView(SearchApiView):
    params = frozenset({"lang"})

    @extend_schema(
        operation_id="search_hot",
        summary="热门搜索词",
        description="近期搜索最多的词，用于搜索框下的热门搜索。",
        tags=["search"],
        parameters=[LANG],
        responses=responses(HotTermsSerializer, codes=(400, 429)),
    )
    def get(self, request):
        return Response({"terms": service.hot_terms(_language(request, None))})
