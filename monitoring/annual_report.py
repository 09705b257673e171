"""The annual website report (政府网站工作年度报表, M23) of one site for one year, gathered
from the platform's data: site identity, page views, items published per column,
interaction figures and the monitor's results. monitoring.annual_report_docx writes it as
an editable .docx, the admin view (monitoring.annual_report_views) shows it as HTML.

The layout follows the national form as far as the data allows. A figure the platform
keeps no record of (独立用户访问总量 without cookies, 办事服务, 应急演练, …) is shown as
"—" with a note saying why, never as an invented number. The labels are the national
form's own Chinese terms: the report is the Chinese form whatever the editor's admin
language, so they are written here, not translated.

The interaction figures come from the functions named in settings.MONITOR_REPORT_SOURCES
(default: interaction.report_source.annual_figures), each `f(site, year) -> dict`; the
monitor never imports a content app.
"""

import datetime
import logging
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import Avg, Count, Q
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.module_loading import import_string
from wagtail.models import Page

from cms.items import item_types
from cms.listing import ColumnListing
from cms.pages import ArticlePage, ColumnPage, ColumnType, TopicPage
from sites.models import SiteProfile

from . import analytics
from .models import AlertRecipient, CheckId, DailyScore, Finding, MonitorSettings, PageViewDay, Scan

logger = logging.getLogger(__name__)

DEFAULT_SOURCES = ["interaction.report_source.annual_figures"]
FIRST_YEAR, LAST_YEAR = 2000, 2100
NONE = "—"

# The national form's three kinds of information, by the kinds of column they stand in.
OVERVIEW_TYPES = (ColumnType.OVERVIEW, ColumnType.FUNCTIONS, ColumnType.LEADERS)
NEWS_TYPES = (ColumnType.NEWS, ColumnType.NOTICE)
CATALOGUE_TYPES = (ColumnType.CATALOGUE,)

NO_RECORD = "平台未记录此项，请填报单位据实填写。"


@dataclass
class Figure:
    """One figure of the form: its label, value (None: no data), unit and a note."""

    label: str
    value: object = None
    unit: str = ""
    note: str = ""

    @property
    def text(self):
        return cell(self.value)


@dataclass
class Table:
    caption: str
    headers: list
    rows: list  # lists of values, shown with cell()
    note: str = ""


@dataclass
class Section:
    heading: str
    figures: list = field(default_factory=list)
    tables: list = field(default_factory=list)


@dataclass
class AnnualReport:
    site: object
    year: int
    title: str
    sections: list
    generated_on: datetime.date
    filler: list = field(default_factory=list)  # (label, value) of 填报单位, 联系电话, 填报日期

    def figure(self, label):
        """The figure called `label` (the first, if several sections use it), or None."""
        for section in self.sections:
            for figure in section.figures:
                if figure.label == label:
                    return figure
        return None


def cell(value):
    """A value as the form shows it: "—" for no data, 是/否 for yes and no."""
    if value is None or value == "":
        return NONE
    if value is True:
        return "是"
    if value is False:
        return "否"
    return str(value)


def year_bounds(year):
    """(first moment of the year, first moment of the next), local time."""
    zone = timezone.get_default_timezone()
    start = timezone.make_aware(datetime.datetime(year, 1, 1), zone)
    return start, timezone.make_aware(datetime.datetime(year + 1, 1, 1), zone)


def report_title(site, year):
    return f"{site.site_name} 政府网站工作年度报表（{year}年度）"


# -- 一、网站基本信息 ---------------------------------------------------------------------


def _profile(site):
    # Read, never created: a report must not write settings rows.
    return SiteProfile.objects.filter(site=site).first()


def _home_url(site):
    monitor = MonitorSettings.objects.filter(site=site).first()
    return monitor.public_base_url() if monitor else site.root_url.rstrip("/")


def identity_section(site, profile):
    missing = "网站信息（站点设置）中未填写。"
    values = [
        ("网站名称", site.site_name, ""),
        ("首页网址", _home_url(site), ""),
        ("主办单位", profile.host_organisation if profile else None, ""),
        ("网站类型", profile.get_kind_display() if profile else None, ""),
        ("政府网站标识码", profile.site_code if profile else None, ""),
        ("ICP备案号", profile.icp_number if profile else None, ""),
        ("公安机关备案号", profile.police_number if profile else None, ""),
    ]
    figures = [
        Figure(label, value or None, note=note or ("" if value else missing)) for label, value, note in values
    ]
    return Section("一、网站基本信息", figures)


# -- 二、网站访问情况 ---------------------------------------------------------------------


