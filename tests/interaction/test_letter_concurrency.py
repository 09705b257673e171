"""500 letters submitted at once (issue 16, reliability): threads, each with its own
database connection, all released together by a barrier, each submitting through
`interaction.letter_submission.submit` (what the web form, WAP and the API call). Nothing
is lost and every letter has its own tracking code, also when codes are made short enough
to collide now and then (the retry on the unique constraint).

On PostgreSQL the submissions truly overlap (40 connections at once, well under the
server's connection limit). SQLite allows one writer at a time: there each connection
begins its transactions IMMEDIATE and waits on the lock (busy timeout) instead of failing,
with fewer threads; the assertions are the same."""

import threading

import pytest
from django.db import connection
from django.test import override_settings

from interaction.letter_submission import ALPHABET, submit
from interaction.mailbox import Letter, LetterEvent, LetterStatus
from tests.channels.transactional import baseline, snapshot  # noqa: F401
from tests.factories import make_site
from tests.interaction.mailbox_builders import make_mailbox

pytestmark = pytest.mark.django_db(transaction=True)

TOTAL = 500


@pytest.fixture
def sqlite_waits():
    """SQLite: new connections (the threads') begin IMMEDIATE and wait up to 60 s for the
    lock; the shared settings dict is put back afterwards."""
    if connection.vendor != "sqlite":
        yield
        return
    options = connection.settings_dict.setdefault("OPTIONS", {})
    saved = dict(options)
    options.update(transaction_mode="IMMEDIATE", timeout=60)
    yield
    options.clear()
    options.update(saved)


def run_submissions(mailbox, total, threads):
    barrier = threading.Barrier(threads)
    errors, made = [], []
    lock = threading.Lock()

    def worker(index):
        try:
            barrier.wait(30)
            for n in range(index, total, threads):
                data = {
                    "category": "suggest",
                    "title": f"并发来信{n}",
                    # Distinct writers and texts: none of them is a duplicate of another.
                    "content": f"第{n}号来信：建议在{n}号路口增设红绿灯，保障行人安全。",
                }
                letter, password = submit(mailbox, data, sender=f"{n:064d}")
                with lock:
                    made.append((letter.pk, letter.tracking_code, password))
        except Exception as exc:  # reported in the main thread
            errors.append(exc)
        finally:
            connection.close()

    workers = [threading.Thread(target=worker, args=(i,)) for i in range(threads)]
    for t in workers:
        t.start()
    for t in workers:
        t.join(300)
    return errors, made


def threads_for_vendor():
    return 40 if connection.vendor == "postgresql" else 8


@pytest.mark.parametrize("code_length", [10, 3])
def test_concurrent_submissions_lose_nothing_and_get_unique_codes(sqlite_waits, code_length):
    # Length 3 (29,791 codes for 500 letters): about four collisions expected in a run, so
    # the retry is exercised, and eight in a row for one letter stays out of reach.
    mailbox = make_mailbox(make_site(hostname=f"concurrent{code_length}.test.localhost"))
    with override_settings(LETTER_CODE_LENGTH=code_length):
        errors, made = run_submissions(mailbox, TOTAL, threads_for_vendor())
    assert errors == []
    assert len(made) == TOTAL
    letters = Letter.objects.filter(mailbox=mailbox)
    assert letters.count() == TOTAL
    codes = list(letters.values_list("tracking_code", flat=True))
    assert len(set(codes)) == TOTAL
    assert all(len(code) == code_length and set(code) <= set(ALPHABET) for code in codes)
    assert {code for _, code, _ in made} == set(codes)
    assert sorted(letters.values_list("title", flat=True)) == sorted(f"并发来信{n}" for n in range(TOTAL))
    assert not letters.exclude(status=LetterStatus.RECEIVED).exists()
    assert letters.filter(reply_due__isnull=False).count() == TOTAL
    assert LetterEvent.objects.filter(letter__mailbox=mailbox, action="submitted").count() == TOTAL
