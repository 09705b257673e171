"""Days given as query parameters (the search page, the app API): a day is the start of a
period, and a "to" day includes the whole of that day."""

import datetime

from django.utils import timezone


def day_bound(value, end=False):
    """The aware start of the day `value` (YYYY-MM-DD) names; with `end`, the start of the
    next day, so a "to" day includes its whole day. None when the bound lies beyond what a
    datetime can hold in UTC (0001-01-01, 9999-12-31): such a bound limits nothing. Raises
    ValueError for anything that is not a date."""
    day = datetime.date.fromisoformat(value)
    try:
        if end:
            day += datetime.timedelta(days=1)
        moment = timezone.make_aware(datetime.datetime.combine(day, datetime.time()))
        moment.astimezone(datetime.UTC)  # what the database stores must exist
    except OverflowError:
        return None
    return moment
