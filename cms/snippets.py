"""Shared registers every site draws on: organisations (发布机构) and subject categories
(主题分类)."""

import re

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.search import index

DEFAULT_INDEX_PATTERN = "{code}/{year}-{seq:05d}"
_CREDIT_CODE = re.compile(r"[0-9A-HJ-NPQRTUWXY]{2}\d{6}[0-9A-HJ-NPQRTUWXY]{10}")


def validate_credit_code(value):
    """统一社会信用代码: 18 characters of the GB 32100 alphabet."""
    if not _CREDIT_CODE.fullmatch(value or ""):
        raise ValidationError(
            "统一社会信用代码应为18位（数字或大写字母，不含I、O、Z、S、V），当前为“%(value)s”。",
            code="invalid_credit_code",
            params={"value": value},
        )


def format_index_number(pattern, *, code, year, seq):
    """G01: render an organisation's 索引号 pattern; the pattern is a setting per organisation."""
    return pattern.format(code=code, year=year, seq=seq)


INDEX_NUMBER_MAX_LENGTH = 64


def validate_index_pattern(value):
    if "{seq" not in (value or ""):
        raise ValidationError("索引号规则必须包含流水号占位符 {seq}。", code="no_seq")
    try:
        # The widest number a year can produce must still fit the 索引号 column.
        sample = format_index_number(value, code="X" * 18, year=2024, seq=99999)
    except (KeyError, IndexError, ValueError, AttributeError) as exc:
        raise ValidationError(
            "索引号规则无效：%(error)s。可用占位符：{code} {year} {seq}，如 {seq:05d}。",
            code="bad_pattern",
            params={"error": exc},
        ) from exc
    if len(sample) > INDEX_NUMBER_MAX_LENGTH:
        raise ValidationError(
            "按此规则生成的索引号长度为%(length)d个字符，超过上限%(limit)d个字符。",
            code="too_long",
            params={"length": len(sample), "limit": INDEX_NUMBER_MAX_LENGTH},
        )


class Organisation(index.Indexed, models.Model):
    """An issuing organisation (发布机构); its name is translated (zh-hans, en)."""

    name = models.CharField(_("Name"), max_length=100)
    credit_code = models.CharField(
        _("Unified social credit code"), max_length=18, unique=True, validators=[validate_credit_code]
    )
    parent = models.ForeignKey(
        "self",
        verbose_name=_("Parent organisation"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    index_pattern = models.CharField(
        _("Index number pattern"),
        max_length=100,
        default=DEFAULT_INDEX_PATTERN,
        validators=[validate_index_pattern],
        help_text=_(
            "Placeholders: {code} unified social credit code, {year} year, {seq:05d} five-digit serial number."
        ),
    )

    panels = [
        FieldPanel("name"),
        FieldPanel("credit_code"),
        FieldPanel("parent"),
        FieldPanel("index_pattern"),
    ]
    search_fields = [index.SearchField("name"), index.AutocompleteField("name")]

    class Meta:
        verbose_name = _("Organisation")
        verbose_name_plural = _("Organisations")
        ordering = ["pk"]

    def __str__(self):
        return self.name


class SubjectCategory(models.Model):
    """A subject category (主题分类) of the disclosure catalogue."""

    name = models.CharField(_("Name"), max_length=50, unique=True)
    code = models.CharField(_("Code"), max_length=20, blank=True)
    parent = models.ForeignKey(
        "self", verbose_name=_("Parent category"), null=True, blank=True, on_delete=models.PROTECT
    )

    panels = [FieldPanel("name"), FieldPanel("code"), FieldPanel("parent")]

    class Meta:
        verbose_name = _("Subject category")
        verbose_name_plural = _("Subject categories")
        ordering = ["code", "pk"]

    def __str__(self):
        return self.name
