"""The monitor's scores in the admin (M20): the cluster dashboard (each site's score,
vetoes, warnings and 30-day trend), a site's page (its scorecard, the open findings with
their evidence and a person's review, score history, recent scans, "scan now"), and the
CSV / XLSX downloads of both (M13's link list among them).

Who sees what: a superuser (a cluster administrator) every site; anyone else the sites
whose home page they may edit (sites.admin_scope.editable_pages: provisioning gives each
site's editor groups that permission on their own home page). Another site's id is a 404,
the same answer as an id no site has, so ids reveal nothing; reviewing a finding and
asking for a scan need the same right.
"""

import csv
import datetime as dt
import io
import json
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Count, F, OuterRef, Subquery, Window
from django.db.models.functions import RowNumber
from django.http import Http404, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext, pgettext
from django.views.decorators.http import require_POST
from wagtail.models import Site

from cms.csv_cells import csv_cell

from .findings import open_findings
from .models import CheckId, DailyScore, Finding, MonitorSettings, Scan
from .scope import site_or_404, visible_sites

#: Days of the trend on the dashboard and on a site's page.
TREND_DAYS = 30
#: Open findings shown per check on a site's page; the rest are a click (?check=) away, so
#: a site with thousands of broken links still renders in a handful of queries.
FINDINGS_PER_CHECK = 20
FINDINGS_PER_PAGE = 50
RESOLVED_SHOWN = 50
SCANS_SHOWN = 10
HISTORY_PER_PAGE = 100
EXPORT_FORMATS = ("csv", "xlsx")


# --- scope -------------------------------------------------------------------------------


def _bad_request(message):
    return HttpResponseBadRequest(message, content_type="text/plain; charset=utf-8")


# --- labels ------------------------------------------------------------------------------


def verdict(passed):
    """合格 / 不合格 / 未扫描 of a scan's `passed` (None: never scored)."""
    if passed is None:
        return gettext("Not scanned")
    return pgettext("monitor verdict", "Passed") if passed else pgettext("monitor verdict", "Failed")


def _local(moment):
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M") if moment else ""


def _http_link(url):
    """`url` when it may be a link in the admin (http or https); scanned pages can carry
    any scheme, and a javascript: address must never become a clickable link."""
    url = str(url or "")
    return url if urlsplit(url).scheme in ("http", "https") else None


def _kind_labels():
    return {
        "link": gettext("Link"),
        "image": gettext("Image"),
        "attachment": gettext("Attachment"),
        "page": gettext("Page"),
        "typo": gettext("Typo"),
        "sensitive": gettext("Sensitive word"),
        "leader": gettext("Leader name and title"),
    }


def _status_text(evidence):
    status, error = evidence.get("status"), evidence.get("error")
    if error == "timeout":
        return gettext("No answer in time")
    if error:
        return gettext("Cannot connect (%(error)s)") % {"error": error}
    return "" if status in (None, "") else f"HTTP {status}"


def _join(values):
    return "；".join(str(v) for v in values) if isinstance(values, (list, tuple)) else str(values or "")


@dataclass
class EvidenceRow:
    label: str
    text: str
    href: str | None = None
    pre: bool = False


