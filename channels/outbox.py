"""The outbox: signal receivers that record deliveries, the delivery loop, and its tasks.

Every publish path (admin, scheduled publishing, workflow approval, import, API) ends in
Wagtail's page_published / page_unpublished signals. The receivers here write one Delivery
row per channel of the page's column in the publish's own transaction and enqueue the
delivery task only once that transaction commits (a task must never look for a row that
is not there yet). `run()` claims a row with a conditional UPDATE, so whatever enqueues it
twice (a duplicate signal, the sweep, an editor's retry, two workers), the adapter runs
once per attempt.

A channel that accepts work and finishes it later (WeChat reviews a submitted article)
raises DeliveryPending: the row goes to `waiting` and a deferred task checks again after
the adapter's delay, so the worker is free for other deliveries meanwhile. Checks of a
waiting row do not count as attempts.

The tasks (Django Tasks API: the database backend and `manage.py run_worker` by default,
RQ on Redis in production) are defined here too, with the loop they drive: `deliver` runs
one row, `sweep_deliveries` (the worker's clock) enqueues rows that are due.

The internal search index has no channel here: search/signals.py already re-indexes on
publish and unpublish, and a second, outbox-driven indexing would do the work twice.

Tunables (config/settings/base.py): CHANNEL_MAX_ATTEMPTS, CHANNEL_RETRY_BASE_SECONDS,
CHANNEL_RETRY_MAX_SECONDS, CHANNEL_LEASE_SECONDS, CHANNEL_SWEEP_GRACE_SECONDS, read at
call time.
"""

import logging
import time
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Case, F, Q, When
from django.utils import timezone
from django_tasks import task
from wagtail.signals import page_published, page_unpublished

from cms.items import RENDERED_CHANNELS, is_item
from cms.pages import ColumnPage

from .adapters import DeliveryError, DeliveryPending, get_adapter
from .models import Delivery

logger = logging.getLogger(__name__)

DELIVERY_PRIORITY = 10
#: The queue deliveries go to where the backend has it (RQ in production, whose workers take
#: it before "default"); backends without it use their default queue and `priority`.
DELIVERY_QUEUE = "deliveries"
#: The embedded worker sleeps this long when its queue is empty (run_worker's interval).
IDLE_WAIT_LIMIT = 1.0


# --- which channels -------------------------------------------------------------------


def channels_for(page):
    """The configured channels a page goes to: a delivered item (its type's item_channels
    is ALL_CHANNELS) follows its column's `channels`; a column or topic under a column goes
    to that column's web/WAP renderings; pages outside any column (home pages, top-level
    topics) go to the web. A channel chosen on a column without a configured adapter is
    skipped here; the system check channels.W001 names it once at start-up."""
    column = ColumnPage.objects.ancestor_of(page, inclusive=True).order_by("-depth").only("channels").first()
    if column is None:
        wanted = ["web"]
    elif is_item(page, delivered=True):
        wanted = list(column.channels)
    else:
        wanted = [c for c in column.channels if c in RENDERED_CHANNELS]
    configured = settings.CHANNEL_ADAPTERS
    return [c for c in wanted if c in configured]


# --- recording ------------------------------------------------------------------------


def record(page, revision_id, action):
    """Write the page's delivery rows (unless they exist) and enqueue them after commit.
    Returns the ids of the rows this call created."""
    rows = {
        Delivery.make_key(page.pk, revision_id, channel, action): Delivery(
            page_id=page.pk, revision_id=revision_id, channel=channel, action=action
        )
        for channel in channels_for(page)
    }
    for key, row in rows.items():
        row.idempotency_key = key
    if not rows:
        return []
    with transaction.atomic():
        existing = set(
            Delivery.objects.filter(idempotency_key__in=rows).values_list("idempotency_key", flat=True)
        )
        # ignore_conflicts: a concurrent duplicate signal may insert the same key between
        # the lookup and the insert; the unique index keeps one row either way.
        Delivery.objects.bulk_create(
            [row for key, row in rows.items() if key not in existing], ignore_conflicts=True
        )
        created = list(
            Delivery.objects.filter(idempotency_key__in=[k for k in rows if k not in existing]).values_list(
                "pk", flat=True
            )
        )
    if created:
        transaction.on_commit(lambda: enqueue(created))
    return created


def on_published(sender, instance, revision=None, **kwargs):
    # Wagtail also sends page_published when a revision is merely scheduled for later;
    # that publish reaches the channels when the scheduler makes it live.
    if not instance.live:
        return
    record(
        instance, revision.pk if revision is not None else instance.live_revision_id, Delivery.Action.DELIVER
    )


def on_unpublished(sender, instance, **kwargs):
    record(instance, instance.latest_revision_id, Delivery.Action.WITHDRAW)


