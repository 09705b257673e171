"""Demo budget disclosures (G07–G11): the 55 departments of the city government, their
budgets and final accounts for 2013 and 2014 with figures that agree (each total is the
sum of its parts, every table built from the same line items), and a few gaps so the
coverage view has something to show.

The figures are invented but plausible and deterministic (seeded by department, year and
kind), so loading twice gives the same pages. `disclosure_figures` is also what the tests
use to build a valid disclosure.
"""

import random
from decimal import Decimal

from django.db import transaction
from wagtail.models import Page

from budgets.pages import BudgetColumnPage, DisclosurePage
from budgets.tables import Kind
from cms.snippets import Organisation

from .plan import credit_code

YEARS = (2013, 2014)
# Municipal departments that published budgets in 2014 (names of that year).
DEPARTMENTS = [
    "郴州市人民政府办公室", "郴州市发展和改革委员会", "郴州市教育局", "郴州市科学技术局",
    "郴州市经济和信息化委员会", "郴州市民族宗教事务委员会", "郴州市公安局", "郴州市监察局", "郴州市民政局",
    "郴州市司法局", "郴州市财政局", "郴州市人力资源和社会保障局", "郴州市国土资源局", "郴州市环境保护局",
    "郴州市住房和城乡建设局", "郴州市交通运输局", "郴州市水利局", "郴州市农业局", "郴州市林业局",
    "郴州市商务局", "郴州市文化广电新闻出版局", "郴州市卫生局", "郴州市人口和计划生育委员会", "郴州市审计局",
    "郴州市人民政府国有资产监督管理委员会", "郴州市地方税务局", "郴州市工商行政管理局", "郴州市质量技术监督局",
    "郴州市安全生产监督管理局", "郴州市食品药品监督管理局", "郴州市统计局", "郴州市旅游局", "郴州市体育局",
    "郴州市城市管理和行政执法局", "郴州市畜牧水产局", "郴州市粮食局", "郴州市人民防空办公室",
    "郴州市人民政府法制办公室", "郴州市人民政府口岸办公室", "郴州市人民政府金融工作办公室", "郴州市机关事务管理局",
    "郴州市信访局", "郴州市规划局", "郴州市房产管理局", "郴州市移民开发局", "郴州市扶贫开发办公室",
    "郴州市档案局", "郴州市地方志办公室", "郴州市供销合作社", "郴州市电子政务信息中心", "郴州市住房公积金管理中心",
    "郴州市公共资源交易中心", "郴州市残疾人联合会", "郴州市气象局", "郴州市科学技术协会",
]  # fmt: skip
# English names of the departments the cluster's register does not have yet.
NAMES_EN = {
    "郴州市科学技术局": "Chenzhou Science and Technology Bureau",
    "郴州市经济和信息化委员会": "Chenzhou Economic and Information Technology Commission",
    "郴州市民族宗教事务委员会": "Chenzhou Ethnic and Religious Affairs Commission",
    "郴州市司法局": "Chenzhou Justice Bureau",
    "郴州市国土资源局": "Chenzhou Land and Resources Bureau",
    "郴州市水利局": "Chenzhou Water Resources Bureau",
    "郴州市农业局": "Chenzhou Agriculture Bureau",
    "郴州市林业局": "Chenzhou Forestry Bureau",
    "郴州市商务局": "Chenzhou Commerce Bureau",
    "郴州市文化广电新闻出版局": "Chenzhou Culture, Radio, Film, Press and Publication Bureau",
    "郴州市人口和计划生育委员会": "Chenzhou Population and Family Planning Commission",
    "郴州市审计局": "Chenzhou Audit Bureau",
    "郴州市人民政府国有资产监督管理委员会": "Chenzhou State-owned Assets Supervision and Administration Commission",
    "郴州市安全生产监督管理局": "Chenzhou Work Safety Administration",
    "郴州市食品药品监督管理局": "Chenzhou Food and Drug Administration",
    "郴州市统计局": "Chenzhou Statistics Bureau",
    "郴州市旅游局": "Chenzhou Tourism Bureau",
    "郴州市体育局": "Chenzhou Sports Bureau",
    "郴州市畜牧水产局": "Chenzhou Animal Husbandry and Aquatic Products Bureau",
    "郴州市粮食局": "Chenzhou Grain Bureau",
    "郴州市人民防空办公室": "Chenzhou Civil Air Defence Office",
    "郴州市人民政府金融工作办公室": "Chenzhou Financial Affairs Office",
    "郴州市机关事务管理局": "Chenzhou Government Offices Administration",
    "郴州市信访局": "Chenzhou Letters and Calls Bureau",
    "郴州市规划局": "Chenzhou Urban Planning Bureau",
    "郴州市房产管理局": "Chenzhou Housing Administration",
    "郴州市移民开发局": "Chenzhou Resettlement Development Bureau",
    "郴州市扶贫开发办公室": "Chenzhou Poverty Alleviation Office",
    "郴州市档案局": "Chenzhou Archives Bureau",
    "郴州市地方志办公室": "Chenzhou Local Chronicles Office",
    "郴州市供销合作社": "Chenzhou Supply and Marketing Cooperative",
    "郴州市住房公积金管理中心": "Chenzhou Housing Provident Fund Management Centre",
    "郴州市公共资源交易中心": "Chenzhou Public Resources Trading Centre",
    "郴州市残疾人联合会": "Chenzhou Disabled Persons' Federation",
    "郴州市气象局": "Chenzhou Meteorological Bureau",
    "郴州市科学技术协会": "Chenzhou Association for Science and Technology",
}
# Gaps for the coverage view: (department, year, kind) not published, and one draft.
MISSING = {
    ("郴州市公共资源交易中心", 2014, Kind.FINAL),
    ("郴州市残疾人联合会", 2014, Kind.BUDGET),
    ("郴州市残疾人联合会", 2014, Kind.FINAL),
    ("郴州市气象局", 2013, Kind.FINAL),
    ("郴州市气象局", 2014, Kind.FINAL),
    ("郴州市地方志办公室", 2014, Kind.FINAL),
}
DRAFT = {("郴州市住房公积金管理中心", 2014, Kind.FINAL)}

