"""Search's analysis languages (analysis.ZH, analysis.EN) of sites and of Django language
codes: the site → language mapping itself lives in sites.language."""

from sites.language import is_english, site_language

from .analysis import EN, ZH


def analysis_language(site):
    """The analyser of a site's pages and queries: EN on the English portal, ZH elsewhere."""
    return from_django(site_language(site))


def from_django(language):
    """The analysis language of a Django language code."""
    return EN if is_english(language) else ZH


def to_django(language):
    """The Django language code whose translations speak an analysis language."""
    return "en" if language == EN else "zh-hans"
