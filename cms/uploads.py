"""The one upload policy: what files the platform stores, for every upload path.

Wagtail's image and document forms (settings WAGTAILIMAGES_IMAGE_FORM_BASE and
WAGTAILDOCS_DOCUMENT_FORM_BASE point at the forms below, which its single and multiple
upload views both use) and the budget import's spreadsheet and PDF fields all call
`check_document` or the image field here. A file is accepted when its extension is on
the allow-list and its content is what the extension says (sniffed with `filetype`), so
an HTML or SVG file renamed to .pdf or .doc is refused; images are decoded in full, so a
truncated or corrupt image is a form error in Chinese, never a 500 later. Documents are
then served only through Wagtail's document view, as attachments (settings).
"""

import os

import filetype
from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from PIL import Image, UnidentifiedImageError
from wagtail.documents.forms import BaseDocumentForm
from wagtail.images.fields import WagtailImageField
from wagtail.images.forms import BaseImageForm

# Legacy Office and WPS files are OLE compound documents; filetype names only some of them.
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_KINDS = {"zip", "docx", "xlsx", "pptx", "odt", "ods", "odp", "epub"}
# Extension → the content kinds (filetype's names, "ole", or "text") it may hold.
DOCUMENT_KINDS = {
    "pdf": {"pdf"},
    "doc": {"doc", "ole"},
    "wps": {"doc", "ole"},
    "xls": {"xls", "ole"},
    "et": {"xls", "ole"},
    "ppt": {"ppt", "ole"},
    "docx": {"docx", "zip"},
    "xlsx": {"xlsx", "zip"},
    "pptx": {"pptx", "zip"},
    "ofd": {"zip"},  # OFD (the national fixed-layout format) is a zip package
    "zip": ZIP_KINDS,
    "rar": {"rar"},
    "txt": {"text"},
    "csv": {"text"},
}
# Pillow's formats of the images editors may upload (the extension is checked by Wagtail).
IMAGE_FORMATS = {"JPEG", "PNG", "GIF", "WEBP"}
SNIFF_BYTES = 8192
CORRUPT_IMAGE = "图片文件已损坏或不完整，无法读取，请重新导出后上传。"


def extension_of(name):
    return os.path.splitext(name or "")[1].lstrip(".").lower()


def content_kind(head):
    """What the first bytes of a file are: a filetype name, "ole", "text" or None."""
    guess = filetype.guess(head)
    if guess is not None:
        return guess.extension
    if head.startswith(OLE_MAGIC):
        return "ole"
    if b"\x00" not in head:
        return "text"
    return None


def read_head(upload):
    upload.seek(0)
    head = upload.read(SNIFF_BYTES)
    upload.seek(0)
    return head


def check_document(upload, allowed=None):
    """Refuse `upload` (a Django File) unless its extension is in `allowed` (default: the
    documents the platform accepts, WAGTAILDOCS_EXTENSIONS) and its content matches it."""
    allowed = set(allowed or settings.WAGTAILDOCS_EXTENSIONS)
    extension = extension_of(upload.name)
    if extension not in allowed or extension not in DOCUMENT_KINDS:
        raise ValidationError(
            "不接受扩展名为“%(ext)s”的文件，只接受：%(allowed)s。",
            code="extension",
            params={"ext": extension or "（无）", "allowed": "、".join(sorted(allowed))},
        )
    if content_kind(read_head(upload)) not in DOCUMENT_KINDS[extension]:
        raise ValidationError(
            "文件内容与扩展名“%(ext)s”不符，可能是改了扩展名的其他文件，未保存。",
            code="content",
            params={"ext": extension},
        )
    return upload


def check_image(upload):
    """Decode the whole image: a truncated or corrupt file, or a format outside
    IMAGE_FORMATS, is refused in Chinese (Pillow's bomb limit applies while decoding)."""
    upload.seek(0)
    try:
        with Image.open(upload) as image:
            image_format = image.format
            image.load()
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as error:
        raise ValidationError("图片像素过多，请缩小后再上传。", code="too_many_pixels") from error
    except (OSError, UnidentifiedImageError, ValueError, SyntaxError, EOFError) as error:
        raise ValidationError(CORRUPT_IMAGE, code="corrupt") from error
    finally:
        upload.seek(0)
    if image_format not in IMAGE_FORMATS:
        raise ValidationError("不接受该图片格式，请上传 JPEG、PNG、GIF 或 WebP 图片。", code="image_format")
    return upload


class PolicyImageField(WagtailImageField):
    """Wagtail's image field after the policy's full decode: Wagtail reads only the size,
    and a truncated file raised from deep in Willow (a 500) before this check existed."""

    def to_python(self, data):
        try:
            upload = super().to_python(data)  # Wagtail's size, extension and pixel checks
        except (OSError, ValueError, SyntaxError, EOFError) as error:
            raise ValidationError(CORRUPT_IMAGE, code="corrupt") from error
        if upload is not None and hasattr(upload, "seek"):
            check_image(upload)
        return upload


class PolicyImageForm(BaseImageForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "file" in self.fields:
            old = self.fields["file"]
            new = PolicyImageField(label=old.label, required=old.required, help_text=old.help_text)
            new.widget = old.widget
            self.fields["file"] = new


class PolicyDocumentForm(BaseDocumentForm):
    def clean_file(self):
        upload = self.cleaned_data.get("file")
        if upload and hasattr(upload, "seek") and getattr(upload, "_committed", False) is not True:
            try:
                check_document(upload)
            except ValidationError as error:
                raise forms.ValidationError(error.messages) from error
        return upload
