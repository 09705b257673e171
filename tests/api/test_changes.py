"""Incremental sync: replaying /api/v1/changes/ reproduces each site's published set
exactly, through random publishes, edits, drafts, unpublishes, moves (within and across
sites, single items and whole columns) and deletes."""

import random

import pytest
from wagtail.models import Page

from cms.models import ArticlePage, TopicPage
from tests.factories import make_article, make_column, make_site

from .conftest import BHQ, WWW

SITES = (WWW, BHQ)


class OfflineCopy:
    """What an app keeps: the items of one site, updated from the feed."""

    def __init__(self, client, host):
        self.client, self.host = client, host
        self.items, self.since, self.calls = {}, None, 0

    def sync(self, page_size):
        while True:
            params = {"page_size": page_size, **({"since": self.since} if self.since else {})}
            response = self.client.get("/api/v1/changes/", params, HTTP_HOST=self.host)
            assert response.status_code == 200, response.content
            data = response.json()
            self.calls += 1
            for entry in data["results"]:
                if entry["op"] == "upsert":
                    self.items[entry["id"]] = entry["item"]
                else:
                    assert entry["reason"] in ("unpublished", "deleted", "moved")
                    self.items.pop(entry["id"], None)
            self.since = data["next_since"]
            if not data["has_more"]:
                return


def published(host):
    root = Page.objects.get(sites_rooted_here__hostname=host)
    pages = list(ArticlePage.objects.live().filter(path__startswith=root.path)) + list(
        TopicPage.objects.live().filter(path__startswith=root.path)
    )
    return {p.pk: p.title for p in pages}


def listed(client, host):
    """The site's items as the list endpoint shows them (the same representation)."""
    seen, cursor = {}, None
    while True:
        params = {"page_size": 100, **({"cursor": cursor} if cursor else {})}
        data = client.get("/api/v1/items/", params, HTTP_HOST=host).json()
        seen.update({i["id"]: i for i in data["results"]})
        cursor = data["next_cursor"]
        if not cursor:
            return seen


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_replaying_the_feed_reproduces_the_published_set(client, seed):
    rnd = random.Random(seed)
    homes = {
        WWW: make_site(WWW, "郴州市人民政府", code="4310000001").home,
        BHQ: make_site(BHQ, "北湖区人民政府", code="4310020001", kind="county").home,
    }
    columns = [make_column(homes[host], f"栏目{host[:3]}{n}") for host in SITES for n in range(2)]
    copies = {host: OfflineCopy(client, host) for host in SITES}
    counter = iter(range(10_000))

    def articles(**filters):
        return list(ArticlePage.objects.filter(**filters).order_by("pk"))

    done = set()
    for _step in range(45):
        op = rnd.choice(
            [
                "create",
                "create",
                "edit",
                "draft",
                "unpublish",
                "republish",
                "move",
                "delete",
                "topic",
                "move_column",
                "sync",
            ]
        )
        live, dead = articles(live=True), articles(live=False)
        done.add(op)
        if op == "create" or (op in ("edit", "draft", "unpublish", "move", "delete") and not live):
            make_article(Page.objects.get(pk=rnd.choice(columns).pk).specific, title=f"信息{next(counter)}")
        elif op == "edit":
            page = rnd.choice(live)
            page.title = f"{page.title}·改{next(counter)}"
            page.save_revision().publish()
        elif op == "draft":
            page = rnd.choice(live)
            page.title = "只是草稿"
            page.save_revision()  # the published set does not change
        elif op == "unpublish":
            rnd.choice(live).unpublish()
        elif op == "republish" and dead:
            rnd.choice(dead).get_latest_revision().publish()
        elif op == "move":
            page = rnd.choice(live)
            target = rnd.choice([c for c in columns if not page.path.startswith(c.path)])
            page.move(Page.objects.get(pk=target.pk), pos="last-child")
        elif op == "delete":
            rnd.choice(live + dead).delete()
        elif op == "topic":
            topic = TopicPage(title=f"专题{next(counter)}", slug=f"topic-{next(counter)}")
            Page.objects.get(pk=rnd.choice(columns).pk).add_child(instance=topic)
            topic.save_revision().publish()
        elif op == "move_column":
            # A whole column (with its items) changes site.
            column = rnd.choice(columns)
            column.refresh_from_db()
            other = next(h for h in homes.values() if not column.path.startswith(h.path))
            column.move(Page.objects.get(pk=other.pk), pos="last-child")
        elif op == "sync":
            for copy in copies.values():
                copy.sync(page_size=rnd.choice([1, 3, 50]))

    assert done >= {
        "create",
        "edit",
        "draft",
        "unpublish",
        "republish",
        "move",
        "delete",
        "move_column",
        "sync",
    }
    for host, copy in copies.items():
        copy.sync(page_size=7)
        expected = published(host)
        assert expected
        assert {pk: item["title"] for pk, item in copy.items.items()} == expected
        # ...and each item as the list endpoint shows it now.
        assert copy.items == listed(client, host)


