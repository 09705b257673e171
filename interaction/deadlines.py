"""Letter deadlines (I03): which letters are overdue or due soon, and the national 3-month
hard line with its early warning.

Two deadlines per letter, set in working days when it arrives (Letter.set_deadlines):
`accept_due` while it waits to be accepted (RECEIVED) and `reply_due` while it waits for
its reply (OPEN_STATUSES). "Due soon" counts working days too: a letter is due soon when
its deadline is at most the mailbox's `remind_days` working days after today, so a
holiday week between today and the deadline does not make it look far away.

The hard line is calendar months (Letter.hard_line); the warning starts
settings.LETTER_HARD_LINE_WARNING_DAYS calendar days before it.
"""

import datetime

from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from cms.workdays import add_working_days

from .mailbox import HARD_LINE_MONTHS, OPEN_STATUSES, LetterStatus, MailboxPage, add_months

ONE_DAY = datetime.timedelta(days=1)


def warning_days():
    return getattr(settings, "LETTER_HARD_LINE_WARNING_DAYS", 30)


def accept_overdue_q(today):
    return Q(status=LetterStatus.RECEIVED, accept_due__lt=today)


def reply_overdue_q(today):
    return Q(status__in=OPEN_STATUSES, reply_due__lt=today)


def overdue_q(today):
    return accept_overdue_q(today) | reply_overdue_q(today)


def _soon_q(field, today, statuses, remind_days_values):
    """`field` between today and remind_days working days ahead, per mailbox setting."""
    q = Q(pk__in=[])
    for days in remind_days_values:
        q |= Q(
            mailbox__remind_days=days,
            **{f"{field}__gte": today, f"{field}__lte": add_working_days(today, days)},
        )
    return Q(status__in=statuses) & q


def _remind_days_values():
    return sorted(set(MailboxPage.objects.values_list("remind_days", flat=True)))


def accept_soon_q(today, remind_days_values=None):
    values = _remind_days_values() if remind_days_values is None else remind_days_values
    return _soon_q("accept_due", today, [LetterStatus.RECEIVED], values)


def reply_soon_q(today, remind_days_values=None):
    values = _remind_days_values() if remind_days_values is None else remind_days_values
    return _soon_q("reply_due", today, OPEN_STATUSES, values)


def due_soon_q(today):
    values = _remind_days_values()
    return accept_soon_q(today, values) | reply_soon_q(today, values)


def _day_start(day):
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def last_arrival_with_hard_line_by(day):
    """The last day of arrival whose hard line falls on or before `day`."""
    arrival = add_months(day, -HARD_LINE_MONTHS)
    while add_months(arrival + ONE_DAY, HARD_LINE_MONTHS) <= day:
        arrival += ONE_DAY
    while add_months(arrival, HARD_LINE_MONTHS) > day:
        arrival -= ONE_DAY
    return arrival


def hard_line_by_q(day):
    """Open letters whose hard line is on or before `day`."""
    arrival = last_arrival_with_hard_line_by(day)
    return Q(status__in=OPEN_STATUSES, submitted_at__lt=_day_start(arrival + ONE_DAY))


def hard_line_warning_q(today):
    """Open letters within the warning period of their hard line (or past it)."""
    return hard_line_by_q(today + datetime.timedelta(days=warning_days()))


def hard_line_overdue_q(today):
    """Open letters past their hard line: the veto of the national inspection."""
    return hard_line_by_q(today - ONE_DAY)


def flags(letter, today):
    """The deadline flags of one letter, for the admin: overdue, due soon, and the hard
    line's warning or breach."""
    open_ = letter.status in OPEN_STATUSES
    due = letter.accept_due if letter.status == LetterStatus.RECEIVED else letter.reply_due
    hard_line = letter.hard_line
    return {
        "due": due if open_ else None,
        "overdue": bool(open_ and due and due < today),
        "due_soon": bool(
            open_ and due and today <= due <= add_working_days(today, letter.mailbox.remind_days)
        ),
        "hard_line": hard_line,
        "hard_line_overdue": open_ and hard_line < today,
        "hard_line_warning": open_ and today <= hard_line <= today + datetime.timedelta(days=warning_days()),
    }
