"""Publishing to WeChat against the stand-in: limits before any request, images uploaded
once, re-publish updates the same draft, a crash after draft/add does not double-post,
the submitted job is checked in separate steps (never resubmitted), 100 items each
delivered once, unpublish takes the article down, mass send goes out once."""

import datetime as dt

import pytest
import time_machine

from channels.adapters.base import DeliveryError, DeliveryPending
from channels.adapters.wechat import WeChatAdapter
from channels.wechat.models import WeChatArticle
from channels.wechat.publish import poll_delay, send_to_followers
from tests.factories import make_article

from .wechat_fixtures import account, article_with_images, column, make_image, standin  # noqa: F401

T0 = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)


class Crash(Exception):
    pass


def deliver(page, **kwargs):
    """Publish the page's latest revision the way the outbox does: the submit step, then
    as many separate checks as WeChat needs (each a new call, as from a deferred task)."""
    page.refresh_from_db()
    adapter = WeChatAdapter(sleep=lambda s: None, **kwargs)
    for _ in range(20):
        try:
            return adapter.deliver(page, page.latest_revision, None)
        except DeliveryPending as pending:
            assert 0 < pending.after <= 60 and "publish_id" in pending.reason
    raise AssertionError("still publishing after 20 checks")


def test_publish_article_end_to_end(standin, column):  # noqa: F811
    page = article_with_images(column, title="郴州召开全市经济工作会议")
    result = deliver(page)
    assert result["url"].startswith("https://mp.weixin.qq.com/s/")
    assert WeChatArticle.objects.get(page_id=page.pk).url == result["url"]
    [add] = standin.calls("draft/add")
    article = add["json"]["articles"][0]
    assert article["title"] == "郴州召开全市经济工作会议"
    assert article["thumb_media_id"] in standin.materials
    assert standin.materials[article["thumb_media_id"]]["type"] == "thumb"
    assert standin.materials[article["thumb_media_id"]]["size"] <= 64 * 1024
    assert article["content_source_url"] == page.full_url
    content = article["content"]
    # Images re-hosted on WeChat; the same image (rich text and image block) uploaded once.
    assert content.count('src="http://mmbiz.qpic.cn/') == 2
    assert len(standin.calls("media/uploadimg")) == 1
    # The external link became text with a numbered note; styles are inline.
    assert "<a " not in content and "外部链接" in content and "[1] https://www.example.com/x" in content
    assert "class=" not in content and 'style="' in content
    assert len(standin.calls("freepublish/submit")) == 1
    assert len(standin.calls("freepublish/get")) == 2  # "publishing" once, then done


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"title": "标" * 33}, "标题 33 字"),
        ({"author": "作" * 17}, "作者 17 字"),
        ({"summary": "摘" * 129}, "摘要 129 字"),
        ({"cover_image": None}, "封面图片"),
        ({"body": [("paragraph", "<p>" + "很长的正文" * 4100 + "</p>")]}, "正文排版后"),
    ],
)
def test_limits_are_checked_before_any_request(standin, column, fields, message):  # noqa: F811
    fields.setdefault("cover_image", make_image())
    page = make_article(column, **fields)
    with pytest.raises(DeliveryError) as exc:
        deliver(page)
    assert message in exc.value.reason and not exc.value.retryable
    assert standin.calls() == []


def test_republish_updates_the_same_draft_and_uploads_nothing_new(standin, column):  # noqa: F811
    page = article_with_images(column)
    first = deliver(page)
    uploads = len(standin.calls("material/add_material")) + len(standin.calls("media/uploadimg"))
    page.title = "修改后的标题"
    page.save_revision().publish()
    second = deliver(page)
    assert len(standin.calls("draft/add")) == 1
    [update] = standin.calls("draft/update")
    assert update["json"]["media_id"] == first["media_id"] == second["media_id"]
    assert update["json"]["articles"]["title"] == "修改后的标题"
    assert len(standin.calls("material/add_material")) + len(standin.calls("media/uploadimg")) == uploads
    assert len(standin.calls("freepublish/submit")) == 2


def test_crash_between_draft_add_and_submit_publishes_once(standin, column):  # noqa: F811
    page = article_with_images(column)

    def crash(record):
        raise Crash("worker killed")

    with pytest.raises(Crash):
        deliver(page, on_draft_saved=crash)
    assert len(standin.calls("draft/add")) == 1 and standin.calls("freepublish/submit") == []
    result = deliver(page)
    assert result["url"]
    assert len(standin.successful("draft/add")) == 1
    assert len(standin.successful("freepublish/submit")) == 1
    # and once delivered, a repeated delivery of that revision sends nothing new
    deliver(page)
    assert len(standin.calls("freepublish/submit")) == 1 and len(standin.calls("draft/add")) == 1


