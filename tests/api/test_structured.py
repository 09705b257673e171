"""Budget disclosures and online interviews in the app API: listed like the other items
(?type=, ?column=, ?organisation=, per site), their details (tables, 三公 figures with the
change from last year equal to the web page's; guests, live text in order, approved
questions only), the change feed, previews, and a fixed number of queries per list."""

import re
from html import unescape

from django.db import connection
from django.test import TestCase, override_settings
from django.test.utils import CaptureQueriesContext

from channels.api.models import ChangeEvent
from channels.api.preview import make_token
from interaction.interviews import LiveEntry, Question, QuestionStatus

from .conftest import BHQ, EN, HIDDEN_WORDS, WWW, build_cluster, build_structured


class StructuredItemsTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        build_cluster(cls)
        build_structured(cls)

    def get(self, url, host=WWW, **params):
        response = self.client.get(url, params, HTTP_HOST=host)
        assert response.status_code == 200, response.content
        return response

    def results(self, **params):
        return self.get("/api/v1/items/", **params).json()["results"]

    # -- lists ---------------------------------------------------------------------------

    def test_type_filter_lists_disclosures_and_interviews_newest_first(self):
        disclosures = self.results(type="disclosure")
        assert [i["id"] for i in disclosures] == [self.budget_2014.pk, self.budget_2013.pk]
        [interview] = self.results(type="interview")
        assert interview["id"] == self.interview.pk
        everything = {i["id"] for i in self.results(page_size=100)}
        assert {self.budget_2014.pk, self.budget_2013.pk, self.interview.pk} <= everything

    def test_list_summaries_look_like_the_other_items(self):
        [item, _] = self.results(type="disclosure")
        assert item["type"] == "disclosure"
        assert item["title"] == "郴州市财政局2014年部门预算和“三公”经费预算公开"
        assert item["url"] == f"http://{WWW}/yjs/{self.budget_2014.slug}/"
        assert item["api_url"] == f"http://{WWW}/api/v1/items/{self.budget_2014.pk}/"
        assert item["column"] == {"id": self.budget_column.pk, "title": "部门预决算"}
        assert item["organisation"] == {"id": self.finance.pk, "name": "郴州市财政局"}
        assert item["year"] == 2014 and item["kind"] == {"value": "budget", "label": "预算"}
        assert f"{self.budget_2014.sg_total:,.2f}" in item["summary"]
        assert item["published_at"] == self.budget_2014.first_published_at.isoformat()
        [interview] = self.results(type="interview")
        assert interview["status"] == {"value": "ended", "label": "已结束"}
        assert interview["starts_at"] == "2014-06-18T01:30:00+00:00"
        assert interview["summary"].startswith("市财政局局长做客访谈室")
        assert interview["column"] == {"id": self.interview_column.pk, "title": "在线访谈"}

    def test_column_and_organisation_filters(self):
        column = self.results(column=self.budget_column.pk)
        assert [i["id"] for i in column] == [self.budget_2014.pk, self.budget_2013.pk]
        by_department = self.results(organisation=self.finance.pk)
        assert [i["id"] for i in by_department] == [self.budget_2014.pk, self.budget_2013.pk]
        # The article-only filters leave disclosures and interviews out.
        assert all(i["type"] == "article" for i in self.results(validity="valid"))

    def test_scoped_to_their_site_and_labelled_in_english_on_request(self):
        for host in (BHQ, EN):
            assert not {i["type"] for i in self.results(host=host)} & {"disclosure", "interview"}
        [item, _] = self.results(type="disclosure", lang="en")
        assert item["kind"] == {"value": "budget", "label": "Budget"}
        assert item["organisation"]["name"] == "Chenzhou Finance Bureau"
        assert self.results(type="interview", lang="en")[0]["status"]["label"] == "Ended"

    def test_the_list_of_all_types_walks_every_types_items_once_in_date_order(self):
        """The types' queries run as one statement (channels.api.newest): walked two at a
        time, the list of all types is exactly each type's own list, merged newest first."""
        per_type = []
        for kind in ("article", "topic", "disclosure", "interview"):
            per_type += [
                (item["published_at"], item["id"]) for item in self.results(type=kind, page_size=100)
            ]
        walked, cursor = [], None
        while True:
            page = self.get("/api/v1/items/", page_size=2, **({"cursor": cursor} if cursor else {})).json()
            walked += [(item["published_at"], item["id"]) for item in page["results"]]
            cursor = page["next_cursor"]
            if not cursor:
                break
        assert len({kind for kind in ("disclosure", "interview") if self.results(type=kind)}) == 2
        assert walked == sorted(per_type, reverse=True) and len(walked) == len(set(walked))

    # Every list building its entries (tests/api/test_entries.py counts the kept ones).
    @override_settings(API_ENTRY_MEMO=False)
    def test_list_queries_do_not_grow_with_the_number_of_items(self):
        from tests.cms.budget_fixtures import make_disclosure
        from tests.factories import make_organisation

        for i in range(6):
            make_disclosure(self.budget_column, make_organisation(f"郴州市测试局{i}"), 2014, "budget")
        self.results(page_size=1)  # warm Wagtail's cached site root paths
        for params in ({"type": "disclosure"}, {"type": "interview"}, {}, {"column": self.budget_column.pk}):
            # Which types have items where this list looks is read once per page event
            # (channels.api.newest.present_types).
            self.results(page_size=1, **params)
            counts = set()
            for size in (1, 3, 8):
                with CaptureQueriesContext(connection) as ctx:
                    results = self.results(page_size=size, **params)
                # One query for every type's keys, then one per type that made the page.
                counts.add(len(ctx.captured_queries) - len({item["type"] for item in results}))
            assert len(counts) == 1, (params, counts)

    # -- disclosure detail ---------------------------------------------------------------

    def test_disclosure_detail_figures_equal_those_on_the_web_page(self):
        data = self.get(f"/api/v1/items/{self.budget_2014.pk}/").json()
        page = self.client.get(f"/yjs/{self.budget_2014.slug}/", HTTP_HOST=WWW).content.decode()
        table = page[
            page.index('id="sangong-table"') : page.index("</table>", page.index('id="sangong-table"'))
        ]
        shown = [
            [
                unescape(re.sub(r"<[^>]+>", "", cell)).strip()
                for cell in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row)
            ]
            for row in re.findall(r"<tr>(.*?)</tr>", table, re.S)[1:]
        ]
        sangong = data["sangong"]
        assert (sangong["year"], sangong["previous_year"]) == (2014, 2013)
        assert [row["part"] for row in sangong["parts"]] == [row[0] for row in shown]
        for part, row in zip(sangong["parts"], shown, strict=True):
            current, previous, change, percent = row[1:]
            assert f"{float(part['current']):,.2f}" == current
            assert f"{float(part['previous']):,.2f}" == previous
            assert f"{float(part['change']):+,.2f}" == change
            if part["percent"] is not None:
                assert percent.endswith(f"{abs(float(part['percent'])):.1f}%")
        # The change is this year's figure less last year's, as the page's model says.
        total = sangong["parts"][0]
        assert total["part"] == "合计" and total["current"] == str(self.budget_2014.sg_total)
        assert float(total["change"]) == float(self.budget_2014.sg_total - self.budget_2013.sg_total)

    def test_disclosure_detail_has_tables_totals_counts_and_downloads(self):
        data = self.get(f"/api/v1/items/{self.budget_2014.pk}/").json()
        assert data["unit"] == "万元" and data["year"] == 2014
        views = self.budget_2014.table_views()
        assert [t["key"] for t in data["tables"]] == [v["key"] for v in views]
        expenditure = next(t for t in data["tables"] if t["key"] == "expenditure")
        stored = self.budget_2014.tables["expenditure"]
        assert expenditure["rows"] == [
            {"code": r["code"], "item": r["item"], "values": r["values"]} for r in stored
        ]
        assert expenditure["columns"] == ["合计", "基本支出", "项目支出"]
        totals = {t["label"]: t["amount"] for t in data["totals"]}
        assert totals["支出合计"] == stored[-1]["values"]["合计"]
        assert data["sangong"]["counts"]["vehicles_held"] == self.budget_2014.vehicles_held
        assert data["sangong"]["explanation"] == "压减公务接待开支。"
        csv_url = data["downloads"]["csv"]
        assert csv_url == f"http://{WWW}/yjs/{self.budget_2014.slug}/open-data/csv/"
        download = self.client.get(csv_url.removeprefix(f"http://{WWW}"), HTTP_HOST=WWW)
        assert download.status_code == 200 and "郴州市财政局" in download.content.decode("utf-8-sig")
        assert data["downloads"]["json"].endswith("/open-data/json/")
        assert data["column"] == {"id": self.budget_column.pk, "title": "部门预决算"}

    def test_a_first_year_has_no_previous_figures(self):
        parts = self.get(f"/api/v1/items/{self.budget_2013.pk}/").json()["sangong"]
        assert parts["previous_year"] is None
        assert all(p["previous"] is None and p["change"] is None for p in parts["parts"])

    # -- interview detail ----------------------------------------------------------------

    def test_interview_detail(self):
        data = self.get(f"/api/v1/items/{self.interview.pk}/").json()
        assert data["type"] == "interview"
        assert data["guests"] == [{"name": "李明", "title": "市财政局局长"}]
        assert data["video_url"] == "https://video.czs.gov.cn/ft-0618.mp4"
        assert [p["alt"] for p in data["photos"]] == ["李明局长在访谈现场"]
        assert [e["text"] for e in data["entries"]] == [
            "各位网友大家好。",
            "首先请局长介绍。",
            "今年55个部门全部公开预算。",
        ]
        assert data["questions"] == [
            {
                "id": self.approved.pk,
                "nickname": "网友甲",
                "text": "三公经费为什么下降？",
                "submitted_at": self.approved.submitted_at.isoformat(),
                "answer": "严格执行八项规定。",
                "answered_by": "李明",
            }
        ]
        assert data["transcript"] == "<p>文字实录全文。</p>"
        assert data["accepts_questions"] is False

    def test_transcript_only_once_the_interview_has_ended(self):
        draft = self.interview.get_latest_revision_as_object()
        draft.status = "live"
        draft.save_revision().publish()
        data = self.get(f"/api/v1/items/{self.interview.pk}/").json()
        assert data["transcript"] == "" and data["status"]["value"] == "live"
        assert data["accepts_questions"] is True

    def test_an_unapproved_question_never_appears_in_list_detail_feed_or_preview(self):
        token = make_token(self.interview)
        answers = [
            self.get("/api/v1/items/", page_size=100),
            self.get("/api/v1/items/", type="interview"),
            self.get(f"/api/v1/items/{self.interview.pk}/"),
            self.get("/api/v1/changes/", page_size=100),
            self.get(f"/api/v1/preview/{self.interview.pk}/", token=token),
        ]
        for response in answers:
            text = response.content.decode()
            assert HIDDEN_WORDS not in text and "网友乙" not in text and "网友丙" not in text
        assert "三公经费为什么下降" in answers[2].content.decode()

    def test_withdrawing_approval_removes_the_question(self):
        self.approved.status = QuestionStatus.REJECTED
        self.approved.save()
        assert self.get(f"/api/v1/items/{self.interview.pk}/").json()["questions"] == []

    # -- change feed ---------------------------------------------------------------------

    def test_change_feed_carries_the_new_types(self):
        entries = self.get("/api/v1/changes/", page_size=100).json()["results"]
        types = {e["id"]: e["type"] for e in entries if e["op"] == "upsert"}
        assert types[self.budget_2014.pk] == "disclosure" and types[self.interview.pk] == "interview"
        since = self.get("/api/v1/changes/", page_size=100).json()["next_since"]
        self.budget_2013.unpublish()
        # This year's disclosure loses its comparison: a change of it too.
        tombstone, upsert = self.get("/api/v1/changes/", since=since).json()["results"]
        assert (upsert["op"], upsert["id"]) == ("upsert", self.budget_2014.pk)
        assert tombstone == {
            "cursor": tombstone["cursor"],
            "op": "delete",
            "id": self.budget_2013.pk,
            "type": "disclosure",
            "reason": "unpublished",
            "item": None,
        }

    def test_publishing_last_years_disclosure_is_a_change_of_this_years(self):
        since = self.get("/api/v1/changes/", page_size=100).json()["next_since"]
        self.budget_2013.save_revision().publish()
        changed = [e["id"] for e in self.get("/api/v1/changes/", since=since).json()["results"]]
        assert sorted(changed) == sorted([self.budget_2013.pk, self.budget_2014.pk])

    def test_live_text_and_approvals_are_changes_but_pending_questions_are_not(self):
        since = self.get("/api/v1/changes/", page_size=100).json()["next_since"]
        before = ChangeEvent.objects.count()
        Question.objects.create(interview=self.interview, nickname="网友丁", text="新的提问")
        assert ChangeEvent.objects.count() == before  # nothing hints at a question in moderation
        LiveEntry.objects.create(interview=self.interview, speaker="主持人", text="谢谢各位网友。")
        [change] = self.get("/api/v1/changes/", since=since).json()["results"]
        assert (change["op"], change["id"]) == ("upsert", self.interview.pk)
        since = self.get("/api/v1/changes/", since=since).json()["next_since"]
        self.approved.status = QuestionStatus.REJECTED
        self.approved.save()
        [change] = self.get("/api/v1/changes/", since=since).json()["results"]
        assert change["id"] == self.interview.pk

    # -- preview and caching -------------------------------------------------------------

    def test_preview_of_a_disclosure_draft(self):
        draft = self.budget_2014.get_latest_revision_as_object()
        draft.sg_explanation = "草稿中的说明。"
        draft.save_revision()
        data = self.get(f"/api/v1/preview/{self.budget_2014.pk}/", token=make_token(self.budget_2014)).json()
        assert data["sangong"]["explanation"] == "草稿中的说明。"
        live = self.get(f"/api/v1/items/{self.budget_2014.pk}/").json()
        assert live["sangong"]["explanation"] == "压减公务接待开支。"

    def test_interview_detail_is_not_answered_304_after_new_live_text(self):
        first = self.get(f"/api/v1/items/{self.interview.pk}/")
        assert "Last-Modified" not in first
        LiveEntry.objects.create(interview=self.interview, speaker="主持人", text="访谈到此结束。")
        again = self.client.get(
            f"/api/v1/items/{self.interview.pk}/", HTTP_HOST=WWW, HTTP_IF_NONE_MATCH=first["ETag"]
        )
        assert again.status_code == 200 and "访谈到此结束" in again.content.decode()
