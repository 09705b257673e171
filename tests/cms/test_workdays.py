"""The working-day calendar (cms/workdays.py): statutory holidays are days off and make-up
days are working days, as the State Council announced them; unknown years fall back to
Monday–Friday plus what the operator declares."""

import datetime as dt

from django.test import SimpleTestCase, override_settings

from cms import workdays
from cms.workdays import add_working_days, is_working_day, working_days_between

D = dt.date


class NationalDay2014Tests(SimpleTestCase):
    """2014: 1–7 October off; Sunday 28 September and Saturday 11 October worked."""

    def test_holidays_and_make_up_days(self):
        self.assertFalse(is_working_day(D(2014, 10, 1)))
        self.assertFalse(is_working_day(D(2014, 10, 6)))  # a Monday inside the holiday
        self.assertTrue(is_working_day(D(2014, 9, 28)))  # a Sunday worked
        self.assertTrue(is_working_day(D(2014, 10, 11)))  # a Saturday worked
        self.assertFalse(is_working_day(D(2014, 10, 12)))  # an ordinary Sunday

    def test_deadline_across_the_holiday(self):
        # Received on Tuesday 30 September: day 1 is Wednesday 8 October, not 1 October.
        self.assertEqual(add_working_days(D(2014, 9, 30), 1), D(2014, 10, 8))
        # 8, 9, 10 October, then the make-up Saturday: the fourth working day is the 11th.
        self.assertEqual(add_working_days(D(2014, 9, 30), 4), D(2014, 10, 11))
        # 15 working days: weekdays alone would say 21 October.
        self.assertEqual(add_working_days(D(2014, 9, 30), 15), D(2014, 10, 27))

    def test_make_up_sunday_counts(self):
        # Friday 26 September + 1 working day is the make-up Sunday, not Monday.
        self.assertEqual(add_working_days(D(2014, 9, 26), 1), D(2014, 9, 28))

    def test_days_taken(self):
        self.assertEqual(working_days_between(D(2014, 9, 30), D(2014, 10, 11)), 4)
        self.assertEqual(working_days_between(D(2014, 9, 30), D(2014, 10, 7)), 0)
        self.assertEqual(working_days_between(D(2014, 10, 8), D(2014, 10, 8)), 0)
        self.assertEqual(working_days_between(D(2014, 10, 9), D(2014, 10, 8)), 0)

    def test_zero_days_is_the_day_itself(self):
        self.assertEqual(add_working_days(D(2014, 10, 1), 0), D(2014, 10, 1))


class UnknownYearTests(SimpleTestCase):
    """A year without a State Council notice in the package counts Monday–Friday."""

    def tearDown(self):
        workdays._declared.cache_clear()

    def test_weekdays_without_crashing(self):
        self.assertTrue(is_working_day(D(2099, 1, 2)))  # a Friday
        self.assertFalse(is_working_day(D(2099, 1, 3)))  # a Saturday
        self.assertEqual(add_working_days(D(2099, 1, 2), 1), D(2099, 1, 5))

    @override_settings(EXTRA_HOLIDAYS=["2099-01-05"], EXTRA_WORKDAYS=["2099-01-03"])
    def test_declared_days_win(self):
        workdays._declared.cache_clear()
        self.assertFalse(is_working_day(D(2099, 1, 5)))
        self.assertTrue(is_working_day(D(2099, 1, 3)))
        self.assertEqual(add_working_days(D(2099, 1, 2), 2), D(2099, 1, 6))
