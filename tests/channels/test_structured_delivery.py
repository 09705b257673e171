"""Budget disclosures and online interviews through the outbox: they go to every channel
their column lists (WeChat and the app included, like articles); on WeChat (the HTTP stand-in) each becomes an article written from its fields
with a cover when it has no picture; the app gets one push with a made summary."""

import datetime as dt
import re

import pytest

from budgets.pages import BudgetColumnPage
from channels.adapters import get_adapter
from channels.models import Delivery
from channels.push.providers import get_provider
from channels.wechat.html import TITLE_MAX
from demo.push_standin import PushStandin
from interaction.interviews import Interview, InterviewGuest, InterviewPhoto, Question, QuestionStatus, Status
from tests.cms.budget_fixtures import make_disclosure
from tests.factories import make_column, make_organisation, make_site

from .wechat_fixtures import account, deliver_to_wechat, make_image, standin  # noqa: F401

SHANGHAI = dt.timezone(dt.timedelta(hours=8))
START = dt.datetime(2014, 6, 18, 9, 30, tzinfo=SHANGHAI)
SECRET = "push-test-secret"  # noqa: S105


def budget_column(parent, channels):
    column = BudgetColumnPage(title="部门预决算", slug="yjs", channels=channels)
    parent.add_child(instance=column)
    column.save_revision().publish()
    return column


def make_interview(column, *, photo=None, status=Status.LIVE):
    page = Interview(
        title="市财政局局长谈部门预决算公开",
        slug="caizheng",
        summary="市财政局局长做客访谈室，解读部门预决算和“三公”经费公开。" * 8,
        starts_at=START,
        ends_at=START + dt.timedelta(hours=1, minutes=30),
        status=status,
        video_url="https://video.czs.gov.cn/ft-0618.mp4",
    )
    page.guests.add(InterviewGuest(name="李明", title="市财政局局长"))
    if photo is not None:
        page.photos.add(InterviewPhoto(image=photo, caption="访谈现场"))
    column.add_child(instance=page)
    page.save_revision().publish()
    return page


def channels_of(page):
    return sorted(Delivery.objects.filter(page=page).values_list("channel", flat=True))


# --- which channels -------------------------------------------------------------------


def test_disclosures_and_interviews_go_to_every_channel_of_their_column(scripted, settings):
    settings.CHANNEL_ADAPTERS = {
        **settings.CHANNEL_ADAPTERS,
        "app": "tests.channels.adapters.ScriptedAdapter",
    }
    site = make_site()
    everywhere = ["web", "wap", "wechat", "app"]
    column = budget_column(site.home, everywhere)
    disclosure = make_disclosure(column, make_organisation("郴州市财政局"), 2014, "budget")
    assert channels_of(disclosure) == sorted(everywhere)
    talks = make_column(site.home, "在线访谈", channels=["web", "wechat"])
    assert channels_of(make_interview(talks)) == ["web", "wechat"]


# --- WeChat ---------------------------------------------------------------------------


@pytest.fixture
def disclosures(account):  # noqa: F811
    column = budget_column(account.site.root_page, ["web", "wechat"])
    finance = make_organisation("郴州市财政局")
    last = make_disclosure(column, finance, 2013, "budget")
    this = make_disclosure(column, finance, 2014, "budget", explanation="严格控制公务接待。")
    return this, last


def test_a_disclosure_becomes_a_wechat_article_with_its_figures(standin, disclosures):  # noqa: F811
    this, last = disclosures
    result = deliver_to_wechat(this)
    assert result["url"].startswith("https://mp.weixin.qq.com/s/")
    [add] = standin.calls("draft/add")
    article = add["json"]["articles"][0]
    assert article["title"] == "郴州市财政局2014年部门预算和“三公”经费预算公开"
    assert "郴州市财政局2014年度部门预算公开" in article["digest"]
    assert f"{this.sg_total:,.2f}" in article["digest"]
    assert article["content_source_url"] == this.full_url
    content = re.sub(r' style="[^"]*"', "", article["content"])  # the inlined styles
    # The 三公 table with this year's and last year's figures and the change, as on the page.
    changes = this.sangong_changes(last)
    for row in changes:
        assert (
            f"<td>{row['part']}</td><td>{row['current']:,.2f}</td><td>{row['previous']:,.2f}</td>" in content
        )
    total = changes[0]
    assert f"{total['change']:+,.2f}" in content
    assert "<th>2014年</th><th>2013年</th>" in content
    assert "支出合计" in content and "严格控制公务接待。" in content
    # The link to the full page is a note (WeChat keeps only its own links).
    assert "<a " not in content and f"[1] {this.full_url}" in content
    # A generated cover, uploaded as a thumb within WeChat's size limit.
    thumb = standin.materials[article["thumb_media_id"]]
    assert thumb["type"] == "thumb" and thumb["size"] <= 64 * 1024


def test_disclosures_share_one_uploaded_cover(standin, disclosures):  # noqa: F811
    this, last = disclosures
    deliver_to_wechat(this)
    deliver_to_wechat(last)
    covers = {call["json"]["articles"][0]["thumb_media_id"] for call in standin.calls("draft/add")}
    assert len(covers) == 1 and len(standin.calls("material/add_material")) == 1


