"""Disclosures (预决算公开) and online interviews (在线访谈) in the public search: what text
each is found by, that an interview's entry follows moderation through the task queue,
that a question no moderator approved is never findable, and the type filter and facets
of the service, the JSON API and the search page."""

import json

from django.test import TestCase

from budgets.tables import Kind
from interaction.interviews import Interview, LiveEntry, Question, QuestionStatus, Status
from search.models import IndexEntry
from search.service import SearchParams, search
from tests.cms.budget_fixtures import make_budget_column, make_disclosure
from tests.factories import make_column, make_organisation
from tests.interaction.builders import make_interview

PENDING_TEXT = "垃圾焚烧厂选址为何保密"


def results(q, **kw):
    return search(SearchParams(q=q, log=False, **kw))


def found(q, **kw):
    return [r["id"] for r in results(q, **kw)["results"]]


class DisclosureAndInterviewSearchTest(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.finance = make_organisation("郴州市财政局")
        cls.forestry = make_organisation("郴州市林业局")
        column = make_budget_column([cls.finance, cls.forestry])
        cls.site = column.get_site()
        cls.disclosure = make_disclosure(
            column, cls.finance, 2014, Kind.BUDGET, explanation="严控公务接待，公务用车运行维护费下降。"
        )
        cls.other = make_disclosure(column, cls.forestry, 2014, Kind.BUDGET, explanation="出国团组减少。")
        interviews = make_column(column.get_parent(), title="在线访谈", column_type="在线访谈")
        cls.interview = make_interview(
            interviews,
            "市卫生局局长谈新型农村合作医疗",
            Status.ENDED,
            [("欧阳晓峰", "市卫生局局长")],
            summary="嘉宾做客在线访谈室，与网友在线交流。",
            transcript="<p>主持人：今天我们请到了市卫生局局长。</p>",
        )
        cls.approved = Question.objects.create(
            interview=cls.interview,
            nickname="网友甲",
            text="异地就医怎么报销？",
            status=QuestionStatus.APPROVED,
            answer="持参合证到定点医院即时结报。",
            answered_by="欧阳晓峰",
        )
        cls.pending = Question.objects.create(interview=cls.interview, nickname="网友乙", text=PENDING_TEXT)
        cls.preview = make_interview(
            interviews,
            "市林业局谈森林防火",
            Status.PREVIEW,
            [("谭建军", "市林业局副局长")],
            summary="嘉宾做客在线访谈室，与网友在线交流。",
        )

    def test_disclosure_found_by_department_and_sangong(self):
        answer = results("郴州市财政局 三公经费")
        assert answer["results"][0]["id"] == self.disclosure.pk
        first = answer["results"][0]
        assert first["type"] == "disclosure" and first["type_label"] == "预决算公开"
        assert first["url"].endswith(self.disclosure.url_path[len(self.site.root_page.url_path) :])
        # The explanation and the items of the tables are indexed too.
        assert self.disclosure.pk in found("公务接待")
        assert self.disclosure.pk in found("行政运行")
        entry = IndexEntry.objects.get(pk=self.disclosure.pk)
        assert entry.organisation_id == self.finance.pk
        assert self.disclosure.pk in found("三公经费", organisation_id=self.finance.pk)
        assert self.other.pk not in found("三公经费", organisation_id=self.finance.pk)

    def test_interview_found_by_guest_and_by_approved_answer(self):
        assert found("欧阳晓峰")[0] == self.interview.pk
        assert self.interview.pk in found("即时结报")
        assert self.interview.pk in found("异地就医")
        assert self.preview.pk in found("谭建军")

    def test_unapproved_question_is_never_findable(self):
        assert self.interview.pk not in found(PENDING_TEXT)
        assert PENDING_TEXT not in IndexEntry.objects.get(pk=self.interview.pk).text
        # Editing it without approving changes nothing either.
        self.pending.text = PENDING_TEXT + "？"
        self.pending.save()
        assert self.interview.pk not in found(PENDING_TEXT)
        # A rejected question that once was approved leaves the index.
        self.approved.status = QuestionStatus.REJECTED
        self.approved.save()
        assert self.interview.pk not in found("异地就医")
        assert "异地就医" not in IndexEntry.objects.get(pk=self.interview.pk).text

    def test_moderation_reindexes_the_interview_through_the_task_queue(self):
        # Approving and answering a question, posting a live entry and deleting one are
        # all done outside the page editor; the index follows each without a republish.
        self.pending.status = QuestionStatus.APPROVED
        self.pending.answer = "选址论证报告已在市环保局网站公示。"
        self.pending.save()
        assert self.interview.pk in found(PENDING_TEXT)
        assert self.interview.pk in found("选址论证报告")
        entry = LiveEntry.objects.create(
            interview=self.preview, speaker="主持人", text="护林员巡山防火情况介绍"
        )
        assert self.preview.pk in found("护林员")
        entry.delete()
        assert self.preview.pk not in found("护林员")

    def test_deleting_an_interview_removes_it(self):
        pk = self.preview.pk
        LiveEntry.objects.create(interview=self.preview, speaker="主持人", text="护林员巡山")
        Interview.objects.get(pk=pk).delete()
        assert not IndexEntry.objects.filter(pk=pk).exists()
        assert pk not in found("谭建军")

    def test_type_filter_and_facets(self):
        # 市林业局 appears in one disclosure (its department) and one interview (its guest).
        answer = results("市林业局")
        counts = {f["type"]: (f["label"], f["count"]) for f in answer["facets"]["type"]}
        assert counts["disclosure"] == ("预决算公开", 1)
        assert counts["interview"] == ("在线访谈", 1)
        assert found("市林业局", content_type="interview") == [self.preview.pk]
        assert found("市林业局", content_type="disclosure") == [self.other.pk]

    def test_api_and_search_page_accept_the_new_types(self):
        host = self.site.hostname
        data = json.loads(
            self.client.get("/api/v1/search/", {"q": "市林业局", "type": "interview"}, HTTP_HOST=host).content
        )
        assert [r["id"] for r in data["results"]] == [self.preview.pk]
        assert data["results"][0]["type_label"] == "在线访谈"
        html = self.client.get("/search/", {"q": "市林业局"}, HTTP_HOST=host).content.decode()
        assert "type=disclosure" in html and "预决算公开</a> (1)" in html
        assert "type=interview" in html and "在线访谈</a> (1)" in html
        html = self.client.get(
            "/search/", {"q": "市林业局", "type": "disclosure"}, HTTP_HOST=host
        ).content.decode()
        urls = dict(IndexEntry.objects.values_list("page_id", "url"))
        assert urls[self.other.pk] in html and urls[self.preview.pk] not in html
