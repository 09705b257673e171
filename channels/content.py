"""What the channels say about the structured items that are not articles: a department's
budget disclosure (budgets) and an online interview (interaction.interviews).

The app API, the WeChat article and the app's push notification all describe these items
from the same few facts, so the facts are worked out here once: a disclosure's one-line
summary and headline totals, an interview's schedule in words, and the questions the
public may see. The figures come from the page's own methods (`table_views`,
`sangong_changes`), never recomputed, so every channel shows what the web page shows.

Only `Question.objects.public()` may feed a channel: `public_questions()` is the one way
the channels read questions.
"""

from django.utils import timezone

from budgets.pages import DisclosurePage
from budgets.tables import is_total_row
from budgets.templatetags.budget_tags import amount as money
from cms.pages import ArticlePage
from interaction.interviews import Interview, Question

#: Page types the outbox delivers to every channel of their column (WeChat and the app
#: included), not only to the column's web/WAP renderings.
DELIVERED_TYPES = (ArticlePage, DisclosurePage, Interview)

# The headline totals of a disclosure: (table key, label of its 合计 row's 合计 cell).
_TOTALS = (("income", "收入合计"), ("expenditure", "支出合计"))


def disclosure_totals(page):
    """[(label, amount as a decimal string)] of the disclosure's income and expenditure:
    the 合计 cell of each table's last total row, where the table was published."""
    views = {view["key"]: view for view in page.table_views()}
    totals = []
    for key, label in _TOTALS:
        view = views.get(key)
        rows = [row for row in (view["rows"] if view else []) if is_total_row(row["item"])]
        if rows and view["columns"]:
            totals.append((label, rows[-1]["values"].get(view["columns"][0], "0.00")))
    return totals


def disclosure_summary(page):
    """One sentence for lists and notifications; reads no related rows but the department
    (lists select it with the page), so a list of them stays at a fixed number of queries."""
    text = f"{page.organisation.name}{page.year}年度部门{page.kind_label}公开"
    if page.sg_total is not None:
        text += f"，“三公”经费{page.kind_label}合计 {money(page.sg_total)} 万元"
    return text + "。"


def public_questions(interview):
    """The interview's questions the public may see (approved), oldest first."""
    return Question.objects.public().filter(interview_id=interview.pk)


def schedule_text(interview):
    """The interview's time in words, in the site's time zone, e.g.
    2014年6月18日 09:30—11:00 (the end's date only when it is another day)."""
    start, end = timezone.localtime(interview.starts_at), timezone.localtime(interview.ends_at)
    text = f"{start.year}年{start.month}月{start.day}日 {start:%H:%M}—"
    if end.date() != start.date():
        text += f"{end.year}年{end.month}月{end.day}日 "
    return text + f"{end:%H:%M}"


def summary_of(page):
    """The short text a channel shows under an item's title."""
    if isinstance(page, DisclosurePage):
        return disclosure_summary(page)
    return (getattr(page, "summary", "") or "").strip()