def test_a_long_department_name_gets_a_title_wechat_accepts(standin, account):  # noqa: F811
    column = budget_column(account.site.root_page, ["web", "wechat"])
    bureau = make_organisation("郴州市人民政府国有资产监督管理委员会")
    page = make_disclosure(column, bureau, 2014, "budget")
    assert len(page.title) > TITLE_MAX
    deliver_to_wechat(page)
    title = standin.calls("draft/add")[0]["json"]["articles"][0]["title"]
    assert len(title) <= TITLE_MAX and title.startswith("郴州市人民政府国有资产监督管理委员会2014年")


def test_an_interview_becomes_a_wechat_article_without_any_question(standin, account):  # noqa: F811
    column = make_column(account.site.root_page, "在线访谈", channels=["web", "wechat"])
    page = make_interview(column)
    Question.objects.create(interview=page, nickname="网友乙", text="待审核的问题QX7")
    Question.objects.create(
        interview=page, nickname="网友甲", text="已通过的问题", status=QuestionStatus.APPROVED, answer="回答"
    )
    deliver_to_wechat(page)
    article = standin.calls("draft/add")[0]["json"]["articles"][0]
    assert article["title"] == "市财政局局长谈部门预决算公开"
    # The page's summary is longer than WeChat's digest: cut, not refused.
    assert len(article["digest"]) == 128 and article["digest"].endswith("…")
    content = article["content"]
    assert "市财政局局长 李明" in content
    assert "2014年6月18日 09:30—11:00（直播中）" in content
    assert "[1] https://video.czs.gov.cn/ft-0618.mp4" in content and f"[2] {page.full_url}" in content
    assert "QX7" not in content and "网友乙" not in content
    assert standin.materials[article["thumb_media_id"]]["type"] == "thumb"


def test_an_interview_photo_is_its_cover(standin, account):  # noqa: F811
    column = make_column(account.site.root_page, "在线访谈", channels=["web", "wechat"])
    photo = make_image("访谈现场", seed=3)
    page = make_interview(column, photo=photo)
    deliver_to_wechat(page)
    disclosure_cover = make_interview(make_column(account.site.root_page, "访谈2"))
    deliver_to_wechat(disclosure_cover)
    first, second = (c["json"]["articles"][0]["thumb_media_id"] for c in standin.calls("draft/add"))
    # The photo's rendition and the generated cover are different uploads.
    assert first != second and len(standin.calls("material/add_material")) == 2


def test_an_interview_republished_with_its_new_status_updates_the_draft(standin, account):  # noqa: F811
    column = make_column(account.site.root_page, "在线访谈", channels=["web", "wechat"])
    page = make_interview(column, status=Status.PREVIEW)
    deliver_to_wechat(page)
    page.status = Status.ENDED
    page.save_revision().publish()
    deliver_to_wechat(page)
    [update] = standin.calls("draft/update")
    assert "（已结束）" in update["json"]["articles"]["content"]
    assert "文字实录" in update["json"]["articles"]["content"]


# --- app push ---------------------------------------------------------------------------


@pytest.fixture
def receiver(settings):
    server = PushStandin(secret=SECRET).start()
    settings.CHANNEL_ADAPTERS = {"app": "channels.push.adapter.AppPushAdapter"}
    settings.PUSH_PROVIDER = "channels.push.providers.WebhookProvider"
    settings.PUSH_WEBHOOK_URL = server.url
    settings.PUSH_WEBHOOK_SECRET = SECRET
    get_adapter.cache_clear()
    get_provider.cache_clear()
    yield server
    server.stop()
    get_adapter.cache_clear()
    get_provider.cache_clear()


def test_the_app_is_pushed_a_disclosure_and_an_interview_once(receiver, django_capture_on_commit_callbacks):
    site = make_site("www.push.localhost", "郴州市人民政府", code="4310000001")
    column = budget_column(site.home, ["web", "app"])
    with django_capture_on_commit_callbacks(execute=True):
        disclosure = make_disclosure(column, make_organisation("郴州市财政局"), 2014, "budget")
    talks = make_column(site.home, "在线访谈", slug="fangtan", channels=["web", "app"])
    with django_capture_on_commit_callbacks(execute=True):
        interview = make_interview(talks)
    with django_capture_on_commit_callbacks(execute=True):
        interview.status = Status.ENDED
        interview.save_revision().publish()
    pushed = {n["item_id"]: n for n in receiver.notifications.values()}
    assert set(pushed) == {disclosure.pk, interview.pk} and len(receiver.requests) == 2
    assert pushed[disclosure.pk]["title"] == disclosure.title
    assert pushed[disclosure.pk]["summary"].startswith("郴州市财政局2014年度部门预算公开，“三公”经费预算合计")
    assert pushed[disclosure.pk]["url"] == f"http://www.push.localhost/yjs/{disclosure.slug}/"
    assert pushed[interview.pk]["summary"].startswith("市财政局局长做客访谈室")
    statuses = Delivery.objects.filter(channel="app").values_list("status", flat=True)
    assert set(statuses) == {"delivered"}
