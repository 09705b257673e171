"""Index backends behind one interface; settings.SEARCH_BACKEND names the class."""

import functools

from django.conf import settings
from django.utils.module_loading import import_string


@functools.cache
def _backend_for(path):
    return import_string(path)()


def get_backend(path=None):
    """The configured backend (one instance per dotted path and process)."""
    return _backend_for(path or settings.SEARCH_BACKEND)
