"""Hostile uploads to the budget import (issue 14): a "PDF" that is HTML, documents served
from the portal's origin, spreadsheets that unpack to gigabytes or millions of cells,
malformed files of every kind, and formulas in the public CSV download."""

import csv
import io
import re
import shutil
import tempfile
import time
import tracemalloc
import zipfile

import pytest
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import RequestFactory, TestCase, override_settings
from wagtail.documents import get_document_model

from budgets.importer import MAX_CELLS, BudgetImportError, read_tables
from budgets.pages import DisclosurePage, csv_cell
from budgets.tables import Kind
from tests.cms.budget_fixtures import make_budget_column, make_disclosure
from tests.cms.test_budgets_admin import ImportFormCase
from tests.cms.test_budgets_import import filled_csv, filled_xlsx
from tests.factories import make_organisation, make_site

MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
HTML = b"<!doctype html><html><body><script>fetch('/admin/')</script></body></html>"


class OnDiskMediaMixin:
    """Documents on disk, as in production (the test settings keep files in memory, which
    the serve view cannot send)."""

    @classmethod
    def setUpClass(cls):
        cls._media = tempfile.mkdtemp()
        cls._media_override = override_settings(
            MEDIA_ROOT=cls._media,
            STORAGES={
                **settings.STORAGES,
                "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
            },
        )
        cls._media_override.enable()
        super().setUpClass()

    @classmethod
    def tearDownClass(cls):
        super().tearDownClass()
        cls._media_override.disable()
        shutil.rmtree(cls._media, ignore_errors=True)


class PdfFieldTest(ImportFormCase):
    def post(self, pdf):
        data, _, _ = filled_xlsx()
        return super().post(data, pdf=pdf)

    def test_html_as_pdf_is_refused_and_nothing_is_stored(self):
        for name in ("gongkai.html", "gongkai.pdf", "gongkai.svg"):
            response = self.post(SimpleUploadedFile(name, HTML, content_type="application/pdf"))
            assert response.status_code == 200, name
            assert "公开文本只接受 PDF 文件" in response.content.decode(), name
        assert not DisclosurePage.objects.exists()
        assert not get_document_model().objects.exists()

    def test_a_pdf_named_otherwise_is_refused(self):
        response = self.post(SimpleUploadedFile("gongkai.html", b"%PDF-1.4\n%%EOF\n"))
        assert "公开文本只接受 PDF 文件" in response.content.decode()
        assert not DisclosurePage.objects.exists()

    def test_a_real_pdf_is_stored(self):
        response = self.post(SimpleUploadedFile("gongkai.pdf", b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\n%%EOF\n"))
        assert response.status_code == 302
        page = DisclosurePage.objects.get()
        assert page.pdf.filename.endswith(".pdf")


class DocumentServingTest(OnDiskMediaMixin, TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.host = "docs.test.localhost"
        make_site(hostname=cls.host)

    def test_an_html_document_is_served_as_an_attachment_through_the_view(self):
        Document = get_document_model()
        document = Document(title="gongkai")
        document.file.save("gongkai.html", ContentFile(HTML), save=False)
        document.save()
        assert not document.url.startswith("/media/")
        response = self.client.get(document.url, HTTP_HOST=self.host)
        assert response.status_code == 200
        assert response["Content-Disposition"].startswith("attachment")
        assert response["X-Content-Type-Options"] == "nosniff"
        assert "default-src 'none'" in response["Content-Security-Policy"]
        assert b"".join(response.streaming_content) == HTML

    def test_a_pdf_document_is_inline_but_sandboxed(self):
        Document = get_document_model()
        document = Document(title="gongkai")
        document.file.save("gongkai.pdf", ContentFile(b"%PDF-1.4\n%%EOF\n"), save=False)
        document.save()
        response = self.client.get(document.url, HTTP_HOST=self.host)
        assert response.status_code == 200
        assert response["Content-Type"] == "application/pdf"
        assert "default-src 'none'" in response["Content-Security-Policy"]
        assert response["X-Content-Type-Options"] == "nosniff"
        assert not response.get("Content-Disposition", "").startswith("attachment")
        assert b"".join(response.streaming_content).startswith(b"%PDF-")


# --- spreadsheets ---------------------------------------------------------------------

CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    "</Types>"
)
ROOT_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>'
)
WORKBOOK = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    f'<workbook xmlns="{MAIN_NS}" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
    '<sheets><sheet name="收入决算表" sheetId="1" r:id="rId1"/></sheets></workbook>'
)
WORKBOOK_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>'
)


