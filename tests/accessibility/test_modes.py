"""Server-side reading modes without a browser: the switch link (cookie, safe redirect),
`Vary: Cookie` on every mode's page so no cache mixes them, the mode on the page, the
text-only transformation, and the statement page."""

import pytest
from django.core.cache import cache

from accessibility import modes
from accessibility.shortcuts import SHORTCUTS
from accessibility.textonly import to_text_only
from tests.factories import make_article, make_column, make_site

HOST = "www.modes.localhost"


@pytest.fixture
def site():
    cache.clear()
    site = make_site(HOST, "郴州市人民政府", contact_phone="0735-2222222")
    column = make_column(site.home, "工作动态", slug="news", show_in_menus=True)
    make_article(column, "郴州市召开全市政务公开工作会议")
    return site


def get(client, path, mode=None, **extra):
    if mode:
        client.cookies[modes.COOKIE_NAME] = mode
    return client.get(path, HTTP_HOST=HOST, **extra)


def test_switch_sets_cookie_and_returns_to_the_page(client, site):
    response = get(client, "/accessibility/mode/senior/?next=/news/")
    assert response.status_code == 302 and response["Location"] == "/news/"
    cookie = response.cookies[modes.COOKIE_NAME]
    assert cookie.value == "senior" and cookie["max-age"] == modes.COOKIE_MAX_AGE
    assert cookie["samesite"] == "Lax" and cookie["httponly"]
    assert response["Cache-Control"] == "no-store"
    page = get(client, "/news/")  # the client keeps the cookie
    assert b'<html lang="zh-Hans" class="mode-senior">' in page.content
    back = get(client, "/accessibility/mode/standard/?next=/news/")
    assert back.cookies[modes.COOKIE_NAME].value == ""  # deleted
    assert b'<html lang="zh-Hans">' in get(client, "/news/").content


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example/x", "javascript:alert(1)", ""])
def test_switch_never_redirects_off_site(client, site, target):
    response = get(client, "/accessibility/mode/contrast/", data={"next": target})
    assert response["Location"] == "/"


def test_unknown_mode_is_404_and_a_forged_cookie_is_ignored(client, site):
    assert get(client, "/accessibility/mode/evil/?next=/").status_code == 404
    page = get(client, "/news/", mode='"><script>')
    assert page.status_code == 200 and b"<script>" not in page.content.split(b"<body")[0]
    assert b'<html lang="zh-Hans">' in page.content


@pytest.mark.parametrize("mode", modes.MODES)
def test_every_mode_page_varies_on_cookie(client, site, mode):
    for path in ["/", "/news/", "/search/?q=政务", "/wap/", "/accessibility/"]:
        response = get(client, path, mode=None if mode == modes.STANDARD else mode)
        assert response.status_code == 200, path
        assert "Cookie" in response["Vary"], path


def test_admin_and_api_are_left_alone(client, site):
    response = client.get("/api/v1/search/?q=政务", HTTP_HOST=HOST)
    assert "Cookie" not in response.get("Vary", "")


def test_text_only_mode_replaces_images_and_drops_the_stylesheet(client, site):
    page = get(client, "/", mode=modes.TEXT).content.decode()
    assert "css/portal.css" not in page and "css/a11y.css" in page
    assert "<img" not in page  # the footer's decorative marks are gone


def test_text_only_transformation():
    html = to_text_only(
        '<p><img src="a.png" alt="机房"><img src="d.png" alt=""></p>'
        '<video src="v.mp4" title="开幕式"></video><iframe src="https://map.example/"></iframe>'
    )
    assert html == (
        '<p><span class="img-alt">[图片：机房]</span></p>'
        '<a href="v.mp4">开幕式</a><a href="https://map.example/">https://map.example/</a>'
    )


def test_statement_page_lists_modes_and_shortcuts(client, site):
    page = get(client, "/accessibility/").content.decode()
    assert "<h1>无障碍说明</h1>" in page
    for keys, zh, _en in SHORTCUTS:
        assert f'<kbd lang="en">{keys}</kbd>' in page and zh in page
    for mode in modes.MODES:
        assert f"/accessibility/mode/{mode}/" in page
    assert "0735-2222222" in page
