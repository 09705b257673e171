"""A real worker process killed in the middle of a WeChat publish, then restarted.

The worker (`manage.py run_worker`, a separate process) has had draft/add answered and
sent freepublish/submit; the stand-in holds that request unanswered, the test SIGKILLs the
worker, and the stand-in drops the request unprocessed, as if the worker died before it
reached WeChat. A restarted worker resumes the row after its lease and the stand-in's
request log shows exactly one draft and one publish of that revision. Likewise a worker
killed while it checks the submitted job: the restarted one only checks."""

import pytest

from channels.models import Delivery
from channels.wechat.models import WeChatArticle
from tests.factories import make_column

from .transactional import baseline, snapshot  # noqa: F401
from .wechat_fixtures import account, article_with_images, standin  # noqa: F401
from .worker import wait_for, worker_env  # noqa: F401

pytestmark = pytest.mark.django_db(transaction=True)


def test_worker_killed_between_draft_add_and_submit_publishes_once(standin, account, worker_env):  # noqa: F811
    column = make_column(account.site.root_page, title="政务动态", channels=["wechat"])
    arrived, release = standin.hold("freepublish/submit")
    page = article_with_images(column, title="市政府常务会议研究部署防汛工作")
    revision_id = page.live_revision_id
    (row,) = Delivery.objects.filter(page=page)  # queued in the database for the worker

    first = worker_env().start()
    wait_for(arrived.is_set, timeout=90, what="the worker's freepublish/submit", worker=first)
    # draft/add has been answered and its media_id committed before the submit went out.
    assert len(standin.successful("draft/add")) == 1
    draft = WeChatArticle.objects.get(page=page)
    assert draft.media_id and draft.draft_revision_id == revision_id and not draft.publish_id
    first.kill()
    release.set()  # the held submit is dropped: WeChat never got it
    row.refresh_from_db()
    assert (row.status, row.attempts) == ("running", 1)  # abandoned mid-delivery

    second = worker_env().start()
    wait_for(
        lambda: Delivery.objects.filter(pk=row.pk, status="delivered").exists(),
        timeout=90,
        what="the restarted worker to deliver the row",
        worker=second,
    )
    second.stop()

    adds = standin.successful("draft/add")
    submits = standin.successful("freepublish/submit")
    assert len(adds) == 1 and len(submits) == 1
    assert [a["title"] for a in adds[0]["json"]["articles"]] == ["市政府常务会议研究部署防汛工作"]
    assert submits[0]["json"] == {"media_id": draft.media_id}
    assert [r["answer"].get("errcode") for r in standin.calls("freepublish/submit")] == ["dropped", 0]
    assert standin.calls("draft/update") == []
    row.refresh_from_db()
    draft.refresh_from_db()
    assert row.attempts == 2 and row.state["url"] == draft.url
    assert draft.url.startswith("https://mp.weixin.qq.com/s/")
    assert draft.submitted_revision_id == revision_id


def test_worker_killed_while_checking_the_submitted_job_never_resubmits(standin, account, worker_env):  # noqa: F811
    column = make_column(account.site.root_page, title="政务动态", channels=["wechat"])
    arrived, release = standin.hold("freepublish/get")
    page = article_with_images(column, title="我市发布高温天气防范提示")
    (row,) = Delivery.objects.filter(page=page)

    first = worker_env().start()
    wait_for(arrived.is_set, timeout=90, what="the worker's first freepublish/get", worker=first)
    # Submitted and recorded; the worker is checking the job when it dies.
    assert WeChatArticle.objects.get(page=page).publish_id
    first.kill()
    release.set()
    row.refresh_from_db()
    assert row.status == "running"

    second = worker_env().start()
    wait_for(
        lambda: Delivery.objects.filter(pk=row.pk, status="delivered").exists(),
        timeout=90,
        what="the restarted worker to deliver the row",
        worker=second,
    )
    second.stop()
    assert len(standin.successful("draft/add")) == 1
    assert len(standin.calls("freepublish/submit")) == 1
    assert len(standin.successful("freepublish/get")) >= 1
    row.refresh_from_db()
    assert row.state["url"] == WeChatArticle.objects.get(page=page).url != ""