def connect():
    """Connect the receivers (ChannelsConfig.ready)."""
    page_published.connect(on_published, dispatch_uid="portal_channels_published")
    page_unpublished.connect(on_unpublished, dispatch_uid="portal_channels_unpublished")


# --- enqueueing -----------------------------------------------------------------------


def enqueue(ids, run_after=None):
    """Hand rows to the task backend. A failed enqueue is logged, not raised: the row is
    in the database and the sweep enqueues it again."""
    backend = deliver.get_backend()
    if run_after is not None and not backend.supports_defer:
        return  # the sweep enqueues the row when it is due
    channels = {}
    if backend.supports_priority:
        channels = dict(Delivery.objects.filter(pk__in=ids).values_list("pk", "channel"))
    for pk in ids:
        task = deliver
        if DELIVERY_QUEUE in backend.queues:
            task = task.using(queue_name=DELIVERY_QUEUE)
        if backend.supports_priority:
            task = task.using(priority=priority(channels.get(pk)))
        if run_after is not None:
            task = task.using(run_after=run_after)
        try:
            task.enqueue(pk)
        except Exception:
            logger.exception("Could not enqueue delivery %s; the sweep will retry", pk)


def priority(channel):
    """Queue priority of a channel's deliveries: ahead of bulk work (search indexing),
    since an editor on a deadline is waiting; a fast adapter (the web's cache purge) may
    ask, through `queue_priority`, not to wait behind a slow one (WeChat's publish polling).
    RQ has no priorities, and its backend refuses the setting."""
    extra = get_adapter(channel).queue_priority if channel in settings.CHANNEL_ADAPTERS else 0
    return max(-100, min(100, DELIVERY_PRIORITY + extra))


def retry(delivery):
    """An editor's retry of a failed row: a fresh set of attempts, enqueued after commit.
    Returns False when the row is no longer failed (someone else retried it)."""
    updated = Delivery.objects.filter(pk=delivery.pk, status=Delivery.Status.FAILED).update(
        status=Delivery.Status.PENDING, attempts=0, next_attempt_at=None, locked_at=None
    )
    if updated:
        transaction.on_commit(lambda: enqueue([delivery.pk]))
    return bool(updated)


def due_rows(now=None):
    """Rows the sweep should enqueue: pending and waiting rows past their time (or never
    picked up), and running rows whose worker's lease has run out."""
    now = now or timezone.now()
    grace = now - timedelta(seconds=settings.CHANNEL_SWEEP_GRACE_SECONDS)
    return Delivery.objects.filter(
        Q(status__in=[Delivery.Status.PENDING, Delivery.Status.WAITING], next_attempt_at__lte=grace)
        | Q(status=Delivery.Status.PENDING, next_attempt_at__isnull=True, created_at__lte=grace)
        | Q(status=Delivery.Status.RUNNING, locked_at__lt=now - lease())
    )


def sweep(limit=500):
    """Enqueue due rows (called from the worker's clock). Returns the ids enqueued."""
    ids = list(due_rows().order_by("pk").values_list("pk", flat=True)[:limit])
    enqueue(ids)
    return ids


# --- delivering -----------------------------------------------------------------------


def backoff(attempts):
    """Delay before the next attempt after `attempts` failed ones: exponential, capped."""
    base, cap = settings.CHANNEL_RETRY_BASE_SECONDS, settings.CHANNEL_RETRY_MAX_SECONDS
    return timedelta(seconds=min(base * 2 ** (attempts - 1), cap))


def lease():
    """How long a running row is its worker's: older, it belongs to a dead one."""
    return timedelta(seconds=settings.CHANNEL_LEASE_SECONDS)


def claim(delivery_id):
    """Take the row if it is due and nobody holds it. Returns the lock time or None."""
    now = timezone.now()
    claimed = (
        Delivery.objects.filter(pk=delivery_id)
        .filter(
            Q(status=Delivery.Status.PENDING, next_attempt_at__isnull=True)
            | Q(status__in=[Delivery.Status.PENDING, Delivery.Status.WAITING], next_attempt_at__lte=now)
            | Q(status=Delivery.Status.RUNNING, locked_at__lt=now - lease())
        )
        .update(
            status=Delivery.Status.RUNNING,
            locked_at=now,
            # Checking on a job the channel already has is not another attempt.
            attempts=Case(
                When(status=Delivery.Status.WAITING, then=F("attempts")), default=F("attempts") + 1
            ),
        )
    )
    return now if claimed else None


def poke(delivery_ids):
    """Check waiting rows now rather than at their next scheduled check (the channel told
    us the job is finished, e.g. WeChat's PUBLISHJOBFINISH event)."""
    ids = list(
        Delivery.objects.filter(pk__in=delivery_ids, status=Delivery.Status.WAITING).values_list(
            "pk", flat=True
        )
    )
    if ids:
        Delivery.objects.filter(pk__in=ids, status=Delivery.Status.WAITING).update(
            next_attempt_at=timezone.now()
        )
        transaction.on_commit(lambda: enqueue(ids))
    return ids