def evidence_rows(finding):
    """What a person needs to judge `finding`, as (label, text, link) rows, per check."""
    evidence = finding.evidence if isinstance(finding.evidence, dict) else {}
    kinds = _kind_labels()
    parent = []
    if evidence.get("parent_url") or evidence.get("parent_title"):
        parent_url = str(evidence.get("parent_url") or "")
        parent = [
            EvidenceRow(
                gettext("On page"), str(evidence.get("parent_title") or parent_url), _http_link(parent_url)
            ),
        ]
        if evidence.get("parent_title"):
            parent.append(EvidenceRow(gettext("Page address"), parent_url, _http_link(parent_url)))
    if finding.check_id == CheckId.M13:
        target = str(evidence.get("target") or finding.url)
        rows = [
            EvidenceRow(gettext("Link address"), target, _http_link(target)),
            EvidenceRow(gettext("Link text"), str(evidence.get("text") or "")),
            EvidenceRow(
                gettext("Finding type"), kinds.get(evidence.get("kind"), str(evidence.get("kind") or ""))
            ),
            EvidenceRow(gettext("Status"), _status_text(evidence)),
            *parent,
        ]
        if "internal" in evidence:
            rows.append(
                EvidenceRow(gettext("Internal or external"), _internal_label(evidence.get("internal")))
            )
        # The other pages linking to the same target (the first is shown above).
        others = [row for row in evidence.get("parents") or [] if isinstance(row, dict)][1:]
        if evidence.get("parent_count", 0) > 1:
            rows.append(EvidenceRow(gettext("Pages linking to it"), str(evidence["parent_count"])))
        rows += [
            EvidenceRow(
                gettext("Also on page"),
                str(row.get("title") or row.get("url") or ""),
                _http_link(str(row.get("url") or "")),
            )
            for row in others
        ]
        return [row for row in rows if row.text]
    if finding.check_id == CheckId.M16:
        rows = [
            EvidenceRow(
                gettext("Finding type"), kinds.get(evidence.get("kind"), str(evidence.get("kind") or ""))
            ),
            EvidenceRow(gettext("Word"), str(evidence.get("word") or "")),
            EvidenceRow(gettext("Correct form"), str(evidence.get("correction") or "")),
            EvidenceRow(gettext("Context"), str(evidence.get("context") or "")),
            EvidenceRow(gettext("Occurrences"), str(evidence.get("count") or "")),
            *parent,
        ]
        return [row for row in rows if row.text]
    if finding.check_id == CheckId.M17:
        links = evidence.get("hidden_links") or []
        rows = [
            EvidenceRow(gettext("Finding type"), str(evidence.get("kind") or "")),
            EvidenceRow(gettext("Injected scripts"), _join(evidence.get("added_scripts") or [])),
            EvidenceRow(gettext("Injected frames"), _join(evidence.get("added_frames") or [])),
            *[
                EvidenceRow(gettext("Hidden link"), f"{link.get('text', '')} {link.get('href', '')}".strip())
                for link in links
                if isinstance(link, dict)
            ],
            EvidenceRow(gettext("What changed"), str(evidence.get("diff") or ""), pre=True),
            EvidenceRow(gettext("Fingerprint taken"), str(evidence.get("fingerprint_at") or "")),
            *parent,
        ]
        return [row for row in rows if row.text]
    return [
        EvidenceRow(str(key), _join(value) if isinstance(value, list) else str(value))
        for key, value in evidence.items()
        if key not in ("parent_url", "parent_title") and value not in (None, "", [], {})
    ] + parent


def _internal_label(internal):
    if internal is None or internal == "":
        return ""
    return gettext("Internal") if internal else gettext("External")


# --- the trend chart ---------------------------------------------------------------------


def trend_chart(chart_id, scores, today, *, width=240, height=64, days=TREND_DAYS, axis=False):
    """Geometry of a score line over the last `days` days, drawn by
    monitoring/dashboard_trend_chart.html as inline SVG. `scores` are DailyScore rows (any order).

    The line and its points are in currentColor, so they follow every reading mode; a day
    that failed is a hollow square, one that passed a dot: the shape tells them apart, not
    a colour. The chart's <desc> says the figures in words and the table next to it lists
    every day, so no one needs the picture."""
    first = today - dt.timedelta(days=days - 1)
    rows = sorted((s for s in scores if first <= s.day <= today), key=lambda s: s.day)
    left = 30 if axis else 4
    right, top, bottom = 4, 6, 16 if axis else 6
    plot_w, plot_h = width - left - right, height - top - bottom
    pass_score = settings.MONITOR_THRESHOLDS.get("pass_score", 60)

    def y_of(score):
        return round(top + (100 - max(0, min(100, score))) / 100 * plot_h, 1)

    points = []
    for row in rows:
        x = round(left + (row.day - first).days * plot_w / max(days - 1, 1), 1)
        y = y_of(row.score)
        # (sx, sy): the corner of a failed day's square, centred on the point.
        points.append({"x": x, "y": y, "sx": round(x - 3, 1), "sy": round(y - 3, 1), "passed": row.passed})
    if rows:
        values = [row.score for row in rows]
        desc = gettext(
            "Score over the last %(days)d days: %(count)d days scored, lowest %(low)s, highest "
            "%(high)s, latest %(latest)s (%(day)s); %(failed)d days failed."
        ) % {
            "days": days,
            "count": len(rows),
            "low": _score_text(min(values)),
            "high": _score_text(max(values)),
            "latest": _score_text(values[-1]),
            "day": rows[-1].day.isoformat(),
            "failed": sum(1 for row in rows if not row.passed),
        }
    else:
        desc = gettext("No score in the last %(days)d days.") % {"days": days}
    return {
        "id": chart_id,
        "table_id": f"{chart_id}-table",
        "width": width,
        "height": height,
        "points": points,
        "polyline": " ".join(f"{p['x']},{p['y']}" for p in points),
        "pass_y": y_of(pass_score),
        "pass_score": pass_score,
        "left": left,
        "right_x": width - right,
        "top_y": y_of(100),
        "zero_y": y_of(0),
        "axis": axis,
        "first": first,
        "last": today,
        "label_y": height - 3,
        "desc": desc,
        "title": gettext("Score trend of the last %(days)d days") % {"days": days},
        "rows": rows,
    }


