"""Reading a department's tables from the project's CSV or XLSX template (G07, G09).

XLSX: one worksheet per table, named with the table's title, its first row the header
(科目编码, 科目名称, then the table's amount columns), and a worksheet 「三公经费说明」 of
(项目, 内容) pairs for the counts and the explanation of the change. CSV: the same blocks
one after another, each starting with a line holding only the table's title (a blank line
between blocks is allowed). `templates.py` writes both.

A file is read completely or not at all: every problem found is collected, each naming
the sheet (or CSV line), row and cell, and nothing is returned unless there are none.
"""

import csv
import io
import logging
import math
import re
import zipfile
import zlib
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from .tables import (
    CODE,
    ITEM,
    VEHICLE,
    VEHICLE_OPERATION,
    VEHICLE_PURCHASE,
    is_total_row,
    normalise_title,
    spec_for_title,
)

NOTES_TITLE = "三公经费说明"
# The (项目, 内容) rows of the notes block → the page's fields.
NOTE_FIELDS = {
    "因公出国(境)团组数": "trips_abroad",
    "因公出国(境)人次数": "travellers_abroad",
    "公务用车购置数": "vehicles_bought",
    "公务用车保有量": "vehicles_held",
    "国内公务接待批次": "receptions",
    "国内公务接待人次": "reception_guests",
    "增减变化原因说明": "sg_explanation",
}
MAX_BYTES = 5 * 1024 * 1024
MAX_ROWS = 2000
# An XLSX is a zip of XML: bounded before openpyxl sees it (a small file can unpack to
# gigabytes, or declare millions of cells).
MAX_UNCOMPRESSED_BYTES = 20 * 1024 * 1024
MAX_ZIP_ENTRIES = 500
MAX_CELLS = 200_000  # per file: cells written, and the grid a sheet spans or declares
# An amount in 万元 (or a count) beyond this is a typo or a hostile file.
MAX_AMOUNT = Decimal(10) ** 12

logger = logging.getLogger(__name__)


class BudgetImportError(Exception):
    def __init__(self, problems):
        self.problems = list(problems)
        super().__init__("；".join(self.problems))


@dataclass
class ImportResult:
    tables: dict = field(default_factory=dict)
    notes: dict = field(default_factory=dict)


def column_letter(index):
    """0 → A, 26 → AA: the spreadsheet name of a column."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


class _Reader:
    """Collects the blocks of one file; `where(row, col)` names a cell in the file's terms."""

    def __init__(self):
        self.result = ImportResult()
        self.problems = []

    def table_block(self, title, header, rows, where):
        spec = spec_for_title(title)
        if spec is None:
            self.problems.append(f"{where(None, None)}：“{title}”不是标准表名。")
            return
        if spec.key in self.result.tables:
            self.problems.append(f"{where(None, None)}：「{title}」重复出现。")
            return
        expected = [CODE, ITEM, *spec.column_names]
        got = [normalise_title(cell) for cell in header]
        while got and not got[-1]:
            got.pop()
        if got != [normalise_title(name) for name in expected]:
            self.problems.append(
                "{where}：表头应为“{expected}”，实为“{got}”。".format(
                    where=where(0, None), expected="，".join(expected), got="，".join(str(c) for c in header)
                )
            )
            return
        parsed = []
        for offset, cells in rows:
            cells = list(cells) + [None] * (len(expected) - len(cells))
            extra = [c for c in cells[len(expected) :] if c not in (None, "")]
            if extra:
                self.problems.append(
                    f"{where(offset, len(expected))}：本行多出{len(extra)}个单元格（表头共{len(expected)}列）。"
                )
                continue
            code = _text(cells[0])
            item = _text(cells[1])
            if not item:
                self.problems.append(f"{where(offset, 1)}：科目名称不能为空。")
                continue
            if code and not code.isdigit():
                self.problems.append(f"{where(offset, 0)}：科目编码“{code}”应为数字。")
                continue
            values = {}
            for index, column in enumerate(spec.columns, start=2):
                try:
                    value = parse_amount(cells[index])
                except ValueError as exc:
                    self.problems.append(f"{where(offset, index)}：{exc}")
                    continue
                if value < 0 and not column.allow_negative:
                    self.problems.append(f"{where(offset, index)}：金额不能为负数（{value}）。")
                    continue
                values[column.name] = str(value)
            parsed.append({"code": code, "item": item, "values": values})
        if not parsed:
            self.problems.append(
                f"{where(None, None)}：表中没有数据行（没有数据的表填写一行“合计”，金额为 0）。"
            )
        self.result.tables[spec.key] = parsed

    def notes_block(self, rows, where):
        for offset, cells in rows:
            cells = list(cells) + [None, None]
            label = normalise_title(cells[0])
            if not label or label in ("项目",):
                continue
            name = NOTE_FIELDS.get(label) or next(
                (f for k, f in NOTE_FIELDS.items() if normalise_title(k) == label), None
            )
            if name is None:
                self.problems.append(f"{where(offset, 0)}：“{cells[0]}”不是说明表的项目。")
                continue
            value = _text(cells[1])
            if name == "sg_explanation":
                self.result.notes[name] = value
                continue
            try:
                decimal = Decimal(value or "0")
                if not decimal.is_finite() or decimal < 0 or (decimal and decimal.adjusted() > 9):
                    raise ValueError
                number = int(decimal)
                if decimal != number:
                    raise ValueError
            except (InvalidOperation, ValueError):
                self.problems.append(f"{where(offset, 1)}：“{value}”应为非负整数。")
                continue
            self.result.notes[name] = number

    def finish(self):
        if not self.problems and not self.result.tables:
            self.problems.append("文件中没有找到任何标准表。请使用本平台提供的模板。")
        if self.problems:
            raise BudgetImportError(self.problems)
        return self.result


