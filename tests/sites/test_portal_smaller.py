"""The smaller fixes of issue 15 on the public pages: the WAP cover shown once, 上一篇 /
下一篇 and the print button, the question form's error marking, the favicon, the P01 tags
of pages that are no Wagtail page, and an interview column's single list."""

import datetime as dt
import io
import re

import pytest
from django.contrib.staticfiles import finders
from django.core.cache import cache
from django.core.files.images import ImageFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from PIL import Image as PILImage
from wagtail.images.models import Image

from cms.neighbours import neighbours
from tests.factories import make_article, make_column, make_portal
from tests.interaction.builders import make_interview
from tests.interaction.test_interviews import answer_for

WWW = "www.smaller.localhost"


def at(n):
    return dt.datetime(2014, 5, 1, tzinfo=dt.UTC) + dt.timedelta(hours=n)


def png(name):
    buffer = io.BytesIO()
    PILImage.new("RGB", (320, 180), "#aa3366").save(buffer, "PNG")
    return ImageFile(buffer, name=name)


@pytest.fixture
def www(db):
    cache.clear()
    site = make_portal(WWW)
    return site, make_column(site.home, "工作动态", slug="news", show_in_menus=True)


def get(client, path, status=200):
    response = client.get(path, HTTP_HOST=WWW)
    assert response.status_code == status, path
    return response.content.decode()


def test_wap_article_shows_its_cover_once(client, www):
    _, news = www
    photo = Image.objects.create(title="会场", file=png("a.png"))
    other = Image.objects.create(title="机房", file=png("b.png"))
    image_block = {"type": "image", "value": {"image": photo.pk, "alt_text": "会场全景", "decorative": False}}
    in_body = make_article(news, "封面也在正文中", cover_image=photo, body=[image_block])
    embedded = make_article(
        news,
        "封面嵌在富文本中",
        cover_image=photo,
        body=[{"type": "paragraph", "value": f'<p>正文</p><embed alt="会场" embedtype="image" format="fullwidth" id="{photo.pk}"/>'}],
    )  # fmt: skip
    separate = make_article(news, "封面不在正文中", cover_image=other, body=[image_block])
    for article, count in ((in_body, 1), (embedded, 1), (separate, 2)):
        html = get(client, f"/wap/news/{article.slug}/")
        assert len(re.findall(r"<img\b", html)) == count, article.title


def test_previous_and_next_items_in_the_column(client, www):
    site, news = www
    other = make_column(site.home, "通知公告", slug="notices")
    oldest, middle, newest = (make_article(news, f"第{n}条工作动态", published_at=at(n)) for n in (1, 2, 3))
    make_article(other, "别的栏目里更新的信息", published_at=at(9))
    same_time = make_article(news, "同一时刻发布的信息", published_at=at(2))  # ties: by id

    html = get(client, middle.url)
    nav = re.search(r'<nav class="article-neighbours".*?</nav>', html, re.S).group(0)
    assert f'href="{same_time.url}" rel="prev">同一时刻发布的信息</a>' in nav
    assert f'href="{oldest.url}" rel="next">第1条工作动态</a>' in nav
    html = get(client, newest.url)
    assert 'rel="prev"' not in html and f'href="{same_time.url}" rel="next"' in html
    assert 'rel="next"' not in get(client, oldest.url)
    assert "别的栏目" not in html

    with CaptureQueriesContext(connection) as queries:
        around = neighbours(same_time, news.pk)
    assert (around.previous.pk, around.next.pk) == (newest.pk, middle.pk)
    assert len(queries) == 1  # one step along the listing index each way, with the two pages


def test_print_button_works_without_inline_script(client, www):
    _, news = www
    html = get(client, make_article(news, "可打印的信息").url)
    assert re.search(r'<button type="button" data-print hidden>打印本页</button>', html)
    assert '<script src="/static/js/print.js" defer></script>' in html
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html)  # every script is a file
    assert "javascript:" not in html
    assert "window.print()" in open(finders.find("js/print.js"), encoding="utf-8").read()
    css = open(finders.find("css/portal.css"), encoding="utf-8").read()
    assert ".article-tools" in css.split("@media print")[1]  # the button is not printed


def test_wrong_challenge_answer_is_marked_and_focused(client, www):
    site, _ = www
    column = make_column(site.home, "在线访谈", slug="zxft", column_type="在线访谈")
    interview = make_interview(column)
    answer, token = answer_for(get(client, interview.url))
    response = client.post(
        f"/interaction/interviews/{interview.pk}/ask/",
        {
            "nickname": "网友",
            "text": "请问网上办事进度在哪里查？",
            "answer": str(int(answer) + 1),
            "token": token,
        },
        HTTP_HOST=WWW,
    )
    assert response.status_code == 400
    html = response.content.decode()
    field = re.search(r'<input type="text" name="answer"[^>]*>', html).group(0)
    assert 'aria-invalid="true"' in field and 'aria-describedby="id_answer_error"' in field
    assert 'value="' not in field  # a new question: the wrong answer is not put back
    assert re.search(r'<span class="error" id="id_answer_error">[^<]*验证问题', html)
    assert 'role="alert"' in html and 'class="public-form"' in html
    assert '<script src="/static/js/form-focus.js" defer></script>' in html
    # The other fields are not marked.
    assert "aria-invalid" not in re.search(r'<input[^>]*name="nickname"[^>]*>', html).group(0)
    assert "form-focus.js" not in get(client, interview.url)


def test_interview_column_shows_one_list(client, www):
    site, _ = www
    column = make_column(site.home, "在线访谈", slug="zxft", column_type="在线访谈")
    make_interview(column, title="部门预决算公开访谈")
    html = get(client, "/zxft/")
    assert html.count("部门预决算公开访谈") == 1
    assert html.count('class="article-list') <= 1 and "暂无信息" not in html


def test_favicon(client, www):
    response = client.get("/favicon.ico", HTTP_HOST=WWW)
    assert response.status_code == 301 and response["Location"] == "/static/img/favicon.svg"
    assert finders.find("img/favicon.svg")
    for path in ("/", "/wap/"):
        assert '<link rel="icon" href="/static/img/favicon.svg" type="image/svg+xml">' in get(client, path)


def meta(html):
    return dict(re.findall(r'<meta name="([A-Z]\w+)" content="([^"]*)">', html))


def test_page_label_tags_on_pages_that_are_no_wagtail_page(client, www):
    statement = meta(get(client, "/accessibility/"))
    assert statement["SiteName"] == "郴州市人民政府" and statement["SiteIDCode"] == "4310000001"
    assert statement["SiteDomain"] == WWW and statement["ColumnName"] == "无障碍说明"
    for path in ("/no-such-page/", "/wap/no-such-page/"):
        tags = meta(get(client, path, status=404))
        assert tags["SiteName"] == "郴州市人民政府" and tags["SiteIDCode"] == "4310000001", path