def _score_text(score):
    """87.5, 72.25, 90: as many decimals as the score has, at most two."""
    return "" if score is None else f"{round(score, 2):g}"


def _with_score_text(rows):
    for row in rows:
        row.score_text = _score_text(row.score)
    return rows


# --- the cluster dashboard -----------------------------------------------------------------


@dataclass
class SiteRow:
    site: Site
    scan: Scan | None
    enabled: bool
    open_count: int
    scores: list = field(default_factory=list)
    chart: dict | None = None

    @property
    def card(self):
        return self.scan.result if self.scan and isinstance(self.scan.result, dict) else {}

    @property
    def passed(self):
        return self.scan.passed if self.scan else None

    @property
    def score(self):
        return self.scan.score if self.scan else None

    @property
    def score_text(self):
        return _score_text(self.score)

    @property
    def verdict(self):
        return verdict(self.passed)

    @property
    def vetoes(self):
        return [v for v in self.card.get("vetoes", []) if isinstance(v, dict)]

    @property
    def warnings(self):
        return [w for w in self.card.get("warnings", []) if isinstance(w, dict)]

    @property
    def scanned_at(self):
        return (self.scan.finished_at or self.scan.started_at) if self.scan else None


def site_rows(user, today=None):
    """One SiteRow per site the user may see, in five queries whatever their number."""
    today = today or timezone.localdate()
    latest = Scan.objects.filter(site=OuterRef("pk"), status=Scan.Status.DONE).order_by("-started_at", "-pk")
    sites = list(visible_sites(user).annotate(latest_scan=Subquery(latest.values("pk")[:1])))
    ids = [site.pk for site in sites]
    scans = Scan.objects.in_bulk([site.latest_scan for site in sites if site.latest_scan])
    disabled = set(
        MonitorSettings.objects.filter(site__in=ids, enabled=False).values_list("site_id", flat=True)
    )
    counts = dict(
        Finding.objects.filter(site__in=ids, resolved_at__isnull=True)
        .exclude(review=Finding.Review.DISMISSED)
        .values("site")
        .annotate(n=Count("pk"))
        .values_list("site", "n")
    )
    history = {}
    for score in DailyScore.objects.filter(site__in=ids, day__gt=today - dt.timedelta(days=TREND_DAYS)):
        history.setdefault(score.site_id, []).append(score)
    rows = []
    for site in sites:
        row = SiteRow(site, scans.get(site.latest_scan), site.pk not in disabled, counts.get(site.pk, 0))
        row.scores = _with_score_text(sorted(history.get(site.pk, []), key=lambda s: s.day))
        row.chart = trend_chart(f"trend-{site.pk}", row.scores, today)
        rows.append(row)
    return rows


def dashboard(request):
    rows = site_rows(request.user)
    context = {
        "page_title": gettext("Site monitor"),
        "rows": rows,
        "counts": {
            "sites": len(rows),
            "passed": sum(1 for r in rows if r.passed is True),
            "failed": sum(1 for r in rows if r.passed is False),
            "unscanned": sum(1 for r in rows if r.passed is None),
        },
        "trend_days": TREND_DAYS,
    }
    return TemplateResponse(request, "monitoring/dashboard.html", context)


# --- one site ------------------------------------------------------------------------------


def _check_labels():
    return dict(CheckId.choices)


def _requested_check(value):
    return value if value in CheckId.values else None


