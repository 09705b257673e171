"""Items (articles, topics, budget disclosures and online interviews) as the app API shows
them, fetched in a constant number of queries whatever the number of items.

A list costs one query per item type plus one for the items' columns; the image URLs and
web addresses are computed without touching the database (signed rendition URLs, and
Wagtail's cached site root paths). `summaries()` is shared by the lists, the change feed
and topic column feeds, so an item looks the same wherever the app meets it.

A disclosure's detail carries its tables, its 三公 figures with the change from last year
(the page's own `sangong_changes`, so the app shows what the web page shows) and its
downloads; an interview's carries its guests, live text and the questions the public may
see (channels.content.public_questions: approved ones only, never the others).
"""

from django.contrib.contenttypes.models import ContentType
from django.urls import reverse
from wagtail.models import Page, Site

from budgets.pages import DisclosurePage
from budgets.tables import Kind
from channels.content import disclosure_summary, disclosure_totals, public_questions
from cms.disclosure import Validity
from cms.pages import ArticlePage, ColumnPage, TopicPage
from interaction.interviews import Interview, Status

from .html import body_html, rich_text_html
from .renditions import image_payload

ITEM_MODELS = {
    "article": ArticlePage,
    "topic": TopicPage,
    "disclosure": DisclosurePage,
    "interview": Interview,
}
# Fields added to the detail of an article as they are: the scalar ones its api_fields name.
_SCALAR_TYPES = ("CharField", "TextField", "DateField", "DateTimeField")
ARTICLE_DETAIL_FIELDS = [
    f.name
    for f in ArticlePage.api_fields
    if ArticlePage._meta.get_field(f.name).get_internal_type() in _SCALAR_TYPES
    and f.name not in ("summary", "published_at", "validity", "index_number")
]
VALIDITY_LABELS_EN = {"valid": "Valid", "amended": "Amended", "repealed": "Repealed", "expired": "Expired"}
KIND_LABELS_EN = {Kind.BUDGET: "Budget", Kind.FINAL: "Final accounts"}
STATUS_LABELS_EN = {Status.PREVIEW: "Upcoming", Status.LIVE: "Live", Status.ENDED: "Ended"}


def item_type_of_content_type():
    """{content type id: item type name}; ContentType caches these, so no query after the first."""
    return {ContentType.objects.get_for_model(m).pk: name for name, m in ITEM_MODELS.items()}


# The columns an item's representation reads: loading only these (of Page's thirty and the
# joined registers') roughly halves the cost of building and reading each query.
PAGE_FIELDS = (
    "id",
    "path",
    "depth",
    "title",
    "slug",
    "url_path",
    "live",
    "first_published_at",
    "last_published_at",
)
ARTICLE_FIELDS = (
    *PAGE_FIELDS,
    "summary",
    "published_at",
    "index_number",
    "validity",
    "organisation__id",
    "organisation__name",
    "organisation__name_zh_hans",
    "organisation__name_en",
    "category__id",
    "category__name",
    "category__code",
    "cover_image__id",
    "cover_image__title",
    "cover_image__description",
    "cover_image__file",
    "cover_image__width",
    "cover_image__height",
)
ARTICLE_DETAIL_ONLY = (*ARTICLE_FIELDS, "body", "counterpart_id", *ARTICLE_DETAIL_FIELDS)


def articles():
    return (
        ArticlePage.objects.filter(live=True)
        .select_related("organisation", "category", "cover_image")
        .only(*ARTICLE_FIELDS)
    )


def articles_with_body():
    return (
        ArticlePage.objects.filter(live=True)
        .select_related("organisation", "category", "cover_image")
        .only(*ARTICLE_DETAIL_ONLY)
    )


def topics():
    return TopicPage.objects.filter(live=True).only(*PAGE_FIELDS, "summary")


_ORGANISATION_FIELDS = (
    "organisation__id",
    "organisation__name",
    "organisation__name_zh_hans",
    "organisation__name_en",
)
# Not the tables: a list shows none of them, and they are the bulk of the row.
DISCLOSURE_FIELDS = (*PAGE_FIELDS, "year", "kind", "sg_total", *_ORGANISATION_FIELDS)
INTERVIEW_FIELDS = (*PAGE_FIELDS, "summary", "starts_at", "ends_at", "status")


def disclosures():
    return DisclosurePage.objects.filter(live=True).select_related("organisation").only(*DISCLOSURE_FIELDS)


def interviews():
    return Interview.objects.filter(live=True).only(*INTERVIEW_FIELDS)


