"""Builders shared by the budget disclosure tests: a site with a 预决算公开 column and
disclosures whose figures agree (the demo's own generator)."""

import copy

from budgets.pages import BudgetColumnPage, DisclosurePage
from demo.budgets import disclosure_figures
from tests.factories import make_column, make_site

_seq = iter(range(1, 10**6))


def make_budget_column(departments=(), title="部门预决算公开"):
    site = make_site(hostname=f"yjs{next(_seq)}.test.localhost")
    # 信息公开目录, not the factory's default 工作动态: a news column's review workflow would
    # cover the disclosures below it, and nobody publishes around review (cms.review_gate).
    parent = make_column(site.home, title="信息公开", slug=f"xxgk-{next(_seq)}", column_type="信息公开目录")
    column = BudgetColumnPage(title=title, slug=f"bmyjs-{next(_seq)}")
    parent.add_child(instance=column)
    column.departments.set(departments)
    column.save_revision().publish()
    return column


def make_disclosure(
    column, organisation, year, kind, publish=True, explanation="压减公务接待开支。", **changes
):
    tables, fields = disclosure_figures(organisation.name, year, kind)
    tables = copy.deepcopy(tables)
    fields.update(changes)
    page = DisclosurePage(
        organisation=organisation,
        year=year,
        kind=kind,
        tables=tables,
        live=False,
        sg_explanation=explanation,
        **fields,
    )
    column.add_child(instance=page)
    revision = page.save_revision()
    if publish:
        revision.publish()
        page.refresh_from_db()
    return page


def make_demo_budget_site(hostname, names=("郴州市财政局", "郴州市教育局"), **site_fields):
    """The demo's shape of the www portal around its budgets: 政府信息公开 in the menu, with
    信息公开目录 → 财政预决算 (an ordinary column with an article) below it, and the demo's
    own loader (demo.budgets.ensure_budget_disclosures) placing 部门预决算公开 under
    财政预决算 for `names`. Returns (site, {slug: column})."""
    from demo.budgets import ensure_budget_disclosures
    from tests.factories import make_article, make_column, make_portal

    site = make_portal(hostname, **site_fields)
    xxgk = make_column(site.home, "政府信息公开", slug="xxgk", column_type="信息公开目录", show_in_menus=True)
    make_column(xxgk, "信息公开指南", slug="xxgkzn", column_type="信息公开指南")
    xxgkml = make_column(xxgk, "信息公开目录", slug="xxgkml", column_type="信息公开目录")
    czyjs = make_column(xxgkml, "财政预决算", slug="czyjs", column_type="财政预决算")
    make_article(czyjs, "郴州市2014年市本级财政预算执行情况")
    ensure_budget_disclosures(czyjs, names=list(names))
    column = BudgetColumnPage.objects.child_of(czyjs).get()
    return site, {"xxgk": xxgk, "xxgkml": xxgkml, "czyjs": czyjs, "bmyjsgk": column}
