"""Read endpoints of the app API: sites, column tree, items (list and detail), registers,
the change feed and draft previews. docs/api.md describes them for integrators."""

from django.db.models import BigIntegerField, DateTimeField
from django.http import JsonResponse
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework.response import Response
from wagtail.models import Page, Site

from cms.disclosure import Validity
from cms.items import is_item
from cms.pages import ColumnPage
from cms.snippets import Organisation, SubjectCategory
from sites.models import SiteProfile

from . import entries
from . import serializers as doc
from .base import ApiView
from .changes import feed
from .items import Renderer, api_item_types, api_serializers, item_type_of_content_type, serializer_for
from .models import ChangeEvent
from .newest import newest_present
from .preview import check_token
from .problems import bad_param, not_found, problem_body
from .scope import (
    LANGUAGES,
    check_id,
    choice_param,
    date_param,
    decode_cursor,
    encode_cursor,
    int_param,
    lang_of,
    page_size,
    resolve,
)
from .slots import Slot

VALIDITIES = [v for v in Validity.values if v]
# A list cursor's (moment, key) as the keys' statement takes them (channels.api.slots).
CURSOR_SLOTS = (Slot("moment", DateTimeField()), Slot("key", BigIntegerField()))

SITE_PARAM = OpenApiParameter("site", str, description="网站编号或域名；省略时按请求的域名确定网站")
LANG_PARAM = OpenApiParameter("lang", str, enum=list(LANGUAGES), description="语言，默认为网站的语言")
PAGE_SIZE_PARAM = OpenApiParameter(
    "page_size", int, description="每页条数（正整数），默认 20，超过 100 按 100 计"
)


PROBLEM = "application/problem+json"
ERRORS = {
    (400, PROBLEM): OpenApiResponse(
        doc.ProblemSerializer, description="参数错误（未知参数、游标无效等），指明参数"
    ),
    (404, PROBLEM): OpenApiResponse(doc.ProblemSerializer, description="网站或信息不存在"),
    (429, PROBLEM): OpenApiResponse(doc.ProblemSerializer, description="请求过于频繁"),
}


def responses(ok, *, codes=(400, 404, 429)):
    return {200: ok, **{key: value for key, value in ERRORS.items() if key[0] in codes}}


def next_link(request, name, value):
    params = request.query_params.copy()
    params[name] = value
    return f"{request.build_absolute_uri(request.path)}?{params.urlencode()}"


def latest_change(root):
    return (
        ChangeEvent.objects.filter(path__startswith=root.path)
        .order_by("-pk")
        .values_list("created_at", flat=True)
        .first()
    )


def no_such_endpoint(request, *args, **kwargs):
    body = problem_body(404, "not-found", "不存在", f"没有这个接口：{request.path}，接口列表见 /api/v1/docs/")
    return JsonResponse(body, status=404, content_type=PROBLEM, json_dumps_params={"ensure_ascii": False})


# --- sites ------------------------------------------------------------------------------


def site_payload(site, profile, lang):
    english = lang == "en"
    return {
        "id": site.pk,
        "name": site.site_name,
        "hostname": site.hostname,
        "url": site.root_url,
        "is_default": site.is_default_site,
        "root_page_id": site.root_page_id,
        "locale": profile.locale if profile else "zh-hans",
        "kind": profile.kind if profile else None,
        "site_code": profile.site_code if profile else None,
        "host_organisation": (
            (
                profile.host_organisation_en
                if english and profile.host_organisation_en
                else profile.host_organisation
            )
            if profile
            else None
        ),
        "icp_number": profile.icp_number if profile else None,
        "theme_colour": profile.theme_colour if profile else None,
    }


class SitesView(ApiView):
    page_cacheable = True
    params = frozenset({"lang"})

    @extend_schema(
        summary="网站列表",
        parameters=[LANG_PARAM],
        responses=responses(doc.SiteListSerializer),
        operation_id="sites_list",
    )
    def get(self, request):
        lang = lang_of(request)
        profiles = {p.site_id: p for p in SiteProfile.objects.all()}
        sites = Site.objects.order_by("pk")
        return Response({"results": [site_payload(s, profiles.get(s.pk), lang) for s in sites]})


