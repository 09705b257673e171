"""Static publishing under real concurrency: one site's files are rendered and written by
one writer at a time (channels/web/published.exclusive), so a render that read an older
state of the database can never be written after a newer one. Threads with their own
database connections, so these tests commit (transactional database)."""

import threading

import pytest
from django.db import connection

from channels.web import published
from tests.factories import make_site

from .transactional import baseline, snapshot  # noqa: F401

pytestmark = pytest.mark.django_db(transaction=True)


def hold(site_ids, holding, release, log, name):
    try:
        with published.exclusive(site_ids):
            log.append(f"{name} in")
            holding.set()
            release.wait(10)
            log.append(f"{name} out")
    finally:
        connection.close()


def test_a_second_writer_of_the_same_site_waits_for_the_first():
    site = make_site("lock.localhost").site
    log = []
    a_holding, b_holding, release_a, release_b = (threading.Event() for _ in range(4))
    a = threading.Thread(target=hold, args=([site.pk], a_holding, release_a, log, "a"))
    b = threading.Thread(target=hold, args=([site.pk], b_holding, release_b, log, "b"))
    a.start()
    assert a_holding.wait(10)
    b.start()
    # Were the lock missing, b would be in within milliseconds.
    assert not b_holding.wait(0.5)
    release_a.set()
    assert b_holding.wait(10)
    release_b.set()
    a.join(10)
    b.join(10)
    assert log == ["a in", "a out", "b in", "b out"]


def test_writers_of_other_sites_wait_only_on_sqlite():
    """PostgreSQL locks each site's row; SQLite has one lock file for the machine."""
    one, other = make_site("locka.localhost").site, make_site("lockb.localhost").site
    log = []
    a_holding, b_holding, release = threading.Event(), threading.Event(), threading.Event()
    a = threading.Thread(target=hold, args=([one.pk], a_holding, release, log, "a"))
    b = threading.Thread(target=hold, args=([other.pk], b_holding, release, log, "b"))
    a.start()
    assert a_holding.wait(10)
    b.start()
    held_together = b_holding.wait(1)
    release.set()
    a.join(10)
    b.join(10)
    assert held_together == connection.features.has_select_for_update
