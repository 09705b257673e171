"""The server-side reading modes (A03, issue 6): standard, 关怀版 (senior), 纯文本 (text
only), 高对比度 (high contrast) and 大字版 (large text). A reader picks one by following a
plain link (no JavaScript needed); the choice is kept in a cookie, and every HTML response
says `Vary: Cookie` so that no cache serves one mode's page to a reader of another."""

import functools
from urllib.parse import urlencode

from django.urls import get_script_prefix, reverse
from django.utils import translation
from django.utils.translation import gettext, pgettext

COOKIE_NAME = "a11y_mode"
COOKIE_MAX_AGE = 365 * 24 * 3600
STANDARD = "standard"
SENIOR = "senior"
TEXT = "text"
CONTRAST = "contrast"
LARGE = "large"
MODES = (STANDARD, SENIOR, TEXT, CONTRAST, LARGE)


def labels():
    """The names of the modes and the chrome around them, in the active language (the
    site's: sites.middleware activates it for every public request). Every public page
    shows them, so they are looked up once per language (and process)."""
    return _labels(translation.get_language())


@functools.cache
def _labels(language):
    with translation.override(language):
        return _label_table()


def _label_table():
    return {
        STANDARD: gettext("Standard"),
        SENIOR: gettext("Senior mode"),
        TEXT: gettext("Text only"),
        CONTRAST: gettext("High contrast"),
        LARGE: gettext("Large text"),
        "nav": gettext("Accessible browsing"),
        "statement": pgettext("link to the accessibility statement", "Accessibility"),
        "toolbar": gettext("Accessibility toolbar"),
        "current": gettext("Current mode"),
    }


def mode_of(request):
    """The reading mode a request asks for: its cookie's value if it names a mode."""
    if request is None:
        return STANDARD
    value = request.COOKIES.get(COOKIE_NAME, "")
    return value if value in MODES else STANDARD


def switch_url(mode, next_path):
    """The link that switches to `mode` and comes back to `next_path`."""
    return _switch_base(mode, get_script_prefix()) + "?" + urlencode({"next": next_path})


@functools.cache
def _switch_base(mode, script_prefix):
    # reverse() reads the current script prefix, part of the key so a prefix change is seen.
    return reverse("accessibility:mode", args=[mode])


def mode_links(request):
    """(mode, label, url, is_current) for each mode, to render as plain links."""
    current = mode_of(request)
    names = labels()
    here = request.get_full_path() if request is not None else "/"
    return [(mode, names[mode], switch_url(mode, here), mode == current) for mode in MODES]