# 功能分类: 类 → name; 款 → name; 项 → name.
CLASSES = {
    "201": "一般公共服务支出", "204": "公共安全支出", "205": "教育支出", "206": "科学技术支出",
    "207": "文化体育与传媒支出", "208": "社会保障和就业支出", "210": "医疗卫生与计划生育支出", "211": "节能环保支出",
    "212": "城乡社区支出", "213": "农林水支出", "214": "交通运输支出", "216": "商业服务业等支出", "221": "住房保障支出",
}  # fmt: skip
SUBCLASSES = {
    "20103": "政府办公厅（室）及相关机构事务", "20402": "公安", "20406": "司法", "20502": "普通教育",
    "20601": "科学技术管理事务", "20701": "文化", "20802": "民政管理事务", "20805": "行政事业单位离退休",
    "21001": "医疗卫生与计划生育管理事务", "21101": "环境保护管理事务", "21201": "城乡社区管理事务", "21301": "农业",
    "21401": "公路水路运输", "21602": "商业流通事务", "22102": "住房改革支出",
}  # fmt: skip
ITEMS = {
    "2010301": "行政运行", "2010302": "一般行政管理事务", "2040201": "行政运行", "2040601": "行政运行",
    "2050202": "小学教育", "2060101": "行政运行", "2070101": "行政运行", "2080201": "行政运行",
    "2080505": "机关事业单位基本养老保险缴费支出", "2100101": "行政运行", "2110101": "行政运行",
    "2120101": "行政运行", "2130101": "行政运行", "2140101": "行政运行", "2160201": "行政运行", "2210201": "住房公积金",
}  # fmt: skip
MAIN_ITEM = [
    (("教育",), "2050202"), (("科学",), "2060101"), (("公安",), "2040201"), (("司法",), "2040601"),
    (("民政", "残疾", "扶贫", "移民"), "2080201"), (("卫生", "人口", "食品"), "2100101"), (("环境",), "2110101"),
    (("住房和城乡", "规划", "城市管理", "房产"), "2120101"), (("农业", "林业", "水利", "畜牧"), "2130101"),
    (("交通",), "2140101"), (("文化", "体育", "旅游", "档案", "地方志"), "2070101"), (("商务", "粮食", "供销"), "2160201"),
]  # fmt: skip
CENT = Decimal("0.01")


