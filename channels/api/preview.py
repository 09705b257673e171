"""Signed, expiring draft-preview tokens for one page.

A token is Django's signing of {"p": page id} with a timestamp (salted for this use only),
so it needs no table and cannot be forged without SECRET_KEY. It expires after
API_PREVIEW_MAX_AGE seconds. Forged or expired → 401, a valid token of another page → 403.
"""

from django.conf import settings
from django.core import signing
from rest_framework import status

from .problems import Problem

SALT = "portal_api.preview"


def make_token(page):
    return signing.dumps({"p": page.pk}, salt=SALT)


def check_token(token, page_id):
    if not token:
        raise Problem(
            status.HTTP_401_UNAUTHORIZED, "preview-token-missing", "缺少预览令牌", "请提供预览令牌（token）。"
        )
    try:
        data = signing.loads(token, salt=SALT, max_age=settings.API_PREVIEW_MAX_AGE)
    except signing.SignatureExpired:
        raise Problem(
            status.HTTP_401_UNAUTHORIZED,
            "preview-token-expired",
            "预览令牌已过期",
            "预览链接已过期，请在后台重新获取。",
        ) from None
    except signing.BadSignature:
        raise Problem(
            status.HTTP_401_UNAUTHORIZED, "preview-token-invalid", "预览令牌无效", "预览令牌无效或已被篡改。"
        ) from None
    if not isinstance(data, dict) or data.get("p") != page_id:
        raise Problem(
            status.HTTP_403_FORBIDDEN,
            "preview-token-other-page",
            "预览令牌不适用",
            "该预览令牌不属于此页面。",
        )
