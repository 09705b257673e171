"""Per-site profile of the cluster (a Wagtail site setting): identity, host, filings,
locale and theme. Rendered by every page's meta tags (P01) and footer (P04)."""

from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
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
        _("Website ID code"),
        max_length=10,
        validators=[validate_site_code],
        help_text=_(
            "10 digits (6-digit administrative division code + 4-digit serial number), or “bm” followed by 8 digits."
        ),
    )
    kind = models.CharField(_("Site type"), max_length=20, choices=SiteKind, default=SiteKind.PORTAL)
    host_organisation = models.CharField(_("Sponsor"), max_length=100)
    host_organisation_en = models.CharField(_("Sponsor (English)"), max_length=200, blank=True)
    contact_phone = models.CharField(_("Contact telephone"), max_length=50, blank=True)
    contact_email = models.EmailField(_("Contact email"), blank=True)
    contact_address = models.CharField(_("Contact address"), max_length=200, blank=True)
    icp_number = models.CharField(
        _("ICP filing No."), max_length=50, blank=True, validators=[validate_icp_number]
    )
    police_number = models.CharField(
        _("Public security filing No."), max_length=50, blank=True, validators=[validate_police_number]
    )
    conac_url = models.URLField(
        _("Party and government website mark link"),
        blank=True,
        help_text=_("Address of the party and government website mark (qualification review) page."),
    )
    locale = models.CharField(_("Language"), max_length=10, choices=SiteLocale, default=SiteLocale.ZH)
    theme_colour = models.CharField(
        _("Theme colour"),
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
        verbose_name = _("Site information")

    @property
    def error_report_url(self):
        """P04: the national 我为政府网站找错 entrance, keyed by this site's code."""
        return f"https://zfwzzc.www.gov.cn/check_web/errorInfo_querySiteInfo.action?sitecode={self.site_code}"

    @property
    def is_english(self):
        return self.locale == SiteLocale.EN
