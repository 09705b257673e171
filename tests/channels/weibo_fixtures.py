"""Fixtures for the microblog channel tests: the Weibo API stand-in on 127.0.0.1, a site
with an enabled Weibo account whose token the stand-in knows, a column posting to the
microblog, articles with real pictures, and the real adapter without its client's backoff
sleeps (the delays are asserted in test_weibo_client.py)."""

import datetime as dt
import io
import random

import pytest
from django.core.files.images import ImageFile
from PIL import Image as PILImage
from wagtail.images import get_image_model

from channels import outbox
from channels.adapters import get_adapter
from channels.models import Delivery
from channels.weibo.adapter import WeiboAdapter
from channels.weibo.models import WeiboAccount
from demo.weibo_standin import WeiboStandin
from tests.factories import make_article, make_column, make_site

from .wechat_fixtures import make_image

TOKEN = "2.00czsWeiboTokenA"
UID = "5800000042"
T0 = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)
SUMMARY = "会议要求，各地各部门要进一步推进政府网站集约化建设，提升政务新媒体服务水平。"


class QuickWeiboAdapter(WeiboAdapter):
    """The real adapter, its client's retry backoff not slept."""

    def __init__(self):
        super().__init__(sleep=lambda seconds: None)


@pytest.fixture
def weibo_standin(settings):
    server = WeiboStandin().start()
    server.accept_any_token = False
    settings.WEIBO_API_BASE_URL = server.base_url
    settings.WEIBO_WEB_BASE_URL = server.base_url
    yield server
    server.stop()


@pytest.fixture
def weibo_account(weibo_standin):
    site = make_site(hostname="www.wb.localhost", name="郴州市人民政府")
    account = WeiboAccount.for_site(site.site)
    account.uid, account.name, account.enabled = UID, "郴州发布", True
    account.set_access_token(TOKEN)
    account.save()
    weibo_standin.authorize(TOKEN, UID)
    account.provisioned = site  # its editor groups, for admin tests
    return account


@pytest.fixture
def weibo_column(settings, weibo_account):
    settings.CHANNEL_ADAPTERS = {"weibo": "tests.channels.weibo_fixtures.QuickWeiboAdapter"}
    get_adapter.cache_clear()
    yield make_column(weibo_account.site.root_page, title="政务动态", channels=["weibo"])
    get_adapter.cache_clear()


def weibo_article(column, title="郴州市召开全市政务公开工作会议", *, picture=True, **fields):
    fields.setdefault("summary", SUMMARY)
    if picture:
        fields.setdefault("cover_image", make_image("会议现场", size=(1200, 800), seed=3))
    return make_article(column, title=title, **fields)


def row_of(page, action="deliver"):
    """The page's newest delivery row on the microblog channel."""
    return Delivery.objects.filter(page=page, channel="weibo", action=action).order_by("-pk").first()


def drive(row, clock, limit=10):
    """Run the row each time it is next due, as the worker would; returns the statuses."""
    statuses = []
    for _ in range(limit):
        row.refresh_from_db()
        if row.next_attempt_at:
            clock.move_to(row.next_attempt_at)
        statuses.append(outbox.run(row.pk))
        row.refresh_from_db()
        if row.status in ("delivered", "failed", "superseded"):
            return statuses
    raise AssertionError(f"not done after {limit} runs: {statuses}")


def picture_file(kind, size=(640, 480), *, frames=1, noise=False, title="图片"):
    """A Wagtail image of the given Pillow format (WEBP, GIF, PNG, ...); `frames` > 1 makes
    an animated GIF; `noise` makes it large for its size."""
    rnd = random.Random(7)
    images = []
    for _ in range(frames):
        if noise:
            images.append(PILImage.frombytes("RGB", size, rnd.randbytes(size[0] * size[1] * 3)))
        else:
            images.append(PILImage.new("RGB", size, (rnd.randrange(256), 18, 27)))
    buffer = io.BytesIO()
    extra = {"save_all": True, "append_images": images[1:], "duration": 100} if frames > 1 else {}
    images[0].save(buffer, kind, **extra)
    name = f"picture.{kind.lower()}"
    return get_image_model().objects.create(title=title, file=ImageFile(buffer, name=name))
