"""Letter statistics (I02, 留言办理情况): the figures of a mailbox per handling unit and
period, and the per-day table that keeps them cheap. How they are shown (tables, chart,
downloads, the public page) is interaction.statistics_pages.

What each figure counts. Every letter is counted by the day it arrived (its
`received_on`, in the site's time zone), in the period that day falls in, under the
handling unit it was passed to (none: still with the mailbox's own office), as it stands
now:

- 来信总数 (submitted): every letter that arrived;
- 重复来信 (duplicate): letters merged into an earlier one of the same writer; they are
  counted once, as that letter, and so are not in any figure below;
- 不予受理 (rejected): letters declined (with the reason the writer sees); not in 收到;
- 收到信件 (received): the letters taken in for handling, i.e. submitted − duplicate −
  rejected = 待受理 (pending: not yet accepted or declined) + 受理;
- 受理 (accepted, the valid letters): accepted, passed on, in review or replied;
- 已答复 (replied): letters whose reply has been sent;
- 答复率 (reply rate) = replied ÷ accepted (I02: replied ÷ valid);
- 按期答复率 (on-time rate) = replied on or before the reply deadline (`reply_due`, or
  the mailbox's working days after arrival) ÷ replied;
- 平均答复用时 = the average of cms.workdays.working_days_between(day of arrival, day of
  reply) over the replied letters, in working days;
- 满意率 (satisfaction) = letters rated 满意 or 基本满意 ÷ letters rated (评价数);
- 超过三个月未答复: letters still waiting for a reply (OPEN_STATUSES) whose 3-month
  hard line (Letter.hard_line) has passed today.

Percentages are rounded half up to two places (906 ÷ 967 = 93.69 %); a rate with nothing
to divide by is shown as “—”, never as 0 %.

Cost. The figures never read the letters: `LetterDayCount` holds the additive counters
per (mailbox, handling unit, day), so a page costs the same few queries at 100,000
letters as at 1,000. The receivers below recompute the one bucket a letter left and the
one it entered whenever a letter is saved or deleted (inside the caller's transaction;
the bucket row is locked, so concurrent saves in one bucket serialise). bulk_create and
queryset.update() send no signal: after a bulk load run `manage.py
letter_statistics_rebuild`.
"""

import calendar
import dataclasses
import datetime
import re
from decimal import ROUND_HALF_UP, Decimal
from typing import NamedTuple

from django.db import models, transaction
from django.db.models import Max, Min, Q, Sum
from django.db.models.functions import TruncMonth, TruncYear
from django.db.models.signals import post_delete, post_save, pre_save
from django.utils import timezone
from django.utils.translation import gettext, gettext_lazy

from cms.snippets import Organisation
from cms.workdays import add_working_days, working_days_between

from .mailbox import HARD_LINE_MONTHS, OPEN_STATUSES, VALID_STATUSES, Letter, LetterStatus, add_months

COUNTERS = (
    "submitted",
    "duplicate",
    "rejected",
    "pending",
    "accepted",
    "replied",
    "on_time",
    "reply_days",
    "evaluated",
    "satisfied",
    "open",
)
SATISFIED_SCORES = (3, 2)  # Satisfaction.SATISFIED, Satisfaction.BASIC


