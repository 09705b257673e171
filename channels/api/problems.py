"""Errors of the app API as RFC 7807 problem details (application/problem+json).

Every error the API answers, read or write, has the same shape: `type` (a stable URI per
kind of problem), `title`, `status`, `detail` (Chinese, for the people integrating) and,
where it helps, `invalid_params` (name and reason per parameter, as in RFC 7807's example)
or `errors` (every validation message of an item).
"""

from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler

PROBLEM_CONTENT_TYPE = "application/problem+json"
TYPE_BASE = "https://www.czs.gov.cn/api/problems/"

# DRF's own exceptions → (type slug, title).
_DRF_KINDS = {
    exceptions.ParseError: ("malformed-request", "请求体不是有效的JSON"),
    exceptions.AuthenticationFailed: ("unauthorized", "未通过身份认证"),
    exceptions.NotAuthenticated: ("unauthorized", "未通过身份认证"),
    exceptions.PermissionDenied: ("forbidden", "没有权限"),
    exceptions.NotFound: ("not-found", "不存在"),
    exceptions.MethodNotAllowed: ("method-not-allowed", "不支持的请求方法"),
    exceptions.NotAcceptable: ("not-acceptable", "无法提供所要求的格式"),
    exceptions.UnsupportedMediaType: ("unsupported-media-type", "不支持的请求体格式"),
    exceptions.Throttled: ("throttled", "请求过于频繁"),
}


class Problem(exceptions.APIException):
    """An API error with its problem type, title and any extension members."""

    def __init__(self, status_code, slug, title, detail, **extra):
        self.status_code = status_code
        self.slug = slug
        self.title = title
        self.extra = extra
        super().__init__(detail)


def bad_param(name, reason):
    return Problem(
        status.HTTP_400_BAD_REQUEST,
        "invalid-parameter",
        "请求参数错误",
        f"参数 {name}：{reason}",
        invalid_params=[{"name": name, "reason": reason}],
    )


def unknown_params(names):
    names = sorted(names)
    return Problem(
        status.HTTP_400_BAD_REQUEST,
        "unknown-parameter",
        "未知的请求参数",
        f"不支持的参数：{'、'.join(names)}",
        invalid_params=[{"name": n, "reason": "不支持的参数"} for n in names],
    )


def not_found(detail):
    return Problem(status.HTTP_404_NOT_FOUND, "not-found", "不存在", detail)


def problem_body(status_code, slug, title, detail, **extra):
    return {"type": TYPE_BASE + slug, "title": title, "status": status_code, "detail": detail, **extra}


def handle_exception(exc, context):
    """DRF EXCEPTION_HANDLER of the app API's views: problem+json for every error."""
    response = exception_handler(exc, context)
    if response is None:
        return None  # not an API error: Django answers it (a 500 is logged there)
    if isinstance(exc, Problem):
        body = problem_body(exc.status_code, exc.slug, exc.title, str(exc.detail), **exc.extra)
    else:
        slug, title = next(
            ((s, t) for cls, (s, t) in _DRF_KINDS.items() if isinstance(exc, cls)), ("error", "请求错误")
        )
        detail = exc.detail if isinstance(exc.detail, str) else "请求错误"
        if isinstance(exc, exceptions.ParseError):
            detail = f"请求体不是有效的JSON：{exc.detail}"
        elif isinstance(exc, exceptions.Throttled):
            detail = f"请求过于频繁，请 {exc.wait or 1:.0f} 秒后再试。"
        body = problem_body(response.status_code, slug, title, str(detail))
    problem = Response(body, status=response.status_code, content_type=PROBLEM_CONTENT_TYPE)
    for header in ("Retry-After", "WWW-Authenticate", "Allow"):
        if header in response:
            problem[header] = response[header]
    return problem
