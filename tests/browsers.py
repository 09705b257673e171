"""Debian's chromium for the browser tests (accessibility, journeys)."""

import os
from contextlib import contextmanager

from accessibility import browser as a11y_browser

ASYNC_UNSAFE = "DJANGO_ALLOW_ASYNC_UNSAFE"


@contextmanager
def chromium(host_rules):
    """A headless chromium mapping `host_rules` to 127.0.0.1. No skip: a missing browser
    fails the tests (CI installs Debian's chromium).

    Playwright's sync API keeps an event loop on the main thread while the browser runs;
    the database calls the tests make between browser steps are ordinary synchronous ones,
    which Django would otherwise refuse there. Allowed only while the browser runs."""
    previous = os.environ.get(ASYNC_UNSAFE)
    os.environ[ASYNC_UNSAFE] = "true"
    try:
        with a11y_browser.chromium(host_rules=host_rules) as browser:
            yield browser
    finally:
        if previous is None:
            os.environ.pop(ASYNC_UNSAFE, None)
        else:
            os.environ[ASYNC_UNSAFE] = previous
