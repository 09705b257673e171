"""Background tasks of the outbox (Django Tasks API: the database backend and
`manage.py run_worker` by default, RQ on Redis in production)."""

import time

from django.utils import timezone
from django_tasks import task

from . import outbox
from .models import Delivery

#: The embedded worker sleeps this long when its queue is empty (run_worker's interval).
IDLE_WAIT_LIMIT = 1.0


@task()
def deliver(delivery_id):
    """Deliver one outbox row; a no-op when another worker has it or it is done."""
    status = outbox.run(delivery_id)
    if status == Delivery.Status.WAITING:
        wait_while_idle(delivery_id, deliver.get_backend())
    return str(status) if status else None


def wait_while_idle(delivery_id, backend, *, limit=IDLE_WAIT_LIMIT, sleep=time.sleep, step=0.1):
    """Keep an idle database worker from sleeping past a check that is due within its
    polling interval.

    A waiting row's next check is a deferred task, so the worker is free for other work.
    But a worker with an empty queue sleeps a whole interval (1 s) before it looks again,
    which would add up to a second to every check of a lone publish. So when the check is
    due within that interval, this returns when it is due, or as soon as another delivery
    (or anything as urgent) is ready, whichever comes first; the worker then picks the next
    task at once. Bulk work queued behind deliveries (search indexing) waits for the check,
    a fraction of a second. Other backends (RQ's scheduler, many workers) are left alone.
    """
    from django_tasks_db.backend import DatabaseBackend
    from django_tasks_db.models import DBTaskResult

    if not isinstance(backend, DatabaseBackend):
        return
    due = (
        Delivery.objects.filter(pk=delivery_id, status=Delivery.Status.WAITING)
        .values_list("next_attempt_at", flat=True)
        .first()
    )
    if due is None:
        return
    ready = DBTaskResult.objects.ready().filter(
        backend_name=backend.alias, priority__gte=outbox.DELIVERY_PRIORITY
    )
    while True:
        left = (due - timezone.now()).total_seconds()
        if left <= 0 or left > limit or ready.exists():
            return
        sleep(min(left, step))


@task()
def sweep_deliveries():
    """Enqueue rows due for a retry and rows abandoned by a dead worker."""
    return len(outbox.sweep())