class SiteDetailView(ApiView):
    page_cacheable = True
    params = frozenset({"lang"})

    @extend_schema(summary="网站信息", parameters=[LANG_PARAM], responses=responses(doc.SiteSerializer))
    def get(self, request, pk):
        lang = lang_of(request)
        check_id(pk, "网站")
        site = Site.objects.filter(pk=pk).first()
        if site is None:
            raise not_found(f"网站 {pk} 不存在")
        return Response(site_payload(site, SiteProfile.objects.filter(site=site).first(), lang))


# --- columns ----------------------------------------------------------------------------


class ColumnsView(ApiView):
    page_cacheable = True
    params = frozenset({"site", "lang"})

    @extend_schema(
        summary="网站的栏目树",
        parameters=[SITE_PARAM, LANG_PARAM],
        responses=responses(doc.ColumnTreeSerializer),
    )
    def get(self, request):
        scope = resolve(request)
        renderer = Renderer(request, scope.lang)
        columns = (
            ColumnPage.objects.live()
            .filter(path__startswith=scope.root.path)
            .order_by("path")
            .only(
                "pk",
                "title",
                "slug",
                "path",
                "depth",
                "url_path",
                "column_type",
                "description",
                "channels",
                "show_in_menus",
            )
        )
        nodes, roots = {}, []
        for column in columns:
            node = {
                "id": column.pk,
                "title": column.title,
                "slug": column.slug,
                "url": renderer.web_url(column),
                "column_type": column.column_type,
                "description": column.description,
                "in_menu": column.show_in_menus,
                "push": "app" in (column.channels or []),
                "items_url": f"{renderer.api_url('api-items')}?column={column.pk}&site={scope.site.pk}",
                "children": [],
            }
            nodes[column.path] = node
            parent = nodes.get(column.path[: -column.steplen])
            (parent["children"] if parent else roots).append(node)
        return Response({"site": scope.site.pk, "columns": roots})


# --- items ------------------------------------------------------------------------------


