"""Items as the app API shows them: the item types of the registry (cms.items) that name an
app-API serializer, and the Renderer, the request's shared services those serializers use.

Each type's representation is its own serializer (channels.api.serializers.ItemSerializer
subclasses: articles and topics there, a disclosure's in budgets/api.py, an interview's in
interaction/api.py), found through the dotted path the page model declares; nothing here
names a type. A list costs one statement for every type's keys (channels.api.newest), one
query per type that made the page and one for the items' columns; the
image URLs and web addresses are computed without touching the database (signed rendition
URLs, and Wagtail's cached site root paths). `Renderer.summaries()` is shared by the lists,
the change feed and topic column feeds, so an item looks the same wherever the app meets it.
"""

from django.contrib.contenttypes.models import ContentType
from django.urls import reverse
from django.utils import translation
from django.utils.functional import cached_property

from cms.disclosure import VALIDITY_LABELS
from cms.items import channel_code, item_types, parent_column
from cms.pages import ColumnPage
from sites.resolution import site_root_paths

from .renditions import image_payload


def api_item_types():
    """{item key: page model} of the types in the app API, in the registry's order."""
    return item_types(api=True)


def serializer_for(model_or_page):
    """The app-API serializer class of a page model (or of a page's type), None if the type
    is in no app API."""
    model = model_or_page if isinstance(model_or_page, type) else type(model_or_page)
    return channel_code(model, "api_serializer")


def api_serializers():
    """The serializer class of every app-API type, in the registry's order."""
    return [serializer_for(model) for model in api_item_types().values()]


def item_type_of_content_type():
    """{content type id: item type name}; ContentType caches these, so no query after the first."""
    return {ContentType.objects.get_for_model(m).pk: name for name, m in api_item_types().items()}


def item_content_type_ids():
    return list(item_type_of_content_type())


class Renderer:
    """The request's shared services of the item serializers: the request's address (for
    web and API URLs), the language, the registers' and images' payloads, and the items'
    columns (looked up once for a whole list)."""

    def __init__(self, request, lang):
        self.request = request
        self.lang = lang
        self.api_base = request.build_absolute_uri("/")[:-1]
        # {parent path: column ref or None}, filled by load_columns() or one page at a time.
        self.columns = {}
        self._serializers = {}

    # -- addresses -----------------------------------------------------------------------

    @cached_property
    def root_paths(self):
        # Remembered with the request's site (sites.resolution), else a cache read.
        return site_root_paths(self.request)

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
        return self.choice(value, VALIDITY_LABELS)

    def choice(self, value, labels):
        """A coded value with its label (gettext_lazy) in the request's language."""
        with translation.override(self.lang):
            return {"value": value, "label": str(labels.get(value) or value)}

    def image(self, image, alt=None):
        return image_payload(image, self.api_base, alt=alt)

    # -- columns -------------------------------------------------------------------------

    def load_columns(self, pages):
        """Look up the columns of these pages in one query."""
        parent_paths = {p.path[: -p.steplen] for p in pages} - set(self.columns)
        if not parent_paths:
            return
        self.columns.update(dict.fromkeys(parent_paths))
        for row in ColumnPage.objects.filter(path__in=parent_paths).values("pk", "title", "path"):
            self.columns[row["path"]] = {"id": row["pk"], "title": row["title"]}

    def column_of(self, page):
        """{id, title} of the column the page stands in (its parent, if a column of any kind:
        the 预决算公开 column is a ColumnPage subclass), else None."""
        parent_path = page.path[: -page.steplen]
        if parent_path not in self.columns:
            column = parent_column(page)
            self.columns[parent_path] = {"id": column.pk, "title": column.title} if column else None
        return self.columns[parent_path]

    # -- items ---------------------------------------------------------------------------

    def serializer(self, page):
        """The serializer of the page's type, one instance per type for this request."""
        cls = serializer_for(page)
        if cls not in self._serializers:
            self._serializers[cls] = cls(context={"renderer": self})
        return self._serializers[cls]

    def summaries(self, pages):
        """List representations of live items (as their serializers' list_queryset() loads them)."""
        self.load_columns(pages)
        return [self.serializer(page).to_representation(page) for page in pages]

    def detail(self, page):
        """The full item. `page` is a specific page with its content loaded (a revision's
        object for previews)."""
        return self.serializer(page).detail(page)
