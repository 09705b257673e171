"""Hot search terms (热门搜索): which logged queries the search page, the app API and the
"您是不是要找" fallback may offer to every visitor, and the editors' decisions on them.

Anyone can type a search, so a query is offered only when

1. enough different clients searched it: at least SEARCH_HOT_MIN_CLIENTS (default 3) on
   one day of the window, so one client repeating a search (or a script from one
   address) never makes it hot;
2. it contains no word of the sensitive-word dictionary (sensitive_words.py), unless an
   editor approved it; a term that matches is held for approval and never shown
   automatically;
3. no editor hid it. Hidden terms are never shown, approved or not.

Terms are ranked by client-days (the sum over the window of each day's distinct clients),
then by searches, so repeating a search does not move a term up either.

Counting distinct clients without storing addresses: the database keeps only a number per
query and day (QueryLog.clients). Whether a client was already counted for a query today
is a marker in Django's cache whose key is HMAC-SHA256(day salt, language|query|client),
where the day salt is a random value drawn for the day and kept only in the cache. The
salt and the markers expire when the day ends; nothing links a count to an address, in
the database or, after the day, anywhere. An IPv6 client counts as its /64 network (one
subscriber's allocation), so rotating through one's own IPv6 addresses counts once.
"""

import datetime
import hashlib
import hmac
import ipaddress
import secrets

from django.conf import settings
from django.core.cache import cache
from django.db.models import Max, Sum
from django.utils import timezone

from .analysis import ZH
from .models import HotTerm, QueryLog
from .sensitive_words import matcher

HOT_DAYS = 30
SALT_KEY = "portal_search:hot_salt:{day}"
SEEN_KEY = "portal_search:hot_seen:{day}:{digest}"
# Candidate rows read to fill the list when some are held or hidden: far more than ever
# needed for ten terms.
_SCAN = 200


def min_clients():
    return settings.SEARCH_HOT_MIN_CLIENTS  # a whole number ≥ 1 (system check search.E002)


def client_key(address):
    """What one client is counted as: an IPv4 address, an IPv6 /64 network, or any other
    identifier as given (the caller's own, e.g. a messaging account)."""
    address = (address or "").strip()
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return address
    if ip.version == 6:
        if ip.ipv4_mapped:
            return str(ip.ipv4_mapped)
        return str(ipaddress.ip_network(f"{ip}/64", strict=False))
    return str(ip)


def until_day_ends(day):
    """Seconds until `day` has ended (local time), plus a minute; at least a minute: how
    long a marker about one day's clients is kept."""
    end = timezone.make_aware(datetime.datetime.combine(day + datetime.timedelta(days=1), datetime.time.min))
    return max(60, int((end - timezone.now()).total_seconds()) + 60)


def day_salt(day, key_format=SALT_KEY):
    """A random secret for `day`, kept in the cache until the day ends (None without a
    working cache): the key of the hashes that recognise a client that day without
    storing its address. `key_format` gives each use its own secret."""
    key = key_format.format(day=day.isoformat())
    salt = cache.get(key)
    if salt is None:
        cache.add(key, secrets.token_hex(32), until_day_ends(day))
        salt = cache.get(key)
    return salt


def first_search_today(day, language, query, client):
    """Whether this is the client's first search of `query` on `day` (it is then counted
    once in QueryLog.clients). Without a client, or without a working cache, nobody is
    counted: the term cannot become hot through such searches."""
    key = client_key(client)
    if not key:
        return False
    salt = day_salt(day)
    if salt is None:
        return False
    digest = hmac.new(salt.encode(), f"{language}\x00{query}\x00{key}".encode(), hashlib.sha256).hexdigest()[
        :32
    ]
    return bool(cache.add(SEEN_KEY.format(day=day.isoformat(), digest=digest), 1, until_day_ends(day)))


