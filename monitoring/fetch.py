"""The monitor's one HTTP client: every request a scan sends goes through a Fetcher, which
keeps the site's request rate, a time limit per request, a bounded body size, and counts
what it sent (the scan command prints the rate).

MONITOR_RESOLVE (dev and test settings) maps host patterns to an address the way curl's
--resolve does: the demo's and the tests' sites are named *.localhost, which the system
resolver does not know, so the request goes to 127.0.0.1 with the site's name in its Host
header, and the platform routes it to the right site as it would a citizen's.
"""

import codecs
import fnmatch
import threading
import time
from dataclasses import dataclass, field
from urllib.parse import urlsplit, urlunsplit

import requests
from django.conf import settings

USER_AGENT = "PortalClusterMonitor/1.0 (+docs/monitoring.md)"
#: A page larger than this is cut: enough for any real page, bounded against a hostile one.
MAX_BODY = 5 * 1024 * 1024


@dataclass
class Fetched:
    url: str
    status: int | None = None
    text: str = ""
    content_type: str = ""
    elapsed_ms: int = 0
    error: str = ""
    headers: dict = field(default_factory=dict)

    @property
    def ok(self):
        return self.status is not None and 200 <= self.status < 400

    @property
    def is_html(self):
        return "html" in self.content_type


def _charset(content_type):
    """The charset the Content-Type names, UTF-8 when it names none (requests would guess
    ISO-8859-1 for text/*, which garbles every Chinese page that omits it)."""
    for part in content_type.split(";")[1:]:
        name, _, value = part.strip().partition("=")
        if name.lower() == "charset" and value.strip('"'):
            try:
                return codecs.lookup(value.strip('"')).name
            except LookupError:
                break
    return "utf-8"


def _resolved(url):
    """(url to connect to, Host header or None) after MONITOR_RESOLVE."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    for pattern, address in getattr(settings, "MONITOR_RESOLVE", {}).items():
        if fnmatch.fnmatch(host, pattern):
            netloc = address + (f":{parts.port}" if parts.port else "")
            return urlunsplit(parts._replace(netloc=netloc)), parts.netloc
    return url, None


class Fetcher:
    """Requests to one site at no more than `rate` per second, shared by the scan's threads."""

    def __init__(self, rate, timeout=None):
        self.interval = 1.0 / rate if rate and rate > 0 else 0.0
        self.timeout = timeout or settings.MONITOR_REQUEST_TIMEOUT
        self.requests = 0
        self._lock = threading.Lock()
        self._next = 0.0
        self._local = threading.local()

    def _session(self):
        session = getattr(self._local, "session", None)
        if session is None:
            session = self._local.session = requests.Session()
            session.headers["User-Agent"] = USER_AGENT
        return session

    def _wait_turn(self):
        with self._lock:
            now = time.monotonic()
            start = max(now, self._next)
            self._next = start + self.interval
            self.requests += 1
        if start > now:
            time.sleep(start - now)

    def get(self, url, *, timeout=None, body=True):
        """GET `url` (following redirects); never raises: a failure is in `error`. With
        body=False only the status and headers are read (links to files)."""
        self._wait_turn()
        target, host = _resolved(url)
        headers = {"Host": host} if host else {}
        started = time.monotonic()
        try:
            with self._session().get(
                target, headers=headers, timeout=timeout or self.timeout, stream=True, allow_redirects=True
            ) as response:
                content_type = response.headers.get("Content-Type", "")
                text = ""
                if body and ("html" in content_type or "text" in content_type):
                    raw = response.raw.read(MAX_BODY, decode_content=True)
                    text = raw.decode(_charset(content_type), errors="replace")
                return Fetched(
                    url=url,
                    status=response.status_code,
                    text=text,
                    content_type=content_type,
                    elapsed_ms=int((time.monotonic() - started) * 1000),
                    headers=dict(response.headers),
                )
        except requests.Timeout:
            error = "timeout"
        except requests.RequestException as exc:
            error = type(exc).__name__
        return Fetched(url=url, error=error, elapsed_ms=int((time.monotonic() - started) * 1000))