class LetterDayCount(models.Model):
    """The letters of one mailbox that arrived on one day and are with one handling unit
    (none: the mailbox's own office), counted as they stand now: the additive parts of
    every figure, so any period is a sum over its days."""

    mailbox = models.ForeignKey("interaction.MailboxPage", on_delete=models.CASCADE, related_name="+")
    unit = models.ForeignKey(Organisation, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    submitted = models.PositiveIntegerField(default=0)
    duplicate = models.PositiveIntegerField(default=0)
    rejected = models.PositiveIntegerField(default=0)
    pending = models.PositiveIntegerField(default=0)
    accepted = models.PositiveIntegerField(default=0)
    replied = models.PositiveIntegerField(default=0)
    on_time = models.PositiveIntegerField(default=0)
    reply_days = models.PositiveIntegerField(default=0)  # the sum, in working days
    evaluated = models.PositiveIntegerField(default=0)
    satisfied = models.PositiveIntegerField(default=0)
    open = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = gettext_lazy("Letter count of a day")
        constraints = [
            models.UniqueConstraint(fields=["mailbox", "unit", "day"], name="letter_day_count_unit"),
            # NULLs are distinct in a unique index: the mailbox's own bucket needs its own.
            models.UniqueConstraint(
                fields=["mailbox", "day"], condition=Q(unit__isnull=True), name="letter_day_count_no_unit"
            ),
        ]
        indexes = [models.Index(fields=["mailbox", "day"], name="letter_day_count_day")]


# --- counting ------------------------------------------------------------------------


def arrival_day(moment):
    return timezone.localtime(moment, timezone.get_default_timezone()).date()


def _day_bounds(day):
    zone = timezone.get_default_timezone()
    start = timezone.make_aware(datetime.datetime.combine(day, datetime.time()), zone)
    end = timezone.make_aware(
        datetime.datetime.combine(day + datetime.timedelta(days=1), datetime.time()), zone
    )
    return start, end


LETTER_FIELDS = ("status", "submitted_at", "replied_at", "reply_due", "satisfaction")


class _Tally:
    """Adds letters (as LETTER_FIELDS tuples) to a counter dict; working-day results are
    cached, since a bulk rebuild meets the same (arrival, reply) pairs over and over."""

    def __init__(self):
        self._days = {}
        self._due = {}

    def days(self, start, end):
        key = (start, end)
        if key not in self._days:
            self._days[key] = working_days_between(start, end)
        return self._days[key]

    def due(self, day, reply_days):
        key = (day, reply_days)
        if key not in self._due:
            self._due[key] = add_working_days(day, reply_days)
        return self._due[key]

    def add(self, counts, letter, reply_days_setting):
        status, submitted_at, replied_at, reply_due, satisfaction = letter
        counts["submitted"] += 1
        if status == LetterStatus.DUPLICATE:
            counts["duplicate"] += 1
            return
        if status == LetterStatus.REJECTED:
            counts["rejected"] += 1
            return
        if status == LetterStatus.RECEIVED:
            counts["pending"] += 1
        if status in VALID_STATUSES:
            counts["accepted"] += 1
        if status in OPEN_STATUSES:
            counts["open"] += 1
        if status == LetterStatus.REPLIED:
            counts["replied"] += 1
            arrived = arrival_day(submitted_at)
            replied = arrival_day(replied_at) if replied_at else arrived
            counts["reply_days"] += self.days(arrived, replied)
            due = reply_due or self.due(arrived, reply_days_setting)
            counts["on_time"] += replied <= due
        if satisfaction is not None:
            counts["evaluated"] += 1
            counts["satisfied"] += satisfaction in SATISFIED_SCORES


def _zero():
    return dict.fromkeys(COUNTERS, 0)


def recompute_bucket(mailbox_id, unit_id, day, reply_days_setting=None):
    """Count the bucket (mailbox, unit, day) again from its letters and store it."""
    from .mailbox import MailboxPage

    key = {"mailbox_id": mailbox_id, "unit_id": unit_id, "day": day}
    with transaction.atomic():
        # Make sure the row exists, then lock it: a concurrent save in the same bucket
        # waits here and counts after this transaction, seeing its letter.
        LetterDayCount.objects.bulk_create([LetterDayCount(**key)], ignore_conflicts=True)
        row = LetterDayCount.objects.select_for_update().get(**key)
        start, end = _day_bounds(day)
        letters = Letter.objects.filter(
            mailbox_id=mailbox_id, handling_unit_id=unit_id, submitted_at__gte=start, submitted_at__lt=end
        ).values_list(*LETTER_FIELDS)
        counts, tally = _zero(), _Tally()
        for letter in letters:
            if reply_days_setting is None and letter[0] == LetterStatus.REPLIED and letter[3] is None:
                reply_days_setting = MailboxPage.objects.values_list("reply_days", flat=True).get(
                    pk=mailbox_id
                )
            tally.add(counts, letter, reply_days_setting)
        if not counts["submitted"]:
            row.delete()
            return
        for name, value in counts.items():
            setattr(row, name, value)
        row.save()


def _bucket_of(letter_values):
    mailbox_id, unit_id, submitted_at = letter_values
    return (mailbox_id, unit_id, arrival_day(submitted_at))


def _remember_bucket(sender, instance, raw=False, **kwargs):
    """Before a save: the bucket the letter is counted in now (None for a new letter)."""
    instance._statistics_bucket = None
    if raw or instance._state.adding or instance.pk is None:
        return
    before = (
        Letter.objects.filter(pk=instance.pk)
        .values_list("mailbox_id", "handling_unit_id", "submitted_at")
        .first()
    )
    instance._statistics_bucket = _bucket_of(before) if before else None


def _recount(buckets):
    # A fixed order: two saves moving letters between the same two buckets in opposite
    # directions lock them in the same order and cannot deadlock.
    for mailbox_id, unit_id, day in sorted(set(buckets), key=lambda b: (b[0], b[1] or 0, b[2])):
        recompute_bucket(mailbox_id, unit_id, day)


def _letter_saved(sender, instance, raw=False, **kwargs):
    if raw:
        return
    after = _bucket_of((instance.mailbox_id, instance.handling_unit_id, instance.submitted_at))
    before = getattr(instance, "_statistics_bucket", None)
    _recount([after] + ([before] if before else []))
    instance._statistics_bucket = after


def _letter_deleted(sender, instance, **kwargs):
    _recount([_bucket_of((instance.mailbox_id, instance.handling_unit_id, instance.submitted_at))])


def connect():
    """Keep the day table in step with every letter saved or deleted (AppConfig.ready)."""
    pre_save.connect(_remember_bucket, sender=Letter, dispatch_uid="letter_statistics_before")
    post_save.connect(_letter_saved, sender=Letter, dispatch_uid="letter_statistics_saved")
    post_delete.connect(_letter_deleted, sender=Letter, dispatch_uid="letter_statistics_deleted")


def rebuild(mailbox_ids=None):
    """Count every letter again (of the given mailboxes, or all): after bulk loads.
    Returns the number of day rows written."""
    from .mailbox import MailboxPage

    reply_days = dict(MailboxPage.objects.values_list("pk", "reply_days"))
    letters = Letter.objects.order_by()
    rows = LetterDayCount.objects.all()
    if mailbox_ids is not None:
        letters = letters.filter(mailbox_id__in=mailbox_ids)
        rows = rows.filter(mailbox_id__in=mailbox_ids)
    buckets, tally = {}, _Tally()
    fields = ("mailbox_id", "handling_unit_id", *LETTER_FIELDS)
    for mailbox_id, unit_id, *letter in letters.values_list(*fields).iterator(chunk_size=5000):
        key = (mailbox_id, unit_id, arrival_day(letter[1]))
        counts = buckets.get(key) or buckets.setdefault(key, _zero())
        tally.add(counts, letter, reply_days[mailbox_id])
    with transaction.atomic():
        rows.delete()
        LetterDayCount.objects.bulk_create(
            (
                LetterDayCount(mailbox_id=m, unit_id=u, day=d, **counts)
                for (m, u, d), counts in buckets.items()
            ),
            batch_size=1000,
        )
    return len(buckets)


# --- periods -------------------------------------------------------------------------


def spans():
    """The spans of a year the period chooser offers, in the request's language."""
    return [
        ("year", gettext("Whole year")),
        ("h1", gettext("First half")),
        ("h2", gettext("Second half")),
        ("q1", gettext("First quarter")),
        ("q2", gettext("Second quarter")),
        ("q3", gettext("Third quarter")),
        ("q4", gettext("Fourth quarter")),
        *((f"m{m}", gettext("Month %(month)s") % {"month": m}) for m in range(1, 13)),
    ]


SPAN_MONTHS = {"year": (1, 12), "h1": (1, 6), "h2": (7, 12)}
SPAN_MONTHS.update({f"q{q}": (3 * q - 2, 3 * q) for q in range(1, 5)})
SPAN_MONTHS.update({f"m{m}": (m, m) for m in range(1, 13)})
FIRST_YEAR, LAST_YEAR = 2000, 2100
MAX_RANGE_DAYS = 3660  # ten years: a from/to range beyond that is refused
_ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}\Z")


