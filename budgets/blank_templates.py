"""The blank CSV and XLSX templates clerks fill in (importer.py reads them back).

They are written from the table definitions, so a template can never drift from what the
importer expects. Each table starts with an example 合计 row of zeros; a department with
nothing under a table leaves it so (决算 needs all nine tables present).
"""

import csv
import io

from .importer import NOTE_FIELDS, NOTES_TITLE
from .tables import CODE, ITEM, TABLES, Kind

EXAMPLE_NOTE = {"sg_explanation": "（说明与上年相比增减变化的原因）"}


def _blocks(kind):
    for spec in TABLES:
        yield (
            spec.title(kind),
            [CODE, ITEM, *spec.column_names],
            [["", "合计", *["0.00"] * len(spec.columns)]],
        )


def _notes():
    return [[label, EXAMPLE_NOTE.get(name, "0")] for label, name in NOTE_FIELDS.items()]


def csv_template(kind):
    buffer = io.StringIO()
    buffer.write("\ufeff")
    writer = csv.writer(buffer, lineterminator="\r\n")
    for title, header, rows in _blocks(kind):
        writer.writerow([title])
        writer.writerow(header)
        writer.writerows(rows)
        writer.writerow([])
    writer.writerow([NOTES_TITLE])
    writer.writerow(["项目", "内容"])
    writer.writerows(_notes())
    return buffer.getvalue().encode("utf-8")


def xlsx_template(kind):
    from openpyxl import Workbook

    book = Workbook()
    book.remove(book.active)
    for title, header, rows in _blocks(kind):
        sheet = book.create_sheet(title=title)
        sheet.append(header)
        for row in rows:
            sheet.append(row[:2] + [0] * (len(row) - 2))
        sheet.column_dimensions["B"].width = 36
    notes = book.create_sheet(title=NOTES_TITLE)
    notes.append(["项目", "内容"])
    for label, value in _notes():
        notes.append([label, value])
    notes.column_dimensions["A"].width = 24
    notes.column_dimensions["B"].width = 60
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def template_filename(kind, fmt):
    return f"{Kind.LABELS[kind]}公开模板.{fmt}"
