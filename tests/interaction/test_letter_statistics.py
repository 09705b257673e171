"""Letter statistics (I02): every figure on a small hand-made set (a duplicate, a
rejection, a late reply across the 2014 National Day holiday, evaluations), the day table
kept right through changes and deletions, periods, the public page with its CSV and JSON,
the admin's scoping, script kept inert, and a query count flat in the number of letters."""

import csv
import datetime as dt
import io
import json

from django.contrib.auth.hashers import make_password
from django.core.management import call_command
from django.db import connection
from django.test import TestCase
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cms.csv_cells import csv_cell
from interaction.letter_statistics import (
    LetterDayCount,
    Period,
    compute,
    hard_line_cutoff,
    parse_period,
    rebuild,
)
from interaction.mailbox import Letter, LetterStatus
from tests.factories import make_organisation, make_site, make_user
from tests.interaction.mailbox_builders import SHANGHAI, make_letter, make_mailbox

S = LetterStatus
SCRIPT = '<script>alert("x")</script>'
YEAR_2014 = Period.of_span(2014, "year")


def at(day, hour=0, minute=30):
    """A moment in Chenzhou's time: 00:30 there is still the day before in UTC, so a
    letter counted by the UTC day would land in the wrong bucket."""
    return dt.datetime(*day, hour, minute, tzinfo=SHANGHAI)


def table(mailbox):
    fields = ("unit_id", "day", "submitted", "duplicate", "rejected", "pending", "accepted", "replied")
    fields += ("on_time", "reply_days", "evaluated", "satisfied", "open")
    return sorted(
        LetterDayCount.objects.filter(mailbox=mailbox).values_list(*fields), key=lambda r: (r[0] or 0, r[1])
    )


class HandMadeSet:
    """Six letters of autumn 2014 in one mailbox, two units."""

    @classmethod
    def build(cls):
        cls.site = make_site(hostname="stats.test.localhost", name="郴州市人民政府")
        cls.mailbox = make_mailbox(cls.site, title="市长信箱", slug="zxts")
        cls.housing = make_organisation("郴州市住房和城乡建设局")
        cls.transport = make_organisation("郴州市交通运输局")
        letter = make_letter
        # Friday before National Day: 13 working days to 20 October (make-up Sunday 28
        # September and Saturday 11 October count), due 22 October: on time.
        cls.on_time = letter(cls.mailbox, submitted_at=at((2014, 9, 26)), status=S.REPLIED,
                             handling_unit=cls.housing, replied_at=at((2014, 10, 20), 10),
                             reply_due=dt.date(2014, 10, 22), satisfaction=3)  # fmt: skip
        # 30 September: due 27 October (15 working days), replied on the 28th: 16, late.
        cls.late = letter(cls.mailbox, submitted_at=at((2014, 9, 30)), status=S.REPLIED,
                          handling_unit=cls.housing, replied_at=at((2014, 10, 28), 9),
                          reply_due=dt.date(2014, 10, 27), satisfaction=1)  # fmt: skip
        cls.open = letter(cls.mailbox, submitted_at=at((2014, 10, 8)), status=S.ASSIGNED,
                          handling_unit=cls.transport)  # fmt: skip
        cls.rejected = letter(cls.mailbox, submitted_at=at((2014, 10, 9)), status=S.REJECTED)
        cls.duplicate = letter(cls.mailbox, submitted_at=at((2014, 10, 10)), status=S.DUPLICATE,
                               duplicate_of=cls.on_time)  # fmt: skip
        cls.pending = letter(cls.mailbox, submitted_at=at((2014, 10, 10), 23))


