"""The microblog channel end to end: an item published in a column that posts to the
microblog goes to its site's Weibo account (the stand-in) through the outbox with the real
adapter, with its link and picture; an edit is not posted again, an unpublish deletes the
post, the editor is told in Chinese what Weibo would refuse, the channel is a column
choice without a migration outside channels/weibo, the monitor's M24 sees the account,
and the demo command connects the demo portal."""

from io import StringIO

import pytest
from django import forms
from django.contrib.messages import get_messages
from django.core.management import call_command
from django.db.migrations.loader import MigrationLoader
from django.urls import reverse
from wagtail.models import Site

from channels import outbox
from channels.adapters import channel_choices
from channels.weibo.freshness import accounts
from channels.weibo.models import WeiboAccount, WeiboPost
from channels.weibo.rules import weibo_limits
from channels.weibo.text import text_key, weibo_length
from cms import publish_checks
from cms.models import ArticlePage
from cms.pages import ColumnPage
from monitoring.new_media import accounts_of
from tests.cms.test_workflow import article_form
from tests.factories import make_column, make_site, make_user

from .weibo_fixtures import (  # noqa: F401
    SUMMARY,
    TOKEN,
    UID,
    picture_file,
    row_of,
    weibo_account,
    weibo_article,
    weibo_column,
    weibo_standin,
)

LONG_TITLE = "关于" + "进一步加强全市政府网站集约化建设和政务新媒体管理" * 6


def deliver(page, action="deliver"):
    row = row_of(page, action)
    status = outbox.run(row.pk)
    row.refresh_from_db()
    assert status == row.status, row.last_error
    return row


def test_a_published_item_is_posted_with_its_link_and_picture(weibo_standin, weibo_column):  # noqa: F811
    page = weibo_article(weibo_column)
    row = deliver(page)
    assert row.status == "delivered"
    (call,) = weibo_standin.calls("statuses/share")
    text = call["fields"]["status"]
    assert text == f"【郴州市召开全市政务公开工作会议】{SUMMARY} {page.full_url}"
    assert page.full_url.startswith("http://www.wb.localhost/") and weibo_length(text) <= 140
    assert call["fields"]["access_token"] == TOKEN and call["has_pic"]
    (post,) = weibo_standin.posts(UID)
    assert post["pic"]["type"] == "jpeg" and post["text"].split()[-1].startswith("http://t.cn/")
    assert row.state["url"] == f"{weibo_standin.base_url}{UID}/{post['idstr']}"
    assert row.state["text"] == text and row.state["sent"]["text_sha256"] == text_key(text)
    record = WeiboPost.objects.get(page=page)
    assert (record.status_id, record.text, record.revision_id) == (post["idstr"], text, page.live_revision_id)


def test_an_edit_is_not_posted_again_and_an_unpublish_deletes_the_post(weibo_standin, weibo_column):  # noqa: F811
    page = weibo_article(weibo_column)
    first = deliver(page)
    page.title = "郴州市召开全市政务公开工作会议（更正）"
    page.save_revision().publish()
    again = deliver(page)
    assert again.status == "delivered" and "不能修改" in again.state["skipped"]
    assert again.state["status_id"] == first.state["status_id"]
    assert len(weibo_standin.calls("statuses/share")) == 1

    page.unpublish()
    withdrawn = deliver(page, "withdraw")
    assert withdrawn.state == {"withdrawn": True, "status_id": first.state["status_id"]}
    assert weibo_standin.posts() == [] and WeiboPost.objects.get(page=page).withdrawn_at is not None
    (destroy,) = weibo_standin.calls("statuses/destroy")
    assert destroy["fields"]["id"] == first.state["status_id"]

    # Published again after that, the item is posted anew (with its corrected title).
    page.save_revision().publish()
    anew = deliver(page)
    assert anew.status == "delivered" and anew.state["status_id"] != first.state["status_id"]
    (post,) = weibo_standin.posts()
    assert post["sent"].startswith("【郴州市召开全市政务公开工作会议（更正）】")


def test_unpublishing_an_item_never_posted_does_nothing(weibo_standin, weibo_column):  # noqa: F811
    page = weibo_article(weibo_column)
    page.unpublish()
    assert deliver(page, "withdraw").state == {"withdrawn": False}
    assert weibo_standin.calls() == []


