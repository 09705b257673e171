"""Validation of the cluster's national identifiers."""

import re

from django.core.exceptions import ValidationError

# First two digits of a GB/T 2260 administrative division code: the provinces.
_PROVINCE_PREFIXES = frozenset(
    "11 12 13 14 15 21 22 23 31 32 33 34 35 36 37 41 42 43 44 45 46 "
    "50 51 52 53 54 61 62 63 64 65 71 81 82".split()
)
_SITE_CODE = re.compile(r"(?P<division>\d{6})\d{4}|bm\d{8}")


def validate_site_code(value):
    """P03: 网站标识码 is a 6-digit division code plus a 4-digit serial, or `bm` + 8 digits."""
    match = _SITE_CODE.fullmatch(value or "")
    if not match:
        raise ValidationError(
            "网站标识码格式不正确：应为10位数字（6位行政区划代码+4位顺序号）或“bm”加8位数字，当前为“%(value)s”。",
            code="invalid_site_code",
            params={"value": value},
        )
    division = match.group("division")
    if division and division[:2] not in _PROVINCE_PREFIXES:
        raise ValidationError(
            "网站标识码的前6位应为有效的行政区划代码，“%(division)s”不是。",
            code="invalid_division",
            params={"division": division},
        )


_ICP = re.compile(r"[\u4e00-\u9fff]ICP备\d{8,10}号(-\d+)?")
_POLICE = re.compile(r"[\u4e00-\u9fff]公网安备\s?\d{14}号")


def validate_icp_number(value):
    """ICP备案号 such as 湘ICP备05001234号-1."""
    if value and not _ICP.fullmatch(value):
        raise ValidationError("ICP备案号格式不正确，应形如“湘ICP备05001234号-1”。", code="invalid_icp")


def validate_police_number(value):
    """公安机关备案号 such as 湘公网安备 43100202000123号."""
    if value and not _POLICE.fullmatch(value):
        raise ValidationError(
            "公安机关备案号格式不正确，应形如“湘公网安备 43100202000123号”。", code="invalid_police"
        )