class FiguresTest(HandMadeSet, TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.build()

    def test_every_figure_of_the_period(self):
        total = compute([self.mailbox.pk], YEAR_2014, today=dt.date(2015, 1, 9)).total
        assert (total.submitted, total.duplicate, total.rejected) == (6, 1, 1)
        # Received: taken in for handling (not the duplicate, not the declined one).
        assert (total.received, total.pending, total.accepted) == (4, 1, 3)
        assert (total.replied, str(total.reply_rate)) == (2, "66.67")
        assert (total.on_time, str(total.on_time_rate)) == (1, "50.00")
        assert str(total.average_days) == "14.5"  # (13 + 16) / 2 working days
        assert (total.evaluated, total.satisfied, str(total.satisfaction_rate)) == (2, 1, "50.00")
        # The letter of 8 October is past its line (8 January) on the 9th; the pending
        # one of 10 October is not yet.
        assert total.overdue == 1
        assert compute([self.mailbox.pk], YEAR_2014, today=dt.date(2015, 1, 8)).total.overdue == 0

    def test_counted_by_the_day_of_arrival_in_china(self):
        # 00:30 on 26 September in Chenzhou is 25 September in UTC.
        september_26 = Period(dt.date(2014, 9, 26), dt.date(2014, 9, 26))
        assert compute([self.mailbox.pk], september_26).total.received == 1
        assert compute([self.mailbox.pk], Period.of_span(2014, "q3")).total.received == 2
        q4 = compute([self.mailbox.pk], Period.of_span(2014, "q4")).total
        assert (q4.submitted, q4.received, q4.replied, str(q4.reply_rate)) == (4, 2, 0, "0.00")

    def test_per_handling_unit(self):
        units = dict(compute([self.mailbox.pk], YEAR_2014).units)
        office = units.pop("未转办（信箱直接办理）")
        assert (office.submitted, office.received, office.rejected, office.duplicate) == (3, 1, 1, 1)
        housing = units["郴州市住房和城乡建设局"]
        assert (housing.received, housing.replied, str(housing.reply_rate)) == (2, 2, "100.00")
        assert units["郴州市交通运输局"].replied == 0 and str(units["郴州市交通运输局"].reply_rate) == "0.00"
        one_unit = compute([self.mailbox.pk], YEAR_2014, unit=self.transport.pk).total
        assert (one_unit.received, one_unit.accepted) == (1, 1)
        assert compute([self.mailbox.pk], YEAR_2014, unit="none").total.submitted == 3

    def test_nothing_to_divide_by_is_no_rate_rather_than_zero(self):
        empty = compute([self.mailbox.pk], Period.of_span(2013, "year")).total
        assert empty.reply_rate is None and empty.on_time_rate is None and empty.average_days is None

    def test_hard_line_cutoff_clamps_to_the_end_of_the_month(self):
        assert hard_line_cutoff(dt.date(2015, 1, 9)) == dt.date(2014, 10, 8)
        # 27 November's line is 27 February; 28 November's is the 28th, not past yet.
        assert hard_line_cutoff(dt.date(2015, 2, 28)) == dt.date(2014, 11, 27)
        assert hard_line_cutoff(dt.date(2015, 3, 1)) == dt.date(2014, 11, 30)


class DayTableTest(HandMadeSet, TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.build()

    def assert_matches_a_rebuild(self):
        kept = table(self.mailbox)
        rebuild([self.mailbox.pk])
        assert kept == table(self.mailbox)

    def test_saves_keep_the_table_as_a_rebuild_would(self):
        self.assert_matches_a_rebuild()
        letter = Letter.objects.get(pk=self.open.pk)
        letter.status, letter.replied_at = S.REPLIED, at((2014, 10, 9), 15)
        letter.save()  # replied: the bucket of its day and unit follows
        self.assert_matches_a_rebuild()
        letter.handling_unit = self.housing  # passed on to another unit: leaves one bucket
        letter.save()
        assert not LetterDayCount.objects.filter(mailbox=self.mailbox, unit=self.transport).exists()
        self.assert_matches_a_rebuild()
        letter.submitted_at = at((2014, 11, 3), 9)  # a corrected arrival day moves it
        letter.save()
        assert not LetterDayCount.objects.filter(mailbox=self.mailbox, day=dt.date(2014, 10, 8)).exists()
        self.assert_matches_a_rebuild()
        pending = Letter.objects.get(pk=self.pending.pk)
        pending.status = S.REJECTED
        pending.save()
        self.assert_matches_a_rebuild()
        total = compute([self.mailbox.pk], YEAR_2014).total
        assert (total.rejected, total.pending, total.replied) == (2, 0, 3)

    def test_deleting_a_letter_takes_it_out(self):
        Letter.objects.get(pk=self.late.pk).delete()
        self.assert_matches_a_rebuild()
        total = compute([self.mailbox.pk], YEAR_2014).total
        assert (total.replied, total.evaluated, total.on_time) == (1, 1, 1)
        Letter.objects.filter(pk=self.rejected.pk).delete()  # a queryset delete sends post_delete too
        assert compute([self.mailbox.pk], YEAR_2014).total.rejected == 0

    def test_a_reply_without_a_stored_deadline_is_judged_by_the_mailbox(self):
        letter = make_letter(self.mailbox, submitted_at=at((2014, 12, 1)), status=S.REPLIED,
                             replied_at=at((2014, 12, 23)))  # fmt: skip
        assert letter.reply_due is None  # 16 working days: later than the mailbox's 15
        december = compute([self.mailbox.pk], Period.of_span(2014, "m12")).total
        assert (december.replied, december.on_time, december.reply_days) == (1, 0, 16)
        self.assert_matches_a_rebuild()

    def test_the_rebuild_command(self):
        LetterDayCount.objects.all().delete()
        out = io.StringIO()
        call_command("letter_statistics_rebuild", stdout=out)
        assert "day rows written" in out.getvalue()
        assert compute([self.mailbox.pk], YEAR_2014).total.received == 4


class PeriodTest(TestCase):
    def test_spans_of_a_year(self):
        assert parse_period({"year": "2014", "span": "h1"}) == (
            Period(dt.date(2014, 1, 1), dt.date(2014, 6, 30), 2014, "h1"),
            None,
        )
        assert parse_period({"year": "2014", "span": "q4"})[0].start == dt.date(2014, 10, 1)
        assert parse_period({"year": "2016", "span": "m2"})[0].end == dt.date(2016, 2, 29)
        assert parse_period({"year": "2014"})[0] == YEAR_2014

    def test_range_of_days(self):
        period, problem = parse_period({"from": "2014-09-26", "to": "2014-10-20"})
        assert (period.start, period.end, period.span, problem) == (
            dt.date(2014, 9, 26),
            dt.date(2014, 10, 20),
            None,
            None,
        )

    def test_nothing_chosen_is_the_half_year_of_the_latest_letter(self):
        assert parse_period({}, dt.date(2014, 6, 30)) == (Period.of_span(2014, "h1"), None)
        assert parse_period({}, dt.date(2014, 7, 1))[0] == Period.of_span(2014, "h2")

    def test_bad_values_give_the_default_with_the_field_to_fix(self):
        default = Period.of_span(2014, "h1")
        for params, field in (
            ({"year": "abc", "span": "h1"}, "stat-year"),
            ({"year": "2014", "span": "h3"}, "stat-year"),
            ({"year": "99999999999999999999"}, "stat-year"),
            ({"year": "1900"}, "stat-year"),
            ({"from": "2014-13-01", "to": "2014-12-31"}, "stat-from"),
            ({"from": "2014-01-01"}, "stat-from"),
            ({"from": "2014-1-1", "to": "2014-12-31"}, "stat-from"),
            ({"from": "2014-12-31", "to": "2014-01-01"}, "stat-to"),
            ({"from": "2000-01-01", "to": "2014-12-31"}, "stat-from"),
        ):
            period, problem = parse_period(params, dt.date(2014, 3, 1))
            assert period == default and problem.field == field, params
            assert problem.message


class PublicPageTest(HandMadeSet, TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.build()
        cls.hostile = make_organisation(f"{SCRIPT}=1+2局")
        make_letter(cls.mailbox, submitted_at=at((2014, 11, 5)), status=S.ACCEPTED, handling_unit=cls.hostile)

    def get(self, path="", **params):
        return self.client.get(f"{self.mailbox.url}{path}", params, HTTP_HOST=self.site.site.hostname)

    def test_page_shows_the_figures_chart_and_units_without_script(self):
        response = self.get("tongji/", year="2014", span="year")
        assert response.status_code == 200
        html = response.content.decode()
        assert "<caption>" in html and "2014" in html
        assert '<svg role="img"' in html and '<title id="letter-chart-title">' in html
        assert 'aria-labelledby="letter-chart-title letter-chart-desc"' in html
        assert "50.00" in html and "14.5" in html and "郴州市住房和城乡建设局" in html  # 2 of 4 accepted
        assert "<script>alert" not in html and "&lt;script&gt;alert" in html
        # A plain GET form with labelled fields in a fieldset: no script needed.
        assert 'method="get"' in html and '<label for="stat-year">' in html and "<legend>" in html
        assert 'href="/static' not in html.split("<svg", 1)[1].split("</svg>", 1)[0]
        assert "tongji/csv/?year=2014&amp;span=year" in html

    def test_default_period_is_the_latest_half_year_with_letters(self):
        html = self.get("tongji/").content.decode()
        assert "2014年下半年" in html

    def test_bad_period_shows_the_default_with_a_note_never_a_500(self):
        for params in ({"year": "2014", "span": "<b>"}, {"from": "x", "to": "y"}, {"year": "-1"}):
            response = self.get("tongji/", **params)
            assert response.status_code == 200
            html = response.content.decode()
            assert 'role="alert"' in html and "2014年下半年" in html and "<b>" not in html

    def test_csv_download(self):
        response = self.get("tongji/csv/", year="2014", span="year")
        assert response.status_code == 200
        assert response["Content-Type"] == "text/csv; charset=utf-8"
        assert response["Content-Disposition"].startswith('attachment; filename="letter-statistics-')
        assert response.content.startswith("\ufeff".encode())
        rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
        assert rows[0][:4] == ["信箱", "统计期间", "承办单位", "收到信件"]
        total = dict(zip(rows[0], rows[1], strict=True))
        assert total["收到信件"] == "5" and total["答复率（%）"] == "50.00" and total["承办单位"] == "合计"
        hostile = next(r for r in rows if "script" in r[2])
        assert hostile[2].startswith("<script>")  # text, not a formula: kept as is
        assert csv_cell("=1+2") == "'=1+2" and csv_cell("-3") == "-3" and csv_cell("@x") == "'@x"

    def test_json_download(self):
        response = self.get("tongji/json/", **{"from": "2014-09-01", "to": "2014-10-31"})
        assert response.status_code == 200 and response["Content-Type"] == "application/json"
        data = json.loads(response.content)
        assert data["period"] == {
            "start": "2014-09-01",
            "end": "2014-10-31",
            "label": "2014-09-01至2014-10-31",
        }
        assert data["total"]["received"] == 4 and data["total"]["reply_rate"] == 66.67
        assert data["total"]["average_days"] == 14.5 and data["total"]["submitted"] == 6
        assert {u["unit"] for u in data["units"]} >= {"郴州市住房和城乡建设局", "郴州市交通运输局"}

    def test_other_formats_are_not_found(self):
        assert self.get("tongji/xlsx/").status_code == 404
        assert self.get("tongji/%3Cscript%3E/").status_code == 404


class AdminTest(HandMadeSet, TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.build()
        cls.other = make_site(hostname="zxs.test.localhost", name="资兴市人民政府")
        cls.other_mailbox = make_mailbox(cls.other, title="资兴市长信箱", organisation=cls.transport)
        make_letter(cls.other_mailbox, title=f"资兴来信{SCRIPT}", submitted_at=at((2014, 3, 3)))
        cls.editor = make_user("stats-editor", cls.site.groups["editor"])
        cls.stranger = make_user("stats-stranger", cls.other.groups["editor"])
        cls.superuser = make_user("stats-admin", superuser=True)
        cls.hostile = make_organisation(f"{SCRIPT}单位")
        make_letter(cls.mailbox, submitted_at=at((2014, 11, 5)), status=S.ACCEPTED, handling_unit=cls.hostile)

    def get(self, user, name="interaction_letter_statistics", args=(), **params):
        self.client.force_login(user)
        return self.client.get(reverse(name, args=args), params)

    def assert_refused(self, response):
        # The admin's refusal of a PermissionDenied: back to the dashboard, with its message.
        assert response.status_code == 302 and response["Location"] == reverse("wagtailadmin_home")

    def test_editor_sees_the_figures_of_their_own_mailbox(self):
        response = self.get(self.editor, year="2014", span="year")
        assert response.status_code == 200
        html = response.content.decode()
        assert "信件统计" in html and "市长信箱" in html and "66.67" not in html  # 3 of 4 valid now
        assert "资兴市长信箱" not in html
        assert "&lt;script&gt;alert" in html and "<script>alert" not in html
        assert "50.00" in html  # 2 replied ÷ 4 accepted

    def test_per_unit_and_download(self):
        response = self.get(self.editor, mailbox=self.mailbox.pk, unit=self.housing.pk, year="2014")
        assert "100.00" in response.content.decode()
        response = self.get(
            self.editor,
            "interaction_letter_statistics_download",
            ["json"],
            mailbox=self.mailbox.pk,
            year="2014",
        )
        assert json.loads(response.content)["total"]["accepted"] == 4
        response = self.get(self.editor, "interaction_letter_statistics_download", ["pdf"], year="2014")
        assert response.status_code == 404
        for unit in ("99999999999999999999", "-1", "<script>", "１２"):
            response = self.get(self.editor, unit=unit, year="2014", span="q9", **{"from": "2014-02-30"})
            assert response.status_code == 200 and 'role="alert"' in response.content.decode()

    def test_another_sites_editor_sees_nothing_of_this_site(self):
        response = self.get(self.stranger, year="2014")
        html = response.content.decode()
        assert response.status_code == 200 and "资兴市长信箱" in html
        assert f'value="{self.mailbox.pk}"' not in html
        assert "郴州市住房和城乡建设局" not in html
        for name, args in (
            ("interaction_letter_statistics", ()),
            ("interaction_letter_statistics_download", ["csv"]),
        ):
            for mailbox in (self.mailbox.pk, "x'", "999999"):
                self.assert_refused(self.get(self.stranger, name, args, mailbox=mailbox))

    def test_a_user_without_a_mailbox_gets_no_menu_item_and_no_figures(self):
        nobody = make_user("stats-nobody", make_site(hostname="bm.test.localhost").groups["editor"])
        response = self.get(nobody)
        assert response.status_code == 200 and "市长信箱" not in response.content.decode()
        self.assert_refused(self.get(nobody, "interaction_letter_statistics_download", ["csv"]))
        dashboard = self.get(nobody, "wagtailadmin_home").content.decode()
        assert reverse("interaction_letter_statistics") not in dashboard

    def test_superuser_chooses_any_mailbox(self):
        response = self.get(self.superuser, mailbox=self.other_mailbox.pk, year="2014")
        html = response.content.decode()
        assert response.status_code == 200 and "资兴市长信箱" in html and "市长信箱" in html
        assert "资兴来信" not in html  # figures only, never a letter's text


class QueryCountTest(TestCase):
    """The page costs the same queries at 10,000 letters as at 1,000."""

    @classmethod
    def setUpTestData(cls):
        cls.site = make_site(hostname="bulk.test.localhost")
        units = [make_organisation(f"郴州市第{n}局") for n in range(3)]
        cls.small = make_mailbox(cls.site, title="小信箱")
        cls.large = make_mailbox(cls.site, title="大信箱")
        password = make_password("x")
        statuses = [S.REPLIED] * 8 + [S.ACCEPTED, S.REJECTED, S.DUPLICATE, S.RECEIVED]
        letters = []
        for mailbox, count in ((cls.small, 1000), (cls.large, 10000)):
            for n in range(count):
                arrived = at((2014, 1 + n % 6, 1 + n % 28), n % 24)
                status = statuses[n % len(statuses)]
                letters.append(
                    Letter(
                        mailbox=mailbox, tracking_code=f"Q{mailbox.pk}-{n}", password_hash=password,
                        category="suggest", title="关于公交线路的建议", content="建议增开线路。",
                        submitted_at=arrived, status=status, handling_unit=units[n % 3] if n % 4 else None,
                        replied_at=arrived + dt.timedelta(days=5 + n % 30) if status == S.REPLIED else None,
                        satisfaction=(1 + n % 3) if status == S.REPLIED and n % 2 else None,
                    )
                )  # fmt: skip
        Letter.objects.bulk_create(letters, batch_size=2000)
        rebuild()

    def queries(self, mailbox):
        with CaptureQueriesContext(connection) as queries:
            response = self.client.get(
                f"{mailbox.url}tongji/", {"year": "2014", "span": "h1"}, HTTP_HOST="bulk.test.localhost"
            )
        assert response.status_code == 200
        return len(queries), response

    def test_same_queries_at_ten_times_the_letters(self):
        self.queries(self.small)  # warm the site and menu caches alike for both
        small, small_response = self.queries(self.small)
        large, large_response = self.queries(self.large)
        assert small == large
        received = compute([self.large.pk], Period.of_span(2014, "h1")).total.received
        # statuses cycle every 12 letters; the 10th (rejected) and 11th (duplicate) are not received
        assert received == sum(1 for n in range(10000) if n % 12 not in (9, 10))
        assert f">{received}<" in large_response.content.decode()
