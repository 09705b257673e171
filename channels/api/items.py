"""Items (articles and topics) as the app API shows them, fetched in a constant number of
queries whatever the number of items.

A list costs one query per item type plus one for the items' columns; the image URLs and
web addresses are computed without touching the database (signed rendition URLs, and
Wagtail's cached site root paths). `summaries()` is shared by the lists, the change feed
and topic column feeds, so an item looks the same wherever the app meets it.
"""

from django.contrib.contenttypes.models import ContentType
from django.urls import reverse
from wagtail.models import Page, Site

from cms.disclosure import Validity
from cms.pages import ArticlePage, ColumnPage, TopicPage

from .html import body_html, rich_text_html
from .renditions import image_payload

ITEM_MODELS = {"article": ArticlePage, "topic": TopicPage}
# Fields added to the detail of an article as they are: the scalar ones its api_fields name.
_SCALAR_TYPES = ("CharField", "TextField", "DateField", "DateTimeField")
ARTICLE_DETAIL_FIELDS = [
    f.name
    for f in ArticlePage.api_fields
    if ArticlePage._meta.get_field(f.name).get_internal_type() in _SCALAR_TYPES
    and f.name not in ("summary", "published_at", "validity", "index_number")
]
VALIDITY_LABELS_EN = {"valid": "Valid", "amended": "Amended", "repealed": "Repealed", "expired": "Expired"}


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
        is_article = isinstance(page, ArticlePage)
        published = page.published_at if is_article else page.first_published_at
        return {
            "id": page.pk,
            "type": "article" if is_article else "topic",
            "title": page.title,
            "summary": page.summary,
            "url": self.web_url(page),
            "api_url": self.api_url("api-item-detail", pk=page.pk),
            "published_at": iso(published),
            "updated_at": iso(page.last_published_at),
            "column": column,
            "organisation": self.organisation(page.organisation) if is_article else None,
            "category": self.category(page.category) if is_article else None,
            "validity": self.validity(page.validity) if is_article else None,
            "index_number": page.index_number if is_article else None,
            "cover": self.image(page.cover_image) if is_article else None,
        }

    def detail(self, page):
        """The full item: its summary plus the body (article) or sections (topic). `page` is
        a specific page with its stream field loaded (a revision's object for previews)."""
        # The parent's row only (no join of the column table): a column or a home page.
        column = None
        for pk, title, content_type_id in Page.objects.filter(path=page.path[: -page.steplen]).values_list(
            "pk", "title", "content_type_id"
        )[:1]:
            if content_type_id == ContentType.objects.get_for_model(ColumnPage).pk:
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
        else:
            data["sections"] = [self.section(child, root_url) for child in page.sections]
        return data

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


def _plain(value):
    return value.isoformat() if hasattr(value, "isoformat") else value


def _absolute(url, root_url):
    return f"{root_url}{url}" if url.startswith("/") and not url.startswith("//") else url
