"""Fingerprints of published pages (X04): what the platform served right after a publish,
kept so the tamper check (monitoring.tamper) can tell content changed outside the platform
from content the platform produced.

When the web channel's outbox row for a publish is delivered (the cache has been purged),
`take_fingerprints` renders the page in process through the full middleware stack, as an
anonymous citizen gets it, and keeps the sha256 of its main content region (the `<main>`
element's text and the addresses inside it), the scripts of the whole page (external
addresses and hashes of inline code) and its iframes, with the revision that was live. The
page's lists (channels.web.adapter.list_pages: its column, the home page) are re-taken too,
since a publish changes what they show. A withdraw deletes the page's fingerprint.

The outbox moves a row to `delivered` with a conditional UPDATE (channels.outbox._finish),
which sends no post_save; the subscriber therefore listens to django_tasks' task_finished
of the outbox's `deliver` task, sent by every task backend (immediate, database, RQ) once
the delivery ran, and reads the row's outcome from the database.

settings.MONITOR_FINGERPRINTS (default True) switches the subscriber off (the test settings
do, so the rest of the suite does not render every page twice per publish). A failure is
logged and never reaches the delivery.
"""

import hashlib
import logging
import re
from dataclasses import dataclass, field
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit, urlunsplit

from bs4 import BeautifulSoup
from bs4.element import Comment, Declaration, Doctype, ProcessingInstruction
from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django_tasks import task
from django_tasks.signals import task_finished
from wagtail.models import Page, PageViewRestriction

from channels.models import Delivery
from sites import inprocess

from .fetch import USER_AGENT
from .models import Fingerprint, MonitorSettings

logger = logging.getLogger(__name__)

#: The outbox task whose end tells that a delivery ran (channels.outbox.deliver).
DELIVER_TASK = "channels.outbox.deliver"
WEB_CHANNEL = "web"

#: Attributes holding an address, for the addresses inside the main region.
_ADDRESS_ATTRIBUTES = ("href", "src", "action", "data", "poster")
#: Query parameters of signed media addresses (S3-compatible storage): new on every render.
_SIGNATURE_PARAMS = re.compile(r"^(x-amz-|x-goog-|signature$|expires$|awsaccesskeyid$)", re.IGNORECASE)
#: A CSRF token written into inline code or text: a different one on every render.
_CSRF_VALUE = re.compile(r"(csrf[\w-]*[\"']?\s*[:=]\s*[\"']?)[A-Za-z0-9_-]{16,}", re.IGNORECASE)
_SPACE = re.compile(r"\s+")


def enabled():
    return getattr(settings, "MONITOR_FINGERPRINTS", True)


# -- what a page's HTML comes to ----------------------------------------------------------


@dataclass
class Summary:
    """The comparable parts of one served or rendered page."""

    lines: list = field(default_factory=list)  # the main region's text, one line per text node
    addresses: list = field(default_factory=list)  # the addresses inside the main region
    scripts: dict = field(default_factory=dict)  # key (address or "sha256:…") → short excerpt
    frames: list = field(default_factory=list)
    soup: object = None

    @property
    def digest(self):
        data = "\n".join(self.lines) + "\n\x00\n" + "\n".join(self.addresses)
        return hashlib.sha256(data.encode("utf-8")).hexdigest()


def own_hosts(site, base_url=""):
    """Host names that are this site's own: its Wagtail hostname and its public address's."""
    hosts = {site.hostname.lower()}
    public = base_url or MonitorSettings.for_site(site).public_base_url()
    if urlsplit(public).hostname:
        hosts.add(urlsplit(public).hostname.lower())
    return hosts


def normal_url(value, page_url, hosts):
    """An address as comparable text: resolved against the page, the site's own origin
    dropped (the public address may differ from the one the platform rendered under), and
    the signature of a signed media address left out."""
    value = (value or "").strip()
    if not value or value.startswith(("javascript:", "data:", "mailto:", "tel:")):
        return value[:200]
    parts = urlsplit(urljoin(page_url, value))
    query = parse_qsl(parts.query, keep_blank_values=True)
    if any(_SIGNATURE_PARAMS.match(name) for name, _ in query):
        query = [(name, v) for name, v in query if not _SIGNATURE_PARAMS.match(name)]
        parts = parts._replace(query=urlencode(query))
    if (parts.hostname or "").lower() in hosts:
        parts = parts._replace(scheme="", netloc="")
    return urlunsplit(parts)


def _text(value):
    return _CSRF_VALUE.sub(r"\1", _SPACE.sub(" ", value).strip())


def _main(soup):
    return soup.find("main") or soup.find(id="main") or soup.body or soup


