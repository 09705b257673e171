"""A site's accessibility audit (`manage.py a11y_audit`, and the monitoring work later):
which pages to open, the browser run over them in every mode, the content checks of the
same pages, and the report as CSV and HTML.

The database is read before the browser starts (Playwright's sync API keeps an event loop
on the calling thread, where Django refuses database calls); the pages are then served by
a local server thread unless a base URL of a running site is given."""

import csv
import datetime as dt
import html
from dataclasses import dataclass, field
from pathlib import Path

from django.db import connections
from django.urls import reverse
from wagtail.models import Page, Site

from . import browser, checks, modes

WAP = "wap"


@dataclass
class Target:
    """One page to audit: its path on the site, title and, for content, its findings."""

    path: str
    title: str
    kind: str
    findings: list = field(default_factory=list)


@dataclass
class Row:
    url: str
    title: str
    mode: str
    status: int
    source: str  # "axe" or "content"
    rule: str
    impact: str
    description: str
    where: str
    blocking: bool


def targets_for(site, per_type=3):
    """The site's home page, a few pages of each type, search and the statement page, and
    the WAP versions of the page types; with their content-check findings."""
    root = site.root_page.specific
    pages = [root]
    for model_name in ("columnpage", "articlepage", "topicpage"):
        qs = Page.objects.live().descendant_of(root).filter(content_type__model=model_name).order_by("path")
        pages += [p.specific for p in qs[:per_type]]
    found = []
    for page in pages:
        path = page.get_url_parts()[2] if page.get_url_parts() else None
        if path is None:
            continue
        kind = type(page).__name__
        found.append(Target(path, page.title, kind, checks.check_page(page)))
        found.append(Target("/wap" + path, page.title, WAP + ":" + kind))
    found.append(Target(reverse("search") + "?q=政府", "搜索", "search"))
    found.append(Target("/wap/search/?q=政府", "搜索", WAP + ":search"))
    found.append(Target(reverse("accessibility:statement"), "无障碍说明", "statement"))
    return found


def run(site, base_url=None, audit_modes=None, per_type=3, screenshots=None):
    """Audit `site`: rows for every (page, mode) axe finding and every content finding.
    With `screenshots` (a folder), also save the home page in each mode, on WAP and with
    the toolbar open (docs/accessibility.md shows them)."""
    audit_modes = audit_modes or browser.AUDIT_MODES
    targets = targets_for(site, per_type)
    server = None
    if base_url is None:
        server = _start_server()
        base_url = f"http://{site.hostname}:{server.port}"
    rows = []
    for target in targets:
        for finding in target.findings:
            rows.append(
                Row(
                    base_url + target.path,
                    target.title,
                    "-",
                    0,
                    "content",
                    "content-check",
                    finding.level,
                    finding.message,
                    finding.where,
                    finding.level == checks.ERROR,
                )
            )
    try:
        with browser.chromium(host_rules=[site.hostname]) as chromium:
            script = browser.axe_script()
            context = chromium.new_context(locale="zh-CN")
            page = context.new_page()
            for mode in audit_modes:
                browser.set_mode(context, base_url, mode)
                for target in targets:
                    is_wap = target.kind.startswith(WAP)
                    if is_wap and mode != modes.STANDARD:
                        continue  # the WAP site has one look
                    url = base_url + target.path
                    status, violations = browser.audit_url(page, url, script)
                    label = WAP if is_wap else mode
                    if not violations:
                        rows.append(Row(url, target.title, label, status, "axe", "", "", "", "", False))
                    for v in violations:
                        rows.append(
                            Row(
                                url,
                                target.title,
                                label,
                                status,
                                "axe",
                                v.rule,
                                v.impact,
                                v.help,
                                "; ".join(v.targets[:5]),
                                v.blocking,
                            )
                        )
            if screenshots:
                _screenshots(context, page, base_url, audit_modes, Path(screenshots))
            context.close()
    finally:
        if server is not None:
            server.terminate()
    return rows


