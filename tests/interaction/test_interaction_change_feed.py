"""The app's change feed (/api/v1/changes/) carries the interaction app's item types by the
item protocol alone: a published letter, a consultation, a survey and a broadcast arrive
as upserts with their types; an approved consultation comment (public content changed
without a new revision) sends the consultation again; an unpublished letter leaves."""

import datetime as dt

import pytest
from django.utils import timezone

from interaction.consultations import CommentStatus, ConsultationComment
from interaction.mailbox import LetterPage
from tests.factories import make_column, make_organisation, make_site
from tests.interaction.broadcast_builders import make_broadcast
from tests.interaction.consultation_builders import make_consultation, make_survey, survey_column
from tests.interaction.mailbox_builders import make_mailbox

WWW = "www.feed.localhost"


def feed(client, since=None):
    params = {"since": since} if since else {}
    response = client.get("/api/v1/changes/", params, HTTP_HOST=WWW)
    assert response.status_code == 200
    return response.json()


def published_letter(mailbox):
    now = timezone.now()
    page = LetterPage(
        title="关于小区停车难的建议",
        slug="zxts-1",
        category="suggest",
        question="我们小区停车位不足，建议增设停车位。",
        writer="张**",
        received_at=now - dt.timedelta(days=10),
        replied_at=now,
        reply_unit="郴州市住房和城乡建设局",
        reply="经研究，将在小区周边增设停车位。",
    )
    mailbox.add_child(instance=page)
    page.save_revision().publish()
    return page


@pytest.mark.django_db
def test_interaction_items_travel_the_change_feed(client):
    site = make_site(WWW, "郴州市人民政府")
    letter = published_letter(make_mailbox(site))
    column = survey_column(site)
    consultation = make_consultation(column)
    survey = make_survey(column)
    events = make_column(site.home, title="电视问政", slug="dswz", column_type="在线访谈")
    broadcast = make_broadcast(events, departments=[(make_organisation("郴州市公安局"), "副局长 李强")])

    data = feed(client)
    types = {e["id"]: e["item"]["type"] for e in data["results"] if e["op"] == "upsert"}
    assert types[letter.pk] == "letter"
    assert types[consultation.pk] == "consultation"
    assert types[survey.pk] == "survey"
    assert types[broadcast.pk] == "broadcast"
    letter_item = next(e["item"] for e in data["results"] if e["id"] == letter.pk)
    assert "停车" in letter_item["summary"] and letter_item["reply_unit"] == "郴州市住房和城乡建设局"

    since = data["next_since"]
    comment = ConsultationComment.objects.create(page=consultation, text="建议增加公开时限。", sender="x")
    assert feed(client, since)["results"] == []  # a comment awaiting moderation changes nothing public
    comment.status = CommentStatus.APPROVED
    comment.save()
    later = feed(client, since)
    assert [(e["op"], e["id"]) for e in later["results"]] == [("upsert", consultation.pk)]

    letter.unpublish()
    gone = feed(client, later["next_since"])["results"]
    assert [(e["op"], e["id"], e["reason"]) for e in gone] == [("delete", letter.pk, "unpublished")]
