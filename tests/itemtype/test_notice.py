"""A page type defined by a test app alone (tests/itemtype: models.py declares it,
delivery.py holds its API serializer and WAP view) reaches every channel through the item
protocol, with no edit in search/ or channels/: indexed and found by /api/v1/search/,
listed and detailed in /api/v1/items/, in the change feed, rendered on WAP, turned into a
WeChat article by the stand-in, and carrying every P01 tag on its web page."""

import datetime as dt
import json
import re

import pytest

from channels.models import Delivery
from tests.channels.wechat_fixtures import account, deliver_to_wechat, make_image, standin  # noqa: F401
from tests.factories import make_column

from .models import NoticePage

P01_ITEM_TAGS = (
    "SiteName",
    "SiteDomain",
    "SiteIDCode",
    "ColumnName",
    "ColumnType",
    "ArticleTitle",
    "PubDate",
    "ContentSource",
    "Description",
    "Url",
)


@pytest.fixture
def notice(account):  # noqa: F811
    column = make_column(account.site.root_page, title="通知公告", channels=["web", "wap", "wechat"])
    page = NoticePage(
        title="关于开展森林防火宣传月活动的通知",
        slug="senlin-fanghuo",
        summary="全市开展森林防火宣传月活动。",
        body=[("paragraph", "<p>各县市区人民政府：为做好冬春森林防火工作，决定开展宣传月活动。</p>")],
        deadline=dt.date(2014, 12, 31),
        cover_image=make_image("封面"),
    )
    column.add_child(instance=page)
    page.save_revision().publish()
    page.refresh_from_db()
    return page


def get_json(client, host, url, **params):
    response = client.get(url, params, HTTP_HOST=host)
    assert response.status_code == 200, response.content[:300]
    return json.loads(response.content)


def test_found_by_the_search_api(client, notice):
    host = notice.get_site().hostname
    data = get_json(client, host, "/api/v1/search/", q="森林防火")
    [hit] = [r for r in data["results"] if r["id"] == notice.pk]
    assert hit["type"] == "notice"
    # By its body text and by what its own search document adds (the deadline).
    assert notice.pk in [r["id"] for r in get_json(client, host, "/api/v1/search/", q="宣传月")["results"]]
    assert notice.pk in [
        r["id"] for r in get_json(client, host, "/api/v1/search/", q="截止日期", type="notice")["results"]
    ]


def test_listed_and_detailed_in_the_items_api(client, notice):
    host = notice.get_site().hostname
    listed = get_json(client, host, "/api/v1/items/", type="notice")["results"]
    assert [item["id"] for item in listed] == [notice.pk]
    assert listed[0]["type"] == "notice" and listed[0]["deadline"] == "2014-12-31"
    assert listed[0]["column"]["title"] == "通知公告"
    detail = get_json(client, host, f"/api/v1/items/{notice.pk}/")
    assert detail["title"] == notice.title and "决定开展宣传月活动" in detail["body"]
    # Listed among all items of the site too.
    assert notice.pk in [item["id"] for item in get_json(client, host, "/api/v1/items/")["results"]]


def test_in_the_change_feed(client, notice):
    host = notice.get_site().hostname
    changes = get_json(client, host, "/api/v1/changes/", since=0)["results"]
    [entry] = [c for c in changes if c["id"] == notice.pk]
    assert entry["op"] == "upsert" and entry["item"]["type"] == "notice"
    notice.unpublish()
    changes = get_json(client, host, "/api/v1/changes/", since=0)["results"]
    assert [c["op"] for c in changes if c["id"] == notice.pk] == ["delete"]


def test_rendered_on_wap(client, notice):
    response = client.get(
        f"/wap{notice.url_path[len(notice.get_site().root_page.url_path) - 1 :]}",
        HTTP_HOST=notice.get_site().hostname,
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert notice.title in html and "截止日期：2014-12-31" in html


def test_delivered_to_wechat_through_the_standin(standin, notice):  # noqa: F811
    # The column lists WeChat: the outbox recorded a delivery for the new type.
    assert Delivery.objects.filter(page=notice, channel="wechat").exists()
    result = deliver_to_wechat(notice)
    assert result["url"].startswith("https://mp.weixin.qq.com/s/")
    article = standin.calls("draft/add")[0]["json"]["articles"][0]
    assert article["title"] == notice.title
    assert "决定开展宣传月活动" in article["content"]
    assert article["thumb_media_id"] in standin.materials


def test_web_page_carries_every_p01_tag(client, notice):
    response = client.get(
        notice.url_path[len(notice.get_site().root_page.url_path) - 1 :], HTTP_HOST=notice.get_site().hostname
    )
    assert response.status_code == 200
    tags = dict(re.findall(r'<meta name="(\w+)" content="([^"]*)"', response.content.decode()))
    missing = [name for name in P01_ITEM_TAGS if not tags.get(name)]
    assert not missing, missing
    assert tags["ArticleTitle"] == notice.title and tags["ColumnName"] == "通知公告"
    assert tags["PubDate"].startswith(f"{notice.first_published_at:%Y}")
