"""The shapes the app API answers, as DRF serializers: the OpenAPI schema, and the item
serializers that build the answers.

An item type's representation is its own `ItemSerializer` subclass, named by dotted path
on its page model (`api_serializer`, see cms.items): `ArticleSerializer` and
`TopicSerializer` here, a disclosure's in budgets/api.py, an interview's in
interaction/api.py. Their `to_representation()` builds a plain dict by hand from the
request's Renderer (channels/api/items.py): a list must not pay DRF's per-field cost. Their
class methods are the queries that load them, so a list costs one query per type.

The declared fields are the schema: `ItemSerializer`'s are what every type's list entry
carries (a type's own ones are optional), and `ItemDetailSerializer` (schema only) is the
union of every type's detail. The schemathesis run (tests/api/test_schemathesis.py) checks
every answer against them.
"""

from django.db.models import F, Q
from rest_framework import serializers as s

from cms.items import item_types
from cms.pages import ArticlePage, TopicPage

from .html import body_html, rich_text_html


class RenditionSerializer(s.Serializer):
    width = s.IntegerField()
    height = s.IntegerField(allow_null=True)
    webp = s.URLField()
    jpeg = s.URLField()


class RenditionsSerializer(s.Serializer):
    small = RenditionSerializer(help_text="240 px 宽")
    medium = RenditionSerializer(help_text="480 px 宽")
    large = RenditionSerializer(help_text="1080 px 宽")


class ImageSerializer(s.Serializer):
    id = s.IntegerField()
    alt = s.CharField(allow_blank=True)
    width = s.IntegerField()
    height = s.IntegerField()
    renditions = RenditionsSerializer()


class RefSerializer(s.Serializer):
    id = s.IntegerField()
    title = s.CharField()


class NamedSerializer(s.Serializer):
    id = s.IntegerField()
    name = s.CharField()


class CategoryRefSerializer(NamedSerializer):
    code = s.CharField(allow_blank=True)


# A coded value with its label in the request's language. (Comments, not docstrings: a
# serializer's docstring becomes its description in the published schema.)
class ChoiceValueSerializer(s.Serializer):
    value = s.CharField()
    label = s.CharField()


# Named on its own so the schema keeps its `Validity` component.
class ValiditySerializer(ChoiceValueSerializer):
    pass


# The app API's item types, from the registry (settings' ENUM_NAME_OVERRIDES names this list;
# drf-spectacular reads it when it builds the schema, and this module is only imported once
# the app registry is ready: by the views, the URLs and the content apps' serializers).
ITEM_TYPES = list(item_types(api=True))

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
ORGANISATION_FIELDS = (
    "organisation__id",
    "organisation__name",
    "organisation__name_zh_hans",
    "organisation__name_en",
)


def iso(moment):
    return moment.isoformat() if moment else None


def absolute(url, root_url):
    """A root-relative URL prefixed with the item's site address."""
    return f"{root_url}{url}" if url.startswith("/") and not url.startswith("//") else url


def keyset(queryset, moment_field, pk_field, cursor):
    """The rows after a list cursor (moment, pk), newest first."""
    if cursor is None:
        return queryset
    moment, pk = cursor
    # The first condition follows from the second, but it is the one an index can start
    # from: PostgreSQL draws no range from an OR, and would otherwise scan every newer row
    # and filter it out (10,000 of them at depth 10,000).
    return queryset.filter(
        Q(**{f"{moment_field}__lte": moment}),
        Q(**{f"{moment_field}__lt": moment}) | Q(**{moment_field: moment, f"{pk_field}__lt": pk}),
    )


