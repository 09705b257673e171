"""Scheduled publishing (issue 2 item 7): go-live and expiry run through the background
worker's task, with time moved by time_machine rather than waited for."""

import datetime as dt
import threading

import pytest
import time_machine
from django.utils import timezone
from wagtail.models import Revision
from wagtail.signals import page_published, page_unpublished

from cms.clock import tick
from cms.models import ArticlePage
from cms.tasks import publish_scheduled
from tests.factories import make_article, make_column, make_organisation, make_site

SHANGHAI = dt.timezone(dt.timedelta(hours=8))
NOW = dt.datetime(2014, 6, 30, 9, 0, tzinfo=SHANGHAI)
GO_LIVE = dt.datetime(2014, 7, 1, 8, 0, tzinfo=SHANGHAI)


@pytest.fixture
def column():
    site = make_site("www.test.localhost", "郴州市人民政府", slug="czs")
    return make_column(site.home, title="政策文件", column_type="政策文件")


@pytest.fixture
def published_events():
    events = []

    def receiver(sender, instance, revision, **kwargs):
        events.append((instance.pk, instance.live, timezone.now()))

    page_published.connect(receiver, dispatch_uid="test_scheduled_published")
    yield events
    page_published.disconnect(dispatch_uid="test_scheduled_published")


def schedule(column, **fields):
    """Save an article with a future go-live time and press "publish", as an editor does."""
    # live=False as the admin's create view sets it: a new page is not live until published.
    article = make_article(column, publish=False, live=False, published_at=None, go_live_at=GO_LIVE, **fields)
    article.get_latest_revision().publish()
    return ArticlePage.objects.get(pk=article.pk)


@time_machine.travel(NOW, tick=False)
def test_publish_with_future_go_live_schedules_instead(column, published_events):
    article = schedule(column, title="郴州市2014年下半年重点工作安排")
    assert not article.live
    assert article.first_published_at is None
    assert article.published_at is None
    revision = article.get_latest_revision()
    assert revision.approved_go_live_at == GO_LIVE
    # Wagtail sends page_published when a revision is scheduled too, with the page not
    # live: receivers (channels, search) must look at instance.live.
    assert published_events == [(article.pk, False, NOW)]

    # The worker running before the time changes nothing.
    publish_scheduled.enqueue()
    assert not ArticlePage.objects.get(pk=article.pk).live


def test_worker_task_publishes_when_time_comes(column, published_events):
    with time_machine.travel(NOW, tick=False):
        article = schedule(column, title="郴州市2014年下半年重点工作安排")
    with time_machine.travel(GO_LIVE + dt.timedelta(minutes=1), tick=False):
        result = publish_scheduled.enqueue()
        assert result.status == "SUCCESSFUL"
    article = ArticlePage.objects.get(pk=article.pk)
    assert article.live
    assert article.first_published_at == GO_LIVE + dt.timedelta(minutes=1)
    # The displayed publish time is the announced go-live time, not the worker's minute.
    assert article.published_at == GO_LIVE
    assert not Revision.objects.filter(object_id=str(article.pk), approved_go_live_at__isnull=False).exists()
    # page_published fired again at the worker's run, now with the page live.
    assert published_events == [
        (article.pk, False, NOW),
        (article.pk, True, GO_LIVE + dt.timedelta(minutes=1)),
    ]


def test_scheduled_item_gets_index_number_of_go_live_year(column):
    organisation = make_organisation(code="11431000006172015X")
    with time_machine.travel(dt.datetime(2014, 12, 31, 12, 0, tzinfo=SHANGHAI), tick=False):
        article = make_article(
            column,
            publish=False,
            live=False,
            published_at=None,
            go_live_at=dt.datetime(2015, 1, 1, 8, 0, tzinfo=SHANGHAI),
            organisation=organisation,
        )
        article.get_latest_revision().publish()
        assert ArticlePage.objects.get(pk=article.pk).index_number is None
    with time_machine.travel(dt.datetime(2015, 1, 1, 8, 5, tzinfo=SHANGHAI), tick=False):
        publish_scheduled.enqueue()
    assert ArticlePage.objects.get(pk=article.pk).index_number == "11431000006172015X/2015-00001"


def test_expiry_unpublishes(column):
    expire = dt.datetime(2014, 7, 15, 18, 0, tzinfo=SHANGHAI)
    unpublished = []

    def receiver(sender, instance, **kwargs):
        unpublished.append(instance.pk)

    page_unpublished.connect(receiver, dispatch_uid="test_scheduled_unpublished")
    try:
        with time_machine.travel(NOW, tick=False):
            article = make_article(column, title="征求意见：郴州市城市绿化条例（草案）", expire_at=expire)
            assert article.live
        with time_machine.travel(expire - dt.timedelta(minutes=1), tick=False):
            publish_scheduled.enqueue()
            assert ArticlePage.objects.get(pk=article.pk).live
        with time_machine.travel(expire + dt.timedelta(minutes=1), tick=False):
            publish_scheduled.enqueue()
    finally:
        page_unpublished.disconnect(dispatch_uid="test_scheduled_unpublished")
    article = ArticlePage.objects.get(pk=article.pk)
    assert not article.live
    assert article.expired
    assert unpublished == [article.pk]


class _StopAfterOneRound(threading.Event):
    """A stop event whose wait ends the clock's loop at once instead of sleeping."""

    def __init__(self):
        super().__init__()
        self.waits = []

    def wait(self, timeout=None):
        self.waits.append(timeout)
        self.set()
        return True


def test_worker_clock_enqueues_scheduled_publishing(column, published_events):
    with time_machine.travel(NOW, tick=False):
        article = schedule(column)
    stop = _StopAfterOneRound()
    with time_machine.travel(GO_LIVE + dt.timedelta(seconds=30), tick=False):
        tick(stop, 60)
    assert stop.waits == [60]
    assert ArticlePage.objects.get(pk=article.pk).live
    assert [(pk, live) for pk, live, _when in published_events] == [(article.pk, False), (article.pk, True)]


def test_worker_clock_does_nothing_once_stopped(column):
    with time_machine.travel(NOW, tick=False):
        article = schedule(column)
    stop = threading.Event()
    stop.set()
    with time_machine.travel(GO_LIVE + dt.timedelta(minutes=1), tick=False):
        tick(stop, 60)
    assert not ArticlePage.objects.get(pk=article.pk).live
