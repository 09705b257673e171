"""Builders the consultation and survey tests share: a 征集调查 column, a consultation with
its draft's articles, a survey with its questions (all published)."""

import datetime as dt
import re

from django.utils import timezone

from interaction.consultations import ConsultationPage, ConsultationSection
from interaction.surveys import SurveyPage, SurveyQuestion
from tests.factories import make_column, make_organisation

DRAFT = [
    ("第一条", "为了保障公民依法获取政府信息，制定本规定。"),
    ("第二条", "本规定适用于本市各级行政机关。"),
    ("第三条", "主动公开的政府信息应当自形成之日起二十个工作日内公开。"),
]
QUESTIONS = [
    ("您最关注哪个栏目？", "single", True, "政务动态\n办事服务\n互动交流"),
    ("您希望加强哪些方面？", "multiple", False, "搜索\n移动端\n无障碍"),
    ("其他建议", "text", False, ""),
]


def survey_column(site):
    return make_column(site.home, title="征集调查", slug="zjdc", column_type="征集调查")


def window(opens_in_days, closes_in_days, now=None):
    now = now or timezone.now()
    return now + dt.timedelta(days=opens_in_days), now + dt.timedelta(days=closes_in_days)


def make_consultation(
    column, title="《政府信息公开规定（征求意见稿）》征求意见", opens=-1, closes=10, draft=DRAFT, **fields
):
    opens_at, closes_at = window(opens, closes)
    fields.setdefault("organisation", make_organisation())
    page = ConsultationPage(
        title=title, summary="现向社会公开征求意见。", opens_at=opens_at, closes_at=closes_at, **fields
    )
    for heading, text in draft:
        page.sections.add(ConsultationSection(heading=heading, text=text))
    column.add_child(instance=page)
    page.save_revision().publish()
    page.refresh_from_db()
    return page


def make_survey(column, title="政府网站栏目网上调查", opens=-1, closes=10, questions=QUESTIONS, **fields):
    opens_at, closes_at = window(opens, closes)
    fields.setdefault("organisation", make_organisation())
    page = SurveyPage(title=title, summary="欢迎参加调查。", opens_at=opens_at, closes_at=closes_at, **fields)
    for text, kind, required, options in questions:
        page.questions.add(SurveyQuestion(text=text, kind=kind, required=required, options=options))
    column.add_child(instance=page)
    page.save_revision().publish()
    page.refresh_from_db()
    return page


def answer_for(html):
    """Solve the challenge the way a person does: read the question in words."""
    numbers = "零一二三四五六七八九十"
    a, b = re.search(r"验证问题：(.)加(.)等于几", html).groups()
    token = re.search(r'name="token" value="([^"]+)"', html).group(1)
    return str(numbers.index(a) + numbers.index(b)), token