def _money(rng, low, high):
    return Decimal(rng.randint(int(low * 100), int(high * 100))) / 100


def _split(total, share):
    part = (total * Decimal(share)).quantize(CENT)
    return part, total - part


def _hierarchy(leaves, columns):
    """Rows 类 → 款 → 项 from leaf values, each parent the sum of its children, then 合计."""
    rows = []
    total = dict.fromkeys(columns, Decimal(0))
    for class_code in sorted({code[:3] for code in leaves}):
        class_leaves = {c: v for c, v in leaves.items() if c.startswith(class_code)}
        class_sum = {col: sum((v[col] for v in class_leaves.values()), Decimal(0)) for col in columns}
        rows.append((class_code, CLASSES[class_code], class_sum))
        for sub in sorted({code[:5] for code in class_leaves}):
            sub_leaves = {c: v for c, v in class_leaves.items() if c.startswith(sub)}
            rows.append(
                (
                    sub,
                    SUBCLASSES[sub],
                    {col: sum((v[col] for v in sub_leaves.values()), Decimal(0)) for col in columns},
                )
            )
            rows += [(code, ITEMS[code], sub_leaves[code]) for code in sorted(sub_leaves)]
        total = {col: total[col] + class_sum[col] for col in columns}
    rows.append(("", "合计", total))
    return [{"code": c, "item": i, "values": {k: str(v) for k, v in vals.items()}} for c, i, vals in rows]


def _single(item, values):
    return [{"code": "", "item": item, "values": {k: str(v) for k, v in values.items()}}]