def _open_groups(site, only_check=None, page_number=None):
    """The open findings by check: [{check, label, count, findings, page}] — the first
    FINDINGS_PER_CHECK of each check in one query (a window function), or one check's
    page of FINDINGS_PER_PAGE when `only_check` is given."""
    labels = _check_labels()
    counts = dict(open_findings(site).values("check_id").annotate(n=Count("pk")).values_list("check_id", "n"))
    ordering = ["certainty", "-last_seen_at", "pk"]
    rows = open_findings(site).select_related("reviewed_by", "page")
    groups = []
    if only_check:
        paginator = Paginator(rows.filter(check_id=only_check).order_by(*ordering), FINDINGS_PER_PAGE)
        page = paginator.get_page(page_number)
        groups.append(
            {
                "check": only_check,
                "label": labels[only_check],
                "count": counts.get(only_check, 0),
                "findings": [_with_evidence(f) for f in page.object_list],
                "page": page,
            }
        )
        return groups, counts
    rank = Window(
        RowNumber(),
        partition_by=[F("check_id")],
        order_by=[F("certainty").asc(), F("last_seen_at").desc(), F("pk").asc()],
    )
    first = rows.annotate(rank=rank).filter(rank__lte=FINDINGS_PER_CHECK)
    by_check = {}
    for finding in first.order_by("check_id", *ordering):
        by_check.setdefault(finding.check_id, []).append(_with_evidence(finding))
    for check in sorted(counts):
        groups.append(
            {
                "check": check,
                "label": labels.get(check, check),
                "count": counts[check],
                "findings": by_check.get(check, []),
                "page": None,
            }
        )
    return groups, counts


def _with_evidence(finding):
    finding.evidence_rows = evidence_rows(finding)
    finding.link = _http_link(finding.url)
    # The address on its own line unless the evidence already shows it (M13's target).
    finding.show_url = bool(finding.url) and all(row.text != finding.url for row in finding.evidence_rows)
    return finding


def _card_rows(card):
    """The scorecard's lists with each check's label, for the template."""
    labels = _check_labels()

    def labelled(items):
        return [
            {**item, "label": labels.get(item.get("check"), item.get("check", ""))}
            for item in items
            if isinstance(item, dict)
        ]

    return {
        "vetoes": labelled(card.get("vetoes", [])),
        "warnings": labelled(card.get("warnings", [])),
        "deductions": labelled(card.get("deductions", [])),
    }


def site_view(request, site_id):
    site = site_or_404(request.user, site_id)
    today = timezone.localdate()
    only_check = _requested_check(request.GET.get("check", ""))
    groups, counts = _open_groups(site, only_check, request.GET.get("p"))
    scans = list(Scan.objects.filter(site=site).order_by("-started_at", "-pk")[:SCANS_SHOWN])
    for scan in _with_score_text(scans):
        scan.seconds = (
            round((scan.finished_at - scan.started_at).total_seconds()) if scan.finished_at else None
        )
    latest = next((scan for scan in scans if scan.status == Scan.Status.DONE), None)
    if latest is None and scans:
        latest = (
            Scan.objects.filter(site=site, status=Scan.Status.DONE).order_by("-started_at", "-pk").first()
        )
    card = latest.result if latest and isinstance(latest.result, dict) else {}
    scores = _with_score_text(list(DailyScore.objects.filter(site=site).order_by("-day")[:TREND_DAYS]))
    resolved = Finding.objects.filter(site=site, resolved_at__isnull=False)
    dismissed = Finding.objects.filter(site=site, resolved_at__isnull=True, review=Finding.Review.DISMISSED)
    settings_row = MonitorSettings.for_site(site)
    context = {
        "page_title": site.site_name or site.hostname,
        "site": site,
        "monitor": settings_row,
        "public_url": settings_row.public_base_url(),
        "latest": latest,
        "verdict": verdict(latest.passed if latest else None),
        "score_text": _score_text(latest.score) if latest else "",
        "card": _card_rows(card),
        "running": bool(scans and scans[0].status == Scan.Status.RUNNING),
        "groups": groups,
        "open_total": sum(counts.values()),
        "only_check": only_check,
        "resolved": [
            _with_evidence(f)
            for f in resolved.select_related("reviewed_by").order_by("-resolved_at", "-pk")[:RESOLVED_SHOWN]
        ],
        "resolved_total": resolved.count(),
        "dismissed": [
            _with_evidence(f)
            for f in dismissed.select_related("reviewed_by").order_by("-reviewed_at", "-pk")[:RESOLVED_SHOWN]
        ],
        "dismissed_total": dismissed.count(),
        "scores": scores,
        "chart": trend_chart(f"trend-{site.pk}", scores, today, width=480, height=160, axis=True),
        "scans": scans,
        "shown_limit": FINDINGS_PER_CHECK,
        "next": request.get_full_path(),
    }
    return TemplateResponse(request, "monitoring/site.html", context)


