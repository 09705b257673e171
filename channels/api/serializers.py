"""The shapes the app API answers, as DRF serializers for the OpenAPI schema.

The views build their answers as plain dicts (channels/api/items.py: a list must not pay
DRF's per-field cost); these classes describe those dicts, and the schemathesis run
(tests/api/test_schemathesis.py) checks every answer against them.
"""

from rest_framework import serializers as s


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


ITEM_TYPES = ["article", "topic", "disclosure", "interview"]


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
