"""The page-view beacon's endpoint (M22): POST /_pv/ with the body `p=<page id>`, sent by
static/js/pageview.js with navigator.sendBeacon from every public page.

It answers 204 and stores one more view of that page today (monitoring.analytics), or
refuses: a malformed body is a 400, a page that is not a live public page of the site the
request came to is a 404, a request another site's page sent is a 403. Crawlers and other
non-browsers (by their User-Agent) and prefetches get their 204 without being counted.

It sets no cookie: it is exempt from CSRF (no token cookie is issued), never reads the
session or the user, and the address only feeds the day's keyed-hash allowance
(analytics.within_allowance), which lives in the cache until the day ends.
"""

import re
from urllib.parse import urlsplit

from django.http import HttpResponse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST
from wagtail.models import Site

from sites.client_address import client_address

from . import analytics

# The beacon's whole body: `p=` and a page id. Anything longer is no beacon.
_BODY = re.compile(rb"p=([1-9][0-9]{0,9})\Z")
MAX_BODY = 64


def _answer(status):
    response = HttpResponse(status=status)
    # A count must reach the server each time: no cache on the way may answer for it.
    response["Cache-Control"] = "no-store"
    return response


def _cross_site(request):
    """Whether the browser says another site sent this request (Sec-Fetch-Site, or an
    Origin naming another host): a page elsewhere must not count views here."""
    fetch_site = request.headers.get("Sec-Fetch-Site", "")
    if fetch_site and fetch_site not in ("same-origin", "none"):
        return True
    origin = request.headers.get("Origin", "")
    if origin and origin != "null":
        host = urlsplit(f"//{request.get_host()}").hostname or ""
        return (urlsplit(origin).hostname or "") != host
    return False


@csrf_exempt
@require_POST
def count_view(request):
    length = request.headers.get("Content-Length") or "0"
    if not (length.isascii() and length.isdigit()) or int(length) > MAX_BODY:
        return _answer(400)
    match = _BODY.match(request.body[: MAX_BODY + 1].strip())
    if match is None:
        return _answer(400)
    if _cross_site(request):
        return _answer(403)
    page_id = int(match.group(1))
    if page_id > 2**31 - 1:  # beyond any primary key: no database round trip, no error
        return _answer(404)
    site = Site.find_for_request(request)
    page = analytics.countable_page(site, page_id)
    if page is None:
        return _answer(404)
    prefetch = request.headers.get("Sec-Purpose", "") or request.headers.get("Purpose", "")
    if analytics.is_bot(request.headers.get("User-Agent", "")) or "prefetch" in prefetch:
        return _answer(204)
    day = timezone.localdate()
    if analytics.within_allowance(day, page.pk, client_address(request)):
        analytics.add_view(page, site, day)
    return _answer(204)