# The fields every item's list entry carries (a type's own are optional), and the base class
# of the item types' serializers (comments, not a docstring: see ChoiceValueSerializer).
class ItemSerializer(s.Serializer):
    id = s.IntegerField()
    type = s.ChoiceField(choices=ITEM_TYPES, help_text="文章、专题、预决算公开、在线访谈")
    title = s.CharField()
    summary = s.CharField(allow_blank=True)
    url = s.URLField(allow_null=True, help_text="网页地址")
    api_url = s.URLField(help_text="本接口的详情地址")
    published_at = s.DateTimeField(allow_null=True)
    updated_at = s.DateTimeField(allow_null=True)
    column = RefSerializer(allow_null=True)
    organisation = NamedSerializer(allow_null=True)
    category = CategoryRefSerializer(allow_null=True)
    validity = ValiditySerializer(allow_null=True)
    index_number = s.CharField(allow_null=True)
    cover = ImageSerializer(allow_null=True)
    year = s.IntegerField(required=False, help_text="预决算公开：年度")
    kind = ChoiceValueSerializer(required=False, help_text="预决算公开：类别（budget 预算 / final 决算）")
    status = ChoiceValueSerializer(
        required=False, help_text="在线访谈：状态（preview 预告 / live 直播中 / ended 已结束）"
    )
    starts_at = s.DateTimeField(required=False, help_text="在线访谈：开始时间")
    ends_at = s.DateTimeField(required=False, help_text="在线访谈：结束时间")

    # -- the item type's code (a subclass sets these) ------------------------------------

    #: The page model; its live items, with `list_fields` (and `list_related` joined), are
    #: what a list and the change feed show; `detail_queryset()` loads a detail's.
    model = None
    list_fields = PAGE_FIELDS
    list_related = ()
    detail_related = ()
    detail_fields = ()  # empty: every field
    #: The list filters (query parameter: lookup) that apply to this type; a list asked for
    #: another one leaves the type out.
    list_filters = {}
    #: The date a list orders and filters by.
    date_field = "first_published_at"
    #: True when the representation changes only when the page is published (the detail
    #: then answers with a Last-Modified).
    changes_only_on_publish = True
    #: True for the most asked-for type: a detail tries its query before looking up the
    #: page's type (one query instead of two).
    looked_up_first = False

    @classmethod
    def live_items(cls):
        """The type's live items (a queryset)."""
        return cls.model.objects.filter(live=True)

    @classmethod
    def list_queryset(cls):
        """The live items as a list shows them (one query)."""
        queryset = cls.live_items()
        if cls.list_related:
            queryset = queryset.select_related(*cls.list_related)
        return queryset.only(*cls.list_fields)

    @classmethod
    def detail_queryset(cls):
        """The live items with everything their detail reads."""
        queryset = cls.model.objects.filter(live=True)
        if cls.detail_related:
            queryset = queryset.select_related(*cls.detail_related)
        return queryset.only(*cls.detail_fields) if cls.detail_fields else queryset

    @classmethod
    def placed(cls, queryset, root, column):
        """(queryset, moment field, pk field): the items of a column (its children), or of
        the site below `root`, and the fields their list cursor reads."""
        if column is not None:
            queryset = queryset.filter(path__startswith=column.path, depth=column.depth + 1)
        else:
            queryset = queryset.filter(path__startswith=root.path)
        return queryset, cls.date_field, "pk"

    @classmethod
    def list_keys(cls, *, root, column, filters, date_from, date_to, cursor, size):
        """A query (not run) of up to size + 1 (list_moment, list_key) pairs of live items
        after the cursor, newest first (channels.api.newest runs every type's at once);
        None when a filter that does not apply to this type is given."""
        if any(value and name not in cls.list_filters for name, value in filters.items()):
            return None
        # The bare live items: the columns and joins a list shows would only cost compiling here.
        queryset, moment_field, pk_field = cls.placed(cls.live_items(), root, column)
        for name, value in filters.items():
            if value:
                queryset = queryset.filter(**{cls.list_filters[name]: value})
        if date_from:
            queryset = queryset.filter(**{f"{cls.date_field}__gte": date_from})
        if date_to:
            queryset = queryset.filter(**{f"{cls.date_field}__lt": date_to})
        keys = keyset(queryset, moment_field, pk_field, cursor).values(
            list_moment=F(moment_field), list_key=F(pk_field)
        )
        return keys.order_by("-list_moment", "-list_key")[: size + 1]

    @classmethod
    def listed_items(cls, keys):
        """[(moment, pk, item)] of the live items with these ids, as a list shows them."""
        return [
            (getattr(item, cls.date_field), item.pk, item) for item in cls.list_queryset().filter(pk__in=keys)
        ]

    # -- representations -----------------------------------------------------------------

    @property
    def renderer(self):
        return self.context["renderer"]

    def to_representation(self, page):
        """The list entry of a live item (as list_queryset() loads it)."""
        renderer = self.renderer
        return {
            "id": page.pk,
            "type": page.item_key,
            "title": page.title,
            "summary": page.push_summary(),
            "url": renderer.web_url(page),
            "api_url": renderer.api_url("api-item-detail", pk=page.pk),
            "published_at": iso(page.item_moment()),
            "updated_at": iso(page.last_published_at),
            "column": renderer.column_of(page),
            "organisation": None,
            "category": None,
            "validity": None,
            "index_number": None,
            "cover": None,
        }

    def detail(self, page):
        """The full item: its list entry and its type's detail_data(). `page` is a specific
        page with its content loaded (a revision's object for previews)."""
        data = self.to_representation(page)
        root_url, _ = self.renderer.site_root_url(page.url_path or "/")
        data.update(self.detail_data(page, root_url))
        return data

    def detail_data(self, page, root_url):
        """What the detail adds to the list entry; `root_url` is the item's site address."""
        return {}