def history_view(request, site_id):
    site = site_or_404(request.user, site_id)
    paginator = Paginator(DailyScore.objects.filter(site=site).order_by("-day"), HISTORY_PER_PAGE)
    page = paginator.get_page(request.GET.get("p"))
    _with_score_text(page.object_list)
    context = {
        "page_title": gettext("Score history: %(site)s") % {"site": site.site_name or site.hostname},
        "site": site,
        "scores_page": page,
    }
    return TemplateResponse(request, "monitoring/site_history.html", context)


# --- actions -------------------------------------------------------------------------------


def _back(request, default):
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return redirect(target)
    return redirect(default)


@require_POST
def scan_now(request, site_id):
    site = site_or_404(request.user, site_id)
    # The task module imports the whole scan machinery: loaded when a scan is asked for.
    from .tasks import SCAN_LEASE, scan_site_task

    running = Scan.objects.filter(
        site=site, status=Scan.Status.RUNNING, started_at__gt=timezone.now() - SCAN_LEASE
    ).exists()
    if running:
        # A second click, or the scheduler got there first: one scan at a time per site.
        messages.info(request, gettext("A scan of this site is already queued or running."))
        return redirect("monitoring:site", site.pk)
    # Written before the task runs, as the scheduler does: the page shows the scan as
    # running at once, and the clock does not queue the same site again meanwhile.
    queued = Scan.objects.create(site=site, trigger=Scan.Trigger.MANUAL, status=Scan.Status.RUNNING)
    scan_site_task.enqueue(site.pk, Scan.Trigger.MANUAL.value, queued.pk)
    messages.success(request, gettext("Added to the scan queue."))
    return redirect("monitoring:site", site.pk)


@require_POST
def review(request, finding_id):
    finding = (
        Finding.objects.filter(pk=finding_id, site__in=visible_sites(request.user).values("pk"))
        .select_related("site")
        .first()
    )
    if finding is None:
        raise Http404(gettext("There is no such finding among the sites you may see."))
    decision = request.POST.get("decision", "")
    if decision not in Finding.Review.values:
        return _bad_request(gettext("Unknown decision: choose confirmed, dismissed or pending."))
    finding.review = decision
    if decision == Finding.Review.PENDING:
        # Back to nobody's judgement: no reviewer is shown for an unreviewed finding.
        finding.reviewed_by, finding.reviewed_at = None, None
    else:
        finding.reviewed_by, finding.reviewed_at = request.user, timezone.now()
    finding.save(update_fields=["review", "reviewed_by", "reviewed_at"])
    done = {
        Finding.Review.CONFIRMED: gettext("Confirmed: %(title)s"),
        Finding.Review.DISMISSED: gettext("Dismissed: %(title)s"),
        Finding.Review.PENDING: gettext("Back to not reviewed: %(title)s"),
    }[decision]
    messages.success(request, done % {"title": finding.title})
    return _back(request, reverse("monitoring:site", args=[finding.site_id]))


# --- downloads -----------------------------------------------------------------------------


def _cluster_table(user):
    header = [
        gettext("Site name"),
        gettext("Hostname"),
        gettext("Score"),
        gettext("Result"),
        gettext("Vetoes"),
        gettext("Warnings"),
        gettext("Open findings"),
        gettext("Last scan"),
    ]
    rows = [
        [
            row.site.site_name,
            row.site.hostname,
            row.score,
            row.verdict,
            "；".join(str(v.get("title", "")) for v in row.vetoes),
            "；".join(str(w.get("title", "")) for w in row.warnings),
            row.open_count,
            _local(row.scanned_at),
        ]
        for row in site_rows(user)
    ]
    return header, rows


def _certainty(finding):
    return finding.get_certainty_display()