def _finish(delivery, locked_at, **values):
    # Conditional on our own lock: if the lease ran out and another worker took the row,
    # its outcome wins and ours is only logged.
    done = Delivery.objects.filter(
        pk=delivery.pk, status=Delivery.Status.RUNNING, locked_at=locked_at
    ).update(**values)
    if not done:
        logger.warning(
            "Delivery %s was taken over by another worker; outcome %s dropped", delivery.pk, values
        )
    return bool(done)


def run(delivery_id):
    """Deliver one row if it is due. Returns the row's new status, or None when the row
    was not ours to run (already running elsewhere, delivered, or not yet due)."""
    locked_at = claim(delivery_id)
    if locked_at is None:
        return None
    delivery = Delivery.objects.select_related("revision").get(pk=delivery_id)

    newer = Delivery.objects.filter(page_id=delivery.page_id, channel=delivery.channel, pk__gt=delivery.pk)
    if newer.exists():
        _finish(delivery, locked_at, status=Delivery.Status.SUPERSEDED, next_attempt_at=None)
        return Delivery.Status.SUPERSEDED

    if delivery.channel not in settings.CHANNEL_ADAPTERS:
        # The channel was switched off in the settings after the row was written.
        reason = f"未配置“{delivery.channel_label}”渠道的发送程序，请联系平台管理员。"
        return _failed(delivery, locked_at, reason, "unconfigured", False)
    try:
        adapter = get_adapter(delivery.channel)
        page = delivery.page.specific
        if delivery.action == Delivery.Action.WITHDRAW:
            result = adapter.withdraw(page, delivery)
        else:
            result = adapter.deliver(page, delivery.revision, delivery)
    except DeliveryPending as pending:
        return _waiting(delivery, locked_at, pending)
    except DeliveryError as error:
        return _failed(delivery, locked_at, error.reason, error.code, error.retryable)
    except Exception as error:
        # A bug or an unexpected outage: retried like a transient error, and the editor
        # sees that it is the platform's fault, not the content's.
        logger.exception("Delivery %s crashed", delivery.pk)
        return _failed(delivery, locked_at, f"系统内部错误（{type(error).__name__}），将自动重试。", "", True)

    state = {k: v for k, v in delivery.state.items() if k != "waiting"}
    _finish(
        delivery,
        locked_at,
        status=Delivery.Status.DELIVERED,
        state={**state, **(result or {})},
        delivered_at=timezone.now(),
        next_attempt_at=None,
        last_error="",
        error_code="",
    )
    return Delivery.Status.DELIVERED


def _waiting(delivery, locked_at, pending):
    next_at = timezone.now() + timedelta(seconds=pending.after)
    state = {**delivery.state, "waiting": pending.reason}
    if _finish(
        delivery,
        locked_at,
        status=Delivery.Status.WAITING,
        next_attempt_at=next_at,
        state=state,
        last_error="",
        error_code="",
    ):
        enqueue([delivery.pk], run_after=next_at)
    return Delivery.Status.WAITING


def _failed(delivery, locked_at, reason, code, retryable):
    attempts = Delivery.objects.values_list("attempts", flat=True).get(pk=delivery.pk)
    values = {"last_error": reason, "error_code": str(code or "")}
    if retryable and attempts < settings.CHANNEL_MAX_ATTEMPTS:
        next_at = timezone.now() + backoff(attempts)
        if _finish(delivery, locked_at, status=Delivery.Status.PENDING, next_attempt_at=next_at, **values):
            enqueue([delivery.pk], run_after=next_at)
        return Delivery.Status.PENDING
    if retryable:
        values["last_error"] = f"{reason}（已重试 {attempts} 次，仍未成功）"
    _finish(delivery, locked_at, status=Delivery.Status.FAILED, next_attempt_at=None, **values)
    return Delivery.Status.FAILED


# --- tasks ----------------------------------------------------------------------------


@task()
def deliver(delivery_id):
    """Deliver one outbox row; a no-op when another worker has it or it is done."""
    status = run(delivery_id)
    if status == Delivery.Status.WAITING:
        wait_while_idle(delivery_id, deliver.get_backend())
    return str(status) if status else None


@task()
def sweep_deliveries():
    """Enqueue rows due for a retry and rows abandoned by a dead worker."""
    return len(sweep())


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
    ready = DBTaskResult.objects.ready().filter(backend_name=backend.alias, priority__gte=DELIVERY_PRIORITY)
    while True:
        left = (due - timezone.now()).total_seconds()
        if left <= 0 or left > limit or ready.exists():
            return
        sleep(min(left, step))
