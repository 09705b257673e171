"""Fault tests: a microblog delivery run through the outbox with the real adapter, against
every fault the stand-in can inject.

- An expired token fails at once and says to authorise again; a retry after a new token
  posts once.
- A rate limit backs off through the outbox (no in-process retry) and a later attempt
  posts once.
- A share without a clear answer (5xx, a body that is not JSON, a timeout after sending, an
  internal error) is not repeated: the timeline is read at once, and every later attempt
  reads it before it posts, so whether Weibo made the post or not, there is exactly one.
- A text over the limit, and a picture Weibo cannot take, fail before any request.
"""

import datetime as dt

import pytest
import time_machine

from channels import outbox
from channels.models import Delivery
from channels.weibo.models import WeiboPost
from channels.weibo.text import text_key

from .weibo_fixtures import (  # noqa: F401
    T0,
    TOKEN,
    UID,
    drive,
    picture_file,
    row_of,
    weibo_account,
    weibo_article,
    weibo_column,
    weibo_standin,
)


@pytest.fixture
def quick(settings):
    settings.WEIBO_API_TIMEOUT = 0.3
    settings.CHANNEL_RETRY_BASE_SECONDS = 30


def published_once(standin, page):
    """The page's one post: on Weibo, recorded on the page, and as the row's outcome."""
    (post,) = standin.posts()
    record = WeiboPost.objects.get(page=page)
    row = row_of(page)
    assert row.status == "delivered" and row.last_error == ""
    assert record.status_id == post["idstr"] == row.state["status_id"] and record.is_live
    assert row.state["url"] == f"{standin.base_url}{UID}/{post['idstr']}"
    assert record.sending_key == ""
    return post


def test_an_expired_token_fails_at_once_and_a_retry_with_a_new_one_posts_once(
    weibo_standin,  # noqa: F811
    weibo_account,  # noqa: F811
    weibo_column,  # noqa: F811
    quick,
):
    weibo_standin.expire_token(TOKEN)
    page = weibo_article(weibo_column)
    row = row_of(page)
    assert outbox.run(row.pk) == "failed"
    row.refresh_from_db()
    assert row.error_code == "21327" and row.attempts == 1
    assert "授权（access_token）已过期或无效" in row.last_error and "政务微博账号" in row.last_error
    assert weibo_standin.posts() == [] and len(weibo_standin.calls("statuses/share")) == 1

    # The account manager authorises again and saves the new token; the editor retries.
    weibo_standin.authorize("2.00czsWeiboTokenB", UID)
    weibo_account.set_access_token("2.00czsWeiboTokenB")
    weibo_account.save()
    assert outbox.retry(row)
    assert outbox.run(row.pk) == "delivered"
    published_once(weibo_standin, page)


@pytest.mark.parametrize("code", [10022, 10023, 10024, 20016])
def test_a_rate_limit_backs_off_through_the_outbox_and_posts_once(
    weibo_standin,  # noqa: F811
    weibo_column,  # noqa: F811
    quick,
    code,
):
    weibo_standin.inject("statuses/share", error_code=code, times=2)
    with time_machine.travel(T0, tick=False) as clock:
        page = weibo_article(weibo_column)
        row = row_of(page)
        assert outbox.run(row.pk) == "pending"
        row.refresh_from_db()
        assert "频次上限" in row.last_error and row.error_code == str(code)
        assert row.next_attempt_at == dt.datetime.now(dt.UTC) + dt.timedelta(seconds=30)
        assert len(weibo_standin.calls("statuses/share")) == 1  # no in-process retry
        assert drive(row, clock) == ["pending", "delivered"]  # the second back-off is 60 s
    assert row.attempts == 3 and len(weibo_standin.calls("statuses/share")) == 3
    # Weibo answered each refusal: nothing to look for on the timeline.
    assert weibo_standin.calls("statuses/user_timeline") == []
    published_once(weibo_standin, page)


#: Failures that leave it unknown whether Weibo made the post, and whether it did.
UNCLEAR = {
    "http-502-before": ({"status": 502}, False, "HTTP 502"),
    "http-503-after": ({"status": 503, "after": True}, True, "HTTP 503"),
    "non-json-after": ({"non_json": True, "after": True}, True, "无法识别"),
    "timeout-after-send": ({"delay": 0.6}, True, "超时"),
    "internal-error": ({"error_code": 10001}, False, "微博系统错误"),
}


