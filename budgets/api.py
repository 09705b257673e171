"""A department's budget disclosure in the app API (channels.api): its serializer, named by
`DisclosurePage.api_serializer`.

A list entry carries the department, the year and the kind, and the page's one-line
summary (`push_summary()`). The detail carries the tables as structured rows, the 三公
figures with the change from last year (the page's own `sangong_changes`, so the app shows
what the web page shows), the headline totals, the downloads and the originals. Amounts are
decimal strings in 万元, as in the page's JSON download.
"""

from django.utils.translation import gettext_lazy

from channels.api.serializers import ORGANISATION_FIELDS, PAGE_FIELDS, ItemSerializer, absolute

from .pages import DisclosurePage
from .tables import Kind

# The kind as the app API says it, in the request's language.
KIND_LABELS = {Kind.BUDGET: gettext_lazy("Budget"), Kind.FINAL: gettext_lazy("Final accounts")}


class DisclosureSerializer(ItemSerializer):
    """A budget disclosure: department, year and kind; tables, 三公 figures, totals and
    downloads in the detail."""

    model = DisclosurePage
    # Not the tables: a list shows none of them, and they are the bulk of the row.
    list_fields = (*PAGE_FIELDS, "year", "kind", "sg_total", "index_number", *ORGANISATION_FIELDS)
    list_related = ("organisation",)
    detail_related = ("organisation", "source_file", "pdf")
    list_filters = {"organisation": "organisation_id"}
    # Last year's disclosure, which the detail compares with, changes without a publish of
    # this page: the detail carries only its ETag.
    changes_only_on_publish = False

    def to_representation(self, page):
        data = super().to_representation(page)
        data["organisation"] = self.renderer.organisation(page.organisation)
        data["year"] = page.year
        data["kind"] = self.renderer.choice(page.kind, KIND_LABELS)
        data["index_number"] = page.index_number
        return data

    def detail_data(self, page, root_url):
        previous = page.previous()
        open_data = page.open_data()
        web_url = self.renderer.web_url(page)
        return {
            "unit": open_data["unit"],
            "tables": open_data["tables"],
            "totals": [{"label": label, "amount": value} for label, value in page.totals()],
            "sangong": {
                "year": page.year,
                "previous_year": previous.year if previous else None,
                "parts": [
                    {
                        "part": row["part"],
                        **{key: _decimal(row[key]) for key in ("current", "previous", "change", "percent")},
                    }
                    for row in page.sangong_changes(previous)
                ],
                "counts": open_data["sangong"]["counts"],
                "explanation": page.sg_explanation,
            },
            "downloads": {
                name: f"{web_url}{page.reverse_subpage(name)}" if web_url else None
                for name in ("csv", "json")
            },
            "attachments": [
                {"title": document.title, "url": absolute(document.url, root_url)}
                for document in (page.pdf, page.source_file)
                if document is not None
            ],
        }


def _decimal(value):
    return None if value is None else str(value)
