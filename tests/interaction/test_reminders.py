"""Reminder emails about letters (I03): who gets them, each (letter, kind) at most once
even when the sending process is killed mid-way, and due-soon counted in working days
across the 2014 National Day holiday and its make-up Saturday ("today" is injected)."""

import datetime as dt
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core import mail
from django.db import connection
from django.test import TestCase

from interaction import letter_tasks
from interaction.mailbox import HandlerMembership, LetterReminder, LetterStatus
from tests.channels.transactional import snapshot  # noqa: F401  (restores the database after the module)
from tests.factories import make_organisation, make_site, make_user
from tests.interaction.mailbox_builders import SHANGHAI, make_letter, make_mailbox

S = LetterStatus
D = dt.date
ROOT = Path(__file__).resolve().parents[2]


def received(day, mailbox, **fields):
    letter = make_letter(
        mailbox, submitted_at=dt.datetime(day.year, day.month, day.day, 9, tzinfo=SHANGHAI), **fields
    )
    letter.set_deadlines()
    letter.save()
    return letter


class ReminderTest(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.site = make_site(hostname="reminders.test.localhost", name="郴州市人民政府")
        other = make_site(hostname="reminders-other.test.localhost", name="资兴市人民政府")
        cls.mailbox = make_mailbox(cls.site, accept_days=2, reply_days=15, remind_days=2)
        cls.editor = make_user("editor", cls.site.groups["editor"])
        cls.outsider = make_user("outsider", other.groups["editor"])
        cls.unit = make_organisation("郴州市住房和城乡建设局")
        cls.member = make_user("member")
        nomail = make_user("nomail", cls.site.groups["editor"])
        nomail.email = ""  # nobody to write to: left out
        nomail.save()
        HandlerMembership.objects.create(user=cls.member, organisation=cls.unit)

    def sent(self, today):
        mail.outbox.clear()
        letter_tasks.send_reminders(today)
        return [(m.subject, sorted(m.to)) for m in mail.outbox]

    def test_due_soon_on_working_days_across_national_day(self):
        letter = received(D(2014, 9, 30), self.mailbox, status=S.ACCEPTED)
        assert letter.reply_due == D(2014, 10, 27)
        # Counting calendar days, 10-22 is 5 days before: a weekday count would already
        # remind; in working days it is 3 (23, 24, 27), so not yet.
        assert self.sent(D(2014, 10, 22)) == []
        (subject, to), *rest = self.sent(D(2014, 10, 23))
        assert rest == []
        assert letter.tracking_code in subject and "2014-10-27" in subject and "答复" in subject
        assert to == ["editor@example.com"]  # the mailbox's managers, not another site's
        assert self.sent(D(2014, 10, 24)) == []  # once only

    def test_make_up_saturday_counts_as_a_working_day(self):
        letter = received(D(2014, 9, 12), self.mailbox, status=S.ACCEPTED)
        letter.reply_due = D(2014, 10, 13)  # Monday after the make-up Saturday
        letter.save()
        assert self.sent(D(2014, 10, 9)) == []  # 10, 11 (Saturday), 13: three working days
        assert [s for s, _ in self.sent(D(2014, 10, 10))] == [
            f"信件 {letter.tracking_code} 须于 2014-10-13 前答复"
        ]

    def test_acceptance_reminders_during_the_holiday(self):
        letter = received(D(2014, 9, 30), self.mailbox)
        assert letter.accept_due == D(2014, 10, 9)
        # Nine calendar days ahead, but only two working days (10-08, 10-09): reminded on the
        # day it arrives, not two calendar days before, in the middle of the holiday.
        assert [s for s, _ in self.sent(D(2014, 9, 30))] == [
            f"信件 {letter.tracking_code} 须于 2014-10-09 前受理"
        ]
        assert self.sent(D(2014, 10, 7)) == []  # once only
        subjects = [s for s, _ in self.sent(D(2014, 10, 10))]
        assert subjects == [f"信件 {letter.tracking_code} 受理已超期（期限 2014-10-09）"]

    def test_assigned_letters_remind_the_units_members(self):
        letter = received(D(2014, 9, 30), self.mailbox, status=S.ASSIGNED, handling_unit=self.unit)
        [(subject, to)] = self.sent(D(2014, 10, 28))
        assert "答复已超期" in subject and to == ["member@example.com"]
        assert LetterReminder.objects.filter(letter=letter, kind="reply_overdue").count() == 1

    def test_a_letter_passed_on_to_another_unit_reminds_that_unit_too(self):
        other_unit = make_organisation("郴州市交通运输局")
        other_member = make_user("other-member")
        HandlerMembership.objects.create(user=other_member, organisation=other_unit)
        letter = received(D(2014, 9, 30), self.mailbox, status=S.ASSIGNED, handling_unit=self.unit)
        [(_subject, to)] = self.sent(D(2014, 10, 28))
        assert to == ["member@example.com"]
        assert self.sent(D(2014, 10, 29)) == []  # the unit was told once
        letter.handling_unit = other_unit
        letter.save()
        [(subject, to)] = self.sent(D(2014, 10, 29))
        assert "答复已超期" in subject and to == ["other-member@example.com"]
        assert self.sent(D(2014, 10, 30)) == []
        assert LetterReminder.objects.filter(letter=letter, kind="reply_overdue").count() == 2

    def test_hard_line_warning_then_breach(self):
        letter = received(D(2014, 11, 30), self.mailbox, status=S.ACCEPTED)
        LetterReminder.objects.create(letter=letter, kind="reply_overdue")  # already told
        assert self.sent(D(2015, 1, 28)) == []
        [(subject, _to)] = self.sent(D(2015, 1, 29))
        assert "2015-02-28" in subject and "三个月" in subject
        assert self.sent(D(2015, 2, 28)) == []
        [(subject, _to)] = self.sent(D(2015, 3, 1))
        assert "已超过三个月" in subject

    def test_the_periodic_task_is_registered(self):
        from django.conf import settings

        assert "interaction.letter_tasks.send_letter_reminders" in settings.PERIODIC_TASKS
        letter = received(D(2014, 9, 30), self.mailbox, status=S.ACCEPTED)
        mail.outbox.clear()
        letter_tasks.send_letter_reminders.enqueue("2014-10-28")
        assert [m.subject for m in mail.outbox] == [
            f"信件 {letter.tracking_code} 答复已超期（期限 2014-10-27）"
        ]


def run_reminders(env, today):
    return subprocess.run(  # noqa: S603 - our interpreter, our manage.py
        [
            sys.executable,
            str(ROOT / "manage.py"),
            "shell",
            "-c",
            f"from interaction.letter_tasks import send_letter_reminders; send_letter_reminders.enqueue({today!r})",
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


# Last in the module: it commits, and the module's snapshot restores the database after it.
@pytest.mark.django_db(transaction=True)
def test_a_killed_sender_sends_each_reminder_at_most_once(tmp_path, snapshot):  # noqa: F811
    site = make_site(hostname="reminders-crash.test.localhost", name="郴州市人民政府")
    mailbox = make_mailbox(site, remind_days=2)
    make_user("editor", site.groups["editor"])
    letters = [received(D(2014, 9, 20), mailbox, status=S.ACCEPTED) for _ in range(3)]
    outbox = tmp_path / "mail"
    outbox.mkdir()
    name = str(connection.settings_dict["NAME"])
    if connection.vendor == "sqlite":
        name = str(Path(name).resolve())
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.interaction.reminder_settings",
        "PORTAL_TEST_DB_NAME": name,
        "REMINDER_MAIL_DIR": str(outbox),
        "REMINDER_CRASH_AFTER": "1",
        "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")]),
    }

    first = run_reminders(env, "2014-10-20")
    assert first.returncode == 3, first.stderr[-3000:]
    assert len(list(outbox.iterdir())) == 1
    assert LetterReminder.objects.count() == 1

    second = run_reminders({**env, "REMINDER_CRASH_AFTER": ""}, "2014-10-20")
    assert second.returncode == 0, second.stderr[-3000:]
    third = run_reminders({**env, "REMINDER_CRASH_AFTER": ""}, "2014-10-20")
    assert third.returncode == 0, third.stderr[-3000:]

    subjects = sorted(path.read_text(encoding="utf-8").splitlines()[0] for path in outbox.iterdir())
    assert {letter.reply_due for letter in letters} == {D(2014, 10, 15)}
    expected = sorted(f"信件 {letter.tracking_code} 答复已超期（期限 2014-10-15）" for letter in letters)
    assert subjects == expected  # each reminder exactly once, none repeated after the crash
    assert LetterReminder.objects.filter(kind="reply_overdue").count() == 3
