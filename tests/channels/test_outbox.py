"""The outbox: rows written by the publish signals, idempotency, claiming, retries with
exponential backoff, leases, the sweep, and rows waiting on a channel's job."""

import datetime as dt
import threading

import pytest
import time_machine
from django.utils import timezone
from wagtail.signals import page_published

from channels import outbox
from channels.adapters import DeliveryError, DeliveryPending
from channels.models import Delivery
from tests.factories import make_article, make_column, make_site

T0 = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)


@pytest.fixture
def site():
    return make_site()


@pytest.fixture
def column(site):
    return make_column(site.home, title="工作动态", channels=["web", "wechat"])


def rows(page, **filters):
    return list(Delivery.objects.filter(page=page, **filters).order_by("channel"))


def test_publish_writes_one_row_per_channel_and_delivers_after_commit(
    scripted, column, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        article = make_article(column)
        # Nothing runs before the publish's transaction commits.
        assert scripted.calls == []
    assert callbacks
    delivered = rows(article)
    assert [(r.channel, r.action, r.status) for r in delivered] == [
        ("web", "deliver", "delivered"),
        ("wechat", "deliver", "delivered"),
    ]
    assert {r.revision_id for r in delivered} == {article.live_revision_id}
    assert sorted(c[1] for c in scripted.calls) == ["web", "wechat"]
    assert all(r.attempts == 1 and r.state == {"ok": True} for r in delivered)


def test_pages_outside_a_column_go_to_the_web_and_columns_to_their_renderings(
    scripted, site, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        column = make_column(site.home, channels=["web", "wap", "wechat"])
        revision = site.home.save_revision()
        revision.publish()
    assert [r.channel for r in rows(site.home, revision=revision)] == ["web"]
    # A list page has no WeChat counterpart.
    assert [r.channel for r in rows(column)] == ["wap", "web"]


def test_unconfigured_channels_are_skipped(scripted, settings, column):
    settings.CHANNEL_ADAPTERS = {"web": "tests.channels.adapters.ScriptedAdapter"}
    article = make_article(column)
    assert [r.channel for r in rows(article)] == ["web"]


def test_a_row_of_a_channel_switched_off_since_fails_with_a_reason(scripted, settings, column):
    article = make_article(column)
    settings.CHANNEL_ADAPTERS = {"web": "tests.channels.adapters.ScriptedAdapter"}
    row = rows(article, channel="wechat")[0]
    assert outbox.run(row.pk) == "failed"
    row.refresh_from_db()
    # Without its adapter the channel has no label of its own: editors read its key.
    assert row.last_error == "未配置“wechat”渠道的发送程序，请联系平台管理员。"
    assert scripted.calls == []


def test_duplicate_signal_keeps_one_row_and_delivers_once(
    scripted, column, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        article = make_article(column)
    revision = article.live_revision
    with django_capture_on_commit_callbacks(execute=True):
        page_published.send(sender=type(article), instance=article, revision=revision)
        page_published.send(sender=type(article), instance=article, revision=revision)
    assert Delivery.objects.filter(page=article).count() == 2
    assert len(scripted.calls) == 2  # web and wechat, once each


def test_scheduled_publish_writes_nothing_until_it_goes_live(scripted, column):
    article = make_article(column, publish=False)
    article.go_live_at = timezone.now() + dt.timedelta(days=1)
    article.save_revision().publish()
    assert Delivery.objects.filter(page=article).count() == 0


def test_a_scheduled_revision_of_a_live_page_is_not_delivered_early(scripted, column):
    article = make_article(column)
    before = Delivery.objects.filter(page=article).count()
    article.title = "尚未到发布时间的修改"
    article.go_live_at = timezone.now() + dt.timedelta(days=1)
    article.save_revision().publish()
    assert Delivery.objects.filter(page=article).count() == before


def test_rows_roll_back_with_the_publish(scripted, column):
    from django.db import transaction

    article = make_article(column, publish=False)
    with pytest.raises(RuntimeError), transaction.atomic():
        article.save_revision().publish()
        assert Delivery.objects.filter(page=article).count() == 2
        raise RuntimeError("publish aborted")
    assert Delivery.objects.filter(page=article).count() == 0


def test_unpublish_creates_withdraw_rows(scripted, column, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        article = make_article(column)
    with django_capture_on_commit_callbacks(execute=True):
        article.unpublish()
    withdraws = rows(article, action="withdraw")
    assert [(r.channel, r.status) for r in withdraws] == [("web", "delivered"), ("wechat", "delivered")]
    assert [c[0] for c in scripted.calls].count("withdraw") == 2


def test_a_second_run_of_a_row_does_not_deliver_again(scripted, column):
    article = make_article(column)
    row = rows(article)[0]
    assert outbox.run(row.pk) == "delivered"
    assert outbox.run(row.pk) is None
    assert len(scripted.calls) == 1


def test_retryable_errors_back_off_exponentially_then_fail(scripted, settings, column):
    settings.CHANNEL_MAX_ATTEMPTS = 4
    settings.CHANNEL_RETRY_BASE_SECONDS = 30
    scripted.outcomes["wechat"] = [DeliveryError("微信接口繁忙", retryable=True, code=-1)] * 4
    with time_machine.travel(T0, tick=False) as clock:
        article = make_article(column)
        row = rows(article, channel="wechat")[0]
        assert outbox.run(row.pk) == "pending"
        row.refresh_from_db()
        assert (row.attempts, row.next_attempt_at, row.last_error) == (
            1,
            T0 + dt.timedelta(seconds=30),
            "微信接口繁忙",
        )
        assert row.error_code == "-1"

        clock.shift(29)
        assert outbox.run(row.pk) is None  # not due yet
        clock.shift(1)
        assert outbox.run(row.pk) == "pending"
        row.refresh_from_db()
        assert row.next_attempt_at == timezone.now() + dt.timedelta(seconds=60)

        clock.shift(60)
        assert outbox.run(row.pk) == "pending"
        row.refresh_from_db()
        assert row.next_attempt_at == timezone.now() + dt.timedelta(seconds=120)

        clock.shift(120)
        assert outbox.run(row.pk) == "failed"
    row.refresh_from_db()
    assert row.status == "failed" and row.attempts == 4 and row.next_attempt_at is None
    assert row.last_error == "微信接口繁忙（已重试 4 次，仍未成功）"
    assert [c[1] for c in scripted.calls].count("wechat") == 4


def test_backoff_is_capped(settings):
    settings.CHANNEL_RETRY_BASE_SECONDS = 30
    settings.CHANNEL_RETRY_MAX_SECONDS = 600
    assert [outbox.backoff(n).total_seconds() for n in (1, 2, 3, 5, 6, 10)] == [30, 60, 120, 480, 600, 600]


def test_a_final_error_fails_at_once_with_its_reason(scripted, column):
    scripted.outcomes["wechat"] = [DeliveryError("标题超过32个字，请缩短后重新发布。", code="title")]
    article = make_article(column)
    row = rows(article, channel="wechat")[0]
    assert outbox.run(row.pk) == "failed"
    row.refresh_from_db()
    assert (row.status, row.attempts, row.last_error) == ("failed", 1, "标题超过32个字，请缩短后重新发布。")


def test_an_adapter_crash_is_retried_with_a_chinese_reason(scripted, column):
    article = make_article(column)
    row = rows(article, channel="web")[0]
    # Not a DeliveryError: a bug or an unexpected library error inside the adapter.
    scripted.outcomes["web"] = [ZeroDivisionError("division by zero")]
    assert outbox.run(row.pk) == "pending"
    row.refresh_from_db()
    assert (row.status, row.last_error) == ("pending", "系统内部错误（ZeroDivisionError），将自动重试。")


def test_retry_of_a_failed_row_starts_a_fresh_attempt(scripted, column, django_capture_on_commit_callbacks):
    scripted.outcomes["wechat"] = [DeliveryError("公众号未认证", code=48001)]
    article = make_article(column)
    row = rows(article, channel="wechat")[0]
    assert outbox.run(row.pk) == "failed"
    with django_capture_on_commit_callbacks(execute=True):
        assert outbox.retry(row) is True
    row.refresh_from_db()
    assert (row.status, row.attempts, row.last_error) == ("delivered", 1, "")
    assert outbox.retry(row) is False  # only failed rows are retried


def test_a_newer_publish_supersedes_an_undelivered_row(scripted, column):
    article = make_article(column)
    old = rows(article, channel="wechat")[0]
    article.save_revision().publish()
    assert outbox.run(old.pk) == "superseded"
    new = Delivery.objects.filter(page=article, channel="wechat").latest("pk")
    assert new.revision_id != old.revision_id
    assert outbox.run(new.pk) == "delivered"
    assert [c for c in scripted.calls if c[1] == "wechat"] == [("deliver", "wechat", article.pk, new.pk)]


def test_a_dead_workers_row_is_resumed_after_the_lease(scripted, settings, column):
    settings.CHANNEL_LEASE_SECONDS = 300
    with time_machine.travel(T0, tick=False) as clock:
        article = make_article(column)
        row = rows(article, channel="web")[0]
        # A worker claimed the row and died.
        assert outbox.claim(row.pk) is not None
        clock.shift(299)
        assert outbox.run(row.pk) is None
        assert row.pk not in outbox.sweep()
        clock.shift(2)
        assert row.pk in [r.pk for r in outbox.due_rows()]
        assert outbox.run(row.pk) == "delivered"
    row.refresh_from_db()
    assert row.attempts == 2
    assert [c for c in scripted.calls if c[1] == "web"] == [("deliver", "web", article.pk, row.pk)]


def test_sweep_picks_up_due_retries_and_lost_enqueues(scripted, settings, column):
    settings.CHANNEL_SWEEP_GRACE_SECONDS = 60
    scripted.outcomes["wechat"] = [DeliveryError("系统繁忙", retryable=True, code=-1)]
    with time_machine.travel(T0, tick=False) as clock:
        article = make_article(column)  # enqueues only on commit: never, in this test
        web, wechat = rows(article)
        assert outbox.run(wechat.pk) == "pending"
        assert outbox.sweep() == []
        clock.shift(61)
        # web was never enqueued (a lost enqueue); wechat's retry is due. The immediate
        # backend runs what the sweep enqueues.
        assert outbox.sweep() == [web.pk]
        clock.shift(30)
        assert outbox.sweep() == [wechat.pk]
    assert [r.status for r in rows(article)] == ["delivered", "delivered"]


class OneTick(threading.Event):
    """A stop event that lets the worker's clock loop run exactly once."""

    def __init__(self):
        super().__init__()
        self.set()  # so the clock's wait() returns at once
        self.checks = 0

    def is_set(self):
        self.checks += 1
        return self.checks > 1


def test_the_workers_clock_runs_the_sweep(scripted, column):
    from cms.clock import tick

    article = make_article(column)  # its on-commit enqueue never happens in this test
    Delivery.objects.filter(page=article).update(created_at=timezone.now() - dt.timedelta(minutes=5))
    tick(OneTick(), 3600)
    assert [r.status for r in rows(article)] == ["delivered", "delivered"]


def test_deliveries_are_queued_ahead_of_bulk_work_and_web_ahead_of_slow_channels(settings, column):
    from django_tasks import task_backends

    settings.CHANNEL_ADAPTERS = {
        "web": "channels.web.adapter.WebAdapter",
        "wechat": "tests.channels.adapters.ScriptedAdapter",
    }
    article = make_article(column)
    web, wechat = rows(article)
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    outbox.enqueue([wechat.pk, web.pk])
    queued = {r.args[0]: r.task.priority for r in task_backends["default"].results}
    assert queued == {web.pk: 20, wechat.pk: 10}


def test_a_pending_channel_job_waits_without_counting_attempts_then_delivers(scripted, column):
    """A channel that accepted the work and finishes it later (WeChat's publish job): the row
    waits, each check is a separate run that does not use up an attempt."""
    checking = DeliveryPending("已提交微信发布（publish_id 7），等待微信返回结果", after=0.2)
    scripted.outcomes["wechat"] = [checking, checking, {"url": "https://mp.weixin.qq.com/s/x"}]
    with time_machine.travel(T0, tick=False) as clock:
        article = make_article(column)
        row = rows(article, channel="wechat")[0]
        assert outbox.run(row.pk) == "waiting"
        row.refresh_from_db()
        assert (row.status, row.attempts, row.next_attempt_at) == (
            "waiting",
            1,
            T0 + dt.timedelta(seconds=0.2),
        )
        assert row.state["waiting"] == checking.reason
        assert outbox.run(row.pk) is None  # not due yet
        clock.shift(0.2)
        assert outbox.run(row.pk) == "waiting"
        clock.shift(0.2)
        assert outbox.run(row.pk) == "delivered"
    row.refresh_from_db()
    assert (row.status, row.attempts, row.last_error) == ("delivered", 1, "")
    assert row.state == {"url": "https://mp.weixin.qq.com/s/x"}
    assert [c[1] for c in scripted.calls].count("wechat") == 3


def test_the_sweep_picks_up_a_waiting_row_whose_check_was_lost(scripted, settings, column):
    settings.CHANNEL_SWEEP_GRACE_SECONDS = 60
    scripted.outcomes["wechat"] = [DeliveryPending("微信处理中", after=5)]
    with time_machine.travel(T0, tick=False) as clock:
        article = make_article(column)
        web, wechat = rows(article)
        outbox.run(web.pk)
        assert outbox.run(wechat.pk) == "waiting"
        clock.shift(64)
        assert outbox.sweep() == []
        clock.shift(2)
        assert outbox.sweep() == [wechat.pk]  # the immediate backend ran it
    assert [r.status for r in rows(article)] == ["delivered", "delivered"]


def test_poke_checks_a_waiting_row_now(scripted, column, django_capture_on_commit_callbacks):
    scripted.outcomes["wechat"] = [DeliveryPending("微信处理中", after=60)]
    article = make_article(column)
    web, wechat = rows(article)
    assert outbox.run(wechat.pk) == "waiting"
    with django_capture_on_commit_callbacks(execute=True):
        assert outbox.poke([wechat.pk, web.pk]) == [wechat.pk]  # web is not waiting
    wechat.refresh_from_db()
    assert wechat.status == "delivered"


class TestIdleWorkerWait:
    """channels.outbox.wait_while_idle: an idle database worker waits for a check due within
    its polling interval instead of sleeping past it; it never waits while other work is
    ready, nor for a check that is far off."""

    @pytest.fixture
    def waiting(self, scripted, column):
        scripted.outcomes["wechat"] = [DeliveryPending("微信处理中", after=0.3)]
        article = make_article(column)
        row = rows(article, channel="wechat")[0]
        return row

    @pytest.fixture
    def backend(self, settings):
        from django_tasks import task_backends

        settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
        return task_backends["default"]

    def run(self, row, backend, clock):
        from channels.outbox import wait_while_idle

        slept = []

        def sleep(seconds):
            slept.append(seconds)
            clock.shift(seconds)

        assert outbox.run(row.pk) == "waiting"
        wait_while_idle(row.pk, backend, sleep=sleep)
        return slept

    def test_waits_until_the_check_is_due(self, waiting, backend):
        from django_tasks_db.models import DBTaskResult

        with time_machine.travel(T0, tick=False) as clock:
            slept = self.run(waiting, backend, clock)
            assert sum(slept) == pytest.approx(0.3)
            assert all(s <= 0.1 + 1e-9 for s in slept)
            # The check's own deferred task is now due: the worker takes it next.
            assert list(DBTaskResult.objects.ready().values_list("args_kwargs", flat=True)) == [
                {"args": [waiting.pk], "kwargs": {}}
            ]

    def test_does_not_wait_while_another_delivery_is_ready(self, waiting, backend):
        web = Delivery.objects.get(page_id=waiting.page_id, channel="web")
        with time_machine.travel(T0, tick=False) as clock:
            outbox.enqueue([web.pk])
            assert self.run(waiting, backend, clock) == []

    def test_bulk_work_waits_for_the_check(self, waiting, backend):
        from channels.outbox import sweep_deliveries

        with time_machine.travel(T0, tick=False) as clock:
            sweep_deliveries.enqueue()  # default priority, below deliveries
            assert sum(self.run(waiting, backend, clock)) == pytest.approx(0.3)

    def test_does_not_wait_for_a_check_beyond_the_polling_interval(self, scripted, waiting, backend):
        scripted.outcomes["wechat"] = [DeliveryPending("微信处理中", after=5)]
        with time_machine.travel(T0, tick=False) as clock:
            assert self.run(waiting, backend, clock) == []