def hand_made_xlsx(sheet_parts, repeat=1, dimension=None):
    """An XLSX with one worksheet whose XML is head + body × repeat + tail, streamed into
    the zip (deflated) so the test never holds the unpacked sheet in memory."""
    head, body, tail = sheet_parts
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("[Content_Types].xml", CONTENT_TYPES)
        archive.writestr("_rels/.rels", ROOT_RELS)
        archive.writestr("xl/workbook.xml", WORKBOOK)
        archive.writestr("xl/_rels/workbook.xml.rels", WORKBOOK_RELS)
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as sheet:
            dim = f'<dimension ref="{dimension}"/>' if dimension else ""
            sheet.write(f'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="{MAIN_NS}">{dim}'.encode())
            sheet.write(head.encode())
            chunk = body.encode() * 10_000
            whole, rest = divmod(repeat, 10_000)
            for _ in range(whole):
                sheet.write(chunk)
            sheet.write(body.encode() * rest)
            sheet.write(tail.encode())
            sheet.write(b"</worksheet>")
    return buffer.getvalue()


def refusal(name, data):
    with pytest.raises(BudgetImportError) as caught:
        read_tables(name, data)
    problems = caught.value.problems
    assert problems and all(re.search(r"[\u4e00-\u9fff]", p) for p in problems), problems
    return "；".join(problems)


def rewrite_xlsx(data, change):
    """A copy of an XLSX with `change(name, bytes)` → bytes or None (drop the part)."""
    source = zipfile.ZipFile(io.BytesIO(data))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for entry in source.infolist():
            content = change(entry.filename, source.read(entry))
            if content is not None:
                archive.writestr(entry.filename, content)
    return buffer.getvalue()


def test_five_million_cells_in_one_row_are_refused_before_parsing():
    data = hand_made_xlsx(('<sheetData><row r="1">', "<c><v>1</v></c>", "</row></sheetData>"), 5_000_000)
    assert len(data) < 1024 * 1024  # a small upload, well under the 5 MB limit
    tracemalloc.start()
    try:
        message = refusal("bomb.xlsx", data)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert "XLSX" in message
    assert peak < 50 * 1024 * 1024


def test_cells_beyond_the_limit_are_refused_even_when_small_unpacked():
    data = hand_made_xlsx(('<sheetData><row r="1">', "<c/>", "</row></sheetData>"), MAX_CELLS + 1)
    assert "单元格" in refusal("many.xlsx", data)


def test_a_declared_or_referenced_huge_range_is_refused():
    data = hand_made_xlsx(("<sheetData>", "", "</sheetData>"), 0, dimension="A1:XFD1048576")
    assert "范围过大" in refusal("dim.xlsx", data)
    far = '<sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>x</t></is></c></row>'
    far += '<row r="500"><c r="XFD500"/></row></sheetData>'
    data = hand_made_xlsx((far, "", ""), 0)
    assert "范围过大" in refusal("far.xlsx", data)


def test_entity_declarations_are_refused():
    laughs = '<!DOCTYPE w [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">]>'
    data, _, _ = filled_xlsx()
    spoilt = rewrite_xlsx(
        data,
        lambda name, content: laughs.encode() + content if name.startswith("xl/worksheets/") else content,
    )
    assert "DTD" in refusal("laughs.xlsx", spoilt)


def _replace_c3(number):
    def change(name, content):
        if name.startswith("xl/worksheets/"):
            return re.sub(rb'(<c r="C3"[^>]*><v>)[^<]*(</v>)', rb"\g<1>" + number + rb"\g<2>", content)
        return content

    return change


