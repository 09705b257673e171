"""What the cluster monitor (M10, M11) learns from this app, through the setting
MONITOR_INTERACTION_SOURCES (the monitor does not import content apps): a site's
mailboxes as consultation channels, with the letters past or near the national 3-month
line. Only tracking codes and dates leave this module: no writer's name or text."""

import datetime

from django.utils import timezone

from . import deadlines
from .mailbox import Letter, MailboxPage

#: Letters older than this are not looked at (M11: "in the last 12 months").
LOOKBACK_DAYS = 365


def _letter(letter):
    return {
        "code": letter.tracking_code,
        "received": letter.received_on.isoformat(),
        "hard_line": letter.hard_line.isoformat(),
        "status": letter.get_status_display(),
    }


def consultation_channels(site, today=None):
    """[{name, path, form_path, accepts, overdue, near_line}] of the site's live mailboxes:
    `path` and `form_path` relative to the site, `overdue` the open letters past their hard
    line, `near_line` those within the warning period of it."""
    today = today or timezone.localdate()
    since = timezone.make_aware(
        datetime.datetime.combine(today - datetime.timedelta(days=LOOKBACK_DAYS), datetime.time.min)
    )
    channels = []
    for mailbox in MailboxPage.objects.live().public().descendant_of(site.root_page).order_by("path"):
        letters = Letter.objects.filter(mailbox=mailbox, submitted_at__gte=since).order_by("submitted_at")
        overdue = list(letters.filter(deadlines.hard_line_overdue_q(today)))
        overdue_ids = {letter.pk for letter in overdue}
        near = [
            letter
            for letter in letters.filter(deadlines.hard_line_warning_q(today))
            if letter.pk not in overdue_ids
        ]
        path = mailbox.relative_url(site) or "/"
        channels.append(
            {
                "name": mailbox.title,
                "path": path,
                "form_path": path + mailbox.reverse_subpage("write"),
                "accepts": mailbox.accepts_letters,
                "overdue": [_letter(letter) for letter in overdue],
                "near_line": [_letter(letter) for letter in near],
            }
        )
    return channels