class ItemsView(ApiView):
    page_cacheable = True
    params = frozenset(
        {
            "site",
            "lang",
            "column",
            "type",
            "organisation",
            "category",
            "from",
            "to",
            "validity",
            "cursor",
            "page_size",
        }
    )

    @extend_schema(
        summary="信息列表（文章、专题、预决算公开、在线访谈）",
        description="按发布时间倒序，游标分页：把上一页的 next_cursor 作为 cursor 传入。新发布的信息不会打乱已取的页。",
        parameters=[
            SITE_PARAM,
            LANG_PARAM,
            OpenApiParameter("column", int, description="栏目编号：本栏目的信息及同步到本栏目的信息"),
            OpenApiParameter("type", str, enum=doc.ITEM_TYPES, description="信息类型"),
            OpenApiParameter("organisation", int, description="发布机构编号（只含文章和该部门的预决算公开）"),
            OpenApiParameter("category", int, description="主题分类编号（只含文章）"),
            OpenApiParameter("from", str, description="发布日期起（含），如 2014-03-01"),
            OpenApiParameter("to", str, description="发布日期止（含），如 2014-03-31"),
            OpenApiParameter("validity", str, enum=VALIDITIES, description="有效性（只含文章）"),
            OpenApiParameter("cursor", str, description="上一页返回的 next_cursor"),
            PAGE_SIZE_PARAM,
        ],
        responses=responses(doc.ItemListSerializer),
        operation_id="items_list",
    )
    def get(self, request):
        scope = resolve(request)
        return self.handle_in_language(scope.lang, lambda: self.answer(request, scope))

    def answer(self, request, scope):
        size = page_size(request)
        cursor = decode_cursor(request)
        kind = choice_param(request, "type", doc.ITEM_TYPES)
        organisation = int_param(request, "organisation")
        category = int_param(request, "category")
        validity = choice_param(request, "validity", VALIDITIES)
        date_from, date_to = date_param(request, "from"), date_param(request, "to", end=True)
        column = None
        column_id = int_param(request, "column")
        if column_id:
            column = (
                ColumnPage.objects.filter(pk=column_id, path__startswith=scope.root.path)
                .only("path", "depth")
                .first()
            )
            if column is None:
                raise bad_param("column", f"本站没有编号为 {column_id} 的栏目")

        # Each type lists its own items: where in the column or site they stand, which of
        # the filters apply to it (a type a filter does not apply to is left out) and the
        # date it is listed under are its serializer's. The types with any live item there
        # (channels.api.newest.present_types) run their queries as one statement; then the
        # types that made the page read their items in full, one query each.
        filters = {"organisation": organisation, "category": category, "validity": validity}
        asked = [serializer_for(model) for name, model in api_item_types().items() if kind in (None, name)]
        # The cursor and the dates enter the statement as slots (channels.api.slots): it is
        # compiled once per shape, everything else its text depends on.
        values = {"from": date_from, "to": date_to}
        if cursor is not None:
            values["moment"], values["key"] = cursor
        shape = (
            tuple(asked),
            scope.root.path,
            (column.pk, column.path, column.depth) if column is not None else None,
            tuple(filters.values()),
            *(value is not None for value in (date_from, date_to, cursor)),
        )

        def key_queries(present):
            serializers, key_querysets = [], []
            for serializer in asked:
                if serializer in present:
                    keys = serializer.list_keys(
                        root=scope.root,
                        column=column,
                        filters=filters,
                        date_from=Slot("from", DateTimeField()) if date_from else None,
                        date_to=Slot("to", DateTimeField()) if date_to else None,
                        cursor=CURSOR_SLOTS if cursor else None,
                        size=size,
                    )
                    if keys is not None:
                        serializers.append(serializer)
                        key_querysets.append(keys)
            return serializers, key_querysets

        plain = request._request  # Django's request, under which the marks are read once
        serializers, rows = newest_present(plain, scope.root, column, shape, key_queries, values, size + 1)
        wanted = {}
        for index, key in rows:
            wanted.setdefault(index, []).append(key)
        # Each row is (moment, pk, entry); this process keeps the entries it built
        # (channels.api.entries), so a page of items it has shown costs no query more.
        renderer = Renderer(request, scope.lang)
        found = entries.listed(
            plain, renderer, [(serializers[index], keys) for index, keys in wanted.items()]
        )
        found.sort(key=lambda row: (row[0], row[1]), reverse=True)
        page, more = found[:size], len(found) > size
        next_cursor = encode_cursor(page[-1][0], page[-1][1]) if more else None
        self.last_modified = entries.remembered(
            plain, ("latest", scope.root.path), lambda: latest_change(scope.root)
        )
        return Response(
            {
                "results": [row[2] for row in page],
                "next_cursor": next_cursor,
                "next": next_link(request, "cursor", next_cursor) if next_cursor else None,
            }
        )


def _live_item(pk):
    """The live item with this id (slicing rather than first(): no ORDER BY). The most
    asked-for type (its serializer's `looked_up_first`: articles) costs one query; another
    type one more to learn its type."""
    first = [serializer for serializer in api_serializers() if serializer.looked_up_first]
    for serializer in first:
        found = list(serializer.detail_queryset().filter(pk=pk)[:1])
        if found:
            return found[0]
    content_type = Page.objects.filter(pk=pk, live=True).values_list("content_type_id", flat=True)[:1]
    kind = item_type_of_content_type().get(next(iter(content_type), None))
    serializer = serializer_for(api_item_types()[kind]) if kind is not None else None
    if serializer is None or serializer in first:
        return None
    found = list(serializer.detail_queryset().filter(pk=pk)[:1])
    return found[0] if found else None


class ItemDetailView(ApiView):
    page_cacheable = True
    params = frozenset({"site", "lang"})

    @extend_schema(
        summary="信息详情",
        description=(
            "文章含清洁的正文 HTML（绝对地址）、图片和附件；专题含各版块；预决算公开含各张报表、"
            "“三公”经费及与上年比较、数据下载和原件；在线访谈含嘉宾、图片、视频、文字直播、"
            "已审核通过的网友提问及回答和文字实录。"
        ),
        parameters=[SITE_PARAM, LANG_PARAM],
        responses=responses(doc.ItemDetailSerializer),
    )
    def get(self, request, pk):
        scope = resolve(request)
        check_id(pk, "信息")
        page = _live_item(pk)
        if page is None:
            raise not_found(f"信息 {pk} 不存在或未发布")
        if serializer_for(page).changes_only_on_publish:
            # Some types change without a publish of the page (an interview's live text and
            # answers, the previous year a disclosure is compared with): those answers carry
            # only their ETag, never a Last-Modified that would turn a change into a 304.
            self.last_modified = page.last_published_at
        return self.handle_in_language(
            scope.lang, lambda: Response(Renderer(request, scope.lang).detail(page))
        )


