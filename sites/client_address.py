"""The client's address: the one way every limit reads it (login lockout, the app API's
throttles, the interview question limit).

Without proxies (`TRUSTED_PROXY_COUNT = 0`, the embedded setup) it is REMOTE_ADDR and any
X-Forwarded-For is ignored: a client cannot choose its own address. Behind N trusted
proxies (nginx in production) it is the N-th address from the right of X-Forwarded-For:
each proxy appends the address it saw, so a forged header can only add entries on the
left, never move the real one.
"""

from django.conf import settings


def client_address(request):
    remote = request.META.get("REMOTE_ADDR", "") or ""
    proxies = int(getattr(settings, "TRUSTED_PROXY_COUNT", 0) or 0)
    if proxies <= 0:
        return remote
    forwarded = [
        part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()
    ]
    if not forwarded:
        return remote
    # Fewer entries than proxies: the nearest proxy's view is the leftmost there is.
    return forwarded[-min(proxies, len(forwarded))]
