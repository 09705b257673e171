"""One scan of one site: runs every check named in settings.MONITOR_CHECKS against a
ScanContext, then keeps what they found (monitoring.findings), scores the site
(monitoring.scoring) and raises or closes its alerts (monitoring.alerts).

A check is a function `check(ctx)`. It reads the content model in the calling thread and
fetches over HTTP through `ctx.fetch` / `ctx.map`; the threads of `ctx.map` must not touch
the database (a test's transaction and SQLite's single writer both need that), so a check
prepares its rows first and hands only URLs to the threads.
"""

import logging
import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from urllib.parse import urljoin, urlsplit

from django.conf import settings
from django.utils import timezone
from django.utils.module_loading import import_string
from wagtail.models import Page

from . import findings as finding_store
from .fetch import Fetcher
from .models import Finding, MonitorSettings, Scan

logger = logging.getLogger(__name__)


@dataclass
class Report:
    """One finding as a check reports it (monitoring.findings stores it)."""

    check_id: str
    key: str
    title: str
    url: str = ""
    page_id: int | None = None
    certainty: str = Finding.Certainty.CERTAIN
    evidence: dict = field(default_factory=dict)


class ScanContext:
    """What a check gets: the site, its public address, the rate-limited fetcher with a
    per-scan cache of served pages, the live pages and where to put findings and figures."""

    def __init__(self, site, *, now=None, fetcher=None):
        self.site = site
        self.settings = MonitorSettings.for_site(site)
        self.base_url = self.settings.public_base_url()
        self.now = now or timezone.now()
        self.today = timezone.localdate(self.now)
        self.fetcher = fetcher or Fetcher(self.settings.requests_per_second)
        self.reports = []
        # Checks that ran to the end: only their old findings may be resolved.
        self.completed = set()
        # Figures a check hands to the scorecard, by check id (e.g. M01's failure rate).
        self.figures = {}
        self._served = {}
        self._lock = threading.Lock()
        self._pages = None

    # -- addresses and pages --------------------------------------------------------------

    def url_of(self, page):
        """The page's public address under the site's base URL."""
        path = page.relative_url(self.site) or "/"
        return urljoin(self.base_url + "/", path.lstrip("/"))

    def is_internal(self, url):
        return urlsplit(url).netloc == urlsplit(self.base_url).netloc

    def pages(self):
        """[(page, url)] of the site's live public pages, the home page first, in tree order."""
        if self._pages is None:
            root = self.site.root_page
            pages = (
                Page.objects.live().public().descendant_of(root, inclusive=True).order_by("path").specific()
            )
            self._pages = [(page, self.url_of(page)) for page in pages]
        return self._pages

    # -- fetching -------------------------------------------------------------------------

    def fetch(self, url, **kwargs):
        """The served page at `url`, fetched once per scan (every check shares it)."""
        with self._lock:
            if url in self._served:
                return self._served[url]
        fetched = self.fetcher.get(url, **kwargs)
        with self._lock:
            self._served.setdefault(url, fetched)
        return fetched

    def fetched_urls(self):
        """The addresses this scan has fetched so far (another check's pages)."""
        with self._lock:
            return set(self._served)

    def map(self, function, items):
        """function(item) for each item on MONITOR_CONCURRENCY threads, results in order.
        `function` must not use the database."""
        items = list(items)
        if not items:
            return []
        with ThreadPoolExecutor(max_workers=settings.MONITOR_CONCURRENCY) as pool:
            return list(pool.map(function, items))

    # -- results --------------------------------------------------------------------------

    def report(self, check_id, key, title, **kwargs):
        page = kwargs.pop("page", None)
        if page is not None:
            kwargs["page_id"] = page.pk
        self.reports.append(
            Report(check_id=str(check_id), key=str(key)[:255], title=str(title)[:300], **kwargs)
        )

    def done(self, check_id):
        self.completed.add(str(check_id))


def checks():
    return [import_string(path) for path in settings.MONITOR_CHECKS]


def scan_site(site, *, trigger=Scan.Trigger.SCHEDULE, now=None, fetcher=None, scan=None):
    """Scan `site`: run the checks, keep the findings, score and alert. Returns the Scan
    (`scan`, a row the scheduler wrote when it queued this scan, or a new one)."""
    from . import alerts, scoring

    ctx = ScanContext(site, now=now, fetcher=fetcher)
    if scan is None:
        scan = Scan.objects.create(site=site, trigger=trigger, started_at=ctx.now)
    else:
        scan.started_at, scan.trigger = ctx.now, trigger
    for check in checks():
        try:
            check(ctx)
        except Exception as exc:  # one broken check must not lose the others' results
            logger.exception("monitor check %s failed on %s", check.__module__, site)
            scan.error += f"{check.__module__}: {type(exc).__name__}: {exc}\n"
    finding_store.keep(ctx, scan)
    card = scoring.scorecard(site, ctx)
    scan.result = card
    scan.score = card["score"]
    scan.passed = card["passed"]
    scan.requests = ctx.fetcher.requests
    scan.finished_at = timezone.now()
    scan.status = Scan.Status.DONE
    scan.save()
    scoring.keep_daily(site, ctx.today, card)
    alerts.raise_and_close(site, card)
    return scan


def monitored_sites():
    """The sites whose monitor is enabled, in the order of their hostnames."""
    from wagtail.models import Site

    return [
        site
        for site in Site.objects.select_related("root_page").order_by("hostname", "port")
        if MonitorSettings.for_site(site).enabled
    ]