@pytest.mark.parametrize(("fault", "posted", "reason"), UNCLEAR.values(), ids=UNCLEAR.keys())
def test_a_share_without_a_clear_answer_is_looked_for_before_any_retry(
    weibo_standin,  # noqa: F811
    weibo_column,  # noqa: F811
    quick,
    fault,
    posted,
    reason,
):
    # The timeline cannot be read right after the lost answer either: the row must wait.
    weibo_standin.inject("statuses/share", **fault)
    weibo_standin.inject("statuses/user_timeline", status=502, times=3)
    with time_machine.travel(T0, tick=False) as clock:
        page = weibo_article(weibo_column)
        row = row_of(page)
        assert outbox.run(row.pk) == "pending"
        row.refresh_from_db()
        assert row.error_code == "share_uncertain" and reason in row.last_error
        assert "微博可能已经发出" in row.last_error and "确认没有发出后才会再次发布" in row.last_error
        record = WeiboPost.objects.get(page=page)
        # What was sent is recorded on the delivery and on the page's post record.
        assert record.sending_key == row.state["sent"]["text_sha256"] != ""
        assert len(weibo_standin.posts()) == (1 if posted else 0)
        assert drive(row, clock) == ["delivered"]
    # The retry read the timeline first; it posted again only if the post was not there.
    assert len(weibo_standin.calls("statuses/user_timeline")) == 4
    assert len(weibo_standin.calls("statuses/share")) == (1 if posted else 2)
    post = published_once(weibo_standin, page)
    assert text_key(post["text"]) == row.state["sent"]["text_sha256"]


@pytest.mark.parametrize(("fault", "posted", "reason"), UNCLEAR.values(), ids=UNCLEAR.keys())
def test_a_lost_answer_found_on_the_timeline_at_once_is_delivered_without_a_retry(
    weibo_standin,  # noqa: F811
    weibo_column,  # noqa: F811
    quick,
    fault,
    posted,
    reason,
):
    weibo_standin.inject("statuses/share", **fault)
    page = weibo_article(weibo_column)
    row = row_of(page)
    assert outbox.run(row.pk) == ("delivered" if posted else "pending")
    assert len(weibo_standin.calls("statuses/share")) == 1
    assert len(weibo_standin.calls("statuses/user_timeline")) == 1
    assert len(weibo_standin.posts()) == (1 if posted else 0)
    if posted:
        published_once(weibo_standin, page)


def test_a_newer_publish_after_a_lost_answer_adopts_the_post_instead_of_posting_again(
    weibo_standin,  # noqa: F811
    weibo_column,  # noqa: F811
    quick,
):
    weibo_standin.inject("statuses/share", delay=0.6)
    weibo_standin.inject("statuses/user_timeline", status=502, times=3)
    with time_machine.travel(T0, tick=False) as clock:
        page = weibo_article(weibo_column)
        first = row_of(page)
        assert outbox.run(first.pk) == "pending"
        # The editor corrects the summary and publishes again before the retry.
        page.summary = "更正后的摘要。"
        page.save_revision().publish()
        second = row_of(page)
        assert second.pk != first.pk
        assert outbox.run(second.pk) == "delivered"
        first.refresh_from_db()
        clock.move_to(first.next_attempt_at)
        assert outbox.run(first.pk) == "superseded"
    assert len(weibo_standin.calls("statuses/share")) == 1
    post = published_once(weibo_standin, page)
    assert "会议要求" in post["text"]  # the post made is the first revision's


def test_weibos_repeated_content_answer_adopts_the_post_found_on_the_timeline(
    weibo_standin,  # noqa: F811
    weibo_column,  # noqa: F811
    quick,
):
    page = weibo_article(weibo_column)
    row = row_of(page)
    # A post of the same text is already there (a share whose answer never reached us,
    # from before the platform recorded it): Weibo refuses the new one as repeated.
    assert outbox.run(row.pk) == "delivered"
    existing = weibo_standin.posts()[0]
    WeiboPost.objects.filter(page=page).delete()
    Delivery.objects.filter(pk=row.pk).update(status="pending", state={})
    assert outbox.run(row.pk) == "delivered"
    assert [c["answer"].get("error_code") for c in weibo_standin.calls("statuses/share")] == [None, 20019]
    assert published_once(weibo_standin, page)["idstr"] == existing["idstr"]


def test_repeated_content_not_on_the_timeline_fails_with_the_reason(
    weibo_standin,  # noqa: F811
    weibo_column,  # noqa: F811
):
    weibo_standin.inject("statuses/share", error_code=20019)
    page = weibo_article(weibo_column)
    assert outbox.run(row_of(page).pk) == "failed"
    row = row_of(page)
    assert "与已发布的微博内容重复" in row.last_error and row.error_code == "20019"
    assert WeiboPost.objects.get(page=page).sending_key == ""


