"""Static publishing (channels/web/published.py): with STATIC_PUBLISHING on, the web and
WAP channels' deliveries keep the page and every page that shows it as files, exactly as a
citizen gets them; unpublishing, moving and opting out remove files; pages that change
without a revision are rewritten through item_changed; publish_static writes everything."""

from pathlib import Path

import pytest
from django.core.management import call_command
from django.http import HttpResponse
from wagtail.models import PageViewRestriction

from channels import outbox
from channels.models import Delivery
from channels.web import published
from cms.items import item_changed
from cms.pages import ArticlePage
from tests.factories import make_article, make_column, make_organisation, make_site

HOST = "www.static.localhost"


@pytest.fixture
def tree(folder):
    site = make_site(HOST)
    news = make_column(site.home, title="工作动态", slug="gzdt", channels=["web", "wap"])
    return site, news


def settle():
    """Run the outbox's rows, as the worker does after the publish's commit."""
    while True:
        ids = list(
            Delivery.objects.filter(status=Delivery.Status.PENDING)
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        if not ids:
            return
        for pk in ids:
            status = outbox.run(pk)
            assert status in (Delivery.Status.DELIVERED, Delivery.Status.SUPERSEDED), Delivery.objects.get(
                pk=pk
            ).last_error


def read(folder, *parts):
    settle()
    path = Path(folder, HOST, *parts, "index.html")
    return path.read_text(encoding="utf-8") if path.exists() else None


def test_a_publish_writes_the_page_its_column_and_the_home_page(tree, folder, client):
    site, news = tree
    make_article(news, title="郴州市召开电子政务工作会议", slug="dzzw")

    page = read(folder, "gzdt", "dzzw")
    assert "郴州市召开电子政务工作会议" in page
    assert "郴州市召开电子政务工作会议" in read(folder, "gzdt")
    assert "郴州市召开电子政务工作会议" in read(folder)
    # The WAP channel keeps its own rendering under /wap/.
    assert "郴州市召开电子政务工作会议" in read(folder, "wap", "gzdt", "dzzw")

    # The file is the citizen's page: the same document the application serves, with the
    # response's Content-Security-Policy inside it (nginx cannot send a per-page header).
    live = client.get("/gzdt/dzzw/", HTTP_HOST=HOST)
    policy = live["Content-Security-Policy"]
    assert '<meta http-equiv="Content-Security-Policy" content="' in page
    assert "frame-ancestors" not in page.split("<body", 1)[0]
    assert "style-src" in policy and published.meta_policy(policy).split(";")[0] in page
    body = live.content.decode()
    assert (
        page.replace(
            page[page.index("<meta http-equiv") : page.index(">", page.index("<meta http-equiv")) + 1], ""
        )
        == body
    )


def test_a_new_revision_rewrites_the_files(tree, folder):
    site, news = tree
    article = make_article(news, title="旧标题", slug="item")
    article.title = "新标题"
    article.save_revision().publish()
    assert "新标题" in read(folder, "gzdt", "item")
    assert "新标题" in read(folder, "gzdt") and "旧标题" not in read(folder, "gzdt")


def test_unpublishing_removes_the_page_and_rewrites_its_lists(tree, folder):
    site, news = tree
    article = make_article(news, title="将被撤下的稿件", slug="gone")
    assert read(folder, "gzdt", "gone")
    article.refresh_from_db()
    article.unpublish()
    assert read(folder, "gzdt", "gone") is None
    assert read(folder, "wap", "gzdt", "gone") is None
    assert "将被撤下的稿件" not in read(folder, "gzdt")
    assert "将被撤下的稿件" not in read(folder)


def test_a_renamed_page_leaves_no_file_at_its_old_address(tree, folder):
    site, news = tree
    article = make_article(news, title="改名的稿件", slug="old-name")
    article = ArticlePage.objects.get(pk=article.pk)
    article.slug = "new-name"
    article.save_revision().publish()
    assert read(folder, "gzdt", "old-name") is None
    assert "改名的稿件" in read(folder, "gzdt", "new-name")


def test_the_neighbour_links_follow_a_new_item(tree, folder):
    site, news = tree
    make_article(news, title="较早的稿件", slug="older")
    make_article(news, title="较新的稿件", slug="newer")
    # The older item's 上一篇 now names the newer one: its file was rewritten.
    assert "较新的稿件" in read(folder, "gzdt", "older")


def test_a_syndicated_item_rewrites_the_other_sites_lists(tree, folder):
    site, news = tree
    county = make_site("bhq.static.localhost", name="北湖区人民政府")
    county_news = make_column(county.home, title="县区动态", slug="xqdt", channels=["web"])
    article = make_article(news, title="全市共享的稿件", slug="shared")
    article.syndicate_to.add(county_news)
    article.save_revision().publish()
    settle()
    county_column = Path(folder, "bhq.static.localhost", "xqdt", "index.html").read_text(encoding="utf-8")
    county_home = Path(folder, "bhq.static.localhost", "index.html").read_text(encoding="utf-8")
    assert "全市共享的稿件" in county_column
    assert "全市共享的稿件" in county_home


def test_private_pages_are_never_files(tree, folder):
    site, news = tree
    article = make_article(news, title="内部稿件", slug="private")
    assert read(folder, "gzdt", "private")
    PageViewRestriction.objects.create(page=article, restriction_type=PageViewRestriction.LOGIN)
    article.save_revision().publish()
    # Anonymous citizens get a redirect to the login: nothing to keep, and the old file goes.
    assert read(folder, "gzdt", "private") is None


def test_page_types_that_follow_the_clock_stay_dynamic(tree, folder):
    from interaction.mailbox import MailboxPage

    assert MailboxPage.publish_as_file is False
    site, news = tree
    mailbox = MailboxPage(title="市长信箱", slug="szxx", channels=["web"], organisation=make_organisation())
    site.home.add_child(instance=mailbox)
    mailbox.save_revision().publish()
    assert read(folder, "szxx") is None
    assert read(folder) is not None  # its home page (and so the delivery) was written


def test_only_answers_the_same_for_every_citizen_become_files():
    page = "<html><head><title>t</title></head><body>页面</body></html>"
    assert published.as_file(HttpResponse(page)) == page.encode()
    assert published.as_file(HttpResponse(page, status=404)) is None
    assert published.as_file(HttpResponse("{}", content_type="application/json")) is None
    with_cookie = HttpResponse(page)
    with_cookie.set_cookie("csrftoken", "x")
    assert published.as_file(with_cookie) is None
    private = HttpResponse(page)
    private["Cache-Control"] = "private"
    assert published.as_file(private) is None
    form = HttpResponse(page.replace("页面", '<input name="csrfmiddlewaretoken" value="x">'))
    assert published.as_file(form) is None


def test_file_names_cannot_leave_the_folder(tree):
    site = tree[0].site
    assert published.file_name(site, "/%E6%96%B0%E9%97%BB/a/") == f"{HOST}/新闻/a/index.html"
    assert published.file_name(site, "/") == f"{HOST}/index.html"
    with pytest.raises(ValueError):
        published.file_name(site, "/a/%2E%2E/b/")


def test_content_changed_without_a_revision_is_rewritten(tree, folder, django_capture_on_commit_callbacks):
    site, news = tree
    article = make_article(news, title="访谈实录", slug="talk")
    ArticlePage.objects.filter(pk=article.pk).update(title="访谈实录（已更新）")
    with django_capture_on_commit_callbacks(execute=True):
        item_changed.send(sender=ArticlePage, page_id=article.pk)
    assert "访谈实录（已更新）" in read(folder, "gzdt", "talk")


def test_publish_static_writes_every_live_page(tree, folder, capsys):
    site, news = tree
    make_article(news, title="第一篇", slug="one")
    draft = make_article(news, title="草稿", slug="draft", publish=False)
    for path in Path(folder).rglob("index.html"):
        path.unlink()
    call_command("publish_static", "--site", HOST)
    assert "第一篇" in read(folder, "gzdt", "one")
    assert read(folder, "gzdt", draft.slug) is None
    assert read(folder) and read(folder, "gzdt") and read(folder, "wap", "gzdt", "one")
    assert "个页面，写出" in capsys.readouterr().out


def test_nothing_is_written_when_static_publishing_is_off(tree, folder, settings):
    settings.STATIC_PUBLISHING = False
    site, news = tree
    for path in Path(folder).rglob("index.html"):
        path.unlink()
    make_article(news, title="动态发布", slug="dynamic")
    assert not list(Path(folder).rglob("index.html"))


def test_a_topic_showing_the_column_is_rewritten(tree, folder):
    """A 专题's column feed names the column (Wagtail's reference index): a new item of that
    column rewrites the topic's file too."""
    from wagtail.images import get_image_model

    from tests.channels.test_wap import png
    from tests.factories import make_topic

    site, news = tree
    image = get_image_model().objects.create(title="会场", file=png("topic.png", size=(800, 600)))
    policy = make_article(news, title="两会政策文件", slug="policy")
    make_topic(site.home, column=news, policy=policy, images=[image], slug="lianghui")
    assert read(folder, "lianghui") is not None
    make_article(news, title="两会期间的新稿件", slug="lh-new")
    assert "两会期间的新稿件" in read(folder, "lianghui")


def test_publish_static_can_spread_the_work_over_the_workers(tree, folder, capsys):
    site, news = tree
    make_article(news, title="排队写出的稿件", slug="queued")
    for path in Path(folder).rglob("index.html"):
        path.unlink()
    call_command("publish_static", "--site", HOST, "--queue", "--batch", "2")
    assert "批放入后台任务队列" in capsys.readouterr().out
    # The test settings run tasks at once: the batches are written.
    assert "排队写出的稿件" in read(folder, "gzdt", "queued")
    assert read(folder) and read(folder, "gzdt")


def test_a_burst_of_publishes_renders_each_shared_page_once(tree, folder):
    """Items published together (a bulk import): the first delivery's render of the column
    and the home page already shows them all, so the others leave those files alone."""
    site, news = tree
    settle()  # the column's own delivery
    titles = [f"批量导入的第{n}条信息" for n in range(1, 5)]
    items = [make_article(news, title=title, slug=f"batch-{n}") for n, title in enumerate(titles)]
    settle()
    rows = list(Delivery.objects.filter(channel="web", page__in=items).order_by("pk"))
    home, column = f"{HOST}/index.html", f"{HOST}/gzdt/index.html"
    written = [name for row in rows for name in row.state["files"]]
    assert written.count(home) == 1 and written.count(column) == 1, written
    assert all(home in row.state["already_fresh"] for row in rows[1:])
    # Every item's own page is written by its own delivery, and the lists show them all.
    for row, item in zip(rows, items, strict=True):
        assert f"{HOST}/gzdt/{item.slug}/index.html" in row.state["files"]
    for title in titles:
        assert title in read(folder) and title in read(folder, "gzdt")


def test_a_publish_after_the_render_rewrites_the_shared_pages(tree, folder):
    """A delivery whose row was not yet visible when a list was rendered is not covered by
    that render: the list is written again."""
    site, news = tree
    make_article(news, title="先发布的信息", slug="first")
    settle()
    later = make_article(news, title="后发布的信息", slug="later")
    settle()
    (row,) = Delivery.objects.filter(channel="web", page=later)
    assert f"{HOST}/index.html" in row.state["files"] and not row.state["already_fresh"]
    assert "后发布的信息" in read(folder) and "先发布的信息" in read(folder)


def test_coverage_runs_and_marks():
    from channels.web import coverage

    assert coverage.runs([7, 3, 4, 5, 9]) == [[3, 5], [7, 7], [9, 9]]
    coverage.mark(["a/index.html", "b/index.html"], [[3, 5], [9, 9]])
    assert [bool(coverage.covered(["a/index.html"], pk)) for pk in (2, 3, 5, 6, 9)] == [
        False,
        True,
        True,
        False,
        True,
    ]
    assert coverage.covered(["a/index.html", "b/index.html", "c/index.html"], 4) == {
        "a/index.html",
        "b/index.html",
    }
    # A newer render's record replaces the older one.
    coverage.mark(["a/index.html"], [[10, 12]])
    assert coverage.covered(["a/index.html", "b/index.html"], 4) == {"b/index.html"}
