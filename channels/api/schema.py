"""OpenAPI of the app API: only /api/v1/ is described (not Wagtail's API v2 or the admin's),
the API key scheme of the write API, and the search endpoints (search/views.py, plain Django views owned by the
search app) documented in the app API's schema, as they answer (see docs/search.md)."""

from drf_spectacular.extensions import OpenApiAuthenticationExtension


def only_app_api(endpoints):
    """drf-spectacular PREPROCESSING_HOOK: the app API's own endpoints."""
    return [e for e in endpoints if e[0].startswith("/api/v1/")]


class ApiKeyScheme(OpenApiAuthenticationExtension):
    target_class = "channels.api.write.ApiKeyAuthentication"
    name = "apiKey"

    def get_security_definition(self, auto_schema):
        return {
            "type": "http",
            "scheme": "bearer",
            "description": "网站的信息报送接口密钥（czk_…），由平台管理员签发：manage.py api_key issue",
        }


_SEARCH_PARAMS = [
    ("q", "string", "搜索词"),
    ("site", "integer", "网站编号；省略则搜索全市网站"),
    ("type", "string", "信息类型"),
    ("column", "integer", "栏目编号"),
    ("organisation", "integer", "发布机构编号"),
    ("validity", "string", "有效性"),
    ("from", "string", "发布日期起，如 2014-03-01"),
    ("to", "string", "发布日期止"),
    ("order", "string", "relevance（默认）或 date"),
    ("lang", "string", "zh-hans 或 en"),
    ("page", "integer", "页码"),
    ("page_size", "integer", "每页条数，最多 50"),
]


def _params(names):
    return [
        {"name": name, "in": "query", "required": False, "description": text, "schema": {"type": kind}}
        for name, kind, text in _SEARCH_PARAMS
        if name in names
    ]


def _json(description, schema):
    return {"200": {"description": description, "content": {"application/json": {"schema": schema}}}}


def add_search_endpoints(result, generator, request, public):
    """drf-spectacular POSTPROCESSING_HOOK."""
    result.setdefault("paths", {})
    result["paths"]["/api/v1/search/"] = {
        "get": {
            "operationId": "search",
            "summary": "站内搜索（全市网站或一个网站）",
            "description": "中文分词搜索，参数宽松：格式不对的页码、日期、编号被忽略。由 search 应用提供。",
            "tags": ["search"],
            "parameters": _params({n for n, _, _ in _SEARCH_PARAMS}),
            "responses": _json(
                "搜索结果",
                {
                    "type": "object",
                    "properties": {
                        "count": {"type": "integer"},
                        "results": {"type": "array", "items": {"type": "object"}},
                    },
                    "required": ["count", "results"],
                },
            ),
        }
    }
    result["paths"]["/api/v1/search/autocomplete/"] = {
        "get": {
            "operationId": "search_autocomplete",
            "summary": "搜索联想",
            "tags": ["search"],
            "parameters": _params({"q", "lang"}),
            "responses": _json(
                "联想词",
                {
                    "type": "object",
                    "properties": {"suggestions": {"type": "array", "items": {"type": "string"}}},
                    "required": ["suggestions"],
                },
            ),
        }
    }
    result["paths"]["/api/v1/search/hot/"] = {
        "get": {
            "operationId": "search_hot",
            "summary": "热门搜索词",
            "tags": ["search"],
            "parameters": _params({"lang"}),
            "responses": _json(
                "热门搜索词",
                {"type": "object", "properties": {"terms": {"type": "array"}}, "required": ["terms"]},
            ),
        }
    }
    return result