class PreviewView(ApiView):
    params = frozenset({"token", "lang"})
    cache_control = "private, no-store"
    throttle_classes = []

    @extend_schema(
        summary="草稿预览",
        description="返回页面的最新版本（含未发布的修改），只对后台为该页面生成的、未过期的预览令牌开放。",
        parameters=[
            OpenApiParameter("token", str, description="后台“App 预览链接”给出的令牌", required=True),
            LANG_PARAM,
        ],
        responses={
            **responses(doc.ItemDetailSerializer, codes=(400, 404)),
            (401, PROBLEM): OpenApiResponse(doc.ProblemSerializer, description="缺少、伪造或过期的预览令牌"),
            (403, PROBLEM): OpenApiResponse(doc.ProblemSerializer, description="令牌属于其他页面"),
        },
    )
    def get(self, request, pk):
        check_token(request.query_params.get("token") or request.headers.get("X-Preview-Token"), pk)
        check_id(pk, "信息")
        page = Page.objects.filter(pk=pk).first()
        if page is None or not is_item(page.specific, api=True):
            raise not_found(f"信息 {pk} 不存在")
        draft = page.specific.get_latest_revision_as_object()
        lang = lang_of(request)
        return self.handle_in_language(lang, lambda: Response(Renderer(request, lang).detail(draft)))


# --- registers --------------------------------------------------------------------------


class OrganisationsView(ApiView):
    page_cacheable = True
    params = frozenset({"lang"})

    @extend_schema(
        summary="发布机构", parameters=[LANG_PARAM], responses=responses(doc.OrganisationListSerializer)
    )
    def get(self, request):
        lang = lang_of(request)

        def answer():
            return Response(
                {
                    "results": [
                        {"id": o.pk, "name": o.name, "credit_code": o.credit_code, "parent_id": o.parent_id}
                        for o in Organisation.objects.order_by("pk")
                    ]
                }
            )

        return self.handle_in_language(lang, answer)


class CategoriesView(ApiView):
    page_cacheable = True
    params = frozenset()

    @extend_schema(summary="主题分类", responses=responses(doc.CategoryListSerializer))
    def get(self, request):
        return Response(
            {
                "results": [
                    {"id": c.pk, "name": c.name, "code": c.code, "parent_id": c.parent_id}
                    for c in SubjectCategory.objects.all()
                ]
            }
        )


# --- change feed ------------------------------------------------------------------------


class ChangesView(ApiView):
    params = frozenset({"site", "lang", "since", "page_size"})

    @extend_schema(
        summary="增量同步",
        description=(
            "返回 since 之后本站发生的变化，按顺序：upsert 带信息的当前内容，delete 为墓碑"
            "（撤下 unpublished、删除 deleted、移出本站 moved）。首次同步省略 since；"
            "之后把上次返回的 next_since 作为 since，直到 has_more 为 false。"
        ),
        parameters=[
            SITE_PARAM,
            LANG_PARAM,
            OpenApiParameter("since", str, description="上次返回的 next_since；省略则从头同步"),
            PAGE_SIZE_PARAM,
        ],
        responses=responses(doc.ChangesSerializer),
    )
    def get(self, request):
        scope = resolve(request)
        since_text = request.query_params.get("since") or "0"
        if not since_text.isascii() or not since_text.isdigit() or len(since_text) > 18:
            raise bad_param("since", "同步游标无效，请使用上次返回的 next_since")
        size = page_size(request)

        def answer():
            entries, next_since, more = feed(scope.root, int(since_text), size, Renderer(request, scope.lang))
            return Response({"results": entries, "next_since": str(next_since), "has_more": more})

        self.last_modified = latest_change(scope.root)
        return self.handle_in_language(scope.lang, answer)
