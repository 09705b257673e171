"""The outbox under real concurrency: workers in threads, each with its own database
connection, so these tests commit (transactional database)."""

import threading
from collections import Counter

import pytest
from django.db import connection

from channels import outbox
from channels.models import Delivery
from tests.factories import make_article, make_column, make_site

from .transactional import baseline, snapshot  # noqa: F401

pytestmark = pytest.mark.django_db(transaction=True)


def rows(page, **filters):
    return list(Delivery.objects.filter(page=page, **filters).order_by("channel"))


def test_a_row_in_flight_is_not_taken_by_a_second_worker(scripted):
    """Worker A holds the row inside the adapter; worker B, on its own connection, is
    handed the same row and must leave it alone."""
    column = make_column(make_site().home, channels=["wechat"])
    article = make_article(column)
    (row,) = rows(article)  # with autocommit, on_commit ran the task already
    assert row.status == "delivered"
    row_pk = row.pk
    Delivery.objects.filter(pk=row_pk).update(status="pending", attempts=0)
    scripted.calls.clear()
    entered, release = scripted.gate("wechat")
    results = []

    def worker():
        try:
            results.append(outbox.run(row_pk))
        finally:
            connection.close()

    a = threading.Thread(target=worker)
    a.start()
    assert entered.wait(10)
    try:
        assert outbox.run(row_pk) is None  # worker B
    finally:
        release.set()
        a.join(10)
    assert results == ["delivered"]
    assert len(scripted.calls) == 1
    assert Delivery.objects.get(pk=row_pk).attempts == 1


def test_four_workers_racing_over_a_hundred_rows_deliver_each_once(scripted):
    """Every worker is handed every row (as duplicate enqueues and the sweep can do);
    each row still reaches its adapter exactly once."""
    column = make_column(make_site().home, channels=["web", "wechat"])
    articles = [make_article(column) for _ in range(50)]
    ids = list(Delivery.objects.filter(page__in=articles).values_list("pk", flat=True))
    assert len(ids) == 100
    Delivery.objects.filter(pk__in=ids).update(status="pending", attempts=0, state={})
    scripted.calls.clear()
    barrier = threading.Barrier(4)
    errors = []

    def worker(order):
        try:
            barrier.wait(10)
            for pk in order:
                outbox.run(pk)
        except Exception as exc:  # reported in the main thread
            errors.append(exc)
        finally:
            connection.close()

    orders = [ids, ids[::-1], ids[::2] + ids[1::2], ids[50:] + ids[:50]]
    threads = [threading.Thread(target=worker, args=(order,)) for order in orders]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    assert errors == []
    delivered = Counter(c[3] for c in scripted.calls)
    assert sorted(delivered) == sorted(ids)
    assert set(delivered.values()) == {1}
    assert set(Delivery.objects.filter(pk__in=ids).values_list("status", "attempts")) == {("delivered", 1)}