@pytest.mark.django_db
def test_malformed_files_each_give_a_budget_import_error():
    good, _, _ = filled_xlsx()
    good_csv, _ = filled_csv()
    cases = {
        "not a zip": ("a.xlsx", b"this is not a spreadsheet"),
        "empty": ("a.xlsx", b""),
        "truncated zip": ("a.xlsx", good[: len(good) // 2]),
        "zip without a workbook": (
            "a.xlsx",
            rewrite_xlsx(good, lambda n, c: None if n == "xl/workbook.xml" else c),
        ),
        "missing sheet part": (
            "a.xlsx",
            rewrite_xlsx(good, lambda n, c: None if n.startswith("xl/worksheets/") else c),
        ),
        "bad xml": (
            "a.xlsx",
            rewrite_xlsx(good, lambda n, c: c[: len(c) // 2] if n.startswith("xl/worksheets/") else c),
        ),
        "corrupt workbook xml": (
            "a.xlsx",
            rewrite_xlsx(good, lambda n, c: b"<workbook><sheets>" if n == "xl/workbook.xml" else c),
        ),
        "huge number as a number": ("a.xlsx", rewrite_xlsx(good, _replace_c3(b"1e999999999"))),
        "infinity": ("a.xlsx", rewrite_xlsx(good, _replace_c3(b"inf"))),
        "not a number": ("a.xlsx", rewrite_xlsx(good, _replace_c3(b"NaN"))),
        "huge number as text": (
            "a.xlsx",
            filled_xlsx(edit=lambda b: b["收入决算表"].__setitem__("C3", "1e999999999"))[0],
        ),
        "ragged xlsx rows": (
            "a.xlsx",
            filled_xlsx(
                edit=lambda b: b["收入决算表"].append(["101", "多余", 1, 2, 3, 4, 5, 6, 7, 8, 9, 10])
            )[0],
        ),
        "csv huge amount": ("a.csv", good_csv.replace(",0.00", ",1e999999999", 1)),
        "csv huge count": ("a.csv", good_csv.replace("公务用车保有量,7", "公务用车保有量,1e999999999")),
        "csv ragged": ("a.csv", good_csv + "\r\n收入决算表\r\n科目编码\r\n1,2,3,4,5,6,7,8,9\r\n"),
        "csv too many cells": ("a.csv", "收入决算表\r\n" + "," * (MAX_CELLS + 10)),
        "csv binary": ("a.csv", b"PK\x03\x04\x00\x00garbage"),
    }
    assert "1e999999999" in cases["csv huge amount"][1] and "1e999999999" in cases["csv huge count"][1]
    for label, (name, data) in cases.items():
        started = time.monotonic()
        try:
            read_tables(name, data)
        except BudgetImportError as exc:
            assert exc.problems and all(re.search(r"[\u4e00-\u9fff]", p) for p in exc.problems), label
        else:
            pytest.fail(f"{label}: accepted")
        assert time.monotonic() - started < 30, label  # a hang, not a timing claim


# --- CSV download ---------------------------------------------------------------------


def test_csv_cell_neutralises_formulas_but_not_numbers():
    assert csv_cell('=HYPERLINK("http://x","点击")') == '\'=HYPERLINK("http://x","点击")'
    for text in ("+cmd", "-cmd|' /C calc'!A0", "@SUM(A1)", "\tx", "\rx", "-", "-1e5"):
        assert csv_cell(text) == "'" + text
    for value in ("-12.50", "12.50", "+3", "0.00", "公务接待费", 2013, None):
        assert csv_cell(value) == ("" if value is None else str(value))


class CsvDownloadTest(TestCase):
    def test_formula_item_names_are_quoted_and_negative_amounts_kept(self):
        org = make_organisation("郴州市财政局")
        column = make_budget_column([org])
        page = make_disclosure(column, org, 2013, Kind.FINAL)
        key = next(iter(page.tables))
        row = page.tables[key][0]
        row["item"] = '=HYPERLINK("http://x","点击")'
        first_column = next(iter(row["values"]))
        row["values"][first_column] = "-12.50"
        response = page.data_csv(RequestFactory().get("/"))
        text = response.content.decode("utf-8-sig")
        rows = list(csv.reader(io.StringIO(text)))
        names = {r[5] for r in rows[1:]}
        assert '\'=HYPERLINK("http://x","点击")' in names
        assert '=HYPERLINK("http://x","点击")' not in names
        assert ['\'=HYPERLINK("http://x","点击")', first_column, "-12.50"] in [r[5:] for r in rows]
