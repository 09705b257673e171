"""Fault tests: every error class the stand-in can inject, met by a WeChat delivery run
through the outbox with the real adapter.

Errors WeChat answers (-1, 40001, 42001, 45009) exhaust the client's bounded in-process
retries, the row backs off and a later attempt delivers: one draft, one publish. Failures
that leave it unknown whether WeChat did the work (HTTP 5xx, a body that is not JSON, a
timeout) are retried freely on reads, not at once on draft/add, and never on
freepublish/submit: the editor is asked to look first, so nothing is published twice.
Other errors fail at once with a readable reason."""

import datetime as dt
import time

import pytest
import time_machine

from channels import outbox
from channels.adapters import get_adapter
from channels.models import Delivery
from tests.factories import make_column

from .wechat_fixtures import account, article_with_images, standin  # noqa: F401

T0 = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)

#: Errors WeChat answers: nothing was done, so every call may be repeated at once.
#: (fault, calls it hits: the client's bounded retries, what the editor reads meanwhile)
ANSWERED = {
    "busy": ({"errcode": -1}, 4, "微信系统繁忙"),
    "token-invalid": ({"errcode": 40001}, 4, "access_token）无效"),
    "token-expired": ({"errcode": 42001}, 4, "access_token）已过期"),
    "rate-limit": ({"errcode": 45009}, 1, "接口调用次数上限"),
}
#: Failures after the request was sent: it may have been carried out all the same.
AMBIGUOUS = {
    "http-502": ({"status": 502}, "HTTP 502"),
    "http-503": ({"status": 503}, "HTTP 503"),
    "non-json": ({"non_json": True}, "无法识别的内容"),
    # The stand-in answers after the client gave up, having done the work.
    "timeout": ({"delay": 0.6}, "超时"),
}
ALL = {name: (fault, 4, reason) for name, (fault, reason) in AMBIGUOUS.items()} | ANSWERED


@pytest.fixture
def wechat_row(settings, standin, account):  # noqa: F811
    settings.CHANNEL_ADAPTERS = {"wechat": "tests.channels.adapters.QuickWeChatAdapter"}
    settings.WECHAT_API_TIMEOUT = 0.3
    settings.CHANNEL_RETRY_BASE_SECONDS = 30
    get_adapter.cache_clear()
    column = make_column(account.site.root_page, title="政务动态", channels=["wechat"])
    page = article_with_images(column, title="全市安全生产工作会议召开")
    yield Delivery.objects.get(page=page, channel="wechat")
    get_adapter.cache_clear()


def drive(row, clock, limit=12):
    """Run the row whenever it is next due, as the worker would; returns the statuses."""
    statuses = []
    for _ in range(limit):
        statuses.append(outbox.run(row.pk))
        row.refresh_from_db()
        if row.status in ("delivered", "failed"):
            return statuses
        clock.move_to(row.next_attempt_at)
    raise AssertionError(f"not done after {limit} runs: {statuses}")


def assert_published_once(standin, row):  # noqa: F811
    assert len(standin.successful("draft/add")) == 1
    assert len(standin.successful("freepublish/submit")) == 1
    assert standin.calls("draft/update") == []
    assert row.status == "delivered" and row.state["url"].startswith("https://mp.weixin.qq.com/s/")


def answered(standin, endpoint, timeout=10):  # noqa: F811
    """Wait until the stand-in has finished every call of `endpoint` (a delayed one goes
    on after the client gave up)."""
    deadline = time.monotonic() + timeout
    while not all(r["answer"] for r in standin.calls(endpoint)):
        assert time.monotonic() < deadline, f"{endpoint} still unanswered after {timeout} s"
        time.sleep(0.02)


def first_failure(standin, row, clock, endpoint, injected, times):  # noqa: F811
    """Inject the fault, run the row until it meets it; returns the row's status then."""
    standin.inject(endpoint, times=times, **injected)
    status = outbox.run(row.pk)
    if endpoint == "freepublish/get":  # submitted; the fault meets the first check
        assert status == "waiting"
        row.refresh_from_db()
        clock.move_to(row.next_attempt_at)
        status = outbox.run(row.pk)
    row.refresh_from_db()
    return status


