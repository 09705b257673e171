"""Importing a department's tables from the project's CSV and XLSX templates: the blank
templates read back, filled files create a draft with the original attached, and every
bad file is refused with the sheet, row and cell named and nothing saved."""

import io

import pytest
from django.test import TestCase
from openpyxl import load_workbook
from wagtail.documents import get_document_model

from budgets.blank_templates import csv_template, xlsx_template
from budgets.importer import BudgetImportError, read_tables
from budgets.pages import DisclosurePage
from budgets.service import DisclosureError, import_disclosure
from budgets.tables import TABLES, Kind
from demo.budgets import disclosure_figures
from tests.cms.budget_fixtures import make_budget_column
from tests.factories import make_organisation


def filled_xlsx(name="郴州市财政局", year=2013, kind=Kind.FINAL, edit=None):
    """The project's XLSX template filled with the demo figures; `edit(book)` spoils it."""
    tables, fields = disclosure_figures(name, year, kind)
    book = load_workbook(io.BytesIO(xlsx_template(kind)))
    for spec in TABLES:
        sheet = book[spec.title(kind)]
        sheet.delete_rows(2, sheet.max_row)
        for row in tables[spec.key]:
            sheet.append([row["code"], row["item"], *[float(row["values"][c]) for c in spec.column_names]])
    notes = book["三公经费说明"]
    for cells in notes.iter_rows(min_row=2):
        label = cells[0].value
        cells[1].value = {
            "因公出国(境)团组数": fields["trips_abroad"],
            "公务用车保有量": fields["vehicles_held"],
            "增减变化原因说明": "严格执行八项规定，压减公务接待。",
        }.get(label, 0)
    if edit:
        edit(book)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue(), tables, fields


def filled_csv(name="郴州市财政局", year=2013, kind=Kind.BUDGET):
    tables, fields = disclosure_figures(name, year, kind)
    lines = []
    for spec in TABLES:
        lines.append(spec.title(kind))
        lines.append(",".join(["科目编码", "科目名称", *spec.column_names]))
        for row in tables[spec.key]:
            lines.append(",".join([row["code"], row["item"], *[row["values"][c] for c in spec.column_names]]))
        lines.append("")
    lines += ["三公经费说明", "项目,内容", "公务用车保有量,7", "增减变化原因说明,压减公务接待开支"]
    return "\r\n".join(lines), tables


def problems_of(name, data):
    with pytest.raises(BudgetImportError) as caught:
        read_tables(name, data)
    return caught.value.problems


class TemplatesTest(TestCase):
    def test_blank_templates_read_back_with_every_table(self):
        for kind in (Kind.BUDGET, Kind.FINAL):
            for name, data in (("t.csv", csv_template(kind)), ("t.xlsx", xlsx_template(kind))):
                result = read_tables(name, data)
                assert set(result.tables) == {spec.key for spec in TABLES}
                assert result.tables["sangong"] == [
                    {"code": "", "item": "合计", "values": dict.fromkeys(TABLES[6].column_names, "0.00")}
                ]


