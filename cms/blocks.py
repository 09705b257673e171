"""StreamField blocks of article bodies and topic (专题) pages."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.functional import cached_property, lazy
from django.utils.translation import get_language, gettext_lazy
from wagtail import blocks
from wagtail.admin.staticfiles import versioned_static
from wagtail.contrib.table_block import blocks as table_blocks
from wagtail.documents.blocks import DocumentChooserBlock
from wagtail.images import blocks as image_blocks

RICH_TEXT_FEATURES = ["h2", "h3", "h4", "bold", "italic", "ol", "ul", "link", "document-link", "hr"]

TABLE_UNREAD = "表格内容未能读取（表格编辑器可能尚未加载完成），请检查表格后重新保存。"

TABLE_HELP_TEXT = (
    "表头是说明一列（或一行）数据是什么的单元格，如“项目”“金额（万元）”。请在“表头设置”中"
    "选出表头所在的行或列（有标题行的表格选“第一行作为表头”）：读屏软件读每个数据单元格时"
    "会同时读出它的表头，视障用户才听得懂每个数字的含义。表格标题概括整张表的内容，也会被读出。"
)


def _handsontable_language():
    # Handsontable knows "zh-CN" and "en-US", not Django's "zh-hans" or "en"; a code it does
    # not know is a console error and an English editor.
    return "zh-CN" if (get_language() or "").startswith("zh") else "en-US"


class ImageBlock(image_blocks.ImageBlock):
    """Wagtail's image block with its chooser labelled: Wagtail names the chooser after its
    field ("Image") without translating it. Deconstructs as Wagtail's block (its own
    deconstruct), so migrations do not name this class."""

    def __init__(self, required=True, **kwargs):
        super().__init__(required=required, **kwargs)
        self.child_blocks["image"].label = gettext_lazy("Image")


class TableInput(table_blocks.TableInput):
    """The table editor with Handsontable's Chinese dictionary, which Wagtail's bundle lacks."""

    @property
    def media(self):
        return super().media + forms.Media(js=[versioned_static("js/handsontable-zh-CN.js")])


class TableBlock(table_blocks.TableBlock):
    """Wagtail's table block, its editor in the editor's language and its header choice
    explained. Wagtail fixes the editor's language once, when the block is built, as Django's
    code; here it is the editor's own, per request, in Handsontable's code.

    The help text and the language are set after construction: neither changes what is
    stored, and the block deconstructs as Wagtail's (DECONSTRUCT_ALIASES), so no migration
    follows a change of wording."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.table_options["language"] = lazy(_handsontable_language, str)()
        self.field_options["help_text"] = TABLE_HELP_TEXT

    @cached_property
    def field(self):
        return forms.CharField(widget=TableInput(table_options=self.table_options), **self.field_options)

    def value_from_form(self, value):
        # Wagtail parses the editor's hidden input as it comes: a post sent before the table
        # editor wrote it (empty) or a garbled one raised a 500 while the form was read.
        # Unreadable, it is no table, and clean() says so at the block.
        try:
            return super().value_from_form(value)
        except (TypeError, ValueError):
            return None

    def clean(self, value):
        if not isinstance(value, dict):
            raise ValidationError(TABLE_UNREAD)
        return super().clean(value)


DECONSTRUCT_ALIASES = {TableBlock: "wagtail.contrib.table_block.blocks.TableBlock"}


class AttachmentBlock(blocks.StructBlock):
    document = DocumentChooserBlock(label="文件")
    title = blocks.CharBlock(label="显示名称", required=False, max_length=200)

    class Meta:
        icon = "doc-full"
        label = "附件"
        template = "cms/blocks/attachment.html"


class ArticleBodyBlock(blocks.StreamBlock):
    paragraph = blocks.RichTextBlock(label="正文", features=RICH_TEXT_FEATURES)
    image = ImageBlock(label="图片")
    table = TableBlock(label="表格", table_options={"startRows": 3, "startCols": 3})
    attachment = AttachmentBlock()

    class Meta:
        label = "正文"


class BannerBlock(blocks.StructBlock):
    image = ImageBlock(label="横幅图片")
    title = blocks.CharBlock(label="标题", max_length=100)
    subtitle = blocks.CharBlock(label="副标题", required=False, max_length=200)

    class Meta:
        icon = "image"
        label = "横幅"
        template = "cms/blocks/banner.html"


class ColumnFeedBlock(blocks.StructBlock):
    """The newest items of a chosen column, read at render time."""

    column = blocks.PageChooserBlock(label="栏目", page_type="cms.ColumnPage")
    title = blocks.CharBlock(label="标题", required=False, max_length=100)
    count = blocks.IntegerBlock(label="条数", default=6, min_value=1, max_value=30)

    class Meta:
        icon = "list-ul"
        label = "栏目信息"
        template = "cms/blocks/column_feed.html"


class GalleryBlock(blocks.StructBlock):
    title = blocks.CharBlock(label="标题", required=False, max_length=100)
    images = blocks.ListBlock(ImageBlock(label="图片"), label="图片", min_num=1)

    class Meta:
        icon = "image"
        label = "图集"
        template = "cms/blocks/gallery.html"


class VideoLinkBlock(blocks.StructBlock):
    title = blocks.CharBlock(label="标题", max_length=100)
    url = blocks.URLBlock(label="视频地址")
    poster = ImageBlock(label="封面", required=False)

    class Meta:
        icon = "media"
        label = "视频链接"
        template = "cms/blocks/video_link.html"


class LinkBlock(blocks.StructBlock):
    title = blocks.CharBlock(label="标题", max_length=100)
    page = blocks.PageChooserBlock(label="站内页面", required=False)
    url = blocks.URLBlock(label="外部地址", required=False)

    class Meta:
        icon = "link"
        label = "链接"


class RelatedLinksBlock(blocks.StructBlock):
    title = blocks.CharBlock(label="标题", required=False, max_length=100)
    links = blocks.ListBlock(LinkBlock(), label="链接")

    class Meta:
        icon = "link"
        label = "相关链接"
        template = "cms/blocks/related_links.html"


class TopicSectionBlock(blocks.StreamBlock):
    banner = BannerBlock()
    column_feed = ColumnFeedBlock()
    rich_text = blocks.RichTextBlock(
        label="图文", features=RICH_TEXT_FEATURES, template="cms/blocks/rich_text.html"
    )
    gallery = GalleryBlock()
    video_link = VideoLinkBlock()
    related_links = RelatedLinksBlock()
