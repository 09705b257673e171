"""Publishing to WeChat against the stand-in: limits before any request, images uploaded
once, re-publish updates the same draft, a crash after draft/add does not double-post,
the submitted job is checked in separate steps (never resubmitted), 100 items each
delivered once, unpublish takes the article down, mass send goes out once."""

import datetime as dt

import pytest
import time_machine

from channels.adapters import DeliveryError, DeliveryPending
from channels.wechat.adapter import WeChatAdapter
from channels.wechat.models import WeChatArticle, WeChatMassSend
from channels.wechat.publish import (
    PublishError,
    clientmsgid_for,
    poll_delay,
    published_article,
    send_to_followers,
)
from tests.factories import make_article

from .wechat_fixtures import (  # noqa: F401
    account,
    article_with_images,
    column,
    deliver_to_wechat,
    make_image,
    standin,
)

T0 = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)


class Crash(Exception):
    pass


def deliver(page, **kwargs):
    return deliver_to_wechat(page, **kwargs)


def withdraw(page):
    page.refresh_from_db()
    return WeChatAdapter(sleep=lambda s: None).withdraw(page, None)


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


def test_a_cover_deleted_from_the_account_is_uploaded_again(standin, column):  # noqa: F811
    cover = make_image()
    first = make_article(column, title="第一条", cover_image=cover, summary="摘要")
    deliver(first)
    [thumb] = [m for m, v in standin.materials.items() if v["type"] == "thumb"]
    del standin.materials[thumb]  # an administrator deleted it in the platform
    second = make_article(column, title="第二条", cover_image=cover, summary="摘要")
    assert deliver(second)["url"]
    assert [r["answer"].get("errcode", 0) for r in standin.calls("draft/add")] == [0, 40007, 0]
    assert len(standin.calls("material/add_material")) == 2
    assert standin.successful("draft/add")[-1]["json"]["articles"][0]["thumb_media_id"] in standin.materials


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
    with pytest.raises(PublishError, match="请先将该信息发布到微信公众号"):
        send_to_followers(page)
    assert standin.calls("message/mass/sendall") == []
    deliver(page)
    first, sent = send_to_followers(page)
    assert sent and first.status == "sent" and first.msg_id
    [request] = standin.calls("message/mass/sendall")
    assert request["json"]["mpnews"]["media_id"] == WeChatArticle.objects.get(page=page).media_id
    assert request["json"]["clientmsgid"] == first.clientmsgid
    second, sent = send_to_followers(page)
    assert not sent and second.pk == first.pk
    assert len(standin.calls("message/mass/sendall")) == 1
    # Even with our record lost, WeChat's clientmsgid check (45065) stops a second send.
    first.delete()
    again, sent = send_to_followers(page)
    assert again.status == "sent" and len(standin.mass_sends) == 1
    assert standin.calls("message/mass/sendall")[-1]["answer"]["errcode"] == 45065


def test_a_failed_mass_send_can_be_sent_again_and_goes_out_once(standin, column):  # noqa: F811
    page = article_with_images(column)
    deliver(page)
    standin.inject("message/mass/sendall", errcode=45066)
    with pytest.raises(PublishError, match="群发过于频繁"):
        send_to_followers(page)
    failed = WeChatMassSend.objects.get(page=page)
    assert failed.status == "failed" and "群发过于频繁" in failed.error
    send, sent = send_to_followers(page)
    assert sent and send.pk == failed.pk and send.status == "sent" and send.error == ""
    assert send_to_followers(page)[1] is False
    assert len(standin.mass_sends) == 1 and len(standin.calls("message/mass/sendall")) == 2


def test_a_send_in_flight_stops_a_second_click_until_it_is_stale(standin, column):  # noqa: F811
    page = article_with_images(column)
    deliver(page)
    article = published_article(page)
    # An earlier click wrote its row and is still waiting for WeChat's answer.
    in_flight = WeChatMassSend.objects.create(
        account=article.account,
        page=page,
        revision_id=article.submitted_revision_id,
        clientmsgid=clientmsgid_for(page.pk, article.submitted_revision_id),
        status="sending",
    )
    send, sent = send_to_followers(page)
    assert (send.pk, sent) == (in_flight.pk, False)
    assert standin.calls("message/mass/sendall") == []
    # That request died before sending: once stale, the editor may send; had it gone out,
    # WeChat's clientmsgid check would answer 45065 and nothing would go twice.
    with time_machine.travel(dt.datetime.now(dt.UTC) + dt.timedelta(seconds=121)):
        send, sent = send_to_followers(page)
    assert sent and send.status == "sent" and len(standin.mass_sends) == 1


# --- unpublish ------------------------------------------------------------------------


def test_unpublish_takes_the_article_down_and_a_republish_reuses_the_draft(standin, column):  # noqa: F811
    page = article_with_images(column)
    first = deliver(page)
    assert withdraw(page) == {"withdrawn": True, "article_id": first["article_id"]}
    [delete] = standin.calls("freepublish/delete")
    assert delete["json"] == {"article_id": first["article_id"], "index": 0}
    record = WeChatArticle.objects.get(page=page)
    assert record.url == "" and record.withdrawn_at is not None and published_article(page) is None
    # A second withdraw (a retried row) has nothing left to do.
    assert withdraw(page) == {"withdrawn": False}
    assert len(standin.calls("freepublish/delete")) == 1
    page.save_revision().publish()
    second = deliver(page)
    assert second["media_id"] == first["media_id"] and second["url"] != first["url"]
    assert len(standin.calls("draft/add")) == 1 and len(standin.calls("draft/update")) == 1
    assert published_article(page) is not None


def test_unpublish_during_the_publish_job_waits_for_it_then_deletes(standin, column):  # noqa: F811
    page = article_with_images(column)
    page.refresh_from_db()
    with pytest.raises(DeliveryPending):
        WeChatAdapter(sleep=lambda s: None).deliver(page, page.latest_revision, None)
    with pytest.raises(DeliveryPending):  # WeChat is still publishing it
        withdraw(page)
    assert standin.calls("freepublish/delete") == []
    assert withdraw(page)["withdrawn"] is True
    assert len(standin.deleted) == 1 and len(standin.calls("freepublish/submit")) == 1


def test_unpublish_of_a_page_never_on_wechat_or_deleted_in_the_platform(standin, column):  # noqa: F811
    page = article_with_images(column)
    assert withdraw(page) == {"withdrawn": False}
    assert standin.calls() == []
    deliver(page)
    standin.inject("freepublish/delete", errcode=40007)  # an admin deleted it already
    assert withdraw(page)["withdrawn"] is True
    assert WeChatArticle.objects.get(page=page).withdrawn_at is not None


def test_a_final_withdraw_error_reaches_the_editor(standin, column):  # noqa: F811
    page = article_with_images(column)
    deliver(page)
    standin.inject("freepublish/delete", errcode=48001)
    with pytest.raises(DeliveryError) as exc:
        withdraw(page)
    assert not exc.value.retryable and "权限" in exc.value.reason
    assert published_article(page) is not None  # still recorded as online
