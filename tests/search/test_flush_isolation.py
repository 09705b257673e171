"""The suite's isolation of the search index: a transactional test is cleaned up by Django's
flush, which knows the models' tables only; tests/conftest.py empties the backend's own
raw tables with them (post_migrate), or the next module on the worker would find index
rows of pages that no longer exist (it failed the bulk-rebuild comparison in CI once)."""

import pytest

from search.backends import get_backend
from tests.channels.transactional import baseline, snapshot  # noqa: F401 - the database loaded back
from tests.factories import make_article, make_column, make_site

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_transactional_test_indexes_a_page():
    site = make_site("flush.test.localhost")
    page = make_article(make_column(site.home), title="萤石矿区")
    assert page.pk in get_backend().indexed_ids("zh")


def test_the_next_test_finds_no_row_of_it():
    assert get_backend().indexed_ids("zh") == set()
