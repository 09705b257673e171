"""A site's chrome (channels/web/chrome.py) with static publishing: a profile edit or a menu
change leaves no revision for a delivery to hear, yet every file of the site shows it. The
clock's tick finds the change and writes the whole site again; a tick that finds none
renders nothing."""

import io
from pathlib import Path

from django.core.management import call_command
from django.test import Client

from channels.models import PublishedChrome
from channels.web import chrome
from channels.web.refresh import refresh_site_chrome
from sites.models import SiteProfile
from tests.channels.test_static_publishing import settle
from tests.factories import make_article, make_column, make_site

HOST = "www.static.localhost"
OTHER = "bhq.static.localhost"


def tick():
    """One tick of the clock's chrome check (the test settings run queued batches at once)."""
    return refresh_site_chrome.call()


def text(folder, host, *parts):
    path = Path(folder, host, *parts, "index.html")
    return path.read_text(encoding="utf-8") if path.exists() else None


def build(folder):
    site = make_site(HOST, contact_phone="0735-1111111")
    news = make_column(site.home, title="工作动态", slug="gzdt", channels=["web", "wap"], show_in_menus=True)
    notices = make_column(
        site.home, title="通知公告", slug="tzgg", channels=["web", "wap"], show_in_menus=True
    )
    make_article(news, title="全市电子政务工作会议召开", slug="meeting")
    settle()
    return site, news, notices


def test_a_tick_without_a_change_renders_nothing(folder):
    build(folder)
    assert tick() == 0  # first sight: noted, nothing queued
    Path(folder, HOST, "index.html").unlink()
    Path(folder, HOST, "gzdt", "meeting", "index.html").unlink()
    assert tick() == 0
    assert text(folder, HOST) is None and text(folder, HOST, "gzdt", "meeting") is None


def test_a_profile_edit_rewrites_every_file_of_its_site_only(folder):
    site, news, notices = build(folder)
    other = make_site(OTHER, name="北湖区人民政府", contact_phone="0735-3333333")
    make_article(make_column(other.home, title="区内动态", slug="qndt", channels=["web"]), slug="local")
    settle()
    tick()
    assert "0735-1111111" in text(folder, HOST, "gzdt", "meeting")
    other_before = Path(folder, OTHER, "qndt", "local", "index.html").stat().st_mtime_ns
    # A reader's request: this process (a worker, too) now remembers the site and its
    # profile (sites/resolution.py) ...
    assert Client().get("/gzdt/meeting/", HTTP_HOST=HOST).status_code == 200

    # ... and the row changes with no save any process hears (an SQL repair, a restore).
    SiteProfile.objects.filter(site=site.site).update(contact_phone="0735-2222222")
    assert tick() >= 1
    for parts in ((), ("gzdt",), ("tzgg",), ("gzdt", "meeting"), ("wap", "gzdt", "meeting")):
        page = text(folder, HOST, *parts)
        assert "0735-2222222" in page and "0735-1111111" not in page, parts
    assert Path(folder, OTHER, "qndt", "local", "index.html").stat().st_mtime_ns == other_before
    # Written once: the next tick finds the new chrome already noted.
    Path(folder, HOST, "gzdt", "meeting", "index.html").unlink()
    assert tick() == 0 and text(folder, HOST, "gzdt", "meeting") is None


def test_a_renamed_menu_column_reaches_the_pages_of_other_columns(folder):
    site, news, notices = build(folder)
    tick()
    assert "通知公告" in text(folder, HOST, "gzdt", "meeting")
    notices.title = "通知公示"
    notices.save_revision().publish()
    settle()  # the column's own delivery: its lists, not the articles of 工作动态
    assert "通知公示" not in text(folder, HOST, "gzdt", "meeting")
    tick()
    assert "通知公示" in text(folder, HOST, "gzdt", "meeting")


def test_a_withdrawn_menu_column_leaves_the_menu_of_every_file(folder):
    site, news, notices = build(folder)
    tick()
    notices.refresh_from_db()
    notices.unpublish()
    settle()
    tick()
    assert 'href="/tzgg/"' not in text(folder, HOST, "gzdt", "meeting")
    assert text(folder, HOST, "tzgg") is None


def test_publish_static_notes_the_chrome_it_writes(folder):
    site, news, notices = build(folder)
    assert Client().get("/gzdt/meeting/", HTTP_HOST=HOST).status_code == 200  # the site remembered
    SiteProfile.objects.filter(site=site.site).update(contact_phone="0735-2222222")
    call_command("publish_static", "--site", HOST, stdout=io.StringIO())
    assert PublishedChrome.objects.get(site=site.site).fingerprint == chrome.fingerprint(site.site)
    assert "0735-2222222" in text(folder, HOST, "gzdt", "meeting")
    assert tick() == 0


def test_nothing_is_queued_when_static_publishing_is_off(folder, settings):
    site, news, notices = build(folder)
    tick()
    settings.STATIC_PUBLISHING = False
    SiteProfile.objects.filter(site=site.site).update(contact_phone="0735-2222222")
    assert tick() == 0
    assert "0735-1111111" in text(folder, HOST, "gzdt", "meeting")