class Problem(NamedTuple):
    """Why the chosen period was not used, and the id of the field to fix."""

    message: str
    field: str


@dataclasses.dataclass(frozen=True)
class Period:
    start: datetime.date
    end: datetime.date
    year: int | None = None
    span: str | None = None

    @property
    def label(self):
        if self.span is None:
            return gettext("%(start)s to %(end)s") % {"start": self.start, "end": self.end}
        if self.span == "year":
            return gettext("Year %(year)s") % {"year": self.year}
        if self.span.startswith("h"):
            if self.span == "h1":
                return gettext("First half of %(year)s") % {"year": self.year}
            return gettext("Second half of %(year)s") % {"year": self.year}
        if self.span.startswith("q"):
            return gettext("Quarter %(quarter)s of %(year)s") % {"quarter": self.span[1], "year": self.year}
        return gettext("%(month)s/%(year)s") % {"month": self.span[1:], "year": self.year}

    @property
    def query(self):
        """The GET parameters that choose this period again (download links)."""
        if self.span is None:
            return {"from": self.start.isoformat(), "to": self.end.isoformat()}
        return {"year": self.year, "span": self.span}

    @classmethod
    def of_span(cls, year, span):
        first, last = SPAN_MONTHS[span]
        end = datetime.date(year, last, calendar.monthrange(year, last)[1])
        return cls(datetime.date(year, first, 1), end, year, span)


