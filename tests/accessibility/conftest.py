"""Browser fixtures: one demo-like site (every page type, images, a table, attachments, a
topic with every section type, an English portal) built once per module, served by
pytest-django's live server, and one headless Chromium per module.

The live server needs committed data, so these tests run on the transactional database,
which empties every table after each test. The module's content is snapshotted once and
loaded back before a test that finds the database emptied, and the database as it was
before the module is loaded back at its end (the pattern of
tests/channels/test_outbox_concurrency.py)."""

import io
import json
import time

import pytest
from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.core.cache import cache
from django.core.files.base import ContentFile
from django.core.files.images import ImageFile
from django.core.management import call_command
from django.core.management.color import no_style
from django.db import connection
from PIL import Image as PILImage
from wagtail.documents.models import Document
from wagtail.images.models import Image
from wagtail.models import Page

from cms.models import ArticleAttachment
from tests import browsers
from tests.factories import (
    make_article,
    make_column,
    make_english_portal,
    make_organisation,
    make_portal,
    make_topic,
)

WWW = "www.a11y.localhost"
EN = "en.a11y.localhost"


def _png(name, colour):
    buffer = io.BytesIO()
    PILImage.new("RGB", (320, 200), colour).save(buffer, "PNG")
    return ImageFile(buffer, name=name)


def build_site():
    """A small portal with every page type, as the demo has them, and an English portal;
    returns the paths of each site's pages."""
    www = make_portal(WWW, theme_colour="#d7263d")
    en = make_english_portal(EN)
    news = make_column(
        www.home, "工作动态", slug="news", show_in_menus=True, description="郴州市政府工作动态"
    )
    policy = make_column(www.home, "政策文件", slug="policy", column_type="政策文件", show_in_menus=True)
    make_column(news, "市长活动", slug="mayor")
    photo = Image.objects.create(title="电子政务中心", file=_png("photo.png", "#aa3366"))
    cover = Image.objects.create(title="会场", file=_png("cover.png", "#3366aa"))
    document = Document.objects.create(
        title="郴州市电子政务规划", file=ContentFile(b"%PDF-1.4", name="plan.pdf")
    )
    article = make_article(
        policy,
        "郴州市人民政府办公室关于推进电子政务建设的通知",
        organisation=make_organisation("郴州市人民政府办公室"),
        doc_number="郴政办函〔2014〕82号",
        keywords="电子政务,政府网站",
        source="郴州市人民政府办公室",
        summary="部署全市电子政务建设工作。",
        validity="valid",
        body=[
            {
                "type": "paragraph",
                "value": "<p>各县市区人民政府，市直各单位：现将推进电子政务建设有关事项通知如下。</p>",
            },
            {"type": "paragraph", "value": "<h2>一、工作目标</h2><p>建成全市统一的政府网站集约化平台。</p>"},
            {
                "type": "table",
                "value": {
                    "data": [["项目", "完成情况"], ["政府网站集约化", "已完成"], ["电子政务外网", "推进中"]],
                    "first_row_is_table_header": True,
                    "table_caption": "建设进度",
                },
            },
            {
                "type": "image",
                "value": {"image": photo.pk, "alt_text": "电子政务中心机房", "decorative": False},
            },
            {"type": "image", "value": {"image": cover.pk, "alt_text": "", "decorative": True}},
            {"type": "attachment", "value": {"document": document.pk, "title": "附件1：建设规划"}},
        ],
    )
    ArticleAttachment.objects.create(
        page=article, title="附件2：旧系统文件", url="https://old.czs.gov.cn/a.doc"
    )
    for n in range(25):  # enough for a second page of the column
        make_article(news, f"郴州市召开全市政务公开工作会议（第{n + 1}次）")
    topic = make_topic(www.home, column=news, policy=policy, images=[photo, cover])
    en_news = make_column(en.home, "News", slug="news", show_in_menus=True, description="City news")
    en_article = make_article(en_news, "Chenzhou opens its government service centre")
    return {
        "home": "/",
        "column": news.get_url_parts()[2],
        "article": article.get_url_parts()[2],
        "topic": topic.get_url_parts()[2],
        "search": "/search/?q=" + "电子政务",
        "statement": "/accessibility/",
    }, {
        "home": "/",
        "column": en_news.get_url_parts()[2],
        "article": en_article.get_url_parts()[2],
    }


def _restore(snapshot):
    call_command("flush", interactive=False, inhibit_post_migrate=True, verbosity=0)
    # Content types first, with their ids: building a workflow task (or any polymorphic
    # row) asks for its content type, which must then be found, not created anew.
    ContentType.objects.clear_cache()
    rows = json.loads(snapshot)
    types = [row for row in rows if row["model"] == "contenttypes.contenttype"]
    connection.creation.deserialize_db_from_string(json.dumps(types))
    connection.creation.deserialize_db_from_string(json.dumps([r for r in rows if r not in types]))
    models = apps.get_models(include_auto_created=True)
    with connection.cursor() as cursor:
        for sql in connection.ops.sequence_reset_sql(no_style(), models):
            cursor.execute(sql)
    cache.clear()


@pytest.fixture(scope="module")
def site_content(django_db_blocker):
    """(paths, snapshot of the database with the site built)."""
    with django_db_blocker.unblock():
        before = connection.creation.serialize_db_to_string()
        paths, en_paths = build_site()
        with_site = connection.creation.serialize_db_to_string()
    yield paths, en_paths, with_site
    with django_db_blocker.unblock():
        _restore(before)


@pytest.fixture
def site(site_content, live_server):
    """The site's page paths, the database holding it, and the live server's port."""
    paths, en_paths, snapshot = site_content
    if not Page.objects.filter(depth=2).exists():  # emptied by the previous test
        _restore(snapshot)
    cache.clear()
    port = live_server.url.rsplit(":", 1)[1]
    return {"paths": paths, "en_paths": en_paths, "www": f"http://{WWW}:{port}", "en": f"http://{EN}:{port}"}


@pytest.fixture(scope="module")
def chromium():
    with browsers.chromium(host_rules=[WWW, EN]) as browser:
        yield browser


@pytest.fixture
def browser_context(chromium):
    context = chromium.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
    yield context
    context.close()


def wait_until(page, expression, arg=None, timeout=10.0):
    """Wait until `expression` (a function of `arg`, in the page) is true.

    Playwright's wait_for_function polls with a predicate it builds by eval, which the
    public pages' Content-Security-Policy (no 'unsafe-eval') refuses; page.evaluate is
    not subject to it, so this polls from Python instead."""
    deadline = time.monotonic() + timeout
    while not page.evaluate(expression, arg):
        if time.monotonic() > deadline:
            raise AssertionError(f"not true within {timeout} s: {expression}")
        page.wait_for_timeout(100)