def _text(value):
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def parse_amount(value):
    """An amount in 万元 with at most two decimals; empty cells count as 0."""
    if value is None or (isinstance(value, str) and value.strip() in ("", "-", "—")):
        return Decimal("0.00")
    if isinstance(value, bool):
        raise ValueError(f"“{value}”不是有效金额。")
    if isinstance(value, float):
        if not math.isfinite(value):
            raise ValueError(f"“{value}”不是有效金额。")
        if abs(value) >= MAX_AMOUNT:
            raise ValueError(f"金额“{value}”过大（单位：万元）。")
        # A spreadsheet formula's result carries binary noise (0.30000000000000004).
        return Decimal(repr(value)).quantize(Decimal("0.01"))
    text = str(value).strip().replace(",", "").replace("，", "")
    if len(text) > 40:
        raise ValueError(f"“{text[:20]}…”不是有效金额。")
    try:
        number = Decimal(text)
    except InvalidOperation:
        raise ValueError(f"“{value}”不是有效金额。") from None
    if not number.is_finite():
        raise ValueError(f"“{value}”不是有效金额。")
    if number and number.adjusted() >= MAX_AMOUNT.adjusted():  # no arithmetic on 1e999999999
        raise ValueError(f"金额“{value}”过大（单位：万元）。")
    if number.as_tuple().exponent < -2:
        raise ValueError(f"金额“{value}”最多保留两位小数（单位：万元）。")
    return number.quantize(Decimal("0.01"))


def read_csv(data):
    if isinstance(data, bytes):
        for encoding in ("utf-8-sig", "gb18030"):
            try:
                text = data.decode(encoding)
                break
            except UnicodeDecodeError:
                continue
        else:  # gb18030 decodes almost anything; kept for completeness
            raise BudgetImportError(["CSV 文件编码无法识别，请以 UTF-8 或 GBK 编码保存。"])
    else:
        text = data
    if "\x00" in text:
        raise BudgetImportError(
            ["CSV 文件格式错误：含有空字符，可能不是文本文件（XLSX 文件请以 .xlsx 上传）。"]
        )
    lines = []
    cells_seen = 0
    try:
        for cells in csv.reader(io.StringIO(text, newline=""), strict=True):
            lines.append(cells)
            cells_seen += len(cells)
            if len(lines) > MAX_ROWS:
                raise BudgetImportError([f"CSV 文件超过{MAX_ROWS}行。"])
            if cells_seen > MAX_CELLS:
                raise BudgetImportError([f"CSV 文件超过{MAX_CELLS}个单元格。"])
    except csv.Error as exc:
        raise BudgetImportError([f"CSV 文件格式错误：{exc}（请检查引号是否成对）。"]) from None
    reader = _Reader()
    blocks = []  # (title, title line number, [(line number, cells)])
    for number, cells in enumerate(lines, start=1):
        filled = [c for c in cells if c.strip()]
        if not filled:
            continue
        if (
            len(filled) == 1
            and cells[0].strip()
            and (spec_for_title(cells[0]) or normalise_title(cells[0]) == NOTES_TITLE)
        ):
            blocks.append((cells[0].strip(), number, []))
        elif not blocks:
            reader.problems.append(
                f"CSV 第{number}行：每个表之前须有一行只写表名（如“收入决算表”），实为“{','.join(cells)[:60]}”。"
            )
            break
        else:
            blocks[-1][2].append((number, cells))
    for title, title_line, rows in blocks:

        def where(line, col, title=title, title_line=title_line):
            place = f"CSV「{title}」"
            if line is None:
                return f"{place}（第{title_line}行）"
            column = "" if col is None else f"第{col + 1}列（{column_letter(col)}列）"
            return f"{place}第{line}行{column}"

        if normalise_title(title) == NOTES_TITLE:
            reader.notes_block(rows, where)
        elif not rows:
            reader.problems.append(f"{where(None, None)}：缺少表头行。")
        else:
            reader.table_block(
                title, rows[0][1], rows[1:], lambda line, col, w=where, h=rows[0][0]: w(line or h, col)
            )
    return reader.finish()


