"""An online interview in the app API (channels.api): its serializer, named by
`Interview.api_serializer`.

A list entry carries the status and the times. The detail carries the guests, photos and
video, the live text in time order, the questions the public may see with their answers
(`Interview.public_questions()`: approved ones only, never the others) and the transcript
once the interview has ended (as on the page).
"""

from channels.api.html import rich_text_html
from channels.api.serializers import PAGE_FIELDS, ItemSerializer, iso

from .interviews import STATUS_LABELS, Interview, Status


class InterviewSerializer(ItemSerializer):
    """An online interview: status and times; guests, live text, public questions and the
    transcript in the detail."""

    model = Interview
    list_fields = (*PAGE_FIELDS, "summary", "starts_at", "ends_at", "status")
    # Its live text and answers change without a publish of the page: the detail carries
    # only its ETag, never a Last-Modified that would turn a change into a 304.
    changes_only_on_publish = False

    @classmethod
    def live_items(cls):
        # Exactly this type: a broadcast (a subclass) is listed by its own serializer.
        return super().live_items().exact_type(cls.model)

    def to_representation(self, page):
        data = super().to_representation(page)
        data["status"] = self.renderer.choice(page.status, STATUS_LABELS)
        data["starts_at"] = iso(page.starts_at)
        data["ends_at"] = iso(page.ends_at)
        return data

    def detail_data(self, page, root_url):
        ended = page.status == Status.ENDED
        return {
            "accepts_questions": page.is_open_for_questions,
            "guests": [{"name": guest.name, "title": guest.title} for guest in page.guests.all()],
            "photos": [
                self.renderer.image(photo.image, alt=photo.caption)
                for photo in page.photos.select_related("image")
            ],
            "video_url": page.video_url or None,
            "entries": [
                {"id": e.pk, "speaker": e.speaker, "text": e.text, "posted_at": iso(e.posted_at)}
                for e in page.entries.order_by("posted_at", "pk")
            ],
            "questions": [
                {
                    "id": q.pk,
                    "nickname": q.nickname,
                    "text": q.text,
                    "submitted_at": iso(q.submitted_at),
                    "answer": q.answer,
                    "answered_by": q.answered_by,
                }
                for q in page.public_questions()
            ],
            "transcript": rich_text_html(page.transcript, root_url) if ended else "",
        }
