"""Online surveys (网上调查, I04): answering without JavaScript, required questions and
options checked (4xx with a Chinese message and a linked summary), one response per
browser and a per-address limit, results hidden until the survey closes and then
correct, written answers never published, and the editors' CSV export scoped by site."""

import re

from django.core.cache import cache
from django.test import TestCase, override_settings
from django.urls import reverse

from interaction.surveys import SurveyResponse
from tests.factories import make_site, make_user
from tests.interaction.consultation_builders import answer_for, make_survey, survey_column, window

HOST = "survey.test.localhost"
SCRIPT = "<script>alert('x')</script>书面意见"


class SurveyTest(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.site = make_site(hostname=HOST)
        cls.column = survey_column(cls.site)
        cls.page = make_survey(cls.column)
        cls.q1, cls.q2, cls.q3 = cls.page.questions.all()

    def setUp(self):
        cache.clear()

    def get(self, url, **params):
        return self.client.get(url, params, HTTP_HOST=HOST)

    def respond(self, data, page=None, **extra):
        page = page or self.page
        answer, token = answer_for(self.get(page.url).content.decode())
        url = f"/interaction/surveys/{page.pk}/respond/"
        return self.client.post(url, {"answer": answer, "token": token, **data}, HTTP_HOST=HOST, **extra)

    def test_form_has_a_fieldset_per_question_and_marks_required_ones_in_text(self):
        html = self.get(self.page.url).content.decode()
        assert html.count("<fieldset") == 3 and html.count("<legend>") == 3
        assert "（必答）" in html and "（可选）" in html
        assert f'<label for="id_q{self.q1.pk}_0"><input type="radio"' in html
        assert "调查结果将在调查结束后" in html

    def test_response_is_stored_compactly_and_a_second_one_is_refused(self):
        data = {f"q{self.q1.pk}": "1", f"q{self.q2.pk}": ["2", "0"], f"q{self.q3.pk}": SCRIPT}
        response = self.respond(data)
        assert response.status_code == 302 and "answered=1" in response["Location"]
        stored = SurveyResponse.objects.get(page=self.page)
        assert stored.answers == {str(self.q1.pk): 1, str(self.q2.pk): [0, 2], str(self.q3.pk): SCRIPT}
        assert len(stored.sender) == 64 and stored.token
        assert "感谢您的参与" in self.get(self.page.url, answered="1").content.decode()
        again = self.respond({f"q{self.q1.pk}": "0"})
        assert again.status_code == 409 and "您已参加过本次调查" in again.content.decode()
        assert SurveyResponse.objects.filter(page=self.page).count() == 1

    def test_required_question_and_options_not_in_the_question_are_4xx(self):
        missing = self.respond({f"q{self.q2.pk}": ["0"]})
        assert missing.status_code == 400
        html = missing.content.decode()
        assert f'href="#fs-q{self.q1.pk}"' in html and "请回答此题" in html
        assert f'aria-describedby="id_q{self.q1.pk}_error"' in html
        bad = self.respond({f"q{self.q1.pk}": "7"})
        assert bad.status_code == 400 and "选择一个有效的选项" in bad.content.decode()
        bad_multi = self.respond({f"q{self.q1.pk}": "0", f"q{self.q2.pk}": ["0", "x"]})
        assert bad_multi.status_code == 400
        assert not SurveyResponse.objects.exists()

    @override_settings(SURVEY_RESPONSE_RATE=(2, 3600))
    def test_one_address_is_limited_without_shutting_out_its_neighbours(self):
        codes = []
        for _ in range(3):
            self.client.cookies.clear()  # another browser behind the same address
            codes.append(self.respond({f"q{self.q1.pk}": "0"}, REMOTE_ADDR="10.2.0.1").status_code)
        assert codes == [302, 302, 429]
        self.client.cookies.clear()
        assert self.respond({f"q{self.q1.pk}": "0"}, REMOTE_ADDR="10.2.0.2").status_code == 302

    def test_results_hidden_until_closed_then_correct(self):
        page = make_survey(self.column, title="结果测试调查", opens=-3, closes=3)
        q1, q2, q3 = page.questions.all()
        answers = [
            {str(q1.pk): 0, str(q2.pk): [0, 1], str(q3.pk): SCRIPT},
            {str(q1.pk): 0, str(q2.pk): [1]},
            {str(q1.pk): 2},
            {str(q1.pk): 0, str(q2.pk): [2]},
        ]
        SurveyResponse.objects.bulk_create(
            SurveyResponse(page=page, answers=a, token=f"t{i}") for i, a in enumerate(answers)
        )
        open_html = self.get(page.url).content.decode()
        assert "<table" not in open_html and "75.0%" not in open_html
        page.opens_at, page.closes_at = window(-10, -1)  # the survey closes
        page.save_revision().publish()
        total, rows = page.results()
        assert total == 4
        (first, n1, options1), (second, n2, options2), (_text, _n3, options3) = rows
        assert (n1, options1) == (4, [("政务动态", 3, 75.0), ("办事服务", 0, 0.0), ("互动交流", 1, 25.0)])
        assert (n2, options2) == (3, [("搜索", 1, 33.3), ("移动端", 2, 66.7), ("无障碍", 1, 33.3)])
        assert options3 == []
        html = self.get(page.url).content.decode()
        assert "<caption>" in html and '<th scope="row">政务动态</th><td>3</td><td>75.0%' in html
        assert "文字回答不公开" in html
        assert "书面意见" not in html and "alert(" not in html
        assert '<form class="public-form"' not in html

    def test_closed_and_upcoming_surveys_refuse_responses(self):
        closed = make_survey(self.column, title="已结束的调查", opens=-9, closes=-1)
        upcoming = make_survey(self.column, title="未开始的调查", opens=1, closes=9)
        for page, words in ((closed, "本次调查已结束"), (upcoming, "本次调查尚未开始")):
            response = self.client.post(f"/interaction/surveys/{page.pk}/respond/", {}, HTTP_HOST=HOST)
            assert response.status_code == 403 and words in response.content.decode()
        assert (
            self.client.post("/interaction/surveys/5000000000/respond/", {}, HTTP_HOST=HOST).status_code
            == 404
        )
        assert (
            self.client.get(f"/interaction/surveys/{self.page.pk}/respond/", HTTP_HOST=HOST).status_code
            == 405
        )


class SurveyExportTest(TestCase):
    @classmethod
    def setUpTestData(cls):
        site = make_site(hostname=HOST)
        other = make_site(hostname="other." + HOST, name="测试县人民政府", code="4310000002")
        cls.page = make_survey(survey_column(site), opens=-9, closes=-1)
        q1, q2, q3 = cls.page.questions.all()
        SurveyResponse.objects.create(
            page=cls.page,
            token="a",
            answers={str(q1.pk): 2, str(q2.pk): [0, 1], str(q3.pk): '=HYPERLINK("x")'},
        )
        SurveyResponse.objects.create(page=cls.page, token="b", answers={str(q1.pk): 0, str(q3.pk): SCRIPT})
        cls.editor = make_user("survey_editor", site.groups["editor"])
        cls.stranger = make_user("county_editor", other.groups["editor"])

    def test_editor_downloads_the_responses_as_csv(self):
        self.client.force_login(self.editor)
        url = reverse("interaction_survey_export", args=[self.page.pk])
        response = self.client.get(url)
        assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
        lines = response.content.decode("utf-8-sig").splitlines()
        assert lines[0].startswith("序号,提交时间,1. 您最关注哪个栏目？")
        assert re.search(r",互动交流,搜索；移动端,\"'=HYPERLINK", lines[1])  # a formula is defused
        assert lines[2].endswith(SCRIPT.replace('"', '""')) or SCRIPT in lines[2]
        edit = self.client.get(reverse("wagtailadmin_pages:edit", args=[self.page.pk])).content.decode()
        assert url in edit

    def test_editor_of_another_site_gets_nothing(self):
        self.client.force_login(self.stranger)
        assert self.client.get(reverse("interaction_survey_export", args=[self.page.pk])).status_code == 404
