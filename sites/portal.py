"""The site a public request is for, as every page template needs it: the Wagtail site,
its profile (P01/P04 identity), its home page and an accessible theme."""

import re
from dataclasses import dataclass

from wagtail.models import Page, Site

from .models import SiteProfile

WHITE = "#ffffff"
BLACK = "#000000"
MIN_CONTRAST = 4.5


@dataclass
class Portal:
    """What every public page needs to know about the site it is served for."""

    site: Site | None
    profile: SiteProfile | None
    root: Page | None

    @property
    def lang(self):
        """The html lang attribute (BCP 47: zh-Hans, en)."""
        locale = self.profile.locale if self.profile else "zh-hans"
        return "zh-Hans" if locale == "zh-hans" else locale

    @property
    def name(self):
        return self.site.site_name if self.site else ""

    @property
    def host_organisation(self):
        if self.profile is None:
            return ""
        if self.profile.is_english and self.profile.host_organisation_en:
            return self.profile.host_organisation_en
        return self.profile.host_organisation

    @property
    def theme(self):
        return theme_colours(self.profile.theme_colour if self.profile else "#b5121b")


def get_portal(request):
    """The request's site, its profile and its root page, looked up once per request."""
    if request is None:
        return Portal(None, None, None)
    cached = getattr(request, "_portal", None)
    if cached is not None:
        return cached
    site = Site.find_for_request(request)
    profile = root = None
    if site is not None:
        # for_request caches on the request, sharing the lookup with {{ settings.cluster... }}.
        profile = SiteProfile.for_request(request)
        root = site.root_page
    request._portal = portal = Portal(site, profile, root)
    return portal


def _relative_luminance(hex_colour):
    channels = []
    for i in (1, 3, 5):
        c = int(hex_colour[i : i + 2], 16) / 255
        channels.append(c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4)
    r, g, b = channels
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast_ratio(a, b):
    """WCAG 2 contrast ratio of two #rrggbb colours."""
    la, lb = sorted((_relative_luminance(a), _relative_luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def _darken(hex_colour, factor):
    return "#" + "".join(f"{round(int(hex_colour[i : i + 2], 16) * factor):02x}" for i in (1, 3, 5))


def theme_colours(theme):
    """The theme colour, the text colour to put on it, and an "ink" variant for theme-coloured
    text on white: both pairs keep a contrast of at least 4.5:1 (WCAG AA) whatever colour
    an editor chooses."""
    theme = theme.lower() if re.fullmatch(r"#[0-9a-fA-F]{6}", theme or "") else "#b5121b"
    # White where it passes (the usual look of a government portal); otherwise black, which
    # then always passes: no colour is below 4.5:1 against both.
    on = WHITE if contrast_ratio(theme, WHITE) >= MIN_CONTRAST else BLACK
    ink = theme
    factor = 1.0
    while contrast_ratio(ink, WHITE) < MIN_CONTRAST:
        factor -= 0.05
        ink = _darken(theme, factor)
    return {"bg": theme, "on": on, "ink": ink}
