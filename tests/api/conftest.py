"""Fixtures of the app API tests: a small cluster (Chinese portal, county portal, English
portal) with columns, organisations, images, articles and a topic, built once per class."""

import datetime as dt
import io

import pytest
from django.core.cache import cache
from django.core.files.base import ContentFile
from django.core.files.images import ImageFile
from PIL import Image as PILImage
from wagtail.documents.models import Document
from wagtail.images.models import Image

from cms.models import SubjectCategory
from tests.factories import (
    make_article,
    make_column,
    make_english_portal,
    make_organisation,
    make_site,
    make_topic,
)

WWW = "www.api.localhost"
BHQ = "bhq.api.localhost"
EN = "en.api.localhost"
T0 = dt.datetime(2014, 3, 1, 9, 0, tzinfo=dt.UTC)


def png(name, size=(1600, 1000), colour="#3366aa"):
    buffer = io.BytesIO()
    PILImage.new("RGB", size, colour).save(buffer, "PNG")
    return ImageFile(buffer, name=name)


@pytest.fixture(autouse=True)
def _fresh_cache():
    # Throttling counts and Wagtail's site root paths live in the cache.
    cache.clear()
    yield
    cache.clear()


def build_cluster(cls):
    """Sets attributes on `cls` (a TestCase class) in setUpTestData."""
    cls.www = make_site(WWW, "郴州市人民政府", code="4310000001")
    cls.bhq = make_site(BHQ, "北湖区人民政府", code="4310020001", kind="county")
    cls.en = make_english_portal(EN)
    cls.news = make_column(cls.www.home, "工作动态", slug="news", show_in_menus=True, channels=["web", "app"])
    cls.mayor = make_column(cls.news, "市长活动", slug="mayor")
    cls.policy = make_column(cls.www.home, "政策文件", slug="policy", column_type="政策文件")
    cls.county_news = make_column(cls.bhq.home, "北湖动态", slug="news")
    cls.en_news = make_column(cls.en.home, "News", slug="news")
    cls.office = make_organisation("郴州市人民政府办公室", name_en="General Office of Chenzhou")
    cls.category = SubjectCategory.objects.create(name="综合政务", code="01")
    cls.cover = Image.objects.create(title="封面", file=png("cover.png"))
    cls.photo = Image.objects.create(title="电子政务中心", file=png("photo.png", size=(200, 100)))
    cls.document = Document.objects.create(
        title="郴州市电子政务规划", file=ContentFile(b"%PDF-1.4", name="plan.pdf")
    )
    cls.articles = [
        make_article(
            cls.news, title=f"工作动态{i}", published_at=T0 + dt.timedelta(days=i), summary=f"摘要{i}"
        )
        for i in range(5)
    ]
    cls.policy_doc = make_article(
        cls.policy,
        "郴州市人民政府办公室关于推进电子政务建设的通知",
        organisation=cls.office,
        category=cls.category,
        validity="valid",
        doc_number="郴政办函〔2014〕82号",
        written_at=dt.date(2014, 3, 1),
        source="郴州市人民政府办公室",
        published_at=T0 + dt.timedelta(days=10),
        cover_image=cls.cover,
        body=[
            {
                "type": "paragraph",
                "value": f'<p onclick="x()">详见<a linktype="page" id="{cls.articles[0].pk}">动态</a>'
                '和<a href="/policy/">政策</a><script>alert(1)</script></p>',
            },
            {"type": "image", "value": {"image": cls.photo.pk, "alt_text": "机房", "decorative": False}},
            {"type": "attachment", "value": {"document": cls.document.pk, "title": "附件1：建设规划"}},
        ],
    )
    cls.repealed = make_article(
        cls.policy,
        "已废止的通知",
        validity="repealed",
        organisation=cls.office,
        published_at=T0 + dt.timedelta(days=11),
    )
    cls.county_item = make_article(cls.county_news, "北湖区动态", published_at=T0 + dt.timedelta(days=3))
    cls.en_item = make_article(
        cls.en_news, "Chenzhou news", published_at=T0 + dt.timedelta(days=4), organisation=cls.office
    )
    cls.topic = make_topic(
        cls.www.home, column=cls.news, policy=cls.policy_doc, images=[cls.cover, cls.photo], feed_count=3
    )
