"""Audits in a real browser (A07): pages opened in headless Chromium (Debian's `chromium`
package, driven by Playwright; never a browser download) and checked with axe-core, taken
from the pinned axe-playwright-python package. Used by the browser tests, by
`manage.py a11y_audit` and for the screenshots in docs/accessibility.md.

Playwright and axe are test/audit tools (requirements-dev.txt), imported only here and
only when a browser is started."""

import os
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from . import modes

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
# Impacts that fail an audit; "moderate" and "minor" findings are reported only.
BLOCKING_IMPACTS = ("serious", "critical")
AXE_OPTIONS = {
    "runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]},
    "resultTypes": ["violations"],
}
# Where the page variants of the audit are reached: the reading modes by cookie, the WAP
# site by its own addresses.
AUDIT_MODES = [modes.STANDARD, modes.CONTRAST, modes.TEXT, modes.SENIOR, modes.LARGE]


class BrowserUnavailable(RuntimeError):
    pass


def axe_script():
    try:
        from axe_playwright_python.base import AXE_FILE_PATH
    except ImportError as error:  # pragma: no cover - depends on the installation
        raise BrowserUnavailable(
            "没有安装 axe-playwright-python（pip install -r requirements-dev.txt）"
        ) from error
    return Path(AXE_FILE_PATH).read_text(encoding="utf-8")


@dataclass
class Violation:
    rule: str
    impact: str
    help: str
    help_url: str
    targets: list = field(default_factory=list)

    @property
    def blocking(self):
        return self.impact in BLOCKING_IMPACTS


@contextmanager
def chromium(host_rules=None):
    """A headless Chromium from the system package; `host_rules` maps hostnames to
    127.0.0.1 (a site's real hostname served by a local server)."""
    try:
        from playwright.sync_api import sync_playwright
    except ImportError as error:  # pragma: no cover - depends on the installation
        raise BrowserUnavailable("没有安装 playwright（pip install -r requirements-dev.txt）") from error
    if not Path(CHROMIUM).exists():
        raise BrowserUnavailable(f"找不到浏览器 {CHROMIUM}：请安装 Debian 的 chromium 软件包")
    args = ["--disable-gpu", "--disable-dev-shm-usage"]
    if host_rules:
        args.append("--host-resolver-rules=" + ", ".join(f"MAP {h} 127.0.0.1" for h in host_rules))
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=args)
        try:
            yield browser
        finally:
            browser.close()


def set_mode(context, base_url, mode):
    """Put the reading-mode cookie for `mode` into a browser context (standard: none)."""
    context.clear_cookies(name=modes.COOKIE_NAME, domain=urlsplit(base_url).hostname)
    if mode != modes.STANDARD:
        context.add_cookies([{"name": modes.COOKIE_NAME, "value": mode, "url": base_url}])


def run_axe(page, script=None):
    """axe-core's violations on the page as it is now."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        # Evaluated through the DevTools protocol, which the page's Content-Security-Policy
        # does not govern; an added <script> element would be refused (script-src 'self').
        page.evaluate((script or axe_script()) + "\n;undefined")
    results = page.evaluate("options => axe.run(document, options)", AXE_OPTIONS)
    return [
        Violation(
            rule=v["id"],
            impact=v.get("impact") or "minor",
            help=v["help"],
            help_url=v["helpUrl"],
            targets=[", ".join(map(str, node["target"])) for node in v["nodes"]],
        )
        for v in results["violations"]
    ]


def audit_url(page, url, script=None):
    """Open `url` and audit it: (HTTP status, violations)."""
    response = page.goto(url, wait_until="load")
    return (response.status if response else 0), run_axe(page, script)