def disclosure_figures(department, year, kind):
    """(tables, record and counts) of one department's disclosure, all sums agreeing."""
    rng = random.Random(f"{department}:{year}:{kind}")  # noqa: S311 - demo figures, not security
    size = random.Random(department).randint(300, 4000)  # noqa: S311 - the same size every year
    growth = Decimal(1 + (year - 2013) * 0.06 + (0.03 if kind == Kind.FINAL else 0))
    main = next((code for words, code in MAIN_ITEM if any(w in department for w in words)), "2010302")
    weights = {"2010301": 0.35, main: 0.45, "2080505": 0.12, "2210201": 0.08}
    leaves = {}
    for code, weight in weights.items():
        amount = (Decimal(size * weight) * growth * Decimal(rng.uniform(0.9, 1.1))).quantize(CENT)
        basic, project = _split(amount, 1 if code in ("2080505", "2210201") else rng.uniform(0.4, 0.8))
        leaves[code] = {"基本支出": basic, "项目支出": project}
    for values in leaves.values():
        values["合计"] = values["基本支出"] + values["项目支出"]
    general = {}
    income = {}
    for code, values in leaves.items():
        # Most of a department's money is the general budget's appropriation.
        appropriation = (values["合计"] * Decimal(rng.uniform(0.85, 1))).quantize(CENT)
        basic = min(values["基本支出"], appropriation)
        general[code] = {"合计": appropriation, "基本支出": basic, "项目支出": appropriation - basic}
        other = values["合计"] - appropriation
        business, rest = _split(other, rng.uniform(0, 0.6))
        income[code] = {
            "合计": values["合计"],
            "财政拨款收入": appropriation,
            "事业收入": business,
            "经营收入": Decimal(0),
            "其他收入": rest,
        }
    split_cols = ("合计", "基本支出", "项目支出")
    expenditure_rows = _hierarchy(leaves, split_cols)
    general_rows = _hierarchy(general, split_cols)
    income_rows = _hierarchy(income, ("合计", "财政拨款收入", "事业收入", "经营收入", "其他收入"))
    income_total = {k: Decimal(v) for k, v in income_rows[-1]["values"].items()}
    general_total = {k: Decimal(v) for k, v in general_rows[-1]["values"].items()}
    summary = [
        {
            "code": "",
            "item": "一般公共预算财政拨款收入",
            "values": {"金额": str(income_total["财政拨款收入"])},
        },
        {"code": "", "item": "事业收入", "values": {"金额": str(income_total["事业收入"])}},
        {"code": "", "item": "其他收入", "values": {"金额": str(income_total["其他收入"])}},
        {"code": "", "item": "本年收入合计", "values": {"金额": str(income_total["合计"])}},
    ]
    summary += [
        {"code": r["code"], "item": r["item"], "values": {"金额": r["values"]["合计"]}}
        for r in expenditure_rows
        if len(r["code"]) == 3
    ]
    summary.append(
        {"code": "", "item": "本年支出合计", "values": {"金额": expenditure_rows[-1]["values"]["合计"]}}
    )
    appropriation = {
        code: {"合计": v["合计"], "一般公共预算财政拨款": v["合计"], "政府性基金预算财政拨款": Decimal(0),
               "国有资本经营预算财政拨款": Decimal(0), "年末结转和结余": Decimal(0)}
        for code, v in general.items()
    }  # fmt: skip
    # 基本支出 by economic class: people (工资福利, 对个人和家庭的补助) and running costs.
    basic_total = general_total["基本支出"]
    staff, running = _split(basic_total, rng.uniform(0.7, 0.82))
    wages, allowances = _split(staff, 0.62)
    office, other_goods = _split(running, 0.4)
    basic_rows = [
        ("301", "工资福利支出", staff, Decimal(0)), ("30101", "基本工资", wages, Decimal(0)),
        ("30102", "津贴补贴", allowances, Decimal(0)), ("302", "商品和服务支出", Decimal(0), running),
        ("30201", "办公费", Decimal(0), office), ("30299", "其他商品和服务支出", Decimal(0), other_goods),
    ]  # fmt: skip
    general_basic = [
        {"code": c, "item": i, "values": {"合计": str(p + r), "人员经费": str(p), "公用经费": str(r)}}
        for c, i, p, r in basic_rows
    ]
    general_basic.append(
        {
            "code": "",
            "item": "合计",
            "values": {"合计": str(basic_total), "人员经费": str(staff), "公用经费": str(running)},
        }
    )
    base = Decimal(size) / 100
    outbound = _money(rng, 0, float(base) * 0.6) if rng.random() < 0.5 else Decimal(0)
    purchase = _money(rng, 8, 30) if rng.random() < 0.25 else Decimal(0)
    operation = _money(rng, float(base), float(base) * 4)
    reception = _money(rng, float(base) * 0.5, float(base) * 3)
    vehicle = purchase + operation
    total = outbound + vehicle + reception
    record = {
        "合计": total, "因公出国(境)费": outbound, "公务用车购置及运行维护费": vehicle,
        "公务用车购置费": purchase, "公务用车运行维护费": operation, "公务接待费": reception,
    }  # fmt: skip
    zero_split = _single("合计", dict.fromkeys(split_cols, Decimal(0)))
    tables = {
        "summary": summary,
        "income": income_rows,
        "expenditure": expenditure_rows,
        "appropriation": _hierarchy(appropriation, tuple(appropriation["2010301"])),
        "general": general_rows,
        "general_basic": general_basic,
        "sangong": _single("合计", record),
        "fund": zero_split,
        "state_capital": zero_split,
    }
    for rows in tables.values():  # stored amounts always carry two decimals
        for row in rows:
            row["values"] = {k: str(Decimal(v).quantize(CENT)) for k, v in row["values"].items()}
    fields = {
        "sg_total": total, "sg_outbound": outbound, "sg_vehicle": vehicle, "sg_vehicle_purchase": purchase,
        "sg_vehicle_operation": operation, "sg_reception": reception,
        "trips_abroad": rng.randint(1, 3) if outbound else 0, "travellers_abroad": rng.randint(2, 9) if outbound else 0,
        "vehicles_bought": 1 if purchase else 0, "vehicles_held": rng.randint(2, 12),
        "receptions": rng.randint(20, 300), "reception_guests": rng.randint(100, 1500),
    }  # fmt: skip
    return tables, fields


