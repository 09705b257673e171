"""The 互动交流 page (interaction.hub): each mailbox with its figures and latest replies, the
consultations and surveys open now and closed (a closed one overdue for its feedback
notice counted as such), the broadcasts and interviews; the same on WAP."""

import re
from html import unescape

import pytest
from django.core.cache import cache

from interaction.hub import InteractionHubPage
from tests.factories import make_column, make_site
from tests.interaction.builders import make_interview
from tests.interaction.consultation_builders import make_consultation, make_survey
from tests.interaction.mailbox_builders import make_mailbox

WWW = "www.hub.localhost"


def text(html):
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", html)))


@pytest.fixture
def hub(db):
    cache.clear()
    site = make_site(WWW, "郴州市人民政府")
    hub = InteractionHubPage(title="互动交流", slug="hdjl")
    site.home.add_child(instance=hub)
    hub.save_revision().publish()
    make_mailbox(site, title="市长信箱", slug="zxts")  # under the site's hdjl: the hub
    column = make_column(hub, title="征集调查", slug="zjdc", column_type="征集调查")
    make_consultation(column, title="《物业管理办法》征求意见", opens=-40, closes=-20)
    make_survey(column, title="政府网站满意度调查")
    events = make_column(hub, title="在线访谈", slug="zxft", column_type="在线访谈")
    make_interview(events, title="市长与网民在线交流")
    return hub


def test_every_way_to_take_part_on_one_page(client, hub):
    html = client.get("/hdjl/", HTTP_HOST=WWW).content.decode()
    page = text(html)
    assert 'href="/hdjl/zxts/xiexin/"' in html and 'href="/hdjl/zxts/chaxun/"' in html
    assert "收到信件 0 封" in page
    assert "《物业管理办法》征求意见" in page and "政府网站满意度调查" in page
    assert "市长与网民在线交流" in page
    # Closed 20 days ago without its feedback notice (CONSULTATION_FEEDBACK_DAYS is 15).
    assert "已结束 1 项，已发布反馈意见 0 项。 1 项逾期未发布反馈意见。" in page


def test_the_wap_page_has_the_same_sections(client, hub):
    page = text(client.get("/wap/hdjl/", HTTP_HOST=WWW).content.decode())
    assert "我要写信" in page and "政府网站满意度调查" in page and "市长与网民在线交流" in page
    assert "1 项逾期未发布反馈意见" in page
