"""The working-day calendar of Chinese government deadlines (I03, G03): statutory holidays
are days off and the make-up days (调休, e.g. Saturday 2014-10-11 after National Day) are
working days, from the State Council's yearly notices as the chinese-calendar package
records them.

chinese-calendar knows the years the State Council has announced (2004 to its release's
last year). A year it does not know yet counts Monday to Friday, plus what the operator
declares in settings.EXTRA_HOLIDAYS / EXTRA_WORKDAYS (ISO dates) until the package is
upgraded: a deadline must never crash because the next year's notice is not out.

Counting rule (how 办理期限 are read): the day something arrives is day 0; the deadline
of N working days is the N-th working day after it. A letter received on Friday
2014-09-26 with 1 working day to accept is due on Sunday 2014-09-28 (a make-up day),
not on Monday; one received on 2014-09-30 with 1 working day is due on 2014-10-08,
after the National Day holiday.
"""

import datetime
import functools

import chinese_calendar
from django.conf import settings

ONE_DAY = datetime.timedelta(days=1)


@functools.cache
def _declared(name):
    return frozenset(datetime.date.fromisoformat(day) for day in getattr(settings, name, ()))


def is_working_day(day):
    if day in _declared("EXTRA_HOLIDAYS"):
        return False
    if day in _declared("EXTRA_WORKDAYS"):
        return True
    try:
        return chinese_calendar.is_workday(day)
    except NotImplementedError:  # a year the package has no notice for
        return day.weekday() < 5


def add_working_days(day, count):
    """The `count`-th working day after `day` (count ≥ 0; 0 gives `day` itself)."""
    while count > 0:
        day += ONE_DAY
        if is_working_day(day):
            count -= 1
    return day


def working_days_between(start, end):
    """Working days after `start` up to and including `end` (0 when end ≤ start): how many
    working days a reply on `end` took for a letter received on `start`."""
    if end <= start:
        return 0
    days, day = 0, start
    while day < end:
        day += ONE_DAY
        days += is_working_day(day)
    return days