class AttachmentSerializer(s.Serializer):
    title = s.CharField(allow_blank=True)
    url = s.CharField()


class SectionSerializer(s.Serializer):
    type = s.ChoiceField(
        choices=["banner", "column_feed", "rich_text", "gallery", "video_link", "related_links"],
        help_text="版块类型；其余字段随类型而定",
    )
    title = s.CharField(required=False, allow_blank=True, allow_null=True)
    subtitle = s.CharField(required=False, allow_blank=True, allow_null=True)
    html = s.CharField(required=False)
    image = ImageSerializer(required=False, allow_null=True)
    images = ImageSerializer(many=True, required=False)
    url = s.CharField(required=False)
    poster = ImageSerializer(required=False, allow_null=True)
    links = AttachmentSerializer(many=True, required=False)
    column = RefSerializer(required=False, allow_null=True)
    items = ItemSerializer(many=True, required=False)


class TableRowSerializer(s.Serializer):
    code = s.CharField(allow_blank=True, help_text="科目编码")
    item = s.CharField(help_text="科目名称")
    values = s.DictField(child=s.CharField(), help_text="各栏金额（万元，两位小数的字符串），键为栏目名")


class TableSerializer(s.Serializer):
    key = s.CharField()
    title = s.CharField()
    columns = s.ListField(child=s.CharField())
    rows = TableRowSerializer(many=True)


class TotalSerializer(s.Serializer):
    label = s.CharField()
    amount = s.CharField()


class SangongPartSerializer(s.Serializer):
    part = s.CharField()
    current = s.CharField(allow_null=True, help_text="本年（万元）")
    previous = s.CharField(allow_null=True, help_text="上年（万元）；上年未公开为 null")
    change = s.CharField(allow_null=True, help_text="增减额（万元）")
    percent = s.CharField(allow_null=True, help_text="增减幅度（%），上年为 0 或缺失时为 null")


class SangongSerializer(s.Serializer):
    year = s.IntegerField()
    previous_year = s.IntegerField(allow_null=True)
    parts = SangongPartSerializer(many=True)
    counts = s.DictField(child=s.IntegerField(allow_null=True))
    explanation = s.CharField(allow_blank=True)


class DownloadsSerializer(s.Serializer):
    csv = s.URLField(allow_null=True)
    json = s.URLField(allow_null=True)


class GuestSerializer(s.Serializer):
    name = s.CharField()
    title = s.CharField()


class LiveEntrySerializer(s.Serializer):
    id = s.IntegerField()
    speaker = s.CharField()
    text = s.CharField()
    posted_at = s.DateTimeField()


class QuestionSerializer(s.Serializer):
    id = s.IntegerField()
    nickname = s.CharField()
    text = s.CharField()
    submitted_at = s.DateTimeField()
    answer = s.CharField(allow_blank=True)
    answered_by = s.CharField(allow_blank=True)