_SPREADSHEET_NS = (
    "http://schemas.openxmlformats.org/spreadsheetml/2006/main",
    "http://purl.oclc.org/ooxml/spreadsheetml/main",
)
_CELL_REF = re.compile(r"^\$?([A-Za-z]{1,3})\$?([0-9]{1,7})$")
_UNREADABLE = "XLSX 文件无法打开（文件已损坏或不是 Excel 2007 及以上格式）。"


def _cell_position(ref):
    """'C7' → (7, 3); None when the reference is not a cell's."""
    match = _CELL_REF.match(ref or "")
    if not match:
        return None
    col = 0
    for letter in match.group(1).upper():
        col = col * 26 + ord(letter) - 64
    return int(match.group(2)), col


class _PartScan:
    """Counts the cells of one XML part of the zip with expat, without building a tree, and
    stops at the first limit passed: the cells written, the grid their references span, the
    area a <dimension> declares, the shared strings. DTDs (entity expansion) are refused."""

    def __init__(self, name):
        self.name = name
        self.cells = 0
        self.rows = 0
        self.row = 0
        self.col = 0
        self.max_row = 0
        self.max_col = 0
        self.strings = 0

    def refuse(self, message):
        raise BudgetImportError([f"XLSX 文件{message}"])

    def doctype(self, *args):
        self.refuse("含有 DTD 声明，不是 Excel 生成的文件。")

    def start(self, name, attrs):
        namespace, _, local = name.rpartition(" ")
        if namespace not in _SPREADSHEET_NS:
            return
        if local == "c":
            self.cells += 1
            position = _cell_position(attrs.get("r"))
            self.col = position[1] if position else self.col + 1
            self.max_col = max(self.max_col, self.col)
            if self.cells > MAX_CELLS:
                self.refuse(f"单元格超过{MAX_CELLS}个，请只保留模板中的表。")
            if self.max_row * self.max_col > MAX_CELLS:
                self.refuse(f"的工作表范围过大（超过{MAX_CELLS}个单元格），请删除多余的行和列。")
        elif local == "row":
            self.rows += 1
            number = attrs.get("r", "")
            self.row = int(number) if number.isdigit() and len(number) < 8 else self.row + 1
            self.col = 0
            self.max_row = max(self.max_row, self.row)
            if self.rows > MAX_ROWS * 10:
                self.refuse(f"行数过多（超过{MAX_ROWS * 10}行）。")
            if self.max_row * max(self.max_col, 1) > MAX_CELLS:
                self.refuse(f"的工作表范围过大（超过{MAX_CELLS}个单元格），请删除多余的行和列。")
        elif local == "dimension":
            corners = [_cell_position(ref) for ref in attrs.get("ref", "").split(":")]
            if corners and all(corners):
                rows = corners[-1][0] - corners[0][0] + 1
                cols = corners[-1][1] - corners[0][1] + 1
                if rows * cols > MAX_CELLS:
                    self.refuse(f"的工作表声明的范围过大（超过{MAX_CELLS}个单元格），请删除多余的行和列。")
        elif local == "si":
            self.strings += 1
            if self.strings > MAX_CELLS:
                self.refuse(f"的文本单元格超过{MAX_CELLS}个。")