def explanation(current, previous):
    if previous is None:
        return "本年度为首次公开“三公”经费，无上年数据可比。"
    change = current - previous
    if change < 0:
        return (
            f"“三公”经费比上年减少{-change:,.2f}万元，主要原因是认真贯彻中央八项规定精神，"
            "严格控制因公出国(境)团组和人数，压缩公务接待开支。"
        )
    return (
        f"“三公”经费比上年增加{change:,.2f}万元，主要原因是公务用车使用年限较长、维修费用增加，"
        "以及承担的上级检查接待任务增多。"
    )


def _organisations(names):
    existing = {org.name: org for org in Organisation.objects.filter(name__in=names)}
    result = []
    serial = 40
    for name in names:
        org = existing.get(name)
        while org is None:
            code = credit_code("431000", serial)
            serial += 1
            if not Organisation.objects.filter(credit_code=code).exists():
                org = Organisation.objects.create(
                    name=name, name_zh_hans=name, name_en=NAMES_EN.get(name, name), credit_code=code
                )
        result.append(org)
    return result


@transaction.atomic
def ensure_budget_disclosures(parent, slug="bmyjsgk", names=DEPARTMENTS):
    """The 部门预决算公开 column under `parent` with the departments' disclosures (all 55
    unless `names` says which); what exists already is left alone. Returns the number of
    disclosures created.

    The column is a sub-column of `parent` (财政预决算, deep in 信息公开目录) and, as an
    alias, of the top-level column above it (政府信息公开, in the site's menu), so a citizen
    reaches a disclosure from the home page in three clicks: 政府信息公开 → 部门预决算公开 →
    the disclosure."""
    departments = _organisations(names)
    column = BudgetColumnPage.objects.child_of(parent).filter(slug=slug).first()
    if column is None:
        column = BudgetColumnPage(
            title="部门预决算公开",
            slug=slug,
            description="市本级各部门预算、决算和“三公”经费公开",
            keywords="预算,决算,三公经费",
        )
        parent.add_child(instance=column)
        column.departments.set(departments)
        column.save_revision().publish()
    existing = set(DisclosurePage.objects.child_of(column).values_list("organisation_id", "year", "kind"))
    created = 0
    for org in departments:
        for kind in (Kind.BUDGET, Kind.FINAL):
            previous_total = None
            for year in YEARS:
                tables, fields = disclosure_figures(org.name, year, kind)
                current_total = fields["sg_total"]
                if (org.name, year, kind) in MISSING or (org.pk, year, kind) in existing:
                    previous_total = current_total
                    continue
                page = DisclosurePage(
                    organisation=org, year=year, kind=kind, tables=tables, live=False,
                    sg_explanation=explanation(current_total, previous_total), **fields,
                )  # fmt: skip
                column.add_child(instance=page)
                revision = page.save_revision()
                if (org.name, year, kind) not in DRAFT:
                    revision.publish()
                previous_total = current_total
                created += 1
    ensure_entrance(column)
    return created


def ensure_entrance(column):
    """An alias of `column` under the top-level column above it (the one the site's menu
    shows), unless the column stands there already or has its alias there."""
    site_root = column.get_site().root_page
    top = Page.objects.ancestor_of(column).filter(depth=site_root.depth + 1).first()
    if top is None or top.pk == column.get_parent().pk:
        return None
    alias = BudgetColumnPage.objects.child_of(top).filter(alias_of=column).first()
    if alias is None:
        slug = column.slug
        while Page.objects.child_of(top).filter(slug=slug).exists():
            slug += "-1"
        alias = column.create_alias(parent=top, update_slug=slug)
    return alias