def default_period(latest_day=None):
    """The half-year of the latest letter (today's when there is none)."""
    day = latest_day or timezone.localdate()
    return Period.of_span(day.year, "h1" if day.month <= 6 else "h2")


def parse_period(params, latest_day=None):
    """(period, problem) from GET parameters: `year` and `span` (year, h1/h2, q1–q4,
    m1–m12), or `from` and `to` (YYYY-MM-DD, at most ten years apart). Nothing chosen
    gives the default period; anything malformed gives it too, with the problem to show."""
    start, end = params.get("from", "").strip(), params.get("to", "").strip()
    year, span = params.get("year", "").strip(), params.get("span", "").strip()
    if start or end:
        try:
            if not (_ISO_DAY.match(start) and _ISO_DAY.match(end)):
                raise ValueError
            start, end = datetime.date.fromisoformat(start), datetime.date.fromisoformat(end)
        except ValueError:
            message = gettext("Please enter both dates as YYYY-MM-DD.")
            return default_period(latest_day), Problem(message, "stat-from")
        if end < start:
            message = gettext("The end date is before the start date.")
            return default_period(latest_day), Problem(message, "stat-to")
        if (end - start).days > MAX_RANGE_DAYS or start.year < FIRST_YEAR or end.year > LAST_YEAR:
            message = gettext("Please choose a period of at most ten years.")
            return default_period(latest_day), Problem(message, "stat-from")
        return Period(start, end), None
    if not year and not span:
        return default_period(latest_day), None
    if span == "":
        span = "year"
    if not (year.isdigit() and FIRST_YEAR <= int(year) <= LAST_YEAR) or span not in SPAN_MONTHS:
        message = gettext("There is no such period; please choose a year and a part of it.")
        return default_period(latest_day), Problem(message, "stat-year")
    return Period.of_span(int(year), span), None


def hard_line_cutoff(today):
    """The last arrival day whose 3-month line has passed by `today`."""
    day = add_months(today, -HARD_LINE_MONTHS)
    while add_months(day + datetime.timedelta(days=1), HARD_LINE_MONTHS) < today:
        day += datetime.timedelta(days=1)
    while add_months(day, HARD_LINE_MONTHS) >= today:
        day -= datetime.timedelta(days=1)
    return day


# --- figures -------------------------------------------------------------------------


