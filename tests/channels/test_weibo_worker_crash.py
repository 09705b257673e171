"""A real worker process killed in the middle of a microblog post, then restarted: at most
one post, whichever side of Weibo's work the worker died on.

The worker (`manage.py run_worker`, a separate process) has committed the text's key and
sent statuses/share; the stand-in parks the request, the test SIGKILLs the worker, and the
stand-in drops the request, either unprocessed (the worker died before the request reached
Weibo) or after making the post (Weibo posted, the answer never came back). A restarted
worker resumes the row after its lease, reads the account's timeline, and posts only if
the post is not there."""

import pytest

from channels.models import Delivery
from channels.weibo.models import WeiboPost
from channels.weibo.text import text_key
from tests.factories import make_column

from .transactional import baseline, snapshot  # noqa: F401
from .wechat_fixtures import standin  # noqa: F401
from .weibo_fixtures import UID, weibo_account, weibo_article, weibo_standin  # noqa: F401
from .worker import wait_for, worker_env  # noqa: F401

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def weibo_worker(worker_env, weibo_standin):  # noqa: F811
    """Workers on the test's database, pointed at the Weibo stand-in."""

    def make():
        worker = worker_env()
        worker.env = {
            **worker.env,
            "DJANGO_SETTINGS_MODULE": "tests.channels.weibo_worker_settings",
            "WEIBO_API_BASE_URL": weibo_standin.base_url,
        }
        return worker.start()

    return make


def delivered(row, worker):
    wait_for(
        lambda: Delivery.objects.filter(pk=row.pk, status="delivered").exists(),
        timeout=90,
        what="the restarted worker to deliver the row",
        worker=worker,
    )
    worker.stop()
    row.refresh_from_db()
    return row


@pytest.mark.parametrize(
    "posted", [False, True], ids=["killed-before-weibo-posted", "killed-after-weibo-posted"]
)
def test_a_worker_killed_mid_post_posts_at_most_once(weibo_standin, weibo_account, weibo_worker, posted):  # noqa: F811
    column = make_column(weibo_account.site.root_page, title="政务动态", channels=["weibo"])
    arrived, release = weibo_standin.hold("statuses/share", after=posted)
    page = weibo_article(column, title="市政府常务会议研究部署防汛工作")
    (row,) = Delivery.objects.filter(page=page)  # queued in the database for the worker

    first = weibo_worker()
    wait_for(arrived.is_set, timeout=90, what="the worker's statuses/share", worker=first)
    # The text's key was committed before the request went out.
    record = WeiboPost.objects.get(page=page)
    assert record.sending_key and not record.status_id
    first.kill()
    release.set()  # the held request is dropped: no answer ever reaches a worker
    row.refresh_from_db()
    assert (row.status, row.attempts) == ("running", 1)  # abandoned mid-delivery
    assert row.state["sent"]["text_sha256"] == record.sending_key
    assert len(weibo_standin.posts()) == (1 if posted else 0)

    row = delivered(row, weibo_worker())
    (post,) = weibo_standin.posts(UID)  # exactly one post either way
    shares = weibo_standin.calls("statuses/share")
    assert len(shares) == (1 if posted else 2) and shares[0].get("dropped")
    assert len(weibo_standin.calls("statuses/user_timeline")) == 1  # looked before anything else
    assert text_key(post["text"]) == record.sending_key
    record.refresh_from_db()
    assert row.attempts == 2 and row.state["status_id"] == record.status_id == post["idstr"]
    assert record.sending_key == ""
