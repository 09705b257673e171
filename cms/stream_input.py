"""Reading a StreamField (an article's body, a topic's sections) from an admin form post.

Wagtail reads the posted blocks without checking their shape: a count or an order that is
no number, a block count beyond the blocks sent, a rich-text value that is no JSON object
each raised while the form was read, a 500. A browser never sends those, a hand-made post
does, and every input gets a 4xx: here such a field reads as empty and the form says, in
Chinese, that the content could not be read, so the edit view re-renders with the error
(400 for a JSON post) and saves nothing.

A table the editor has not written yet is the one case a browser does send; its block
(cms.blocks.TableBlock) answers at the table itself and keeps the rest of the body.

Every Wagtail admin model form gets these fields (`register`, from the app's ready())."""

from django.forms.utils import ErrorList
from wagtail.admin.forms.models import register_form_field_override
from wagtail.blocks import StreamBlockValidationError
from wagtail.blocks.base import BlockField, BlockWidget
from wagtail.fields import StreamField

STREAM_UNREAD = "内容未能读取（提交的内容块格式有误），未保存。请刷新页面后重新编辑。"

#: What a hand-made post raises inside Wagtail's block parsing.
UNREADABLE = (ValueError, TypeError, KeyError, AttributeError, IndexError)


class ReadableBlockWidget(BlockWidget):
    """Wagtail's block widget that reads a malformed post as an empty stream and remembers
    it did (each form has its own copy of the widget)."""

    unread = False

    def value_from_datadict(self, data, files, name):
        try:
            return super().value_from_datadict(data, files, name)
        except UNREADABLE:
            self.unread = True
            return self.block_def.normalize([])


class ReadableBlockField(BlockField):
    def __init__(self, block=None, **kwargs):
        if block is not None:
            kwargs.setdefault("widget", ReadableBlockWidget(block))
        super().__init__(block=block, **kwargs)

    def clean(self, value):
        if getattr(self.widget, "unread", False):
            raise StreamBlockValidationError(non_block_errors=ErrorList([STREAM_UNREAD]))
        return super().clean(value)


def register():
    register_form_field_override(StreamField, override={"form_class": ReadableBlockField})