def visits_section(site, year):
    first_day, last_day = datetime.date(year, 1, 1), datetime.date(year, 12, 31)
    rows = PageViewDay.objects.filter(site=site, day__range=(first_day, last_day))
    counted_days = rows.values("day").distinct().count()
    unique = Figure(
        "独立用户访问总量",
        None,
        "个",
        "本平台统计访问量不使用Cookie、不保存访问者IP地址，无法区分独立用户，故不统计此项；以网站总访问量代替。",
    )
    if not counted_days:
        since, _ = analytics.data_days(site)
        note = (
            f"本年度无访问量统计数据（本网站访问统计自{since:%Y年%m月%d日}起）。"
            if since
            else "本网站尚无访问量统计数据。"
        )
        return Section("二、网站访问情况", [unique, Figure("网站总访问量", None, "次", note)])
    total = analytics.site_views(site, first_day, last_day)
    first = rows.order_by("day").values_list("day", flat=True).first()
    note = "页面浏览次数（同源统计脚本计数，不含搜索引擎等程序访问）"
    if first > first_day:
        note += f"，自{first:%Y年%m月%d日}起统计"
    figures = [
        unique,
        Figure("网站总访问量", total, "次", note + "。"),
        Figure("有访问统计的天数", counted_days, "天"),
    ]
    by_month = [0] * 12
    for day, views in analytics.daily_views(site, first_day, last_day):
        by_month[day.month - 1] += views
    months = Table(
        "各月访问量", ["月份", "访问量（次）"], [[f"{m}月", by_month[m - 1]] for m in range(1, 13)]
    )
    top = analytics.page_views(site, first_day, last_day, limit=10)
    pages = Table(
        "年度访问量最高的页面",
        ["序号", "页面", "访问量（次）"],
        [[n, item.page.title, item.views] for n, item in enumerate(top, 1)],
    )
    return Section("二、网站访问情况", figures, [months, pages])


# -- 三、信息发布 -------------------------------------------------------------------------


def _other_item_models():
    """Item types counted by their own date besides articles (disclosures, letters, …):
    every registered item type but articles and the parts of the column tree."""
    return [m for m in item_types().values() if not m.column_section and m is not ArticlePage]


def _published_items(site, year, columns):
    """{(model label, page id): set of column ids it is listed in} of the items published
    in `year` on the site: articles by their publishing time through the column listing
    (their own columns, the columns above and those they are syndicated to), other item
    types by their own date (item_moment) under their columns in the tree."""
    start, end = year_bounds(year)
    root = site.root_page
    items = {}
    listed = ColumnListing.objects.filter(
        column_id__in=list(columns), published_at__gte=start, published_at__lt=end
    )
    for article_id, column_id in listed.values_list("article_id", "column_id"):
        items.setdefault(("article", article_id), set()).add(column_id)
    # Articles of the site outside any column (straight under the home page).
    own = (
        ArticlePage.objects.live()
        .descendant_of(root)
        .annotate(moment=Coalesce("published_at", "first_published_at"))
        .filter(moment__gte=start, moment__lt=end)
        .values_list("pk", flat=True)
    )
    for article_id in own:
        items.setdefault(("article", article_id), set())
    by_path = {c.path: c.pk for c in columns.values()}
    step = Page.steplen
    for model in _other_item_models():
        for page in model.objects.live().exact_type(model).descendant_of(root).iterator(chunk_size=500):
            moment = page.item_moment()
            if moment is None or not (start <= moment < end):
                continue
            ancestors = {
                by_path[page.path[:n]] for n in range(step, len(page.path), step) if page.path[:n] in by_path
            }
            items[(model.item_key, page.pk)] = ancestors
    return items


def _kinds_count(items, columns, kinds):
    ids = {pk for pk, column in columns.items() if column.column_type in kinds}
    if not ids:
        return None
    return sum(1 for listed in items.values() if listed & ids)


