"""A TV inquiry or live broadcast in the app API (channels.api): its serializer, named by
`BroadcastPage.api_serializer`.

An interview's entry and detail (status, times; guests, live text, approved messages,
transcript) with the kind, the departments on stage, the stream (link or the served
video with its captions) and the problems raised with their public progress and counts.
"""

from channels.api.serializers import iso

from .api import InterviewSerializer
from .broadcasts import KIND_LABELS, RECTIFICATION_LABELS, BroadcastPage


class BroadcastSerializer(InterviewSerializer):
    """A broadcast: an interview's fields, its kind, and in the detail its departments,
    stream and problems."""

    model = BroadcastPage
    list_fields = (*InterviewSerializer.list_fields, "kind")

    def to_representation(self, page):
        data = super().to_representation(page)
        data["kind"] = self.renderer.choice(page.kind, KIND_LABELS)
        return data

    def detail_data(self, page, root_url):
        data = super().detail_data(page, root_url)
        renderer = self.renderer
        items = list(page.rectifications.select_related("organisation"))
        data.update(
            {
                "departments": [
                    {"organisation": renderer.organisation(d.organisation), "official": d.official}
                    for d in page.departments.select_related("organisation")
                ],
                "stream": {
                    "url": page.video_url or None,
                    "video": renderer.request.build_absolute_uri(page.video_file.url)
                    if page.video_file
                    else None,
                    "video_type": page.video_type if page.video_file else None,
                    "captions": (
                        renderer.request.build_absolute_uri(page.captions_file.url)
                        if page.captions_file
                        else None
                    ),
                },
                "rectification_counts": page.rectification_counts(),
                "rectifications": [
                    {
                        "id": item.pk,
                        "problem": item.problem,
                        "organisation": renderer.organisation(item.organisation),
                        "deadline": item.deadline.isoformat() if item.deadline else None,
                        "status": renderer.choice(item.status, RECTIFICATION_LABELS),
                        "progress_note": item.progress_note,
                        "resolved_on": item.resolved_on.isoformat() if item.resolved_on else None,
                        "updated_at": iso(item.updated_at),
                    }
                    for item in items
                ],
            }
        )
        return data
