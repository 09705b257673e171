"""Background tasks of the outbox (Django Tasks API: the database backend and
`manage.py run_worker` by default, RQ on Redis in production)."""

from django_tasks import task

from . import outbox


@task()
def deliver(delivery_id):
    """Deliver one outbox row; a no-op when another worker has it or it is done."""
    status = outbox.run(delivery_id)
    return str(status) if status else None


@task()
def sweep_deliveries():
    """Enqueue rows due for a retry and rows abandoned by a dead worker."""
    return len(outbox.sweep())