def publishing_section(site, year):
    start, end = year_bounds(year)
    columns = {c.pk: c for c in ColumnPage.objects.live().descendant_of(site.root_page).order_by("path")}
    items = _published_items(site, year, columns)
    no_column = "本网站未设置{}类栏目。"
    overview = _kinds_count(items, columns, OVERVIEW_TYPES)
    news = _kinds_count(items, columns, NEWS_TYPES)
    catalogue = _kinds_count(items, columns, CATALOGUE_TYPES)
    interpretation = _kinds_count(items, columns, (ColumnType.INTERPRETATION,))
    response = _kinds_count(items, columns, (ColumnType.RESPONSE,))
    topics = TopicPage.objects.live().descendant_of(site.root_page)
    figures = [
        Figure(
            "信息发布总数",
            len(items),
            "条",
            "本年度发布的各类信息（文章按发布时间，其他类型按其日期），含推送到本网站栏目的信息。",
        ),
        Figure(
            "概况类信息更新量",
            overview,
            "条",
            "栏目类型：概况信息、机构职能、负责人信息。"
            if overview is not None
            else no_column.format("概况"),
        ),
        Figure(
            "政务动态信息更新量",
            news,
            "条",
            "栏目类型：工作动态、通知公告。" if news is not None else no_column.format("政务动态"),
        ),
        Figure(
            "信息公开目录信息更新量",
            catalogue,
            "条",
            "栏目类型：信息公开目录（含其子栏目）。"
            if catalogue is not None
            else no_column.format("信息公开目录"),
        ),
        Figure(
            "专栏专题维护数量",
            topics.filter(first_published_at__lt=end).count(),
            "个",
            "年底前已发布、现仍在线的专题。",
        ),
        Figure(
            "专栏专题新开设数量",
            topics.filter(first_published_at__gte=start, first_published_at__lt=end).count(),
            "个",
            "按专题页面首次发布时间统计。",
        ),
        Figure(
            "解读信息发布总数",
            interpretation,
            "条",
            "栏目类型：政策解读。" if interpretation is not None else no_column.format("政策解读"),
        ),
        Figure(
            "回应公众关注热点或重大舆情数量",
            response,
            "次",
            "栏目类型：回应关切。" if response is not None else no_column.format("回应关切"),
        ),
    ]
    per_column = {pk: 0 for pk in columns}
    for listed in items.values():
        for pk in listed:
            per_column[pk] += 1
    root_depth = site.root_page.depth
    rows = [
        ["\u3000" * (column.depth - root_depth - 1) + column.title, column.column_type, per_column[pk]]
        for pk, column in columns.items()
    ]
    by_type = {}
    for key, _pk in items:
        by_type[key] = by_type.get(key, 0) + 1
    labels = {key: str(model.item_label) for key, model in item_types().items()}
    kinds = Table(
        "按信息类型",
        ["信息类型", "发布数量（条）"],
        [[labels.get(key, key), n] for key, n in sorted(by_type.items(), key=lambda kv: -kv[1])],
    )
    table = Table(
        "各栏目信息发布数量",
        ["栏目", "栏目类型", "发布数量（条）"],
        rows,
        "上级栏目的数量含其子栏目的信息；一条信息推送到多个栏目时在各栏目分别计数。",
    )
    return Section("三、信息发布", figures, [kinds, table])


# -- 四、互动交流 -------------------------------------------------------------------------


def interaction_figures(site, year):
    """The merged dicts of the configured report sources; {} when none is available."""
    figures = {}
    for path in getattr(settings, "MONITOR_REPORT_SOURCES", DEFAULT_SOURCES):
        try:
            source = import_string(path)
        except ImportError:
            logger.warning("report source %s cannot be imported", path)
            continue
        for group, values in (source(site, year) or {}).items():
            figures.setdefault(group, {}).update(values)
    return figures


def interaction_section(site, year):
    found = interaction_figures(site, year)
    letters = found.get("letters")
    consultations = found.get("consultations")
    interviews = found.get("interviews")
    unavailable = "互动交流数据来源不可用。"

    def value(group, key):
        return None if group is None else group.get(key)

    if letters is None:
        letter_note = unavailable
    elif not letters.get("mailboxes"):
        letter_note = "本网站未设置留言信箱。"
    else:
        letter_note = ""
    figures = [
        Figure(
            "留言办理：收到留言数量",
            value(letters, "received"),
            "条",
            letter_note or "按来信日期统计，不含重复来信和不予受理的来信。",
        ),
        Figure("留言办理：办结留言数量", value(letters, "replied"), "条", letter_note or "已答复的来信。"),
        Figure(
            "留言办理：平均办理时间",
            value(letters, "average_days"),
            "天",
            letter_note or "从收到来信到答复的平均工作日数。",
        ),
        Figure(
            "留言办理：公开答复数量",
            value(letters, "published"),
            "条",
            letter_note or "答复日期在本年度的公开信件。",
        ),
        Figure(
            "征集调查：征集调查期数",
            value(consultations, "count"),
            "期",
            unavailable if consultations is None else "本年度开始的意见征集和网上调查。",
        ),
        Figure(
            "征集调查：收到意见数量",
            value(consultations, "opinions"),
            "条",
            unavailable if consultations is None else "意见征集收到的意见（含未公开的）与网上调查的答卷。",
        ),
        Figure(
            "征集调查：公布调查结果期数",
            value(consultations, "results_published"),
            "期",
            unavailable if consultations is None else "已发布反馈意见的征集，已公布结果的调查。",
        ),
        Figure(
            "在线访谈：访谈期数",
            value(interviews, "count"),
            "期",
            unavailable if interviews is None else "本年度举行的在线访谈。",
        ),
        Figure(
            "在线访谈：网民留言数量",
            value(interviews, "questions"),
            "条",
            unavailable if interviews is None else "网民提问（含未公开的）。",
        ),
        Figure(
            "在线访谈：答复网民提问数量",
            value(interviews, "answered"),
            "条",
            unavailable if interviews is None else "",
        ),
    ]
    return Section("四、互动交流", figures)