def _aggregates(language, days):
    since = timezone.localdate() - datetime.timedelta(days=days)
    return (
        QueryLog.objects.filter(language=language, day__gte=since, hits__gt=0)
        .values("query")
        .annotate(total=Sum("count"), client_days=Sum("clients"), peak=Max("clients"))
    )


def hot_terms(language=ZH, limit=10, days=HOT_DAYS):
    """The queries to offer as hot terms, hottest first (see the module's docstring)."""
    hidden = HotTerm.objects.filter(language=language, status=HotTerm.Status.HIDDEN).values("query")
    rows = (
        _aggregates(language, days)
        .filter(peak__gte=min_clients())
        .exclude(query__in=hidden)
        .order_by("-client_days", "-total", "query")[: max(limit * 4, _SCAN)]
    )
    rows = list(rows)
    if not rows:
        return []
    approved = set(
        HotTerm.objects.filter(
            language=language, status=HotTerm.Status.APPROVED, query__in=[r["query"] for r in rows]
        ).values_list("query", flat=True)
    )
    matches = matcher()
    terms = []
    for row in rows:
        if row["query"] in approved or not matches(row["query"]):
            terms.append(row["query"])
            if len(terms) >= limit:
                break
    return terms


# -- the editors' list -------------------------------------------------------------------

SHOWN = "shown"  # shown automatically: enough clients, no sensitive word
APPROVED = "approved"  # shown: approved by an editor (and enough clients)
PENDING = "pending"  # held: enough clients, contains a sensitive word, not yet approved
FEW_CLIENTS = "few_clients"  # not shown: too few different clients so far
HIDDEN = "hidden"  # never shown: hidden by an editor


def state(row, decision, matched, threshold):
    if decision == HotTerm.Status.HIDDEN:
        return HIDDEN
    if row["peak"] < threshold:
        return FEW_CLIENTS
    if decision == HotTerm.Status.APPROVED:
        return APPROVED
    return PENDING if matched else SHOWN


def candidates(language=ZH, days=HOT_DAYS, search="", only=None, limit=1000):
    """The editors' view of the logged queries of the window that found something, most
    clients first: each as a dict of query, total (searches), client_days, peak
    (most clients on one day), matched (dictionary words), decision and state. `only`
    keeps one state. Terms hidden or approved earlier appear even when no longer searched."""
    threshold = min_clients()
    rows = _aggregates(language, days)
    decisions = HotTerm.objects.filter(language=language)
    if search:
        rows = rows.filter(query__contains=search)
        decisions = decisions.filter(query__contains=search)
    if only == PENDING:
        rows = rows.filter(peak__gte=threshold).exclude(query__in=decisions.values("query"))
    elif only in (APPROVED, HIDDEN):
        rows = rows.filter(query__in=decisions.filter(status=only).values("query"))
    decided = dict(decisions.values_list("query", "status"))
    found = []
    seen = set()
    for row in rows.order_by("-client_days", "-total", "query")[:limit]:
        seen.add(row["query"])
        found.append(dict(row))
    for query, status in decided.items():
        if query not in seen and only in (None, status):
            found.append({"query": query, "total": 0, "client_days": 0, "peak": 0})
    matches = matcher()
    out = []
    for row in found:
        row["matched"] = matches(row["query"])
        row["decision"] = decided.get(row["query"])
        row["state"] = state(row, row["decision"], row["matched"], threshold)
        # The approved and hidden lists are the decisions, whatever the counts say now.
        kept = row["decision"] if only in (APPROVED, HIDDEN) else row["state"]
        if only is None or kept == only:
            out.append(row)
    return out


def decide(language, query, status, user=None):
    """Record an editor's decision (HotTerm.Status) on a term, or drop it (status None)."""
    if status is None:
        HotTerm.objects.filter(language=language, query=query).delete()
        return
    HotTerm.objects.update_or_create(
        language=language, query=query, defaults={"status": status, "decided_by": user}
    )