def test_an_item_without_a_picture_is_posted_as_text(weibo_standin, weibo_column):  # noqa: F811
    page = weibo_article(weibo_column, picture=False, summary="")
    assert deliver(page).status == "delivered"
    (call,) = weibo_standin.calls("statuses/share")
    assert not call["has_pic"] and call["fields"]["status"] == f"【{page.title}】 {page.full_url}"


@pytest.mark.parametrize(
    ("kind", "size", "noise", "sent"),
    [
        ("PNG", (320, 240), False, "png"),  # within the limits: sent as it is
        ("GIF", (320, 240), False, "gif"),
        ("WEBP", (320, 240), False, "jpeg"),  # a type Weibo does not take: a JPEG rendition
        ("PNG", (600, 400), True, "jpeg"),  # over the size: a JPEG rendition that fits
    ],
    ids=["png", "gif", "webp", "png-too-big"],
)
def test_the_picture_goes_as_weibo_takes_it(settings, weibo_standin, weibo_column, kind, size, noise, sent):  # noqa: F811
    settings.WEIBO_IMAGE_MAX_BYTES = 300_000  # the stand-in keeps Weibo's 5 MB
    image = picture_file(kind, size, noise=noise)
    page = weibo_article(weibo_column, cover_image=image)
    assert deliver(page).status == "delivered"
    (post,) = weibo_standin.posts()
    assert post["pic"]["type"] == sent and post["pic"]["size"] < 300_000
    if sent == kind.lower():
        with image.open_file() as fh:
            assert post["pic"]["size"] == len(fh.read())  # the original bytes


# --- what the editor sees ------------------------------------------------------------------


def test_the_editor_is_told_in_chinese_at_the_title_why_weibo_would_refuse(
    client,
    weibo_standin,  # noqa: F811
    weibo_column,  # noqa: F811
):
    admin = make_user("admin", superuser=True)
    client.force_login(admin)
    cover = picture_file("JPEG", (900, 383))
    add = reverse("wagtailadmin_pages:add", args=["cms", "articlepage", weibo_column.pk])
    response = client.post(
        add, article_form(LONG_TITLE, "long", cover_image=cover.pk, **{"action-publish": "1"})
    )
    assert response.status_code == 302
    article = ArticlePage.objects.get(slug="long")
    assert not article.live and row_of(article) is None  # refused: nothing published, nothing sent
    messages = [m.message for m in get_messages(response.wsgi_request)]
    assert any("政务微博：微博正文超过 140 字" in m for m in messages), messages
    edit = client.get(reverse("wagtailadmin_pages:edit", args=[article.pk]))
    (error,) = edit.context["form"].errors["title"]
    assert error.startswith("政务微博：微博正文超过 140 字：标题加上必需的网页链接（链接按 10 字计）共")
    assert "请将标题至少缩短" in error

    # The same title in a column that does not post to the microblog is no Weibo matter.
    web = make_column(weibo_column.get_parent(), title="政策文件", channels=["web"])
    assert weibo_limits(ArticlePage(title=LONG_TITLE, path=web.path + "0001", depth=web.depth + 1)) == []
    assert weibo_limits(article) != []


def test_a_picture_weibo_cannot_take_is_told_at_its_field(settings, weibo_standin, weibo_column):  # noqa: F811
    settings.WEIBO_IMAGE_MAX_BYTES = 20_000
    gif = picture_file("GIF", (160, 120), frames=4, noise=True, title="现场动图")
    page = weibo_article(weibo_column, cover_image=gif)
    (finding,) = publish_checks.findings(page)
    assert finding.field == "cover_image"
    assert finding.text.startswith("政务微博：图片“现场动图”是") and "GIF 动图" in finding.text


def test_the_pages_channels_view_shows_the_post(client, weibo_standin, weibo_column):  # noqa: F811
    page = weibo_article(weibo_column)
    row = deliver(page)
    client.force_login(make_user("admin", superuser=True))
    html = client.get(reverse("portal_channels:page", args=[page.pk])).content.decode()
    assert "政务微博" in html and "已送达" in html and "郴州发布（5800000042）：已发布" in html
    assert row.state["url"] in html and "查看微博" in html


# --- the account ---------------------------------------------------------------------------