def _rate(part, whole):
    if not whole:
        return None
    return (Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


@dataclasses.dataclass
class Figures:
    """The counters of a mailbox (or a unit of it) over a period, and the rates from them."""

    submitted: int = 0
    duplicate: int = 0
    rejected: int = 0
    pending: int = 0
    accepted: int = 0
    replied: int = 0
    on_time: int = 0
    reply_days: int = 0
    evaluated: int = 0
    satisfied: int = 0
    open: int = 0
    overdue: int = 0  # open letters past the 3-month line

    @property
    def received(self):
        return self.submitted - self.duplicate - self.rejected

    @property
    def reply_rate(self):
        return _rate(self.replied, self.accepted)

    @property
    def on_time_rate(self):
        return _rate(self.on_time, self.replied)

    @property
    def average_days(self):
        if not self.replied:
            return None
        return (Decimal(self.reply_days) / self.replied).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)

    @property
    def satisfaction_rate(self):
        return _rate(self.satisfied, self.evaluated)


#: The figures as published (attribute, label), in the order of the tables and downloads.
FIGURE_COLUMNS = (
    ("received", gettext_lazy("Letters received")),
    ("accepted", gettext_lazy("Accepted (valid)")),
    ("pending", gettext_lazy("Awaiting acceptance")),
    ("rejected", gettext_lazy("Not accepted")),
    ("duplicate", gettext_lazy("Duplicates (merged)")),
    ("replied", gettext_lazy("Replied")),
    ("reply_rate", gettext_lazy("Reply rate (%)")),
    ("on_time", gettext_lazy("Replied on time")),
    ("on_time_rate", gettext_lazy("On-time rate (%)")),
    ("average_days", gettext_lazy("Average working days to reply")),
    ("evaluated", gettext_lazy("Evaluations")),
    ("satisfaction_rate", gettext_lazy("Satisfaction (%)")),
    ("overdue", gettext_lazy("Unanswered beyond 3 months")),
)

# Aliases unlike the field names: an aggregate named "open" would shadow the field.
_SUMS = {f"n_{name}": Sum(name) for name in COUNTERS}


@dataclasses.dataclass
class Statistics:
    period: Period
    total: Figures
    units: list  # (unit name, Figures), the mailbox's own office first
    series: list  # (label, Figures): months, or years for long periods
    problem: Problem | None = None


def _figures(row):
    values = {name: row.get(f"n_{name}") or 0 for name in COUNTERS}
    return Figures(**values, overdue=row.get("n_overdue") or 0)


def day_range(mailbox_ids):
    """(first day, last day) with letters in these mailboxes, or (None, None)."""
    found = LetterDayCount.objects.filter(mailbox_id__in=mailbox_ids).aggregate(
        first=Min("day"), last=Max("day")
    )
    return found["first"], found["last"]


def compute(mailbox_ids, period, unit=None, today=None):
    """The statistics of these mailboxes over `period`, optionally for one unit (an
    Organisation id, or "none" for the mailboxes' own office). Four queries whatever the
    number of letters."""
    cutoff = hard_line_cutoff(today or timezone.localdate())
    rows = LetterDayCount.objects.filter(mailbox_id__in=mailbox_ids, day__range=(period.start, period.end))
    if unit == "none":
        rows = rows.filter(unit__isnull=True)
    elif unit is not None:
        rows = rows.filter(unit_id=unit)
    overdue = {"n_overdue": Sum("open", filter=Q(day__lte=cutoff))}
    total = _figures(rows.aggregate(**_SUMS, **overdue))
    by_unit = list(rows.order_by().values("unit").annotate(**_SUMS, **overdue))
    names = Organisation.objects.in_bulk([r["unit"] for r in by_unit if r["unit"]])
    # The mailbox's own office first, then the units by the letters they received.
    by_unit.sort(key=lambda r: (r["unit"] is not None, -_figures(r).received, r["unit"] or 0))
    office = gettext("Mailbox office (not passed on)")
    units = [(names[r["unit"]].name if r["unit"] else office, _figures(r)) for r in by_unit]
    long_period = (period.end - period.start).days > 731
    trunc = TruncYear("day") if long_period else TruncMonth("day")
    series = [
        (
            r["bucket"].strftime("%Y") if long_period else r["bucket"].strftime("%Y-%m"),
            _figures(r),
        )
        for r in rows.order_by().annotate(bucket=trunc).values("bucket").annotate(**_SUMS).order_by("bucket")
    ]
    return Statistics(period=period, total=total, units=units, series=series)