def check_xlsx(data):
    """Refuse an XLSX that is no zip, unpacks beyond MAX_UNCOMPRESSED_BYTES or holds more
    cells than MAX_CELLS, before openpyxl loads anything. Every XML part is read as a stream
    (bounded by the sizes the zip declares, which zipfile enforces)."""
    from xml.parsers import expat

    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError, ValueError, NotImplementedError):
        raise BudgetImportError([_UNREADABLE]) from None
    with archive:
        entries = archive.infolist()
        if len(entries) > MAX_ZIP_ENTRIES:
            raise BudgetImportError([f"XLSX 文件包含的部件过多（超过{MAX_ZIP_ENTRIES}个）。"])
        if sum(entry.file_size for entry in entries) > MAX_UNCOMPRESSED_BYTES:
            raise BudgetImportError(
                [f"XLSX 文件解压后超过{MAX_UNCOMPRESSED_BYTES // (1024 * 1024)}MB，请只保留模板中的表。"]
            )
        total_cells = 0
        for entry in entries:
            if not entry.filename.lower().endswith((".xml", ".rels")):
                continue
            scan = _PartScan(entry.filename)
            parser = expat.ParserCreate(namespace_separator=" ")
            parser.StartDoctypeDeclHandler = scan.doctype
            parser.EntityDeclHandler = scan.doctype
            parser.StartElementHandler = scan.start
            try:
                with archive.open(entry) as stream:
                    while chunk := stream.read(64 * 1024):
                        parser.Parse(chunk, False)
                parser.Parse(b"", True)
            except BudgetImportError:
                raise
            except (expat.ExpatError, zipfile.BadZipFile, zlib.error, EOFError, OSError, ValueError,
                    NotImplementedError, RuntimeError):  # fmt: skip
                raise BudgetImportError([f"XLSX 文件已损坏：部件“{entry.filename[:60]}”无法读取。"]) from None
            total_cells += scan.cells
            if total_cells > MAX_CELLS:
                raise BudgetImportError([f"XLSX 文件单元格超过{MAX_CELLS}个，请只保留模板中的表。"])


def read_xlsx(data):
    check_xlsx(data)
    try:
        return _read_xlsx(data)
    except BudgetImportError:
        raise
    except Exception as exc:  # openpyxl's many ways to fail on a file made by hand
        logger.info("unreadable XLSX upload: %r", exc)
        raise BudgetImportError([_UNREADABLE]) from None


def _read_xlsx(data):
    from openpyxl import load_workbook  # only the import path needs it

    book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    reader = _Reader()
    try:
        for sheet in book.worksheets:
            title = sheet.title.strip()
            rows = []
            for number, cells in enumerate(sheet.iter_rows(values_only=True), start=1):
                if number > MAX_ROWS:
                    reader.problems.append(f"工作表「{title}」超过{MAX_ROWS}行。")
                    break
                if any(c not in (None, "") for c in cells):
                    rows.append((number, cells))

            def where(row, col, title=title):
                if row is None:
                    return f"工作表「{title}」"
                if col is None:
                    return f"工作表「{title}」第{row}行"
                return f"工作表「{title}」{column_letter(col)}{row}单元格（第{row}行）"

            if normalise_title(title) == NOTES_TITLE:
                reader.notes_block(rows, where)
            elif spec_for_title(title) is None:
                reader.problems.append(f"工作表「{title}」：工作表名不是标准表名。")
            elif not rows:
                reader.problems.append(f"工作表「{title}」：缺少表头行。")
            else:
                reader.table_block(
                    title, rows[0][1], rows[1:], lambda row, col, w=where, h=rows[0][0]: w(row or h, col)
                )
    finally:
        book.close()
    return reader.finish()


def read_tables(name, data):
    """Read an uploaded template by its file name's extension."""
    if len(data) > MAX_BYTES:
        raise BudgetImportError([f"文件超过{MAX_BYTES // (1024 * 1024)}MB。"])
    lowered = name.lower()
    if lowered.endswith(".csv"):
        return read_csv(data)
    if lowered.endswith(".xlsx"):
        return read_xlsx(data)
    raise BudgetImportError([f"只能导入 .csv 或 .xlsx 文件（“{name}”）。"])


def sangong_record(tables):
    """The 三公 amounts of the record, read from the 三公 table's total row."""
    rows = tables.get("sangong") or []
    if not rows:
        return {}
    row = next((r for r in reversed(rows) if is_total_row(r["item"])), rows[-1])
    values = row["values"]
    return {
        "sg_total": Decimal(values["合计"]),
        "sg_outbound": Decimal(values["因公出国(境)费"]),
        "sg_vehicle": Decimal(values[VEHICLE]),
        "sg_vehicle_purchase": Decimal(values[VEHICLE_PURCHASE]),
        "sg_vehicle_operation": Decimal(values[VEHICLE_OPERATION]),
        "sg_reception": Decimal(values["公务接待费"]),
    }