# -- 五、安全防护 -------------------------------------------------------------------------


def security_section(site, year):
    start, end = year_bounds(year)
    scans = Scan.objects.filter(
        site=site, status=Scan.Status.DONE, started_at__gte=start, started_at__lt=end
    ).count()
    findings = Finding.objects.filter(site=site).exclude(review=Finding.Review.DISMISSED)
    found = findings.filter(first_seen_at__gte=start, first_seen_at__lt=end)
    resolved = findings.filter(resolved_at__gte=start, resolved_at__lt=end)
    scores = DailyScore.objects.filter(site=site, day__year=year)
    no_scan = "本年度无监测记录。"
    alerting = AlertRecipient.objects.filter(Q(site=site) | Q(site__isnull=True)).exists()
    figures = [
        Figure(
            "安全检测评估次数",
            scans,
            "次",
            "网站监测系统完成的全面检查（可用性、更新、链接、错别字、篡改等）。",
        ),
        Figure("发现问题数量", found.count() if scans else None, "个", "" if scans else no_scan),
        Figure(
            "问题整改数量",
            resolved.count() if scans else None,
            "个",
            "复查时已不再出现的问题。" if scans else no_scan,
        ),
        Figure(
            "是否建立安全监测预警机制",
            True if scans and alerting else None,
            "",
            "定时监测，发现否决项或预警时通知告警接收人。"
            if scans and alerting
            else "本年度无监测记录或未设置告警接收人。",
        ),
        Figure("是否开展应急演练", None, "", NO_RECORD),
        Figure("是否明确网站安全责任人", None, "", NO_RECORD),
    ]
    tables = []
    if scores.exists():
        average = scores.aggregate(a=Avg("score"))["a"]
        last = scores.order_by("-day").first()
        figures += [
            Figure("监测平均得分", round(average, 1), "分", f"{scores.count()}天的每日得分的平均值。"),
            Figure(
                "年度最后一次监测得分",
                round(last.score, 1),
                "分",
                f"{last.day:%Y年%m月%d日}，{'合格' if last.passed else '不合格'}。",
            ),
            Figure("监测合格天数", scores.filter(passed=True).count(), "天", ""),
        ]
    else:
        figures.append(Figure("监测平均得分", None, "分", no_scan))
    if scans:
        found_by = dict(_count_by_check(found))
        resolved_by = dict(_count_by_check(resolved))
        rows = [
            [label, found_by.get(check, 0), resolved_by.get(check, 0)]
            for check, label in CheckId.choices
            if found_by.get(check) or resolved_by.get(check)
        ]
        tables.append(Table("各检查项发现和整改的问题", ["检查项", "发现（个）", "整改（个）"], rows))
    return Section("五、安全防护", figures, tables)


def _count_by_check(findings):
    return findings.order_by().values("check_id").annotate(n=Count("pk")).values_list("check_id", "n")


# -- 六、办事服务与移动新媒体 ----------------------------------------------------------------


def other_section():
    figures = [
        Figure("办事服务：政务服务事项数量", None, "项", NO_RECORD),
        Figure("办事服务：办件量", None, "件", NO_RECORD),
        Figure("移动新媒体：信息发布量", None, "条", NO_RECORD),
    ]
    return Section("六、办事服务与移动新媒体", figures)


# -- the report ---------------------------------------------------------------------------


def annual_report(site, year, today=None):
    """The AnnualReport of `site` for `year`."""
    if not FIRST_YEAR <= int(year) <= LAST_YEAR:
        raise ValueError(f"no report for the year {year}")
    profile = _profile(site)
    today = today or timezone.localdate()
    sections = [
        identity_section(site, profile),
        visits_section(site, year),
        publishing_section(site, year),
        interaction_section(site, year),
        security_section(site, year),
        other_section(),
    ]
    filler = [
        ("填报单位", profile.host_organisation if profile else None),
        ("联系电话", (profile.contact_phone or None) if profile else None),
        ("填报日期", f"{today:%Y年%m月%d日}"),
    ]
    return AnnualReport(site, int(year), report_title(site, year), sections, today, filler)


def report_years(site):
    """The years with data for the site's report, newest first: years with published
    articles, counted page views or monitor scans."""
    root = site.root_page
    years = set()
    articles = ArticlePage.objects.live().descendant_of(root).exclude(published_at__isnull=True)
    years.update(d.year for d in articles.datetimes("published_at", "year"))
    years.update(d.year for d in PageViewDay.objects.filter(site=site).dates("day", "year"))
    years.update(d.year for d in Scan.objects.filter(site=site).datetimes("started_at", "year"))
    return sorted((y for y in years if FIRST_YEAR <= y <= LAST_YEAR), reverse=True)
