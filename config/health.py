"""The platform's health endpoint, GET/HEAD /healthz/ (docs/deploy.md): nginx, the load
balancer and monitoring ask it whether this application server can serve.

It checks the infrastructure the settings wire together, so it lives beside them in
config/: the default database (a trivial query), the default cache (set, get and delete a
random key) and the task queue of the default TASKS backend, checked by the function
HEALTH_QUEUE_CHECKS names for that backend's class (RQ: PING and the queues' lengths on
their Redis connection; the database backend: a count of its ready tasks).

The answer is JSON, 200 when every check passes and 503 when one fails. A check that
raises is a failed check named by its exception class only: no message, host name or
secret reaches the answer (the log has the details).

HealthCheckMiddleware, first in MIDDLEWARE, answers the path before every other
middleware: a probe then needs no allowed Host header, is never redirected to HTTPS, sets
no cookie, is not counted by django-axes, and still gets its 503 when the database is down
(the site-locale middleware asks the database for the request's site)."""

import logging
import secrets
import time

from django.conf import settings
from django.core.cache import DEFAULT_CACHE_ALIAS, caches
from django.core.exceptions import ImproperlyConfigured
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import Count
from django.http import HttpResponseNotAllowed, JsonResponse
from django.urls import path
from django.utils.module_loading import import_string

logger = logging.getLogger(__name__)

# The path HealthCheckMiddleware answers; config/urls.py includes this module there too.
HEALTH_PATH = "/healthz/"


class UnexpectedResult(Exception):
    """A service answered, but not what the check wrote or asked for."""


def check_database(connection=None):
    """A trivial query on the connection (the default one unless given)."""
    if connection is None:
        connection = connections[DEFAULT_DB_ALIAS]
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        row = cursor.fetchone()
    if tuple(row or ()) != (1,):
        raise UnexpectedResult
    return {}


def check_cache(cache=None):
    """Set, read back and delete a random key in the cache (the default one unless given)."""
    if cache is None:
        cache = caches[DEFAULT_CACHE_ALIAS]
    key = f"healthz:{secrets.token_hex(8)}"
    value = secrets.token_hex(8)
    cache.set(key, value, timeout=30)
    found = cache.get(key)
    cache.delete(key)
    if found != value:
        raise UnexpectedResult
    return {}


def check_queue(backend=None):
    """The task queue of the TASKS backend (the default one unless given), by the check
    HEALTH_QUEUE_CHECKS names for its class or a base class."""
    if backend is None:
        from django_tasks import DEFAULT_TASK_BACKEND_ALIAS, task_backends

        backend = task_backends[DEFAULT_TASK_BACKEND_ALIAS]
    return _queue_check_for(backend)(backend)


def _queue_check_for(backend):
    for backend_path, check_path in settings.HEALTH_QUEUE_CHECKS.items():
        try:
            backend_class = import_string(backend_path)
        except ImportError:
            continue  # a backend whose package this installation does not have
        if isinstance(backend, backend_class):
            return import_string(check_path)
    raise ImproperlyConfigured(f"HEALTH_QUEUE_CHECKS has no check for {type(backend).__name__}")


def rq_queue(backend):
    """RQ (django-tasks-rq): PING each queue's Redis connection and count its jobs."""
    import django_rq

    lengths = {}
    for name in sorted(backend.queues):
        queue = django_rq.get_queue(name)
        if not queue.connection.ping():
            raise UnexpectedResult
        lengths[name] = queue.count
    return {"backend": "rq", "length": sum(lengths.values()), "queues": lengths}


def database_queue(backend):
    """The database backend (django-tasks-db): count its tasks ready to run, per queue."""
    from django_tasks_db.models import DBTaskResult

    rows = (
        DBTaskResult.objects.ready()
        .filter(backend_name=backend.alias)
        .order_by()
        .values_list("queue_name")
        .annotate(n=Count("pk"))
    )
    lengths = dict(sorted(rows))
    return {"backend": "database", "length": sum(lengths.values()), "queues": lengths}


def inline_queue(backend):
    """The immediate backend runs each task as it is enqueued: there is no queue."""
    return {"backend": "immediate", "length": 0, "queues": {}}


CHECKS = {"database": check_database, "cache": check_cache, "queue": check_queue}


def run_check(name, check):
    """One check's entry in the answer: ok, its time in ms and what it reports; a check
    that raises failed, named by its exception's class."""
    start = time.perf_counter()
    try:
        details = check() or {}
    except Exception as exc:
        logger.warning("Health check %s failed", name, exc_info=True)
        return {"ok": False, "ms": _ms_since(start), "error": type(exc).__name__}
    return {"ok": True, "ms": _ms_since(start), **details}


def _ms_since(start):
    return round((time.perf_counter() - start) * 1000, 1)


def health_response(checks, *, head=False):
    """The answer for these checks (name → function): 200 if all pass, 503 otherwise."""
    results = {name: run_check(name, check) for name, check in checks.items()}
    ok = all(result["ok"] for result in results.values())
    response = JsonResponse({"status": "ok" if ok else "fail", "checks": results}, status=200 if ok else 503)
    response["Cache-Control"] = "no-store"
    if head:
        response.content = b""
    return response


def healthz(request):
    if request.method not in ("GET", "HEAD"):
        return HttpResponseNotAllowed(["GET", "HEAD"])
    return health_response(CHECKS, head=request.method == "HEAD")


class HealthCheckMiddleware:
    """Answers HEALTH_PATH itself, so none of the middleware below it runs for a probe
    (first in MIDDLEWARE: config/settings/base.py)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path_info == HEALTH_PATH:
            return healthz(request)
        return self.get_response(request)


# include()d by config/urls.py at healthz/: the same view, should the middleware be left out.
urlpatterns = [path("", healthz, name="healthz")]
