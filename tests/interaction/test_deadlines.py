"""Letter deadlines in working days (I03): deadlines across the 2014 National Day holiday
and its make-up Saturday, due-soon counted in working days, overdue flags, and the
3-month hard line with its early warning."""

import datetime as dt

from django.test import TestCase, override_settings

from interaction import deadlines
from interaction.mailbox import Letter, LetterStatus, add_months
from tests.factories import make_site
from tests.interaction.mailbox_builders import SHANGHAI, make_letter, make_mailbox

S = LetterStatus
D = dt.date


def at(day, hour=10):
    return dt.datetime(day.year, day.month, day.day, hour, tzinfo=SHANGHAI)


class DeadlineTest(TestCase):
    @classmethod
    def setUpTestData(cls):
        site = make_site(hostname="deadlines.test.localhost")
        cls.mailbox = make_mailbox(site, accept_days=2, reply_days=15, remind_days=2)

    def letter(self, received, **fields):
        letter = make_letter(self.mailbox, submitted_at=at(received), **fields)
        letter.set_deadlines()
        letter.save()
        return letter

    def ids(self, q):
        return set(Letter.objects.filter(q).values_list("pk", flat=True))

    def test_deadlines_skip_national_day_and_count_the_make_up_saturday(self):
        letter = self.letter(D(2014, 9, 30))
        # 10-01..10-07 are holidays; Saturday 10-11 is a working day.
        assert letter.accept_due == D(2014, 10, 9)
        assert letter.reply_due == D(2014, 10, 27)  # Monday to Friday alone would give 10-21
        # Received on the make-up Sunday 09-28: that day is day 0.
        assert self.letter(D(2014, 9, 28)).accept_due == D(2014, 9, 30)

    def test_due_soon_counts_working_days_not_calendar_days(self):
        letter = self.letter(D(2014, 9, 30), status=S.ACCEPTED)
        soon = deadlines.reply_soon_q
        # Due Monday 10-27; two working days ahead of Thursday 10-23 (24, 27), three of 10-22.
        assert letter.pk not in self.ids(soon(D(2014, 10, 22)))
        assert letter.pk in self.ids(soon(D(2014, 10, 23)))
        # Across the make-up Saturday: due Monday 10-13 is two working days after Friday
        # 10-10 (11, 13) but three after Thursday 10-09 (10, 11, 13).
        early = self.letter(D(2014, 9, 12), status=S.ACCEPTED)
        early.reply_due = D(2014, 10, 13)
        early.save()
        assert early.pk not in self.ids(soon(D(2014, 10, 9)))
        assert early.pk in self.ids(soon(D(2014, 10, 10)))
        # During the holiday: due 10-09 is two working days after Monday 10-06 (8, 9).
        waiting = self.letter(D(2014, 9, 30))
        assert waiting.pk in self.ids(deadlines.accept_soon_q(D(2014, 10, 6)))
        assert waiting.pk not in self.ids(deadlines.accept_soon_q(D(2014, 10, 10)))  # overdue by then

    def test_overdue_flags(self):
        waiting = self.letter(D(2014, 9, 30))
        accepted = self.letter(D(2014, 9, 30), status=S.ACCEPTED)
        replied = self.letter(D(2014, 9, 30), status=S.REPLIED)
        assert self.ids(deadlines.accept_overdue_q(D(2014, 10, 9))) == set()
        assert self.ids(deadlines.accept_overdue_q(D(2014, 10, 10))) == {waiting.pk}
        assert self.ids(deadlines.reply_overdue_q(D(2014, 10, 27))) == set()
        assert self.ids(deadlines.reply_overdue_q(D(2014, 10, 28))) == {waiting.pk, accepted.pk}
        assert replied.pk not in self.ids(deadlines.overdue_q(D(2015, 1, 1)))
        flags = deadlines.flags(accepted, D(2014, 10, 28))
        assert flags["overdue"] and not flags["due_soon"] and flags["due"] == D(2014, 10, 27)
        flags = deadlines.flags(accepted, D(2014, 10, 23))
        assert flags["due_soon"] and not flags["overdue"]

    @override_settings(LETTER_HARD_LINE_WARNING_DAYS=30)
    def test_hard_line_warning_and_breach(self):
        # Received 30 November: the line is 28 February (clamped to the month's end).
        letter = self.letter(D(2014, 11, 30), status=S.ASSIGNED)
        assert letter.hard_line == D(2015, 2, 28)
        assert letter.pk not in self.ids(deadlines.hard_line_warning_q(D(2015, 1, 28)))
        assert letter.pk in self.ids(deadlines.hard_line_warning_q(D(2015, 1, 29)))
        assert letter.pk not in self.ids(deadlines.hard_line_overdue_q(D(2015, 2, 28)))
        assert letter.pk in self.ids(deadlines.hard_line_overdue_q(D(2015, 3, 1)))
        flags = deadlines.flags(letter, D(2015, 2, 1))
        assert flags["hard_line_warning"] and not flags["hard_line_overdue"]
        assert deadlines.flags(letter, D(2015, 3, 1))["hard_line_overdue"]
        # An answered letter is never flagged.
        letter.status = S.REPLIED
        letter.save()
        assert letter.pk not in self.ids(deadlines.hard_line_overdue_q(D(2015, 6, 1)))

    def test_the_hard_line_query_agrees_with_letter_hard_line_on_every_day(self):
        day = D(2014, 1, 1)
        while day < D(2015, 1, 1):
            arrival = deadlines.last_arrival_with_hard_line_by(day)
            assert add_months(arrival, 3) <= day < add_months(arrival + dt.timedelta(days=1), 3)
            day += dt.timedelta(days=1)
