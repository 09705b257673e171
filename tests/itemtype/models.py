"""A page type added by its own app alone: a 通知公告 (notice) with a deadline, declared
through the item protocol (cms.items). Its channel code (the app-API serializer, the WAP
view) is in delivery.py beside it, named here by dotted path: a models module cannot
import the API's base serializer before the app registry is ready.

tests/test_new_item_type.py shows it reaching search, the app API, the change feed, the
WAP site, WeChat and the P01 page-label tags without an edit in search/ or channels/.
The test settings install this app; nothing else does.
"""

from django.db import models
from django.utils.translation import gettext_lazy
from wagtail.admin.panels import FieldPanel
from wagtail.fields import StreamField
from wagtail.models import Page

from cms.blocks import ArticleBodyBlock
from cms.items import Item, SearchDocument
from cms.pages import ColumnType, stream_text


class NoticePage(Item, Page):
    summary = models.TextField("摘要", blank=True)
    # A StreamField named `body` of the article blocks: WeChat's default source reads it.
    body = StreamField(ArticleBodyBlock(), verbose_name="正文", blank=True)
    deadline = models.DateField("截止日期", null=True, blank=True)
    # WeChat requires a cover: its default source reads `cover_image`.
    cover_image = models.ForeignKey(
        "wagtailimages.Image", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    content_panels = Page.content_panels + [FieldPanel("summary"), FieldPanel("body"), FieldPanel("deadline")]
    parent_page_types = ["cms.ColumnPage"]
    subpage_types = []
    template = "itemtype/notice_page.html"

    item_key = "notice"
    allowed_column_types = (ColumnType.NOTICE,)  # offered in 通知公告 columns only (cms.items)
    item_label = gettext_lazy("Notice")
    api_serializer = "tests.itemtype.delivery.NoticeSerializer"
    wap_view = "tests.itemtype.delivery.notice_wap_view"

    def search_document(self):
        deadline = f"截止日期 {self.deadline:%Y年%m月%d日}" if self.deadline else ""
        return SearchDocument(parts=[self.summary, stream_text(self.body), deadline])
