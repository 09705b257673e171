"""A citizen's 互动交流 on a phone (390 px, Debian's chromium) on the demo cluster: from the
homepage's menu to the hub, then every kind of interaction page — the mailbox, its
statistics for 2014 H1, a consultation, a survey, a TV inquiry — each passing axe-core
(served from the pinned package) with nothing wider than the screen."""

import pytest

from accessibility import browser as a11y
from interaction.broadcasts import BroadcastPage
from interaction.consultations import ConsultationPage
from interaction.surveys import SurveyPage

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("db_access")]
PHONE = {"width": 390, "height": 844}


@pytest.fixture
def phone(chromium):
    context = chromium.new_context(locale="zh-CN", viewport=PHONE)
    page = context.new_page()
    yield page
    context.close()


def passes(page):
    violations = a11y.run_axe(page)
    assert violations == [], (page.url, violations)
    width = page.evaluate("() => document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"{page.url} is {width} px wide at 390 px"


def test_every_interaction_page_from_the_homepage(demo, phone):
    phone.goto(demo["www"] + "/")
    phone.get_by_role("navigation", name="主导航").get_by_role("link", name="互动交流").click()
    phone.wait_for_load_state()
    assert phone.url.endswith("/hdjl/")
    passes(phone)

    phone.get_by_role("link", name="查询来信").first.click()
    phone.wait_for_load_state()
    assert phone.url.endswith("/hdjl/zxts/chaxun/")
    passes(phone)

    phone.goto(demo["www"] + "/hdjl/zxts/tongji/?year=2014&span=h1")
    assert "93.69" in phone.content()
    passes(phone)

    for model in (ConsultationPage, SurveyPage, BroadcastPage):
        for page in model.objects.live():
            phone.goto(demo["www"] + page.get_url_parts()[2])
            passes(phone)
