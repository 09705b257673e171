"""The outbox: signal receivers that record deliveries, and the delivery loop.

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

The internal search index has no channel here: search/signals.py already re-indexes on
publish and unpublish, and a second, outbox-driven indexing would do the work twice.
"""

import logging
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Case, F, Q, When
from django.utils import timezone
from wagtail.signals import page_published, page_unpublished

from .adapters import DeliveryError, DeliveryPending, get_adapter
from .models import Delivery

logger = logging.getLogger(__name__)

# Tunables, read at call time (settings in config/settings/base.py):
#   CHANNEL_MAX_ATTEMPTS         attempts before a retryable failure becomes final
#   CHANNEL_RETRY_BASE_SECONDS   first retry delay; each further retry waits twice as long
#   CHANNEL_RETRY_MAX_SECONDS    cap on one delay
#   CHANNEL_LEASE_SECONDS        a running row older than this belongs to a dead worker
#   CHANNEL_SWEEP_GRACE_SECONDS  how long an enqueued row may wait before the sweep
#                                enqueues it again (a lost enqueue: Redis down at commit)
DEFAULTS = {
    "MAX_ATTEMPTS": 5,
    "RETRY_BASE_SECONDS": 30,
    "RETRY_MAX_SECONDS": 3600,
    "LEASE_SECONDS": 300,
    "SWEEP_GRACE_SECONDS": 60,
}


def conf(name):
    return getattr(settings, f"CHANNEL_{name}", DEFAULTS[name])


DELIVERY_PRIORITY = 10

# Channels a page that is not an item can go to: lists, home pages and topics have no
# WeChat or app counterpart, only cached renderings. Items (articles, budget disclosures,
# online interviews: channels.content.DELIVERED_TYPES) go to all of their column's channels.
RENDERED_CHANNELS = ("web", "wap")


# --- which channels -------------------------------------------------------------------


def channels_for(page):
    """The configured channels a page goes to: an item (article, disclosure, interview)
    follows its column's `channels`; a column or topic under a column goes to that
    column's web/WAP renderings; pages outside any column (home pages, top-level topics)
    go to the web."""
    from cms.pages import ColumnPage

    from .content import DELIVERED_TYPES

    column = ColumnPage.objects.ancestor_of(page, inclusive=True).order_by("-depth").only("channels").first()
    if column is None:
        wanted = ["web"]
    elif isinstance(page, DELIVERED_TYPES):
        wanted = list(column.channels)
    else:
        wanted = [c for c in column.channels if c in RENDERED_CHANNELS]
    configured = settings.CHANNEL_ADAPTERS
    missing = [c for c in wanted if c not in configured]
    if missing:
        logger.warning("No adapter configured for channel(s) %s; page %s skips them", missing, page.pk)
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
    page_published.connect(on_published, dispatch_uid="portal_channels_published")
    page_unpublished.connect(on_unpublished, dispatch_uid="portal_channels_unpublished")


# --- enqueueing -----------------------------------------------------------------------


def enqueue(ids, run_after=None):
    """Hand rows to the task backend. A failed enqueue is logged, not raised: the row is
    in the database and the sweep enqueues it again."""
    from .tasks import deliver

    backend = deliver.get_backend()
    if run_after is not None and not backend.supports_defer:
        return  # the sweep enqueues the row when it is due
    channels = {}
    if backend.supports_priority:
        channels = dict(Delivery.objects.filter(pk__in=ids).values_list("pk", "channel"))
    for pk in ids:
        task = deliver
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
    extra = 0
    if channel in settings.CHANNEL_ADAPTERS:
        extra = getattr(get_adapter(channel), "queue_priority", 0)
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
    grace = now - timedelta(seconds=conf("SWEEP_GRACE_SECONDS"))
    return Delivery.objects.filter(
        Q(status__in=[Delivery.Status.PENDING, Delivery.Status.WAITING], next_attempt_at__lte=grace)
        | Q(status=Delivery.Status.PENDING, next_attempt_at__isnull=True, created_at__lte=grace)
        | Q(status=Delivery.Status.RUNNING, locked_at__lt=now - timedelta(seconds=conf("LEASE_SECONDS")))
    )


def sweep(limit=500):
    """Enqueue due rows (called from the worker's clock). Returns the ids enqueued."""
    ids = list(due_rows().order_by("pk").values_list("pk", flat=True)[:limit])
    enqueue(ids)
    return ids


# --- delivering -----------------------------------------------------------------------


def backoff(attempts):
    """Delay before the next attempt after `attempts` failed ones: exponential, capped."""
    return timedelta(seconds=min(conf("RETRY_BASE_SECONDS") * 2 ** (attempts - 1), conf("RETRY_MAX_SECONDS")))


def claim(delivery_id):
    """Take the row if it is due and nobody holds it. Returns the lock time or None."""
    now = timezone.now()
    claimed = (
        Delivery.objects.filter(pk=delivery_id)
        .filter(
            Q(status=Delivery.Status.PENDING, next_attempt_at__isnull=True)
            | Q(status__in=[Delivery.Status.PENDING, Delivery.Status.WAITING], next_attempt_at__lte=now)
            | Q(status=Delivery.Status.RUNNING, locked_at__lt=now - timedelta(seconds=conf("LEASE_SECONDS")))
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
    if retryable and attempts < conf("MAX_ATTEMPTS"):
        next_at = timezone.now() + backoff(attempts)
        if _finish(delivery, locked_at, status=Delivery.Status.PENDING, next_attempt_at=next_at, **values):
            enqueue([delivery.pk], run_after=next_at)
        return Delivery.Status.PENDING
    if retryable:
        values["last_error"] = f"{reason}（已重试 {attempts} 次，仍未成功）"
    _finish(delivery, locked_at, status=Delivery.Status.FAILED, next_attempt_at=None, **values)
    return Delivery.Status.FAILED