# Schema only: the union of every item type's detail (each type's fields optional); the
# answers are built by the types' own serializers' detail().
class ItemDetailSerializer(ItemSerializer):
    body = s.CharField(required=False, help_text="文章正文：清洁的 HTML，链接和图片为绝对地址")
    images = ImageSerializer(many=True, required=False)
    attachments = AttachmentSerializer(many=True, required=False)
    source = s.CharField(required=False, allow_blank=True)
    author = s.CharField(required=False, allow_blank=True)
    doc_number = s.CharField(required=False, allow_blank=True)
    written_at = s.DateField(required=False, allow_null=True)
    keywords = s.CharField(required=False, allow_blank=True)
    counterpart_id = s.IntegerField(required=False, allow_null=True)
    sections = SectionSerializer(many=True, required=False, help_text="专题的版块")
    unit = s.CharField(required=False, help_text="预决算公开：金额单位（万元）")
    tables = TableSerializer(many=True, required=False, help_text="预决算公开：各张报表，按标准顺序")
    totals = TotalSerializer(many=True, required=False, help_text="预决算公开：收入合计、支出合计")
    sangong = SangongSerializer(required=False, help_text="预决算公开：“三公”经费及与上年比较")
    downloads = DownloadsSerializer(required=False, help_text="预决算公开：数据下载（CSV、JSON）")
    accepts_questions = s.BooleanField(required=False, help_text="在线访谈：是否正在接受网友提问")
    guests = GuestSerializer(many=True, required=False, help_text="在线访谈：嘉宾")
    photos = ImageSerializer(many=True, required=False, help_text="在线访谈：图片")
    video_url = s.URLField(required=False, allow_null=True, help_text="在线访谈：视频地址")
    entries = LiveEntrySerializer(many=True, required=False, help_text="在线访谈：文字直播，按时间顺序")
    questions = QuestionSerializer(
        many=True, required=False, help_text="在线访谈：审核通过的网友提问及回答（未审核的不会出现）"
    )
    transcript = s.CharField(required=False, allow_blank=True, help_text="在线访谈：文字实录（访谈结束后）")


class ItemListSerializer(s.Serializer):
    results = ItemSerializer(many=True)
    next_cursor = s.CharField(allow_null=True)
    next = s.URLField(allow_null=True)


class ChangeSerializer(s.Serializer):
    cursor = s.CharField()
    op = s.ChoiceField(choices=["upsert", "delete"])
    id = s.IntegerField()
    type = s.ChoiceField(choices=ITEM_TYPES, allow_null=True)
    reason = s.ChoiceField(choices=["unpublished", "deleted", "moved"], required=False)
    item = ItemSerializer(allow_null=True)


class ChangesSerializer(s.Serializer):
    results = ChangeSerializer(many=True)
    next_since = s.CharField()
    has_more = s.BooleanField()


# --- articles and topics (the other types' serializers are in their own apps) --------------

