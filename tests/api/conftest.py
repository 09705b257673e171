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
from tests.interaction.builders import make_live_entries

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


SHANGHAI = dt.timezone(dt.timedelta(hours=8))
INTERVIEW_START = dt.datetime(2014, 6, 18, 9, 30, tzinfo=SHANGHAI)
#: Words only an unapproved question holds: they must appear in no answer of the API.
HIDDEN_WORDS = "待审核的提问内容QX7"


def build_structured(cls):
    """Adds to a cluster built by build_cluster: a 预决算公开 column with one department's
    budgets for 2013 and 2014 (figures that agree), and an interview column with an
    interview that has live text, an approved and answered question, a pending one and a
    rejected one."""
    from budgets.pages import BudgetColumnPage
    from interaction.interviews import (
        Interview,
        InterviewGuest,
        InterviewPhoto,
        Question,
        QuestionStatus,
        Status,
    )
    from tests.cms.budget_fixtures import make_disclosure

    cls.finance = make_organisation("郴州市财政局", name_en="Chenzhou Finance Bureau")
    cls.budget_column = BudgetColumnPage(title="部门预决算", slug="yjs", channels=["web", "wechat", "app"])
    cls.www.home.add_child(instance=cls.budget_column)
    cls.budget_column.save_revision().publish()
    cls.budget_2013 = make_disclosure(cls.budget_column, cls.finance, 2013, "budget")
    cls.budget_2014 = make_disclosure(cls.budget_column, cls.finance, 2014, "budget")
    cls.interview_column = make_column(cls.www.home, "在线访谈", slug="fangtan", column_type="在线访谈")
    interview = Interview(
        title="市财政局局长谈部门预决算公开",
        slug="caizheng",
        summary="市财政局局长做客访谈室，解读部门预决算和“三公”经费公开。",
        starts_at=INTERVIEW_START,
        ends_at=INTERVIEW_START + dt.timedelta(hours=1, minutes=30),
        status=Status.ENDED,
        video_url="https://video.czs.gov.cn/ft-0618.mp4",
        transcript="<p>文字实录全文。</p>",
    )
    interview.guests.add(InterviewGuest(name="李明", title="市财政局局长"))
    interview.photos.add(InterviewPhoto(image=cls.photo, caption="李明局长在访谈现场"))
    cls.interview_column.add_child(instance=interview)
    interview.save_revision().publish()
    cls.interview = Interview.objects.get(pk=interview.pk)
    cls.entries = make_live_entries(cls.interview, INTERVIEW_START)
    cls.approved = Question.objects.create(
        interview=cls.interview,
        nickname="网友甲",
        text="三公经费为什么下降？",
        status=QuestionStatus.APPROVED,
        answer="严格执行八项规定。",
        answered_by="李明",
    )
    Question.objects.create(interview=cls.interview, nickname="网友乙", text=HIDDEN_WORDS)
    Question.objects.create(
        interview=cls.interview, nickname="网友丙", text=HIDDEN_WORDS + "R", status=QuestionStatus.REJECTED
    )