def test_first_sync_tombstones_and_payloads(client):
    home = make_site(WWW, "郴州市人民政府", code="4310000001").home
    news = make_column(home, "工作动态")
    other = make_column(make_site(BHQ, "北湖区人民政府", code="4310020001").home, "北湖动态")
    kept, gone, moved = make_article(news, "保留"), make_article(news, "撤下"), make_article(news, "移走")
    data = client.get("/api/v1/changes/", HTTP_HOST=WWW).json()
    assert [(e["op"], e["id"]) for e in data["results"]] == [
        ("upsert", kept.pk),
        ("upsert", gone.pk),
        ("upsert", moved.pk),
    ]
    assert data["results"][0]["item"]["title"] == "保留" and data["has_more"] is False
    since = data["next_since"]
    gone.unpublish()
    moved.move(other, pos="last-child")
    deleted_pk = kept.pk
    kept.delete()
    later = client.get("/api/v1/changes/", {"since": since}, HTTP_HOST=WWW).json()["results"]
    assert {(e["id"], e["op"], e["reason"]) for e in later} == {
        (gone.pk, "delete", "unpublished"),
        (moved.pk, "delete", "moved"),
        (deleted_pk, "delete", "deleted"),
    }
    # The county site's feed sees the item arrive.
    county = client.get("/api/v1/changes/", HTTP_HOST=BHQ).json()["results"]
    assert [(e["op"], e["id"]) for e in county] == [("upsert", moved.pk)]


def _second_writer_may_write_events():
    """Whether another connection could write change events right now (a thread of its own,
    not waiting): on PostgreSQL, may it take the feed's lock; on SQLite, the database's."""
    import sqlite3
    import threading

    from django.db import connection, connections

    from channels.api.changes import CHANGE_FEED_LOCK

    answer = {}

    def probe():
        other = connections["default"]  # this thread's own connection
        try:
            if other.vendor == "postgresql":
                with other.cursor() as cursor:
                    cursor.execute("SELECT pg_try_advisory_lock(%s)", [CHANGE_FEED_LOCK])
                    answer["free"] = cursor.fetchone()[0]
                    if answer["free"]:
                        cursor.execute("SELECT pg_advisory_unlock(%s)", [CHANGE_FEED_LOCK])
            else:
                raw = sqlite3.connect(connection.settings_dict["NAME"], timeout=0)
                try:
                    raw.execute("BEGIN IMMEDIATE")
                    raw.rollback()
                    answer["free"] = True
                except sqlite3.OperationalError:
                    answer["free"] = False
                finally:
                    raw.close()
        finally:
            other.close()

    thread = threading.Thread(target=probe)
    thread.start()
    thread.join(30)
    return answer["free"]


def test_event_ids_follow_commit_order(db):
    """A reader that has seen event 11 never looks below it again, so while one transaction
    holds uncommitted events no other may be handed a later id and commit first."""
    from django.db import connection

    from channels.api.changes import record

    if connection.vendor == "postgresql":
        assert _second_writer_may_write_events()  # nothing written yet in this transaction
    record([(1, "0001")])
    assert not _second_writer_may_write_events()
