"""Cache-Control of public pages (config/http_cache.py): the same page for everybody may be
kept by any cache but is checked again before each use; anything personal is private."""

import pytest
from django.contrib.auth import get_user_model
from django.utils.cache import get_max_age

from tests.factories import make_article, make_column, make_site

HOST = "www.test.localhost"


@pytest.fixture
def article(db):
    site = make_site(HOST)
    return make_article(make_column(site.home, slug="gzdt"), slug="item")


def cache_control(response):
    return {part.strip() for part in response.get("Cache-Control", "").split(",") if part.strip()}


def test_a_citizens_page_is_public_and_revalidated(client, article):
    response = client.get("/gzdt/item/", HTTP_HOST=HOST)
    assert response.status_code == 200
    assert cache_control(response) == {"public", "no-cache"}
    assert get_max_age(response) is None
    assert "Cookie" in response["Vary"]  # one page per reading mode


def test_another_reading_mode_is_private(client, article):
    client.cookies["a11y_mode"] = "senior"
    assert cache_control(client.get("/gzdt/item/", HTTP_HOST=HOST)) == {"private", "no-cache"}


def test_a_signed_in_editors_page_is_private(client, article):
    user = get_user_model().objects.create_user("editor", password="x")  # noqa: S106
    client.force_login(user)
    assert cache_control(client.get("/gzdt/item/", HTTP_HOST=HOST)) == {"private", "no-cache"}


def test_views_with_their_own_policy_keep_it(client, article):
    health = client.get("/healthz/")
    assert health["Cache-Control"] == "no-store"
    missing = client.get("/no-such-page/", HTTP_HOST=HOST)
    assert missing.status_code == 404 and "public" not in missing.get("Cache-Control", "")