def _findings_table(site, check):
    rows = (
        open_findings(site, check)
        .select_related("reviewed_by")
        .order_by("check_id", "certainty", "-last_seen_at", "pk")
    )
    kinds = _kind_labels()
    if check == CheckId.M13:
        header = [
            "链接地址",
            "链接文字",
            "类型",
            "状态",
            "所在页面地址",
            "所在页面标题",
            "内外链",
            "确定/疑似",
            "首次发现",
            "最近发现",
        ]
        body = []
        for f in rows.iterator(chunk_size=500):
            e = f.evidence if isinstance(f.evidence, dict) else {}
            # One row per page linking to the target: the list a person works through.
            parents = [row for row in e.get("parents") or [] if isinstance(row, dict)] or [
                {
                    "url": e.get("parent_url", ""),
                    "title": e.get("parent_title", ""),
                    "text": e.get("text", ""),
                }
            ]
            for parent in parents:
                body.append(
                    [
                        e.get("target") or f.url,
                        parent.get("text", ""),
                        kinds.get(e.get("kind"), e.get("kind", "")),
                        _status_text(e),
                        parent.get("url", ""),
                        parent.get("title", ""),
                        _internal_label(e.get("internal")),
                        _certainty(f),
                        _local(f.first_seen_at),
                        _local(f.last_seen_at),
                    ]
                )
        return header, body
    if check == CheckId.M16:
        header = [
            "类型",
            "词语",
            "建议改为",
            "上下文",
            "所在页面地址",
            "所在页面标题",
            "确认情况",
            "首次发现",
            "最近发现",
        ]
        body = []
        for f in rows.iterator(chunk_size=500):
            e = f.evidence if isinstance(f.evidence, dict) else {}
            body.append(
                [
                    kinds.get(e.get("kind"), e.get("kind", "")),
                    e.get("word", ""),
                    e.get("correction", ""),
                    e.get("context", ""),
                    e.get("parent_url", "") or f.url,
                    e.get("parent_title", ""),
                    f.get_review_display(),
                    _local(f.first_seen_at),
                    _local(f.last_seen_at),
                ]
            )
        return header, body
    header = [
        "检查项",
        "问题",
        "地址",
        "确定/疑似",
        "确认情况",
        "确认人",
        "确认时间",
        "证据",
        "首次发现",
        "最近发现",
    ]
    body = [
        [
            f.get_check_id_display(),
            f.title,
            f.url,
            _certainty(f),
            f.get_review_display(),
            f.reviewed_by.get_username() if f.reviewed_by else "",
            _local(f.reviewed_at),
            json.dumps(f.evidence, ensure_ascii=False, sort_keys=True) if f.evidence else "",
            _local(f.first_seen_at),
            _local(f.last_seen_at),
        ]
        for f in rows.iterator(chunk_size=500)
    ]
    return header, body


def _as_csv(header, rows):
    buffer = io.StringIO()
    buffer.write("\ufeff")  # Excel opens UTF-8 CSV correctly only with a BOM
    writer = csv.writer(buffer)
    writer.writerow([csv_cell(cell) for cell in header])
    for row in rows:
        writer.writerow([csv_cell(cell) for cell in row])
    return buffer.getvalue().encode("utf-8")


def _xlsx_cell(value):
    """A cell of the XLSX: numbers stay numbers; text goes through the CSV guard (a text
    starting with = would otherwise be stored as a formula) and loses the control
    characters XML cannot carry (openpyxl refuses them)."""
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    if isinstance(value, bool) or value is None:
        return csv_cell(value)
    if isinstance(value, (int, float)):
        return value
    return ILLEGAL_CHARACTERS_RE.sub("", csv_cell(value))


def _as_xlsx(header, rows, title):
    from openpyxl import Workbook  # only the downloads need it

    book = Workbook(write_only=True)
    sheet = book.create_sheet(title[:31])
    sheet.append([_xlsx_cell(cell) for cell in header])
    for row in rows:
        sheet.append([_xlsx_cell(cell) for cell in row])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def _download(header, rows, fmt, filename, sheet_title):
    body = _as_csv(header, rows) if fmt == "csv" else _as_xlsx(header, rows, sheet_title)
    response = HttpResponse(body, content_type=CONTENT_TYPES[fmt])
    response["Content-Disposition"] = f'attachment; filename="{filename}.{fmt}"'
    return response


def _format_or_none(fmt):
    return fmt if fmt in EXPORT_FORMATS else None


def export_cluster(request, fmt):
    if _format_or_none(fmt) is None:
        raise Http404(gettext("Downloads are CSV or XLSX."))
    header, rows = _cluster_table(request.user)
    filename = f"monitor-sites-{timezone.localdate():%Y%m%d}"
    return _download(header, rows, fmt, filename, gettext("Site scores"))


def export_site(request, site_id, fmt):
    if _format_or_none(fmt) is None:
        raise Http404(gettext("Downloads are CSV or XLSX."))
    site = site_or_404(request.user, site_id)
    check = request.GET.get("check", "")
    if check and _requested_check(check) is None:
        return _bad_request(gettext("Unknown check: use a check id such as M13."))
    header, rows = _findings_table(site, check or None)
    filename = f"monitor-{site.hostname}-{(check or 'all').lower()}-{timezone.localdate():%Y%m%d}"
    return _download(header, rows, fmt, filename, gettext("Open findings"))
