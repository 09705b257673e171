"""System check of the search settings, run at start-up:

search.E001  SEARCH_BACKEND does not import, or is not a search backend
search.E002  SEARCH_HOT_MIN_CLIENTS is not a whole number of at least 1
"""

from django.conf import settings
from django.core.checks import Error
from django.utils.module_loading import import_string

from .backends.base import SearchBackend


def search_backend(app_configs=None, **kwargs):
    path = getattr(settings, "SEARCH_BACKEND", "")
    try:
        backend = import_string(path)
    except ImportError as exc:
        problem = f"does not import: {exc}"
    else:
        if isinstance(backend, type) and issubclass(backend, SearchBackend):
            return []
        problem = "is not a search backend"
    return [
        Error(
            f"SEARCH_BACKEND = {path!r} {problem}.",
            hint="Name a subclass of search.backends.base.SearchBackend, e.g. "
            "search.backends.sqlite.SQLiteBackend (docs/search.md).",
            id="search.E001",
        )
    ]


def hot_terms_settings(app_configs=None, **kwargs):
    value = settings.SEARCH_HOT_MIN_CLIENTS
    if isinstance(value, int) and not isinstance(value, bool) and value >= 1:
        return []
    return [
        Error(
            f"SEARCH_HOT_MIN_CLIENTS = {value!r} is not a whole number of at least 1.",
            hint="How many different clients must search a term on one day before it is "
            "offered as a hot search term (search/hot_terms.py); the default is 3.",
            id="search.E002",
        )
    ]