# Fields added to the detail of an article as they are: the scalar ones its api_fields name.
_SCALAR_TYPES = ("CharField", "TextField", "DateField", "DateTimeField")
ARTICLE_DETAIL_FIELDS = [
    f.name
    for f in ArticlePage.api_fields
    if ArticlePage._meta.get_field(f.name).get_internal_type() in _SCALAR_TYPES
    and f.name not in ("summary", "published_at", "validity", "index_number")
]
ARTICLE_FIELDS = (
    *PAGE_FIELDS,
    "summary",
    "published_at",
    "index_number",
    "validity",
    *ORGANISATION_FIELDS,
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


class ArticleSerializer(ItemSerializer):
    """An article: its registers and cover in lists; its body as clean HTML with absolute
    URLs, the images it shows, its attachments and its scalar fields in the detail."""

    model = ArticlePage
    list_fields = ARTICLE_FIELDS
    list_related = ("organisation", "category", "cover_image")
    detail_related = list_related
    detail_fields = (*ARTICLE_FIELDS, "body", "counterpart_id", *ARTICLE_DETAIL_FIELDS)
    list_filters = {"organisation": "organisation_id", "category": "category_id", "validity": "validity"}
    date_field = "published_at"
    looked_up_first = True

    @classmethod
    def placed(cls, queryset, root, column):
        if column is None:
            return queryset.filter(path__startswith=root.path), "published_at", "pk"
        # The column's listing rows: its own articles and those syndicated into it.
        return queryset.filter(listings__column=column), "listings__published_at", "listings__article"

    def to_representation(self, page):
        data = super().to_representation(page)
        renderer = self.renderer
        data["organisation"] = renderer.organisation(page.organisation)
        data["category"] = renderer.category(page.category)
        data["validity"] = renderer.validity(page.validity)
        data["index_number"] = page.index_number
        data["cover"] = renderer.image(page.cover_image)
        return data

    def detail_data(self, page, root_url):
        html, images = body_html(page.body, root_url)
        data = {name: _plain(getattr(page, name)) for name in ARTICLE_DETAIL_FIELDS}
        data["body"] = html
        data["images"] = images
        data["attachments"] = [
            {"title": a.label, "url": absolute(a.href, root_url)}
            # The page's own manager: a preview's attachments are the draft's, in memory.
            for a in page.attachments.select_related("document")
            if a.href
        ]
        data["counterpart_id"] = page.counterpart_id
        return data


def _plain(value):
    return value.isoformat() if hasattr(value, "isoformat") else value


class TopicSerializer(ItemSerializer):
    """A special topic: its sections in the detail, a column feed's items as list entries."""

    model = TopicPage
    list_fields = (*PAGE_FIELDS, "summary")

    def detail_data(self, page, root_url):
        return {"sections": [self.section(child, root_url) for child in page.sections]}

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
                url = self.renderer.web_url(page) if page is not None and page.live else link["url"]
                if url:
                    links.append({"title": link["title"], "url": url})
            return {"type": kind, "title": value["title"], "links": links}
        if kind == "column_feed":
            column = value["column"]
            items = []
            if column is not None and column.live:
                items = self.renderer.summaries(list(column.specific.articles()[: value["count"]]))
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
        return self.renderer.image(image, alt=alt)


class SiteSerializer(s.Serializer):
    id = s.IntegerField()
    name = s.CharField(allow_blank=True)
    hostname = s.CharField()
    url = s.CharField()
    is_default = s.BooleanField()
    root_page_id = s.IntegerField()
    locale = s.CharField()
    kind = s.CharField(allow_null=True)
    site_code = s.CharField(allow_null=True)
    host_organisation = s.CharField(allow_null=True, allow_blank=True)
    icp_number = s.CharField(allow_null=True, allow_blank=True)
    theme_colour = s.CharField(allow_null=True)


class SiteListSerializer(s.Serializer):
    results = SiteSerializer(many=True)


class ColumnSerializer(s.Serializer):
    id = s.IntegerField()
    title = s.CharField()
    slug = s.CharField()
    url = s.CharField(allow_null=True)
    column_type = s.CharField()
    description = s.CharField(allow_blank=True)
    in_menu = s.BooleanField()
    push = s.BooleanField(help_text="本栏目新发布的信息推送到 App")
    items_url = s.URLField()
    children = s.ListField(child=s.DictField(), help_text="下级栏目，结构同本对象")


class ColumnTreeSerializer(s.Serializer):
    site = s.IntegerField()
    columns = ColumnSerializer(many=True)


class OrganisationSerializer(s.Serializer):
    id = s.IntegerField()
    name = s.CharField()
    credit_code = s.CharField()
    parent_id = s.IntegerField(allow_null=True)


class OrganisationListSerializer(s.Serializer):
    results = OrganisationSerializer(many=True)


class CategorySerializer(s.Serializer):
    id = s.IntegerField()
    name = s.CharField()
    code = s.CharField(allow_blank=True)
    parent_id = s.IntegerField(allow_null=True)


class CategoryListSerializer(s.Serializer):
    results = CategorySerializer(many=True)


class ProblemSerializer(s.Serializer):
    type = s.URLField()
    title = s.CharField()
    status = s.IntegerField()
    detail = s.CharField()
    invalid_params = s.ListField(child=s.DictField(), required=False)
    errors = s.ListField(child=s.CharField(), required=False)


# --- write API (信息报送) -----------------------------------------------------------------


class SubmissionAttachmentSerializer(s.Serializer):
    title = s.CharField(required=False, allow_blank=True)
    url = s.URLField()


class SubmissionInputSerializer(s.Serializer):
    """The import format (docs/import.md), one item; `site` defaults to the key's site."""

    external_id = s.CharField(max_length=100)
    site = s.CharField(required=False, help_text="省略时为密钥所属网站")
    column = s.CharField(help_text="栏目路径，如 xxgk/zcwj")
    title = s.CharField()
    body_html = s.CharField(allow_blank=True)
    published_at = s.DateTimeField()
    summary = s.CharField(required=False, allow_blank=True)
    source = s.CharField(required=False, allow_blank=True)
    author = s.CharField(required=False, allow_blank=True)
    organisation = s.CharField(required=False, allow_blank=True, help_text="机构名称或统一社会信用代码")
    doc_number = s.CharField(required=False, allow_blank=True)
    written_at = s.DateField(required=False, allow_null=True)
    category = s.CharField(required=False, allow_blank=True)
    attachments = SubmissionAttachmentSerializer(many=True, required=False)


class SubmissionSerializer(s.Serializer):
    id = s.IntegerField()
    external_id = s.CharField()
    title = s.CharField()
    live = s.BooleanField()
    has_unpublished_changes = s.BooleanField()
    workflow_status = s.CharField(allow_null=True)
    url = s.CharField(allow_null=True)
    api_url = s.URLField(allow_null=True)