def test_the_token_is_stored_encrypted_written_only_and_the_environment_wins(
    client,
    monkeypatch,
    weibo_account,  # noqa: F811
):
    assert TOKEN not in weibo_account.access_token_encrypted and weibo_account.access_token == TOKEN
    client.force_login(make_user("admin", superuser=True))
    url = reverse("wagtailsettings:edit", args=["portal_weibo", "weiboaccount", weibo_account.site_id])
    page = client.get(url).content.decode()
    assert "授权令牌（access_token）" in page and TOKEN not in page and "政务微博账号" in page
    data = {"name": "郴州发布", "uid": UID, "enabled": "on", "safe_domain": "", "new_access_token": ""}
    assert client.post(url, data).status_code == 302
    assert WeiboAccount.objects.get(pk=weibo_account.pk).access_token == TOKEN  # empty keeps it
    assert client.post(url, {**data, "new_access_token": "2.00newtoken"}).status_code == 302
    stored = WeiboAccount.objects.get(pk=weibo_account.pk)
    assert stored.access_token == "2.00newtoken" and "2.00newtoken" not in stored.access_token_encrypted
    monkeypatch.setenv(f"WEIBO_{UID}_ACCESS_TOKEN", "2.00fromenv")
    assert stored.access_token == "2.00fromenv"


# --- the channel as a column choice, without a migration outside its folder ----------------


def test_the_microblog_is_offered_on_a_column_with_no_migration_outside_its_folder():
    assert ("weibo", "政务微博") in channel_choices()
    form = forms.modelform_factory(ColumnPage, fields=["channels"])({"channels": ["web", "weibo"]})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["channels"] == ["web", "weibo"]
    # --check exits with status 1 if any model needs a migration.
    call_command("makemigrations", "--check", "--dry-run", stdout=StringIO())
    loader = MigrationLoader(None, ignore_no_migrations=True)
    ours = [m for (app, _), m in loader.disk_migrations.items() if app == "portal_weibo"]
    assert ours and all(type(m).__module__.startswith("channels.weibo.migrations.") for m in ours)
    mentioning = [
        f"{app}.{name}"
        for (app, name), migration in loader.disk_migrations.items()
        if app != "portal_weibo" and "weibo" in repr(migration.operations).lower()
    ]
    assert mentioning == []


def test_the_column_edit_view_offers_the_microblog(client):
    site = make_site()
    column = make_column(site.home, channels=["web"])
    client.force_login(make_user("admin", superuser=True))
    html = client.get(reverse("wagtailadmin_pages:edit", args=[column.pk])).content.decode()
    assert 'value="weibo"' in html and "政务微博" in html


# --- the monitor's new-media freshness (M24) ----------------------------------------------


def test_m24_sees_the_accounts_last_post(weibo_standin, weibo_account, weibo_column):  # noqa: F811
    site = weibo_account.site
    assert accounts(site) == [{"name": "郴州发布", "kind": "weibo", "label": "政务微博", "last_post": None}]
    page = weibo_article(weibo_column)
    deliver(page)
    posted = WeiboPost.objects.get(page=page).posted_at
    found = [a for a in accounts_of(site, None) if a["kind"] == "weibo"]
    assert found == [{"name": "郴州发布", "kind": "weibo", "label": "政务微博", "last_post": posted}]
    page.unpublish()
    deliver(page, "withdraw")
    assert accounts(site)[0]["last_post"] is None  # a deleted post is not a post
    weibo_account.enabled = False
    weibo_account.save()
    assert accounts(site) == []


# --- the demo -------------------------------------------------------------------------------


def test_the_demo_command_connects_the_portal_and_its_news_column(weibo_standin, settings):  # noqa: F811
    portal = make_site(hostname="www.czs.localhost", name="郴州市人民政府")
    news = make_column(portal.home, title="工作动态", slug="gzdt", channels=["web", "wap"])
    out = StringIO()
    call_command("weibo_demo_account", stdout=out)
    account = WeiboAccount.for_site(Site.objects.get(hostname="www.czs.localhost"))
    assert account.is_configured and account.uid == "5800000001"
    news.refresh_from_db()
    assert (
        news.channels == ["web", "wap", "weibo"]
        and news.get_latest_revision().as_object().channels[-1] == "weibo"
    )
    assert "已加入政务微博渠道" in out.getvalue()
    call_command("weibo_demo_account", stdout=(again := StringIO()))
    assert "已配置" in again.getvalue() and "已发布到政务微博" in again.getvalue()

    # An item of that column goes to the stand-in, which takes the demo's token.
    weibo_standin.accept_any_token = True
    page = weibo_article(news, picture=False)
    assert deliver(page).status == "delivered"
    assert weibo_standin.posts("5800000001")[0]["sent"].endswith(page.full_url)
