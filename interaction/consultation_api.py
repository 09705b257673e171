"""Consultations and surveys in the app API (channels.api): their serializers, named by
`ConsultationPage.api_serializer` and `SurveyPage.api_serializer`.

A list entry carries the phase and the period. A consultation's detail carries the draft's
articles with the comments the public may see (`public_comments()`: approved only) and,
once closed, the feedback notice. A survey's detail carries its questions and, only once
it has closed, the results (counts per option; written answers are never published) and
the feedback notice.
"""

from channels.api.html import rich_text_html
from channels.api.serializers import ORGANISATION_FIELDS, PAGE_FIELDS, ItemSerializer, iso

from .consultations import ConsultationPage, Phase
from .surveys import SurveyPage

PERIOD_FIELDS = (*PAGE_FIELDS, "summary", "opens_at", "closes_at", *ORGANISATION_FIELDS)


class ParticipationSerializer(ItemSerializer):
    """What consultations and surveys share: phase, period, the feedback once closed."""

    list_fields = PERIOD_FIELDS
    list_related = ("organisation",)
    date_field = "opens_at"
    # Comments and results change without a publish of the page: ETag only.
    changes_only_on_publish = False

    def to_representation(self, page):
        data = super().to_representation(page)
        data["status"] = self.renderer.choice(str(page.phase()), page.phase_labels)
        data["organisation"] = self.renderer.organisation(page.organisation)
        data["opens_at"] = iso(page.opens_at)
        data["closes_at"] = iso(page.closes_at)
        return data

    def feedback_data(self, page, root_url):
        closed = page.phase() == Phase.CLOSED
        return {
            "feedback": rich_text_html(page.feedback, root_url) if closed and page.has_feedback else "",
            "feedback_published_at": page.feedback_published_at.isoformat()
            if closed and page.has_feedback and page.feedback_published_at
            else None,
        }


class ConsultationSerializer(ParticipationSerializer):
    """A consultation: the draft's articles with their public comments, the feedback."""

    model = ConsultationPage

    def detail_data(self, page, root_url):
        comments = {}
        for comment in page.public_comments():
            comments.setdefault(comment.anchor, []).append(
                {
                    "id": comment.pk,
                    "nickname": comment.nickname,
                    "text": comment.text,
                    "submitted_at": iso(comment.submitted_at),
                }  # fmt: skip
            )
        return {
            "accepts_comments": page.is_open(),
            "sections": [
                {
                    "anchor": s.anchor,
                    "heading": s.heading,
                    "text": s.text,
                    "comments": comments.get(s.anchor, []),
                }
                for s in page.sections.all()
            ],
            "comments": comments.get("", []),
            **self.feedback_data(page, root_url),
        }


class SurveySerializer(ParticipationSerializer):
    """A survey: its questions; the results and the feedback once it has closed."""

    model = SurveyPage

    def detail_data(self, page, root_url):
        closed = page.phase() == Phase.CLOSED
        data = {
            "accepts_responses": page.is_open(),
            "questions": [
                {
                    "id": q.pk,
                    "text": q.text,
                    "kind": q.kind,
                    "required": q.required,
                    "options": q.option_list(),
                }
                for q in page.questions.all()
            ],
            "results": None,
            **self.feedback_data(page, root_url),
        }
        if closed:
            total, rows = page.results()
            data["results"] = {
                "responses": total,
                "questions": [
                    {
                        "id": question.pk,
                        "answered": answered,
                        "options": [{"option": o, "count": c, "percent": p} for o, c, p in options],
                    }
                    for question, answered, options in rows
                    if question.kind != "text"
                ],
            }
        return data
