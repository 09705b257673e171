"""The one upload policy (cms/uploads.py) on every upload path of the admin: Wagtail's
single and multiple image and document uploads and the budget import. A truncated image
was a 500 (issue 14); a renamed HTML file was stored as a document."""

import io
import json
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import TestCase
from PIL import Image as PillowImage
from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.models import Collection

from cms.uploads import check_document, content_kind
from tests.factories import make_site, make_user

HTML = b"<!doctype html><html><body><script>fetch('/admin/')</script></body></html>"
FORMATS = [("PNG", "png"), ("JPEG", "jpg"), ("GIF", "gif"), ("WEBP", "webp")]


def image_bytes(fmt, size=(300, 200)):
    buffer = io.BytesIO()
    PillowImage.new("RGB", size, (200, 30, 30)).save(buffer, fmt)
    return buffer.getvalue()


def package_bytes(part="word/document.xml"):
    """A minimal Office package (a zip whose parts name its kind)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr(part, "<document/>")
    return buffer.getvalue()


def has_chinese(text):
    return any("\u4e00" <= ch <= "\u9fff" for ch in text)


class AdminUploadTest(TestCase):
    @classmethod
    def setUpTestData(cls):
        make_site()
        cls.user = make_user("uploader", superuser=True)
        cls.collection = Collection.get_first_root_node()

    def setUp(self):
        self.client.force_login(self.user)

    def add_image(self, name, data):
        return self.client.post(
            "/admin/images/add/",
            {"title": "图", "file": SimpleUploadedFile(name, data), "collection": self.collection.pk},
        )

    def test_truncated_images_are_a_chinese_form_error_not_a_500(self):
        for fmt, ext in FORMATS:
            data = image_bytes(fmt)
            response = self.add_image(f"cut.{ext}", data[: len(data) // 2])
            assert response.status_code == 200, (fmt, response.status_code)
            errors = response.context["form"].errors["file"]
            assert errors and has_chinese(errors[0]), (fmt, errors)
        assert get_image_model().objects.count() == 0

    def test_truncated_images_through_the_multiple_upload_are_refused(self):
        for fmt, ext in FORMATS:
            data = image_bytes(fmt)
            response = self.client.post(
                "/admin/images/multiple/add/",
                {"files[]": SimpleUploadedFile(f"cut.{ext}", data[: len(data) // 2])},
            )
            assert response.status_code == 200, fmt
            body = json.loads(response.content)
            assert body["success"] is False and has_chinese(body["error_message"]), body
        assert get_image_model().objects.count() == 0

    def test_whole_images_are_stored(self):
        for fmt, ext in FORMATS:
            response = self.add_image(f"ok.{ext}", image_bytes(fmt))
            assert response.status_code == 302, (fmt, response.context["form"].errors)
        assert get_image_model().objects.count() == len(FORMATS)

    def test_an_svg_or_html_image_is_refused(self):
        for name, data in [
            ("x.svg", b"<svg xmlns='http://www.w3.org/2000/svg' onload='alert(1)'/>"),
            ("x.png", HTML),
        ]:
            response = self.add_image(name, data)
            assert response.status_code == 200 and response.context["form"].errors["file"], name
        assert get_image_model().objects.count() == 0

    def add_document(self, name, data):
        return self.client.post(
            "/admin/documents/add/",
            {"title": "文", "file": SimpleUploadedFile(name, data), "collection": self.collection.pk},
        )

    def test_renamed_html_is_refused_as_a_document(self):
        for name in ("gongkai.pdf", "gongkai.doc", "gongkai.docx", "gongkai.zip", "gongkai.html"):
            response = self.add_document(name, HTML if not name.endswith(".html") else HTML)
            assert response.status_code == 200, name
            errors = response.context["form"].errors["file"]
            assert errors and has_chinese(" ".join(errors)), (name, errors)
        assert get_document_model().objects.count() == 0

    def test_renamed_html_is_refused_through_the_multiple_upload(self):
        response = self.client.post(
            "/admin/documents/multiple/add/", {"files[]": SimpleUploadedFile("gongkai.pdf", HTML)}
        )
        body = json.loads(response.content)
        assert body["success"] is False and has_chinese(body["error_message"]), body
        assert get_document_model().objects.count() == 0

    def test_real_documents_are_stored(self):
        for name, data in [
            ("a.pdf", b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF"),
            ("b.docx", package_bytes()),
            ("c.txt", "通知正文".encode()),
            ("d.csv", "项目,金额\n办公费,12.5\n".encode("gb18030")),
        ]:
            response = self.add_document(name, data)
            assert response.status_code == 302, (name, response.context["form"].errors)
        assert get_document_model().objects.count() == 4


@pytest.mark.parametrize(
    "name, data, allowed, accepted",
    [
        ("a.xlsx", package_bytes("xl/workbook.xml"), {"xlsx"}, True),
        ("a.xlsx", package_bytes("word/document.xml"), {"xlsx"}, False),  # a renamed .docx
        ("a.xlsx", HTML, {"xlsx"}, False),
        ("a.csv", b"a,b\n1,2\n", {"csv", "xlsx"}, True),
        ("a.csv", b"\x00\x01binary", {"csv"}, False),
        ("a.pdf", b"%PDF-1.7 x", {"csv", "xlsx"}, False),  # not on this path's allow-list
        ("a.wps", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600, None, True),
    ],
)
def test_check_document_matches_extension_and_content(name, data, allowed, accepted):
    upload = SimpleUploadedFile(name, data)
    if accepted:
        assert check_document(upload, allowed) is upload
        assert upload.tell() == 0  # the caller reads the file from its start
    else:
        with pytest.raises(Exception) as caught:
            check_document(upload, allowed)
        assert has_chinese(" ".join(caught.value.messages))


def test_content_kind_tells_html_from_pdf_and_ole():
    assert content_kind(HTML) == "text"
    assert content_kind(b"%PDF-1.4") == "pdf"
    assert content_kind(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 8) == "ole"
