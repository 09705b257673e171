"""G03: disclosure items published more than 20 working days after they were written are
flagged late, counted across the 2014 National Day holiday and its make-up days, and the
editor desk shows a site's late items to its own editors only."""

import datetime as dt

from django.test import TestCase
from django.urls import reverse
from django.utils import timezone

from cms import timeliness
from tests.factories import make_article, make_column, make_site, make_user

SHANGHAI = dt.timezone(dt.timedelta(hours=8))
D = dt.date


def at(day):
    return dt.datetime(day.year, day.month, day.day, 10, tzinfo=SHANGHAI)


class TimelinessTest(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.site = make_site(hostname="g03.test.localhost", name="郴州市人民政府")
        cls.other = make_site(hostname="g03-other.test.localhost", name="资兴市人民政府")
        cls.column = make_column(cls.site.home, title="政策文件", column_type="政策文件")
        cls.editor = make_user("editor", cls.site.groups["editor"])
        cls.outsider = make_user("outsider", cls.other.groups["editor"])

    def test_twenty_working_days_across_national_day(self):
        # Written Friday 2014-09-12: the make-up Sunday 09-28 and Saturday 10-11 count,
        # 10-01..10-07 do not; the 20th working day is 10-15 (weekdays alone: 10-10).
        written = D(2014, 9, 12)
        assert timeliness.publish_deadline(written) == D(2014, 10, 15)
        assert timeliness.working_days_late(written, at(D(2014, 10, 10))) == 0
        assert timeliness.working_days_late(written, at(D(2014, 10, 15))) == 0
        assert timeliness.working_days_late(written, at(D(2014, 10, 16))) == 1
        # Published on a holiday after the deadline counts no extra day for it.
        assert timeliness.working_days_late(D(2014, 9, 1), at(D(2014, 10, 5))) == 1
        assert timeliness.working_days_late(None, at(D(2014, 10, 16))) == 0

    def test_late_items_of_the_users_site(self):
        late = make_article(
            self.column, title="迟发的文件", written_at=D(2014, 9, 12), published_at=at(D(2014, 10, 16))
        )
        on_time = make_article(
            self.column, title="按时的文件", written_at=D(2014, 9, 12), published_at=at(D(2014, 10, 15))
        )
        assert timeliness.is_late(late) and not timeliness.is_late(on_time)
        items = timeliness.late_items(self.editor, today=D(2014, 10, 20))
        assert [(page.pk, days) for page, days in items] == [(late.pk, 1)]
        assert timeliness.late_items(self.outsider, today=D(2014, 10, 20)) == []

    def test_editor_desk_shows_late_items(self):
        now = timezone.now()
        make_article(
            self.column,
            title="迟发的通知<script>",
            written_at=timezone.localdate(now) - dt.timedelta(days=50),
            published_at=now,
        )
        self.client.force_login(self.editor)
        html = self.client.get(reverse("wagtailadmin_home")).content.decode()
        assert (
            "late-disclosures" in html
            and "迟发的通知&lt;script&gt;" in html
            and "<script>" not in html.split("迟发")[1][:30]
        )
        assert "20个工作日" in html
        self.client.force_login(self.outsider)
        assert "迟发的通知" not in self.client.get(reverse("wagtailadmin_home")).content.decode()
