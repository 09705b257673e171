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
import zipfile
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
                number = int(Decimal(value or "0"))
                if number < 0 or Decimal(value or "0") != number:
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
        # A spreadsheet formula's result carries binary noise (0.30000000000000004).
        return Decimal(repr(value)).quantize(Decimal("0.01"))
    text = str(value).strip().replace(",", "").replace("，", "")
    try:
        number = Decimal(text)
    except InvalidOperation:
        raise ValueError(f"“{value}”不是有效金额。") from None
    if not number.is_finite():
        raise ValueError(f"“{value}”不是有效金额。")
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
    try:
        lines = list(csv.reader(io.StringIO(text, newline=""), strict=True))
    except csv.Error as exc:
        raise BudgetImportError([f"CSV 文件格式错误：{exc}（请检查引号是否成对）。"]) from None
    if len(lines) > MAX_ROWS:
        raise BudgetImportError([f"CSV 文件超过{MAX_ROWS}行。"])
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


def read_xlsx(data):
    from openpyxl import load_workbook  # only the import path needs it

    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
        raise BudgetImportError([f"XLSX 文件无法打开：{exc}（请确认是 Excel 2007 及以上格式）。"]) from None
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
