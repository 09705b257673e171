"""The mode switch (a plain link: sets the cookie, goes back) and the accessibility
statement page (conformance, modes, toolbar keyboard shortcuts, contact)."""

from django.http import Http404, HttpResponseRedirect
from django.shortcuts import render
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET

from sites.language import is_english
from sites.portal import get_portal

from . import modes
from .shortcuts import SHORTCUTS


def _safe_next(request):
    target = request.GET.get("next") or "/"
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=False):
        return "/"
    return target


@require_GET
def set_mode(request, mode):
    if mode not in modes.MODES:
        raise Http404
    response = HttpResponseRedirect(_safe_next(request))
    if mode == modes.STANDARD:
        response.delete_cookie(modes.COOKIE_NAME, samesite="Lax")
    else:
        response.set_cookie(
            modes.COOKIE_NAME,
            mode,
            max_age=modes.COOKIE_MAX_AGE,
            samesite="Lax",
            secure=request.is_secure(),
            httponly=True,
        )
    # A preference change is never cached.
    response["Cache-Control"] = "no-store"
    return response


@require_GET
def statement(request):
    portal = get_portal(request)
    if portal.site is None:
        raise Http404
    english = is_english(translation.get_language())
    return render(
        request,
        "accessibility/statement.html",
        {"shortcuts": [(keys, en if english else zh) for keys, zh, en in SHORTCUTS], "english": english},
    )