def test_a_text_over_the_limit_fails_before_any_request(weibo_standin, weibo_column):  # noqa: F811
    title = "关于" + "进一步加强全市政府网站集约化建设和政务新媒体管理" * 6
    page = weibo_article(weibo_column, title=title)
    assert outbox.run(row_of(page).pk) == "failed"
    row = row_of(page)
    assert row.last_error.startswith("无法发布到政务微博：微博正文超过 140 字")
    assert "请将标题至少缩短" in row.last_error and (row.attempts, row.error_code) == (1, "refused")
    assert weibo_standin.calls() == []


def test_an_animated_gif_over_5_mb_fails_before_any_request(settings, weibo_standin, weibo_column):  # noqa: F811
    settings.WEIBO_IMAGE_MAX_BYTES = 20_000  # a 20 kB "5 MB", so the test needs no large file
    gif = picture_file("GIF", (160, 120), frames=4, noise=True, title="现场动图")
    page = weibo_article(weibo_column, cover_image=gif)
    assert outbox.run(row_of(page).pk) == "failed"
    row = row_of(page)
    assert "图片“现场动图”是" in row.last_error and "GIF 动图" in row.last_error
    assert "转换会失去动画" in row.last_error and row.error_code == "refused"
    assert weibo_standin.calls() == []


def test_a_site_without_an_account_fails_with_the_reason(weibo_standin, weibo_account, weibo_column):  # noqa: F811
    weibo_account.enabled = False
    weibo_account.save()
    page = weibo_article(weibo_column)
    assert outbox.run(row_of(page).pk) == "failed"
    row = row_of(page)
    assert (
        row.last_error
        == "网站“郴州市人民政府”未配置或未启用政务微博账号（账号 UID 与授权令牌），无法发布到微博"
    )
    assert row.error_code == "no_account" and weibo_standin.calls() == []


def test_a_link_outside_the_apps_safe_domain_fails_before_any_request(
    weibo_standin,  # noqa: F811
    weibo_account,  # noqa: F811
    weibo_column,  # noqa: F811
):
    weibo_account.safe_domain = "czs.gov.cn"
    weibo_account.save()
    page = weibo_article(weibo_column)
    assert outbox.run(row_of(page).pk) == "failed"
    row = row_of(page)
    assert "不在微博应用的安全域名“czs.gov.cn”内" in row.last_error and weibo_standin.calls() == []
    weibo_account.safe_domain = "wb.localhost"  # the site www.wb.localhost is under it
    weibo_account.save()
    assert outbox.retry(row) and outbox.run(row.pk) == "delivered"


@pytest.mark.parametrize(
    ("fault", "status", "reason"),
    [
        ({"status": 502}, "delivered", ""),  # deleting again is harmless: retried in-process
        ({"error_code": 20101}, "delivered", ""),  # deleted in Weibo already
        ({"error_code": 20102}, "failed", "不是本账号发布的微博，无法删除"),
        ({"error_code": 10023}, "pending", "频次上限"),
    ],
    ids=["5xx", "gone", "not-ours", "rate-limit"],
)
def test_deleting_on_unpublish_under_faults(weibo_standin, weibo_column, fault, status, reason):  # noqa: F811
    page = weibo_article(weibo_column)
    assert outbox.run(row_of(page).pk) == "delivered"
    weibo_standin.inject("statuses/destroy", **fault)
    page.unpublish()
    withdraw = row_of(page, "withdraw")
    assert outbox.run(withdraw.pk) == status
    withdraw.refresh_from_db()
    assert reason in withdraw.last_error
    if status == "failed":
        assert "请登录微博手动删除" in withdraw.last_error
        assert WeiboPost.objects.get(page=page).is_live  # recorded as still on Weibo
    elif status == "delivered":
        assert WeiboPost.objects.get(page=page).withdrawn_at is not None


def test_an_unpublish_after_a_lost_answer_finds_the_post_and_deletes_it(
    weibo_standin,  # noqa: F811
    weibo_column,  # noqa: F811
    quick,
):
    weibo_standin.inject("statuses/share", delay=0.6)
    weibo_standin.inject("statuses/user_timeline", status=502, times=3)
    page = weibo_article(weibo_column)
    assert outbox.run(row_of(page).pk) == "pending"  # posted, but nobody knows yet
    page.unpublish()
    withdraw = row_of(page, "withdraw")
    assert outbox.run(withdraw.pk) == "delivered"
    withdraw.refresh_from_db()
    assert withdraw.state["withdrawn"] is True
    assert weibo_standin.posts() == [] and len(weibo_standin.calls("statuses/destroy")) == 1
    record = WeiboPost.objects.get(page=page)
    assert record.withdrawn_at is not None and record.sending_key == ""
