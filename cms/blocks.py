"""StreamField blocks of article bodies and topic (专题) pages."""

from wagtail import blocks
from wagtail.contrib.table_block.blocks import TableBlock
from wagtail.documents.blocks import DocumentChooserBlock
from wagtail.images.blocks import ImageBlock

RICH_TEXT_FEATURES = ["h2", "h3", "h4", "bold", "italic", "ol", "ul", "link", "document-link", "hr"]


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
