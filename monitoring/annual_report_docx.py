"""The annual website report (M23) as an editable Word document (.docx, python-docx): the
title, one heading per section of the national form, each section's figures as a table
(项目, 数值, 单位, 说明) and its further tables, then the filler's lines. Built from
monitoring.annual_report's AnnualReport, which the HTML view shows as well, so both say
the same figures. Word's own heading styles are used, so an editor can restyle the
document and Word's navigation pane lists the sections."""

import io

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Pt

from .annual_report import cell

CHINESE_FONT = "宋体"
HEADING_FONT = "黑体"
CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _east_asian(style, font):
    """Give a style a Chinese font: Word takes CJK text from the eastAsia font slot."""
    style.font.name = font
    fonts = style.element.get_or_add_rPr().get_or_add_rFonts()
    fonts.set(qn("w:eastAsia"), font)


def _prepare(document):
    _east_asian(document.styles["Normal"], CHINESE_FONT)
    document.styles["Normal"].font.size = Pt(10.5)
    for name in ("Title", "Heading 1", "Heading 2"):
        _east_asian(document.styles[name], HEADING_FONT)


def _table(document, headers, rows):
    table = document.add_table(rows=1, cols=len(headers))
    table.style = "Table Grid"
    for index, header in enumerate(headers):
        header_cell = table.rows[0].cells[index]
        header_cell.text = str(header)
        for run in header_cell.paragraphs[0].runs:
            run.bold = True
    for row in rows:
        cells = table.add_row().cells
        for index, value in enumerate(row):
            cells[index].text = value if isinstance(value, str) else cell(value)
    return table


def write(report):
    """The report as .docx bytes."""
    document = Document()
    _prepare(document)
    core = document.core_properties
    core.title = report.title
    core.subject = "政府网站工作年度报表"
    title = document.add_heading(report.title, level=0)
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    for section in report.sections:
        document.add_heading(section.heading, level=1)
        if section.figures:
            _table(
                document,
                ["项目", "数值", "单位", "说明"],
                [[f.label, f.text, f.unit, f.note] for f in section.figures],
            )
        for table in section.tables:
            document.add_heading(table.caption, level=2)
            if table.rows:
                _table(document, table.headers, table.rows)
            else:
                document.add_paragraph("无。")
            if table.note:
                document.add_paragraph(table.note)
    document.add_paragraph()
    for label, value in report.filler:
        document.add_paragraph(f"{label}：{cell(value)}")
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def filename(report):
    """An ASCII file name (the Chinese title goes in the document itself)."""
    return f"annual-report-{report.site.hostname}-{report.year}.docx"