def test_retryable_and_final_failures_become_delivery_errors(standin, column):  # noqa: F811
    page = article_with_images(column)
    standin.inject("freepublish/submit", status=502, times=10)
    with pytest.raises(DeliveryError) as exc:
        deliver(page)
    assert exc.value.retryable and "HTTP 502" in exc.value.reason
    standin.inject("freepublish/submit", errcode=48001, times=1)
    standin.faults["freepublish/submit"] = standin.faults["freepublish/submit"][-1:]
    with pytest.raises(DeliveryError) as exc:
        deliver(page)
    assert not exc.value.retryable and exc.value.code == 48001 and "权限" in exc.value.reason


def test_rejected_by_review_is_final(standin, column):  # noqa: F811
    standin.next_publish_status = 4
    page = article_with_images(column)
    with pytest.raises(DeliveryError) as exc:
        deliver(page)
    assert "审核" in exc.value.reason and not exc.value.retryable


def test_a_submitted_job_is_checked_in_separate_steps_and_never_resubmitted(standin, column):  # noqa: F811
    standin.polls_before_done = 3
    page = article_with_images(column)
    page.refresh_from_db()
    adapter = WeChatAdapter(sleep=lambda s: None)
    with pytest.raises(DeliveryPending) as submitted:
        adapter.deliver(page, page.latest_revision, None)
    # Submitting does not wait for the result: the first check is a later, separate call.
    assert submitted.value.after == 0.2
    assert standin.calls("freepublish/get") == []
    for checks in (1, 2, 3):
        with pytest.raises(DeliveryPending):
            adapter.deliver(page, page.latest_revision, None)
        assert len(standin.calls("freepublish/get")) == checks
    assert adapter.deliver(page, page.latest_revision, None)["url"].startswith("https://mp.weixin.qq.com/")
    assert len(standin.calls("freepublish/get")) == 4
    assert len(standin.calls("draft/add")) == len(standin.calls("freepublish/submit")) == 1


def test_checks_back_off_geometrically_up_to_a_minute():
    assert [poll_delay(s) for s in (0, 0.1, 1, 10, 100, 1000)] == [0.2, 0.2, 0.5, 5, 50, 60]


def test_a_job_still_publishing_past_the_deadline_fails_and_a_retry_only_asks_again(
    standin,  # noqa: F811
    column,  # noqa: F811
    settings,
):
    settings.WECHAT_PUBLISH_TIMEOUT = 600
    standin.polls_before_done = 100
    page = article_with_images(column)
    page.refresh_from_db()
    adapter = WeChatAdapter(sleep=lambda s: None)
    with time_machine.travel(T0, tick=False) as clock:
        with pytest.raises(DeliveryPending):
            adapter.deliver(page, page.latest_revision, None)
        clock.shift(599)
        with pytest.raises(DeliveryPending) as pending:
            adapter.deliver(page, page.latest_revision, None)
        assert pending.value.after == 60
        clock.shift(2)
        for _ in range(2):  # the timeout, then an editor's retry of the failed row
            with pytest.raises(DeliveryError) as exc:
                adapter.deliver(page, page.latest_revision, None)
            assert not exc.value.retryable and "超过 10 分钟仍未返回发布结果" in exc.value.reason
    assert len(standin.calls("freepublish/submit")) == 1
    assert len(standin.calls("freepublish/get")) == 3


def test_hundred_items_each_delivered_once(standin, column):  # noqa: F811
    cover = make_image()
    pages = [
        make_article(column, title=f"第{i}条信息", cover_image=cover, summary="摘要") for i in range(100)
    ]
    urls = {deliver(page)["url"] for page in pages}
    assert len(urls) == 100
    assert len(standin.successful("draft/add")) == 100
    assert len(standin.successful("freepublish/submit")) == 100
    assert len(standin.calls("material/add_material")) == 1  # one shared cover, uploaded once
    titles = sorted(a["title"] for articles in standin.drafts.values() for a in articles)
    assert titles == sorted(f"第{i}条信息" for i in range(100))


def test_mass_send_goes_out_once(standin, column):  # noqa: F811
    page = article_with_images(column)
    with pytest.raises(Exception, match="请先将该信息发布到微信公众号"):
        send_to_followers(page, page.latest_revision)
    deliver(page)
    first = send_to_followers(page, page.latest_revision)
    second = send_to_followers(page, page.latest_revision)
    assert first.pk == second.pk
    assert len(standin.calls("message/mass/sendall")) == 1
    # Even with our record lost, WeChat's clientmsgid check (45065) stops a second send.
    first.delete()
    send_to_followers(page, page.latest_revision)
    assert len(standin.mass_sends) == 1
    assert standin.calls("message/mass/sendall")[-1]["answer"]["errcode"] == 45065