def summarise(html, page_url, hosts):
    """The Summary of a page's HTML. What differs between two renders of one revision (CSP
    nonces, CSRF tokens, whitespace, signed media addresses) is left out."""
    soup = BeautifulSoup(html or "", "html.parser")
    summary = Summary(soup=soup)
    main = _main(soup)
    for token in main.find_all("input", attrs={"name": "csrfmiddlewaretoken"}):
        token.decompose()
    for string in main.find_all(string=True):
        if string.parent is not None and string.parent.name in ("script", "style", "template"):
            continue
        if isinstance(string, (Comment, Declaration, Doctype, ProcessingInstruction)):
            continue
        line = _text(str(string))
        if line:
            summary.lines.append(line)
    for element in main.find_all(True):
        for name in _ADDRESS_ATTRIBUTES:
            if element.has_attr(name):
                summary.addresses.append(
                    f"{element.name}@{name}={normal_url(element[name], page_url, hosts)}"
                )
    for script in soup.find_all("script"):
        if script.get("src"):
            summary.scripts[normal_url(script["src"], page_url, hosts)] = ""
        else:
            code = _text(script.string or script.get_text())
            if code:
                key = "sha256:" + hashlib.sha256(code.encode("utf-8")).hexdigest()
                summary.scripts[key] = code[:200]
    frames = [normal_url(f.get("src", ""), page_url, hosts) for f in soup.find_all(["iframe", "frame"])]
    summary.frames = sorted(set(frames))
    return summary


# -- rendering in process ---------------------------------------------------------------------


def render(page, site=None):
    """(summary, html) of the live page as an anonymous citizen gets it, rendered in
    process through the full middleware stack; None when it does not answer 200."""
    site = site or page.get_site()
    if site is None:
        return None
    path = page.relative_url(site) or "/"
    response = inprocess.get(site, path, user_agent=USER_AGENT)
    if response.status_code != 200:
        logger.warning("Fingerprint of page %s: %s answered %s", page.pk, path, response.status_code)
        return None
    html = response.content.decode(response.charset or "utf-8", errors="replace")
    page_url = f"{'https' if inprocess.site_is_secure(site) else 'http'}://{inprocess.site_host(site)}{path}"
    return summarise(html, page_url, own_hosts(site)), html


def _is_public(page):
    return not PageViewRestriction.objects.filter(page__in=page.get_ancestors(inclusive=True)).exists()


def take(page):
    """Render `page` and keep its Fingerprint. Returns it, or None (the page is not live or
    public, or did not render: a page that is not live loses its fingerprint)."""
    page = Page.objects.filter(pk=page.pk).first()
    if page is None:
        return None
    if not page.live or not _is_public(page):
        Fingerprint.objects.filter(page=page).delete()
        return None
    site = page.get_site()
    rendered = render(page, site)
    if rendered is None:
        return None
    summary, _html = rendered
    path = page.relative_url(site) or "/"
    url = MonitorSettings.for_site(site).public_base_url() + path
    fingerprint, _created = Fingerprint.objects.update_or_create(
        page=page,
        defaults={
            "revision_id": page.live_revision_id,
            "url": url[:1000],
            "digest": summary.digest,
            "scripts": sorted(summary.scripts),
            "frames": summary.frames,
            "taken_at": timezone.now(),
        },
    )
    return fingerprint


@task()
def take_fingerprints(page_ids):
    """Fingerprint the pages `page_ids` (a published page and its lists). Returns how many
    were taken; a page that fails is logged and skipped."""
    taken = 0
    for page in Page.objects.filter(pk__in=page_ids).order_by("path"):
        try:
            if take(page) is not None:
                taken += 1
        except Exception:
            logger.exception("Could not take the fingerprint of page %s", page.pk)
    return taken


# -- the subscriber ----------------------------------------------------------------------


def pages_to_take(page):
    """The page and the pages whose lists show it."""
    from channels.web.adapter import list_pages

    return [page.pk, *list_pages(page).values_list("pk", flat=True)]


def enqueue(page_ids):
    try:
        take_fingerprints.enqueue(list(page_ids))
    except Exception:
        logger.exception("Could not enqueue fingerprints of pages %s", page_ids)


def delivered(delivery):
    """A web delivery ran to the end: fingerprint the published page and its lists, or drop
    a withdrawn page's fingerprint and re-take its lists, once the caller's transaction
    commits."""
    page = Page.objects.filter(pk=delivery.page_id).first()
    if page is None:
        return
    page_ids = pages_to_take(page)
    if delivery.action == Delivery.Action.WITHDRAW:
        Fingerprint.objects.filter(page_id=page.pk).delete()
        page_ids = page_ids[1:]
    if page_ids:
        transaction.on_commit(lambda: enqueue(page_ids))


def on_task_finished(sender, task_result, **kwargs):
    if not enabled():
        return
    try:
        if task_result.task.module_path != DELIVER_TASK or not task_result.args:
            return
        delivery = (
            Delivery.objects.filter(
                pk=task_result.args[0], channel=WEB_CHANNEL, status=Delivery.Status.DELIVERED
            )
            .only("page_id", "action")
            .first()
        )
        if delivery is not None:
            delivered(delivery)
    except Exception:  # the delivery is done; a fingerprint must never undo or fail it
        logger.exception("Fingerprint subscriber failed for %s", getattr(task_result, "id", "?"))


def connect():
    """Subscribe to the outbox's deliveries (MonitoringConfig.ready)."""
    task_finished.connect(on_task_finished, dispatch_uid="monitoring_fingerprints_delivered")
