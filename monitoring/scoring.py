"""M20: a site's scorecard. Any veto line crossed fails the site; otherwise it starts from
100 points and loses capped deductions (MONITOR_DEDUCTIONS), and fails below
`pass_score`. Each veto line has an early warning at its practice margin
(MONITOR_THRESHOLDS), so a site is told before it fails. docs/monitoring.md lists them."""

import hashlib

from django.conf import settings
from django.db.models import Count

from .findings import open_findings
from .models import CheckId, DailyScore, Finding


def _line(check, key, title, value, limit):
    return {"check": str(check), "key": key, "title": title, "value": value, "limit": limit}


def _open_counts(site):
    rows = open_findings(site).values("check_id", "certainty", "review").annotate(n=Count("pk"))
    counts = {}
    for row in rows:
        counts.setdefault(row["check_id"], []).append(row)
    return counts


def _count(counts, check, **match):
    return sum(
        row["n"]
        for row in counts.get(str(check), [])
        if all(row[name] == value for name, value in match.items())
    )


def vetoes_and_warnings(site, figures, counts):
    t = settings.MONITOR_THRESHOLDS
    vetoes, warnings = [], []

    def judge(check, value, veto_at, warn_at, veto_title, warn_title, key=None):
        key = key or str(check)
        if value is None:
            return
        if value >= veto_at:
            vetoes.append(_line(check, f"veto:{key}", veto_title, value, veto_at))
        elif warn_at is not None and value >= warn_at:
            warnings.append(_line(check, f"warning:{key}", warn_title, value, veto_at))

    m01 = figures.get(CheckId.M01)
    if m01 and m01["probes"]:
        rate = m01["rate"]
        judge(
            CheckId.M01,
            rate,
            t["availability_veto_rate"],
            t["availability_warn_rate"],
            f"首页 {m01['days']} 天内访问失败率 {rate:.1%}，达到单项否决线（{t['availability_veto_rate']:.0%}）",
            f"首页 {m01['days']} 天内访问失败率 {rate:.1%}，接近单项否决线（{t['availability_veto_rate']:.0%}）",
        )
    m03 = figures.get(CheckId.M03)
    if m03:
        days = m03["days"] if m03["days"] is not None else 10**6
        shown = f"{m03['days']} 天" if m03["days"] is not None else "无法确定的时间"
        judge(
            CheckId.M03,
            days,
            t["homepage_veto_days"],
            t["homepage_warn_days"],
            f"首页已 {shown}未更新（单项否决：{t['homepage_veto_days']} 天）",
            f"首页已 {shown}未更新，{t['homepage_veto_days']} 天未更新将单项否决",
        )
    if CheckId.M06 in figures:
        stale_key = open_findings(site, CheckId.M06).filter(evidence__key_column=True).count()
        stale = _count(counts, CheckId.M06)
        judge(
            CheckId.M06,
            stale_key,
            t["stale_key_columns_veto"],
            t["stale_key_columns_warn"],
            f"动态、通知公告和政策文件类栏目 {stale_key} 个未及时更新（单项否决：{t['stale_key_columns_veto']} 个）",
            f"动态、通知公告和政策文件类栏目 {stale_key} 个未及时更新，接近单项否决线",
            key="M07",
        )
        judge(
            CheckId.M06,
            stale,
            t["stale_columns_veto"],
            t["stale_columns_warn"],
            f"应更新未更新的栏目 {stale} 个（单项否决：{t['stale_columns_veto']} 个）",
            f"应更新未更新的栏目 {stale} 个，接近单项否决线",
            key="M08",
        )
    if CheckId.M09 in figures:
        blank = _count(counts, CheckId.M09)
        judge(
            CheckId.M09,
            blank,
            t["blank_columns_veto"],
            t["blank_columns_warn"],
            f"空白栏目 {blank} 个（单项否决：{t['blank_columns_veto']} 个）",
            f"空白栏目 {blank} 个，接近单项否决线（{t['blank_columns_veto']} 个）",
        )
    if CheckId.M10 in figures and _count(counts, CheckId.M10):
        vetoes.append(_line(CheckId.M10, "veto:M10", "没有可用的在线咨询渠道", 0, 1))
    m11 = figures.get(CheckId.M11)
    if m11:
        overdue = _count(counts, CheckId.M11)
        judge(
            CheckId.M11,
            overdue,
            1,
            None,
            f"{overdue} 件有效留言超过 {t['unanswered_months']} 个月未答复",
            "",
        )
        if not overdue and m11["near_line"]:
            warnings.append(
                _line(
                    CheckId.M11,
                    "warning:M11",
                    f"{m11['near_line']} 件留言将在 {t['unanswered_warn_days']} 天内超过 3 个月未答复",
                    m11["near_line"],
                    1,
                )
            )
    tampered = list(open_findings(site, CheckId.M17).order_by("key").values_list("key", flat=True))
    if tampered:
        digest = hashlib.sha256("|".join(tampered).encode()).hexdigest()[:16]
        vetoes.append(
            _line(CheckId.M17, f"veto:M17:{digest}", f"{len(tampered)} 处网页疑似被篡改", len(tampered), 1)
        )
    m24 = figures.get(CheckId.M24)
    if m24:
        for account in m24["days"]:
            if t["new_media_warn_days"] <= account["days"] < t["new_media_days"]:
                warnings.append(
                    _line(
                        CheckId.M24,
                        f"warning:M24:{account['name']}"[:100],
                        f"新媒体账号“{account['name']}”已 {account['days']} 天未发布信息",
                        account["days"],
                        t["new_media_days"],
                    )
                )
    return vetoes, warnings


DEDUCTION_TITLES = {
    "M05": "未显示发布日期的信息",
    "M06": "未按要求更新的栏目",
    "M09": "空白栏目",
    "M13": "确定不可用的链接",
    "M16": "经确认的错别字、敏感词和职务错误",
    "M24": "超过期限未更新的新媒体账号",
}


def deductions(counts):
    found = []
    for check, (points, cap) in settings.MONITOR_DEDUCTIONS.items():
        if check == "M13":
            n = _count(counts, check, certainty=Finding.Certainty.CERTAIN)
        elif check == "M16":
            n = _count(counts, check, review=Finding.Review.CONFIRMED)
        else:
            n = _count(counts, check)
        if n:
            found.append(
                {
                    "check": check,
                    "title": DEDUCTION_TITLES.get(check, check),
                    "count": n,
                    "points": min(n * points, cap),
                    "cap": cap,
                }
            )
    return found


def scorecard(site, ctx):
    """The site's scorecard after a scan (the dashboard's and the alerts' source)."""
    counts = _open_counts(site)
    vetoes, warnings = vetoes_and_warnings(site, ctx.figures, counts)
    lost = deductions(counts)
    score = max(0.0, round(100 - sum(row["points"] for row in lost), 1))
    return {
        "score": score,
        "passed": not vetoes and score >= settings.MONITOR_THRESHOLDS["pass_score"],
        "vetoes": vetoes,
        "warnings": warnings,
        "deductions": lost,
        "figures": {str(key): value for key, value in ctx.figures.items()},
        # Open findings per check, suspected and unreviewed ones included.
        "open_findings": {check: sum(row["n"] for row in rows) for check, rows in counts.items()},
    }


def keep_daily(site, day, card):
    DailyScore.objects.update_or_create(
        site=site,
        day=day,
        defaults={
            "score": card["score"],
            "passed": card["passed"],
            "vetoes": card["vetoes"],
            "warnings": card["warnings"],
        },
    )
