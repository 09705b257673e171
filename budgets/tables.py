"""G07: the nine standard tables of a department's budget (预算) and final accounts (决算).

Each table is a list of rows (科目编码, 科目名称, one amount per column), amounts in 万元.
The rules that make a table's figures agree are declared here with the columns:
`parts` names the columns a total column is the sum of. Rows with a 3-digit code (类) are
the sum of their 5-digit children (款), which are the sum of their 7-digit children (项);
a 合计/总计 row is the sum of the top-level rows above it (back to the previous 合计).
"""

from dataclasses import dataclass, field
from decimal import Decimal


class Kind:
    BUDGET = "budget"
    FINAL = "final"
    CHOICES = [(BUDGET, "预算"), (FINAL, "决算")]
    LABELS = dict(CHOICES)


@dataclass(frozen=True)
class Column:
    name: str
    parts: tuple = ()  # names of the columns this one is the sum of
    allow_negative: bool = False


@dataclass(frozen=True)
class TableSpec:
    key: str
    titles: dict  # Kind → title
    columns: tuple = field(default_factory=tuple)

    def title(self, kind):
        return self.titles[kind]

    @property
    def column_names(self):
        return [column.name for column in self.columns]


_SPLIT = (Column("合计", parts=("基本支出", "项目支出")), Column("基本支出"), Column("项目支出"))
SANGONG_PARTS = ("因公出国(境)费", "公务用车购置及运行维护费", "公务接待费")
VEHICLE, VEHICLE_PURCHASE, VEHICLE_OPERATION = (
    "公务用车购置及运行维护费",
    "公务用车购置费",
    "公务用车运行维护费",
)

TABLES = (
    TableSpec(
        "summary",
        {Kind.FINAL: "收入支出决算总表", Kind.BUDGET: "部门收支总表"},
        (Column("金额"),),
    ),
    TableSpec(
        "income",
        {Kind.FINAL: "收入决算表", Kind.BUDGET: "部门收入总表"},
        (
            Column("合计", parts=("财政拨款收入", "事业收入", "经营收入", "其他收入")),
            Column("财政拨款收入"),
            Column("事业收入"),
            Column("经营收入"),
            Column("其他收入"),
        ),
    ),
    TableSpec("expenditure", {Kind.FINAL: "支出决算表", Kind.BUDGET: "部门支出总表"}, _SPLIT),
    TableSpec(
        "appropriation",
        {Kind.FINAL: "财政拨款收入支出决算总表", Kind.BUDGET: "财政拨款收支总表"},
        (
            Column(
                "合计", parts=("一般公共预算财政拨款", "政府性基金预算财政拨款", "国有资本经营预算财政拨款")
            ),
            Column("一般公共预算财政拨款"),
            Column("政府性基金预算财政拨款"),
            Column("国有资本经营预算财政拨款"),
            # A balance carried forward is negative when a year overspent its appropriation.
            Column("年末结转和结余", allow_negative=True),
        ),
    ),
    TableSpec(
        "general",
        {Kind.FINAL: "一般公共预算财政拨款支出决算表", Kind.BUDGET: "一般公共预算支出表"},
        _SPLIT,
    ),
    TableSpec(
        "general_basic",
        {Kind.FINAL: "一般公共预算财政拨款基本支出决算表", Kind.BUDGET: "一般公共预算基本支出表"},
        (Column("合计", parts=("人员经费", "公用经费")), Column("人员经费"), Column("公用经费")),
    ),
    TableSpec(
        "sangong",
        {
            Kind.FINAL: "一般公共预算财政拨款“三公”经费支出决算表",
            Kind.BUDGET: "一般公共预算“三公”经费支出表",
        },
        (
            Column("合计", parts=SANGONG_PARTS),
            Column("因公出国(境)费"),
            Column(VEHICLE, parts=(VEHICLE_PURCHASE, VEHICLE_OPERATION)),
            Column(VEHICLE_PURCHASE),
            Column(VEHICLE_OPERATION),
            Column("公务接待费"),
        ),
    ),
    TableSpec(
        "fund",
        {Kind.FINAL: "政府性基金预算财政拨款收入支出决算表", Kind.BUDGET: "政府性基金预算支出表"},
        _SPLIT,
    ),
    TableSpec(
        "state_capital",
        {Kind.FINAL: "国有资本经营预算财政拨款支出决算表", Kind.BUDGET: "国有资本经营预算支出表"},
        _SPLIT,
    ),
)
TABLES_BY_KEY = {spec.key: spec for spec in TABLES}
SANGONG_TABLE = "sangong"
# The leading columns of every table before its amount columns.
CODE, ITEM = "科目编码", "科目名称"


def is_total_row(item):
    return item.replace(" ", "").endswith(("合计", "总计"))


def amount(value):
    """A stored amount (a decimal string) as a Decimal."""
    return Decimal(value or "0")


def spec_for_title(title, kind=None):
    """The table a sheet or section title names (either kind's title is accepted)."""
    wanted = normalise_title(title)
    for spec in TABLES:
        kinds = [kind] if kind else list(spec.titles)
        if any(normalise_title(spec.titles[k]) == wanted for k in kinds):
            return spec
    return None


_FULL_WIDTH = str.maketrans({"（": "(", "）": ")", "\u3000": "", " ": "", '"': "", "“": "", "”": ""})


def normalise_title(text):
    """Titles and headers compare without spaces, quotes or full-width brackets."""
    return str(text or "").strip().translate(_FULL_WIDTH)
