"""Per-site profile of the cluster (a Wagtail site setting): identity, host, filings,
locale and theme. Rendered by every page's meta tags (P01) and footer (P04)."""

from django.core.validators import RegexValidator
from django.db import models
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.contrib.settings.models import BaseSiteSetting, register_setting

from .validators import validate_icp_number, validate_police_number, validate_site_code


class SiteKind(models.TextChoices):
    PORTAL = "portal", "政府门户网站"
    COUNTY = "county", "县（市、区）门户网站"
    DEPARTMENT = "department", "部门网站"
    ENGLISH = "english", "英文门户网站"


class SiteLocale(models.TextChoices):
    ZH = "zh-hans", "简体中文"
    EN = "en", "English"


@register_setting(icon="site")
class SiteProfile(BaseSiteSetting):
    site_code = models.CharField(
        "网站标识码",
        max_length=10,
        validators=[validate_site_code],
        help_text="10位数字（6位行政区划代码+4位顺序号）或“bm”加8位数字。",
    )
    kind = models.CharField("网站类型", max_length=20, choices=SiteKind, default=SiteKind.PORTAL)
    host_organisation = models.CharField("主办单位", max_length=100)
    host_organisation_en = models.CharField("主办单位（英文）", max_length=200, blank=True)
    contact_phone = models.CharField("联系电话", max_length=50, blank=True)
    contact_email = models.EmailField("联系邮箱", blank=True)
    contact_address = models.CharField("联系地址", max_length=200, blank=True)
    icp_number = models.CharField("ICP备案号", max_length=50, blank=True, validators=[validate_icp_number])
    police_number = models.CharField(
        "公安机关备案号", max_length=50, blank=True, validators=[validate_police_number]
    )
    conac_url = models.URLField(
        "党政机关网站标识链接",
        blank=True,
        help_text="党政机关网站标识（开办资格复核）页面地址。",
    )
    locale = models.CharField("语言", max_length=10, choices=SiteLocale, default=SiteLocale.ZH)
    theme_colour = models.CharField(
        "主题色",
        max_length=7,
        default="#b5121b",
        validators=[RegexValidator(r"^#[0-9a-fA-F]{6}$", "主题色应为 #RRGGBB 形式的颜色值。")],
    )

    panels = [
        MultiFieldPanel([FieldPanel("site_code"), FieldPanel("kind"), FieldPanel("locale")], "网站标识"),
        MultiFieldPanel(
            [
                FieldPanel("host_organisation"),
                FieldPanel("host_organisation_en"),
                FieldPanel("contact_phone"),
                FieldPanel("contact_email"),
                FieldPanel("contact_address"),
            ],
            "主办单位与联系方式",
        ),
        MultiFieldPanel(
            [FieldPanel("icp_number"), FieldPanel("police_number"), FieldPanel("conac_url")],
            "备案信息",
        ),
        FieldPanel("theme_colour"),
    ]

    class Meta:
        verbose_name = "网站信息"

    @property
    def error_report_url(self):
        """P04: the national 我为政府网站找错 entrance, keyed by this site's code."""
        return f"https://zfwzzc.www.gov.cn/check_web/errorInfo_querySiteInfo.action?sitecode={self.site_code}"

    @property
    def is_english(self):
        return self.locale == SiteLocale.EN
