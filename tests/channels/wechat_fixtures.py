"""Fixtures for the WeChat channel tests: the API stand-in on 127.0.0.1, a site with an
enabled account, and articles with real images."""

import io
import random

import pytest
from django.core.cache import cache
from django.core.files.images import ImageFile
from PIL import Image as PILImage
from wagtail.images import get_image_model

from channels.adapters import DeliveryPending
from channels.wechat.adapter import WeChatAdapter
from channels.wechat.models import WeChatAccount
from demo.wechat_standin import WeChatStandin
from tests.factories import make_article, make_column, make_site


@pytest.fixture
def standin(settings):
    server = WeChatStandin(polls_before_done=1).start()
    settings.WECHAT_API_BASE_URL = server.base_url
    cache.clear()
    yield server
    server.stop()
    cache.clear()


@pytest.fixture
def account(monkeypatch):
    site = make_site(hostname="www.wx.localhost", name="郴州市人民政府")
    acc = WeChatAccount.for_site(site.site)
    acc.appid = "wxportal0001"
    acc.name = "郴州发布"
    acc.enabled = True
    acc.set_secrets(secret="s3cret", token="tok", aes_key="k" * 43)
    acc.save()
    acc.provisioned = site  # its editor groups, for admin tests
    return acc


def make_image(title="图片", size=(1600, 1000), seed=1):
    """A real JPEG with noise, so renditions have realistic sizes."""
    rnd = random.Random(seed)
    img = PILImage.frombytes("RGB", size, rnd.randbytes(size[0] * size[1] * 3))
    buf = io.BytesIO()
    img.save(buf, "JPEG", quality=90)
    return get_image_model().objects.create(title=title, file=ImageFile(buf, name=f"img{seed}.jpg"))


@pytest.fixture
def column(account):
    return make_column(account.site.root_page, title="政务动态", channels=["web"])


def article_with_images(column, **fields):
    cover = make_image("封面", seed=1)
    inline = make_image("正文图", size=(800, 600), seed=2)
    body = [
        (
            "paragraph",
            '<p>第一段 <a href="https://www.example.com/x">外部链接</a>。</p>'
            f'<embed alt="现场" embedtype="image" format="fullwidth" id="{inline.pk}"/>',
        ),
        ("image", inline),
        ("table", {"data": [["项目", "金额"], ["道路", "100"]], "first_row_is_table_header": True}),
    ]
    fields.setdefault("summary", "摘要内容")
    fields.setdefault("author", "市政府办")
    return make_article(column, cover_image=cover, body=body, **fields)


def deliver_to_wechat(page, **kwargs):
    """Publish the page's latest revision to WeChat the way the outbox does: the submit
    step, then as many separate checks as WeChat needs (each a new call, as from a deferred
    task). Returns the adapter's result."""
    page.refresh_from_db()
    adapter = WeChatAdapter(sleep=lambda s: None, **kwargs)
    for _ in range(20):
        try:
            return adapter.deliver(page, page.latest_revision, None)
        except DeliveryPending as pending:
            assert 0 < pending.after <= 60 and "publish_id" in pending.reason
    raise AssertionError("still publishing after 20 checks")
