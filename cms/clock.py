"""The clock of the background work: enqueues the periodic tasks named by dotted path in
settings.PERIODIC_TASKS (scheduled publishing, the outbox's sweep, …), so this module
knows none of the apps whose tasks it runs.

The embedded worker (`manage.py run_worker`) runs the clock in a thread beside the
database worker; with RQ workers in production, `manage.py run_clock` runs it alone
(exactly one clock per installation).
"""

import threading

from django.conf import settings
from django.utils.module_loading import import_string


def periodic_tasks():
    return [import_string(path) for path in settings.PERIODIC_TASKS]


def tick(stop: threading.Event, interval: float):
    """Enqueue every periodic task each `interval` seconds until `stop` is set."""
    tasks = periodic_tasks()
    while not stop.is_set():
        for task in tasks:
            task.enqueue()
        stop.wait(interval)
