"""The language a site speaks: the Django language code of its profile's locale ('en' for
the English portal, 'zh-hans' for every other site). The one place that maps a site to
its language; the middleware activates it for public requests, and code that works
outside a request (indexing, push, search of another site) asks here."""

from .models import SiteLocale, SiteProfile

DEFAULT_LANGUAGE = SiteLocale.ZH.value


def profile_language(profile):
    """The Django language code of a SiteProfile (None: the cluster's default, Chinese)."""
    if profile is not None and profile.locale == SiteLocale.EN:
        return SiteLocale.EN.value
    return DEFAULT_LANGUAGE


def site_language(site):
    """The Django language code of a Wagtail site (None: Chinese)."""
    return profile_language(SiteProfile.for_site(site) if site is not None else None)


def is_english(language):
    """Whether a Django language code (the active one, say) is English."""
    return (language or "").startswith("en")