#: The live items of each type as a list shows them (one query each).
LIST_QUERIES = {"article": articles, "topic": topics, "disclosure": disclosures, "interview": interviews}
#: The live items of each type with everything their detail reads.
DETAIL_QUERIES = {
    "article": articles_with_body,
    "topic": lambda: TopicPage.objects.filter(live=True),
    "disclosure": lambda: DisclosurePage.objects.filter(live=True).select_related(
        "organisation", "source_file", "pdf"
    ),
    "interview": lambda: Interview.objects.filter(live=True),
}


def item_type(page):
    """The API's name for the type of a (specific) page, None for pages that are no item."""
    return next((name for name, model in ITEM_MODELS.items() if isinstance(page, model)), None)


def moment_of(page):
    """The time an item is listed under: an article's own publication date, else when the
    page was first published."""
    return page.published_at if isinstance(page, ArticlePage) else page.first_published_at


def iso(moment):
    return moment.isoformat() if moment else None


class Renderer:
    """Turns pages into API dicts for one request: knows the request's address (for the
    API's own URLs) and the language."""

    def __init__(self, request, lang):
        self.request = request
        self.lang = lang
        self.api_base = request.build_absolute_uri("/")[:-1]
        self.root_paths = Site.get_site_root_paths()

    # -- addresses -----------------------------------------------------------------------

    def site_root_url(self, url_path):
        for root in self.root_paths:
            if url_path.startswith(root.root_path):
                return root.root_url, root.root_path
        return self.api_base, "/"

    def web_url(self, page):
        if not page.url_path:
            return None
        root_url, root_path = self.site_root_url(page.url_path)
        return f"{root_url}/{page.url_path[len(root_path) :]}"

    def api_url(self, name, **kwargs):
        return self.api_base + reverse(name, kwargs=kwargs)

    # -- registers -----------------------------------------------------------------------

    def organisation(self, org):
        # modeltranslation's `name` follows the active language (activated by the view).
        return {"id": org.pk, "name": org.name} if org else None

    @staticmethod
    def category(category):
        return {"id": category.pk, "name": category.name, "code": category.code} if category else None

    def validity(self, value):
        if not value:
            return None
        label = VALIDITY_LABELS_EN.get(value) if self.lang == "en" else Validity(value).label
        return {"value": value, "label": label}

    def choice(self, value, labels, labels_en):
        label = labels_en.get(value) if self.lang == "en" else labels.get(value)
        return {"value": value, "label": label or value}

    def image(self, image, alt=None):
        return image_payload(image, self.api_base, alt=alt)

    # -- items ---------------------------------------------------------------------------

    def summaries(self, pages):
        """List representations of live articles/topics (as returned by articles()/topics())."""
        parent_paths = {p.path[: -p.steplen] for p in pages}
        columns = (
            {
                row["path"]: {"id": row["pk"], "title": row["title"]}
                for row in ColumnPage.objects.filter(path__in=parent_paths).values("pk", "title", "path")
            }
            if pages
            else {}
        )
        return [self.summary(page, columns.get(page.path[: -page.steplen])) for page in pages]

    def summary(self, page, column):
        kind = item_type(page)
        is_article = kind == "article"
        data = {
            "id": page.pk,
            "type": kind,
            "title": page.title,
            "summary": disclosure_summary(page) if kind == "disclosure" else page.summary,
            "url": self.web_url(page),
            "api_url": self.api_url("api-item-detail", pk=page.pk),
            "published_at": iso(moment_of(page)),
            "updated_at": iso(page.last_published_at),
            "column": column,
            "organisation": (
                self.organisation(page.organisation) if kind in ("article", "disclosure") else None
            ),
            "category": self.category(page.category) if is_article else None,
            "validity": self.validity(page.validity) if is_article else None,
            "index_number": page.index_number if is_article else None,
            "cover": self.image(page.cover_image) if is_article else None,
        }
        if kind == "disclosure":
            data["year"] = page.year
            data["kind"] = self.choice(page.kind, Kind.LABELS, KIND_LABELS_EN)
        elif kind == "interview":
            data["status"] = self.choice(page.status, dict(Status.choices), STATUS_LABELS_EN)
            data["starts_at"] = iso(page.starts_at)
            data["ends_at"] = iso(page.ends_at)
        return data

    def detail(self, page):
        """The full item: its summary plus the body (article) or sections (topic). `page` is
        a specific page with its stream field loaded (a revision's object for previews)."""
        # The parent's row only (no join of the column table): a column or a home page.
        column = None
        for pk, title, content_type_id in Page.objects.filter(path=page.path[: -page.steplen]).values_list(
            "pk", "title", "content_type_id"
        )[:1]:
            # A column of any kind (the 预决算公开 column is a ColumnPage subclass).
            model = ContentType.objects.get_for_id(content_type_id).model_class()
            if model is not None and issubclass(model, ColumnPage):
                column = {"id": pk, "title": title}
        data = self.summary(page, column)
        root_url, _ = self.site_root_url(page.url_path or "/")
        if isinstance(page, ArticlePage):
            html, images = body_html(page.body, root_url)
            data.update({name: _plain(getattr(page, name)) for name in ARTICLE_DETAIL_FIELDS})
            data["body"] = html
            data["images"] = images
            data["attachments"] = [
                {"title": a.label, "url": _absolute(a.href, root_url)}
                # The page's own manager: a preview's attachments are the draft's, in memory.
                for a in page.attachments.select_related("document")
                if a.href
            ]
            data["counterpart_id"] = page.counterpart_id
        elif isinstance(page, DisclosurePage):
            data.update(self.disclosure(page, root_url))
        elif isinstance(page, Interview):
            data.update(self.interview(page, root_url))
        else:
            data["sections"] = [self.section(child, root_url) for child in page.sections]
        return data

    # -- disclosures and interviews ------------------------------------------------------

    def disclosure(self, page, root_url):
        """Tables as structured rows, the 三公 parts with last year's figures and the change
        (the page's own computation), headline totals, downloads and the originals.
        Amounts are decimal strings in 万元, as in the page's JSON download."""
        previous = page.previous()
        open_data = page.open_data()
        web_url = self.web_url(page)
        return {
            "unit": open_data["unit"],
            "tables": open_data["tables"],
            "totals": [{"label": label, "amount": value} for label, value in disclosure_totals(page)],
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
                {"title": document.title, "url": _absolute(document.url, root_url)}
                for document in (page.pdf, page.source_file)
                if document is not None
            ],
        }

    def interview(self, page, root_url):
        """Guests, photos, video, the live text in time order and the approved questions
        with their answers; the transcript once the interview has ended (as on the page)."""
        ended = page.status == Status.ENDED
        return {
            "accepts_questions": page.is_open_for_questions,
            "guests": [{"name": guest.name, "title": guest.title} for guest in page.guests.all()],
            "photos": [
                self.image(photo.image, alt=photo.caption) for photo in page.photos.select_related("image")
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
                for q in public_questions(page)
            ],
            "transcript": rich_text_html(page.transcript, root_url) if ended else "",
        }

    # -- topic sections ------------------------------------------------------------------

    def section(self, child, root_url):
        kind, value = child.block_type, child.value
        if kind == "rich_text":
            return {"type": kind, "html": rich_text_html(value, root_url)}
        if kind == "banner":
            return {
                "type": kind,
                "title": value["title"],
                "subtitle": value["subtitle"],
                "image": self._block_image(value["image"]),
            }
        if kind == "gallery":
            return {
                "type": kind,
                "title": value["title"],
                "images": [self._block_image(image) for image in value["images"] if image is not None],
            }
        if kind == "video_link":
            return {
                "type": kind,
                "title": value["title"],
                "url": value["url"],
                "poster": self._block_image(value["poster"]),
            }
        if kind == "related_links":
            links = []
            for link in value["links"]:
                page = link["page"]
                url = self.web_url(page) if page is not None and page.live else link["url"]
                if url:
                    links.append({"title": link["title"], "url": url})
            return {"type": kind, "title": value["title"], "links": links}
        if kind == "column_feed":
            column = value["column"]
            items = []
            if column is not None and column.live:
                items = self.summaries(list(column.specific.articles()[: value["count"]]))
            return {
                "type": kind,
                "title": value["title"] or (column.title if column else ""),
                "column": {"id": column.pk, "title": column.title} if column else None,
                "items": items,
            }
        return {"type": kind}

    def _block_image(self, image):
        if image is None:
            return None
        decorative = getattr(image, "decorative", False)
        alt = "" if decorative else (getattr(image, "contextual_alt_text", None) or image.title)
        return self.image(image, alt=alt)


def _decimal(value):
    return None if value is None else str(value)


def _plain(value):
    return value.isoformat() if hasattr(value, "isoformat") else value


def _absolute(url, root_url):
    return f"{root_url}{url}" if url.startswith("/") and not url.startswith("//") else url