def _screenshots(context, page, base_url, audit_modes, folder):
    folder.mkdir(parents=True, exist_ok=True)
    page.set_viewport_size({"width": 1024, "height": 720})
    for mode in audit_modes:
        browser.set_mode(context, base_url, mode)
        page.goto(base_url + "/")
        page.screenshot(path=folder / f"home-{mode}.png")
    browser.set_mode(context, base_url, modes.STANDARD)
    page.goto(base_url + "/wap/")
    page.screenshot(path=folder / "home-wap.png")
    page.goto(base_url + "/")
    page.locator("[data-a11y-open]").click()
    page.locator('[data-a11y="caption"]').click()
    page.locator("main h2").first.hover()
    page.screenshot(path=folder / "home-toolbar.png")
    page.locator('[data-a11y="reset"]').click()
    page.locator('[data-a11y="toggle"]').click()


def _start_server():
    from django.contrib.staticfiles.handlers import StaticFilesHandler
    from django.test.testcases import LiveServerThread

    # The server thread opens its own database connections (none shared with this one).
    server = LiveServerThread("127.0.0.1", StaticFilesHandler, connections_override={}, port=0)
    server.daemon = True
    server.start()
    server.is_ready.wait()
    if server.error:
        raise server.error
    for conn in connections.all():
        conn.close()
    return server


FIELDS = ["url", "title", "mode", "status", "source", "rule", "impact", "description", "where", "blocking"]


def write_csv(rows, path):
    with open(path, "w", newline="", encoding="utf-8-sig") as f:  # BOM: Excel opens it as UTF-8
        writer = csv.writer(f)
        writer.writerow(FIELDS)
        for row in rows:
            writer.writerow([getattr(row, name) for name in FIELDS])


def write_html(rows, path, site):
    problems = [r for r in rows if r.rule]
    blocking = [r for r in problems if r.blocking]
    pages = sorted({(r.url, r.mode) for r in rows if r.source == "axe"})
    esc = html.escape
    body = [
        '<!DOCTYPE html><html lang="zh-Hans"><head><meta charset="utf-8">',
        f"<title>无障碍检测报告 - {esc(site.site_name)}</title>",
        "<style>body{font:16px/1.6 sans-serif;margin:1rem;color:#1f1f1f}table{border-collapse:collapse}"
        "th,td{border:1px solid #767676;padding:.25rem .5rem;text-align:left;vertical-align:top}"
        ".bad{color:#8b1a1a;font-weight:700}</style></head><body><main>",
        f"<h1>无障碍检测报告：{esc(site.site_name)}（{esc(site.hostname)}）</h1>",
        f"<p>检测时间：{dt.datetime.now().strftime('%Y-%m-%d %H:%M')}；检测页面（含模式）{len(pages)} 个；"
        f"问题 {len(problems)} 项，其中严重（serious/critical 或阻止发布的内容问题）"
        f'<span class="bad">{len(blocking)}</span> 项。</p>',
        "<table><caption>问题清单</caption><thead><tr>",
        *[
            f'<th scope="col">{name}</th>'
            for name in ["页面", "模式", "来源", "规则", "级别", "说明", "位置"]
        ],
        "</tr></thead><tbody>",
    ]
    for r in problems:
        cls = ' class="bad"' if r.blocking else ""
        body.append(
            f'<tr><td><a href="{esc(r.url)}">{esc(r.title)}</a></td><td>{esc(r.mode)}</td><td>{esc(r.source)}</td>'
            f"<td>{esc(r.rule)}</td><td{cls}>{esc(r.impact)}</td><td>{esc(r.description)}</td><td>{esc(r.where)}</td></tr>"
        )
    if not problems:
        body.append('<tr><td colspan="7">未发现问题。</td></tr>')
    body.append("</tbody></table></main></body></html>")
    Path(path).write_text("".join(body), encoding="utf-8")


def site_for(hostname):
    site = Site.objects.filter(hostname=hostname).select_related("root_page").first()
    if site is None:
        raise LookupError(f"没有主机名为 {hostname} 的网站")
    return site