@pytest.mark.parametrize("endpoint", ["draft/add", "freepublish/submit"])
@pytest.mark.parametrize("fault", ANSWERED.values(), ids=ANSWERED.keys())
def test_an_answered_error_is_retried_then_backs_off_and_delivers_once(standin, wechat_row, endpoint, fault):  # noqa: F811
    injected, times, reason = fault
    with time_machine.travel(T0, tick=False) as clock:
        assert first_failure(standin, wechat_row, clock, endpoint, injected, times) == "pending"
        assert reason in wechat_row.last_error and wechat_row.attempts == 1
        assert wechat_row.next_attempt_at == dt.datetime.now(dt.UTC) + dt.timedelta(seconds=30)
        assert len(standin.calls(endpoint)) == times  # the client's bounded retries
        statuses = drive(wechat_row, clock)
    assert statuses[-1] == "delivered" and wechat_row.attempts == 2 and wechat_row.last_error == ""
    assert_published_once(standin, wechat_row)


@pytest.mark.parametrize("fault", ALL.values(), ids=ALL.keys())
def test_any_fault_while_checking_the_job_backs_off_and_never_resubmits(standin, wechat_row, fault):  # noqa: F811
    injected, times, reason = fault
    with time_machine.travel(T0, tick=False) as clock:
        assert first_failure(standin, wechat_row, clock, "freepublish/get", injected, times) == "pending"
        assert reason in wechat_row.last_error
        assert len(standin.calls("freepublish/get")) == times  # a read: retried in-process
        statuses = drive(wechat_row, clock)
    assert statuses[-1] == "delivered" and wechat_row.attempts == 2
    assert_published_once(standin, wechat_row)


@pytest.mark.parametrize("fault", AMBIGUOUS.values(), ids=AMBIGUOUS.keys())
def test_a_draft_add_without_a_clear_answer_is_not_repeated_at_once(standin, wechat_row, fault):  # noqa: F811
    injected, reason = fault
    with time_machine.travel(T0, tick=False) as clock:
        assert first_failure(standin, wechat_row, clock, "draft/add", injected, 1) == "pending"
        assert reason in wechat_row.last_error
        assert len(standin.calls("draft/add")) == 1
        statuses = drive(wechat_row, clock)
    assert statuses[-1] == "delivered"
    answered(standin, "draft/add")
    assert len(standin.successful("freepublish/submit")) == 1
    # Only a timed-out add that WeChat carried out leaves an unused draft behind.
    assert len(standin.successful("draft/add")) == (2 if "delay" in injected else 1)


@pytest.mark.parametrize("fault", AMBIGUOUS.values(), ids=AMBIGUOUS.keys())
def test_a_submit_without_a_clear_answer_is_never_repeated(standin, wechat_row, fault):  # noqa: F811
    injected, reason = fault
    with time_machine.travel(T0, tick=False) as clock:
        assert first_failure(standin, wechat_row, clock, "freepublish/submit", injected, 1) == "failed"
    assert "无法确定微信是否已收到" in wechat_row.last_error and reason in wechat_row.last_error
    assert "发表记录" in wechat_row.last_error and wechat_row.error_code == "submit_uncertain"
    answered(standin, "freepublish/submit")
    assert len(standin.calls("freepublish/submit")) == 1
    # WeChat published it (timeout) or not (gateway error); either way at most once.
    assert len(standin.publishes) == (1 if "delay" in injected else 0)


@pytest.mark.parametrize(
    ("endpoint", "code", "reason"),
    [
        ("freepublish/submit", 48001, "公众号没有该接口的权限"),
        ("freepublish/submit", 53503, "该草稿未通过发布检查"),
        ("material/add_material", 40009, "图片过大"),
        ("token", 40164, "IP 白名单"),
    ],
)
def test_other_errors_fail_at_once_with_a_readable_reason(standin, wechat_row, endpoint, code, reason):  # noqa: F811
    standin.inject(endpoint, errcode=code)
    assert outbox.run(wechat_row.pk) == "failed"
    wechat_row.refresh_from_db()
    assert reason in wechat_row.last_error and f"微信错误码 {code}" in wechat_row.last_error
    assert (wechat_row.attempts, wechat_row.error_code) == (1, str(code))
    assert len(standin.calls(endpoint)) == 1
    assert standin.successful("freepublish/submit") == []


def test_a_job_wechat_rejects_fails_with_its_status(standin, wechat_row):  # noqa: F811
    standin.next_publish_status = 4
    with time_machine.travel(T0, tick=False) as clock:
        statuses = drive(wechat_row, clock)
    assert statuses == ["waiting", "waiting", "failed"]
    assert "未通过微信平台审核（发布状态 4）" in wechat_row.last_error
    assert len(standin.calls("freepublish/submit")) == 1
