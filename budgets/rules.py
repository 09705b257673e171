"""The rules a disclosure must pass before it is published (G07, G08, G09).

Every problem names where it is: the table, the row (number and item) and the column, so
a clerk can find the cell in the spreadsheet the figures came from.
"""

from dataclasses import dataclass
from decimal import Decimal

from .tables import (
    SANGONG_PARTS,
    SANGONG_TABLE,
    TABLES,
    TABLES_BY_KEY,
    VEHICLE,
    VEHICLE_OPERATION,
    VEHICLE_PURCHASE,
    Kind,
    amount,
    is_total_row,
)


@dataclass(frozen=True)
class Problem:
    message: str
    table: str = ""
    row: int | None = None
    column: str = ""

    def __str__(self):
        return self.message


def _where(spec, kind, number, row, column):
    label = row.get("item") or ""
    if row.get("code"):
        label = f"{row['code']} {label}"
    return f"「{spec.title(kind)}」第{number}行（{label.strip()}）“{column}”列"


def _fmt(value):
    return f"{value:,.2f}"


def check_negative(kind, tables):
    """Amounts below zero where the column does not allow them."""
    problems = []
    for spec in TABLES:
        allowed = {column.name for column in spec.columns if column.allow_negative}
        for number, row in enumerate(tables.get(spec.key, []), start=1):
            for column, value in row["values"].items():
                if column not in allowed and amount(value) < 0:
                    problems.append(
                        Problem(
                            f"{_where(spec, kind, number, row, column)}：金额不能为负数（{value}）。",
                            spec.title(kind),
                            number,
                            column,
                        )
                    )
    return problems


def _sum_problem(spec, kind, number, row, column, expected, parts_label):
    actual = amount(row["values"].get(column))
    if actual == expected:
        return None
    return Problem(
        f"{_where(spec, kind, number, row, column)}：应等于{parts_label}之和 {_fmt(expected)}，实为 {_fmt(actual)}。",
        spec.title(kind),
        number,
        column,
    )


def check_table_sums(spec, kind, rows):
    """Totals equal the sum of their parts, across columns and down the rows."""
    problems = []
    for number, row in enumerate(rows, start=1):
        for column in spec.columns:
            if column.parts:
                expected = sum((amount(row["values"].get(part)) for part in column.parts), Decimal(0))
                label = "、".join(f"“{part}”" for part in column.parts)
                problems.append(_sum_problem(spec, kind, number, row, column.name, expected, label))
    codes = [row.get("code") or "" for row in rows]
    section_start = 0
    for number, row in enumerate(rows, start=1):
        code = codes[number - 1]
        if code and len(code) in (3, 5):
            children = [
                r for r in rows if (r.get("code") or "").startswith(code) and len(r["code"]) == len(code) + 2
            ]
            if children:
                for column in spec.column_names:
                    expected = sum((amount(c["values"].get(column)) for c in children), Decimal(0))
                    problems.append(
                        _sum_problem(spec, kind, number, row, column, expected, f"下级科目（{code}××）")
                    )
        elif not code and is_total_row(row.get("item", "")):
            section = rows[section_start : number - 1]
            top = [r for r in section if len(r.get("code") or "") == 3]
            parts = top or [r for r in section if not r.get("code")]
            label = "本表以上各类科目" if top else "以上各项"
            # A 合计 row alone is the whole table (e.g. the 三公 table or an empty one).
            for column in spec.column_names if parts else ():
                expected = sum((amount(p["values"].get(column)) for p in parts), Decimal(0))
                problems.append(_sum_problem(spec, kind, number, row, column, expected, label))
            section_start = number
    return [p for p in problems if p]


def check_record(page):
    """G08/G09: the 三公 record adds up, carries its explanation and agrees with its table."""
    problems = []
    parts = {
        "因公出国(境)费": page.sg_outbound,
        VEHICLE: page.sg_vehicle,
        "公务接待费": page.sg_reception,
    }
    if any(
        value is None
        for value in [*parts.values(), page.sg_total, page.sg_vehicle_purchase, page.sg_vehicle_operation]
    ):
        return [Problem("“三公”经费情况：各项金额均须填写（没有发生的填 0）。", "“三公”经费情况")]
    expected = sum(parts.values(), Decimal(0))
    if page.sg_total != expected:
        problems.append(
            Problem(
                f"“三公”经费情况“合计”：应等于三项之和 {_fmt(expected)}，实为 {_fmt(page.sg_total)}。",
                "“三公”经费情况",
                column="合计",
            )
        )
    vehicle = page.sg_vehicle_purchase + page.sg_vehicle_operation
    if page.sg_vehicle != vehicle:
        problems.append(
            Problem(
                f"“三公”经费情况“{VEHICLE}”：应等于{VEHICLE_PURCHASE}与{VEHICLE_OPERATION}之和 {_fmt(vehicle)}，实为 {_fmt(page.sg_vehicle)}。",
                "“三公”经费情况",
                column=VEHICLE,
            )
        )
    if not (page.sg_explanation or "").strip():
        problems.append(Problem("“三公”经费情况：须说明与上年相比增减变化的原因。", "“三公”经费情况"))
    rows = page.tables.get(SANGONG_TABLE) or []
    spec = TABLES_BY_KEY[SANGONG_TABLE]
    total_rows = [(n, r) for n, r in enumerate(rows, start=1) if is_total_row(r.get("item", ""))] or list(
        enumerate(rows, start=1)
    )[:1]
    if total_rows:
        number, row = total_rows[-1]
        record = {**page.sangong_amounts()}
        for column in ("合计", *SANGONG_PARTS, VEHICLE_PURCHASE, VEHICLE_OPERATION):
            if amount(row["values"].get(column)) != record[column]:
                problems.append(
                    Problem(
                        f"{_where(spec, page.kind, number, row, column)}：与“三公”经费情况中的 {_fmt(record[column])} 不一致。",
                        spec.title(page.kind),
                        number,
                        column,
                    )
                )
    return problems


def check_publishable(page):
    """Every problem that stops `page` (a DisclosurePage) from being published."""
    problems = []
    if page.kind == Kind.FINAL:
        for spec in TABLES:
            if not page.tables.get(spec.key):
                problems.append(
                    Problem(
                        f"决算公开须包含全部九张表，缺少「{spec.title(page.kind)}」。",
                        spec.title(page.kind),
                    )
                )
    problems += check_negative(page.kind, page.tables)
    for spec in TABLES:
        problems += check_table_sums(spec, page.kind, page.tables.get(spec.key, []))
    problems += check_record(page)
    return problems
