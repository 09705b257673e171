"""Duplicate letters (I01, I02): the same writer sending near-identical text again within
settings.LETTER_DUPLICATE_DAYS is merged into the first letter and counted once.

"The same writer" is the same sender key (a keyed hash of the address), the same telephone
or the same email; "near-identical" compares the texts after normalisation (width, case,
spaces and punctuation dropped): equal fingerprints, or a similarity of at least
NEAR_IDENTICAL for letters whose fingerprints differ by a word or two.
"""

import datetime as dt
import difflib
import hashlib
import unicodedata

from django.conf import settings
from django.db.models import Q

from .mailbox import Letter, LetterStatus

NEAR_IDENTICAL = 0.9
#: The writer's recent letters compared with a new one (the newest first).
CANDIDATES = 20


def normalise(text):
    """Text reduced to what a reader compares: NFKC (full-width → half-width), lower
    case, letters and digits only."""
    text = unicodedata.normalize("NFKC", text or "").lower()
    return "".join(ch for ch in text if unicodedata.category(ch)[0] in "LN")


def fingerprint(title, content):
    return hashlib.sha256(normalise(f"{title}\n{content}").encode()).hexdigest()


def find_original(mailbox, *, sender, phone, email, title, content, at):
    """The earlier letter of the same writer in `mailbox` this one repeats, or None. A
    repeat of a duplicate points at the duplicate's original: counted once, whatever the
    number of repeats."""
    writer = Q()
    for field, value in (("sender", sender), ("phone", phone), ("email", email)):
        if value:
            writer |= Q(**{field: value})
    if not writer:
        return None
    since = at - dt.timedelta(days=settings.LETTER_DUPLICATE_DAYS)
    recent = (
        Letter.objects.filter(writer, mailbox=mailbox, submitted_at__gte=since, submitted_at__lte=at)
        .order_by("-submitted_at", "-pk")
        .only("pk", "title", "content", "fingerprint", "status", "duplicate_of_id")[:CANDIDATES]
    )
    mark = fingerprint(title, content)
    text = normalise(f"{title}\n{content}")
    for letter in recent:
        same = letter.fingerprint == mark or (
            difflib.SequenceMatcher(None, text, normalise(f"{letter.title}\n{letter.content}")).ratio()
            >= NEAR_IDENTICAL
        )
        if same:
            if letter.status == LetterStatus.DUPLICATE and letter.duplicate_of_id:
                return Letter.objects.filter(pk=letter.duplicate_of_id).first() or letter
            return letter
    return None