class ReadTest(TestCase):
    def test_xlsx_round_trip_keeps_every_amount(self):
        data, tables, fields = filled_xlsx()
        result = read_tables("财政局决算.xlsx", data)
        assert result.tables == tables
        assert result.notes["trips_abroad"] == fields["trips_abroad"]
        assert result.notes["sg_explanation"] == "严格执行八项规定，压减公务接待。"

    def test_csv_in_gbk_with_thousands_separators(self):
        text, tables = filled_csv()
        text = text.replace("公务用车保有量,7", '公务用车保有量,"7"')
        result = read_tables("budget.CSV", text.encode("gb18030"))
        assert result.tables == tables
        assert result.notes["vehicles_held"] == 7
        quoted = text.replace(f",{tables['summary'][0]['values']['金额']}\r\n", ',"1,234.50"\r\n', 1)
        assert read_tables("b.csv", quoted.encode()).tables["summary"][0]["values"]["金额"] == "1234.50"

    def test_bad_amount_names_sheet_row_and_cell(self):
        def spoil(book):
            book["收入决算表"]["D4"] = "十二万"

        data, _, _ = filled_xlsx(edit=spoil)
        assert problems_of("a.xlsx", data) == [
            "工作表「收入决算表」D4单元格（第4行）：“十二万”不是有效金额。"
        ]

    def test_negative_amount_is_refused_where_not_allowed(self):
        def spoil(book):
            book["支出决算表"]["E3"] = -12.5

        data, _, _ = filled_xlsx(edit=spoil)
        assert problems_of("a.xlsx", data) == [
            "工作表「支出决算表」E3单元格（第3行）：金额不能为负数（-12.50）。"
        ]

    def test_every_problem_is_reported_at_once(self):
        def spoil(book):
            book["部门支出总表"]["C2"] = "abc"
            book["部门收入总表"]["A1"] = "编码"
            book.create_sheet("随便什么")

        data, _, _ = filled_xlsx(kind=Kind.BUDGET, edit=spoil)
        problems = problems_of("a.xlsx", data)
        assert len(problems) == 3
        assert problems[0].startswith("工作表「部门收入总表」第1行：表头应为“科目编码，科目名称，合计")
        assert problems[1] == "工作表「部门支出总表」C2单元格（第2行）：“abc”不是有效金额。"
        assert problems[2] == "工作表「随便什么」：工作表名不是标准表名。"

    def test_malformed_csv(self):
        text, _ = filled_csv()
        assert problems_of("a.csv", ('收入决算表\n"科目编码,科目名称\n').encode())[0].startswith(
            "CSV 文件格式错误"
        )
        assert problems_of("a.csv", b"\x00\x01binary") == [
            "CSV 文件格式错误：含有空字符，可能不是文本文件（XLSX 文件请以 .xlsx 上传）。"
        ]
        assert problems_of("a.csv", b"a,b,c\n1,2,3\n") == [
            "CSV 第1行：每个表之前须有一行只写表名（如“收入决算表”），实为“a,b,c”。"
        ]
        lines = text.split("\r\n")
        lines[3] += ",99"  # a cell beyond the header
        problems = problems_of("a.csv", "\r\n".join(lines).encode())
        assert problems == ["CSV「部门收支总表」第4行第4列（D列）：本行多出1个单元格（表头共3列）。"]

    def test_too_many_decimals_and_wrong_file_types(self):
        text, tables = filled_csv()
        amount = tables["income"][0]["values"]["事业收入"]
        lines = text.split("\r\n")
        index = lines.index("部门收入总表") + 2  # the first data row of the income table
        cells = lines[index].split(",")
        cells[3] = amount + "1"
        lines[index] = ",".join(cells)
        assert problems_of("a.csv", "\r\n".join(lines).encode()) == [
            f"CSV「部门收入总表」第{index + 1}行第4列（D列）：金额“{amount}1”最多保留两位小数（单位：万元）。"
        ]
        assert problems_of("a.pdf", b"%PDF") == ["只能导入 .csv 或 .xlsx 文件（“a.pdf”）。"]
        assert problems_of("a.xlsx", b"not a zip")[0].startswith("XLSX 文件无法打开")


class ImportServiceTest(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.org = make_organisation("郴州市财政局")
        cls.column = make_budget_column([cls.org])

    def test_import_creates_a_draft_with_the_original_attached(self):
        data, tables, fields = filled_xlsx()
        page = import_disclosure(
            self.column, organisation=self.org, year=2013, kind=Kind.FINAL, filename="czj-2013.xlsx", data=data,
            pdf=("czj-2013.pdf", b"%PDF-1.4 demo"),
        )  # fmt: skip
        page.refresh_from_db()
        assert not page.live
        assert page.title == "郴州市财政局2013年部门决算和“三公”经费决算公开"
        assert page.tables == tables
        assert page.sg_total == fields["sg_total"] and page.sg_vehicle == fields["sg_vehicle"]
        assert page.source_file.file.read() == data
        assert page.pdf.title.endswith("（公开文本）")
        page.get_latest_revision().publish()  # the figures pass every rule
        assert DisclosurePage.objects.get(pk=page.pk).live

    def test_bad_input_saves_nothing(self):
        Document = get_document_model()
        data, _, _ = filled_xlsx()
        import_disclosure(
            self.column, organisation=self.org, year=2012, kind=Kind.FINAL, filename="a.xlsx", data=data
        )
        before = (DisclosurePage.objects.count(), Document.objects.count())
        cases = [
            ({"year": 2012, "kind": Kind.FINAL, "data": data}, "郴州市财政局 2012 年度的决算公开已经存在"),
            ({"year": 2999, "kind": Kind.BUDGET, "data": data}, "年度 2999 晚于今年"),
            ({"year": 2011, "kind": Kind.FINAL, "data": b"PK\x03\x04broken"}, "XLSX 文件无法打开"),
        ]
        for kwargs, message in cases:
            with pytest.raises(DisclosureError) as caught:
                import_disclosure(self.column, organisation=self.org, filename="a.xlsx", **kwargs)
            assert any(message in m for m in caught.value.messages), caught.value.messages
        assert (DisclosurePage.objects.count(), Document.objects.count()) == before
