"""The reminder task (I03): emails the people responsible for a letter before its
deadline, when it is overdue, and when its 3-month hard line comes near.

Who is responsible: the members of the handling unit for a letter passed to one
(ASSIGNED), the mailbox's managers otherwise (the users of the groups that may edit the
mailbox page; the superusers if no group may).

Each (letter, kind) is sent at most once: the LetterReminder row is inserted and
committed in its own transaction before the mail goes out, and its unique constraint
turns a second attempt (another worker, a rerun after a crash) into a skip. A worker
killed between the insert and the send loses that one reminder rather than repeating it;
the admin's dashboard panel still shows the letter.
"""

import datetime
import logging

from django.contrib.auth import get_user_model
from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.db.models import BigIntegerField, Exists, OuterRef
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import pgettext, pgettext_lazy
from django_tasks import task
from wagtail.models import GroupPagePermission

from . import deadlines
from .mailbox import HandlerMembership, Letter, LetterReminder, LetterStatus

logger = logging.getLogger(__name__)

# The kinds of reminder, in the order they are looked for, with the query that finds
# their letters on a day.
KINDS = {
    "accept_soon": deadlines.accept_soon_q,
    "accept_overdue": deadlines.accept_overdue_q,
    "reply_soon": deadlines.reply_soon_q,
    "reply_overdue": deadlines.reply_overdue_q,
    "hard_line_warning": lambda today: (
        deadlines.hard_line_warning_q(today) & ~deadlines.hard_line_overdue_q(today)
    ),
    "hard_line_overdue": deadlines.hard_line_overdue_q,
}

SUBJECTS = {
    "accept_soon": pgettext_lazy("letter handling", "Letter %(code)s must be accepted by %(due)s"),
    "accept_overdue": pgettext_lazy(
        "letter handling", "Letter %(code)s is overdue for acceptance (due %(due)s)"
    ),
    "reply_soon": pgettext_lazy("letter handling", "Letter %(code)s must be answered by %(due)s"),
    "reply_overdue": pgettext_lazy(
        "letter handling", "Letter %(code)s is overdue for its reply (due %(due)s)"
    ),
    "hard_line_warning": pgettext_lazy(
        "letter handling", "Letter %(code)s reaches the 3-month line on %(due)s"
    ),
    "hard_line_overdue": pgettext_lazy(
        "letter handling", "Letter %(code)s is past the 3-month line (%(due)s)"
    ),
}


def _due(letter, kind):
    if kind.startswith("accept"):
        return letter.accept_due
    if kind.startswith("reply"):
        return letter.reply_due
    return letter.hard_line


def recipients(letter):
    """The email addresses of the people responsible for `letter` now."""
    User = get_user_model()
    users = User.objects.filter(is_active=True).exclude(email="")
    if letter.status == LetterStatus.ASSIGNED and letter.handling_unit_id:
        members = HandlerMembership.objects.filter(organisation_id=letter.handling_unit_id)
        return sorted(set(users.filter(pk__in=members.values("user_id")).values_list("email", flat=True)))
    # Groups with an editing permission on the mailbox or a page above it.
    mailbox = letter.mailbox
    ancestors = [mailbox.path[:n] for n in range(mailbox.steplen, len(mailbox.path) + 1, mailbox.steplen)]
    groups = GroupPagePermission.objects.filter(
        page__path__in=ancestors, permission__codename__in=["change_page", "publish_page"]
    ).values("group_id")
    managers = set(users.filter(groups__in=groups).values_list("email", flat=True))
    if not managers:
        managers = set(users.filter(is_superuser=True).values_list("email", flat=True))
    return sorted(managers)


def _claim(letter, kind):
    """Insert the reminder's row in a committed transaction of its own; False if it was
    already there (sent, or being sent, by someone else) for the letter's current unit."""
    try:
        with transaction.atomic():
            LetterReminder.objects.create(letter=letter, kind=kind, unit_key=letter.handling_unit_id or 0)
    except IntegrityError:
        return False
    return True


def _message(letter, kind, to):
    due = _due(letter, kind)
    subject = str(SUBJECTS[kind]) % {"code": letter.tracking_code, "due": due.isoformat()}
    body = pgettext(
        "letter handling",
        "%(subject)s\n\nMailbox: %(mailbox)s\nTitle: %(title)s\nStatus: %(status)s\n"
        "Handle it in the admin under “Letter handling”.",
    ) % {
        "subject": subject,
        "mailbox": letter.mailbox.title,
        "title": letter.title,
        "status": letter.get_status_display(),
    }
    return EmailMessage(subject=subject, body=body, to=to)


def due_reminders(today):
    """(letter, kind) pairs due on `today` that have not been sent yet."""
    pairs = []
    for kind, query in KINDS.items():
        # Not yet sent to whoever answers for the letter now (its unit, or the managers).
        sent = LetterReminder.objects.filter(
            letter=OuterRef("pk"),
            kind=kind,
            unit_key=Coalesce(OuterRef("handling_unit_id"), 0, output_field=BigIntegerField()),
        )
        letters = (
            Letter.objects.filter(query(today)).exclude(Exists(sent)).select_related("mailbox").order_by("pk")
        )
        pairs += [(letter, kind) for letter in letters]
    return pairs


def send_reminders(today=None):
    """Send the reminders due on `today` (default: the local date); returns how many."""
    today = today or timezone.localdate()
    sent = 0
    for letter, kind in due_reminders(today):
        to = recipients(letter)
        if not to:
            logger.warning("letter %s: nobody to remind (%s)", letter.tracking_code, kind)
            continue
        if not _claim(letter, kind):
            continue
        _message(letter, kind, to).send()
        sent += 1
    return sent


@task()
def send_letter_reminders(today=None):
    """The periodic task (settings.PERIODIC_TASKS); `today` as an ISO date for reruns."""
    return send_reminders(datetime.date.fromisoformat(today) if today else None)
