"""Looking a letter up with its tracking code and query password, the same way on the web,
WAP, the app API and WeChat: `find_letter` (one answer for a wrong code and a wrong
password, a hasher run either way, and a pause for a code after too many wrong passwords,
settings.LETTER_LOOKUP_FAILURES), what the writer is shown (`public_status`,
`public_trail`), the evaluation token, and the WeChat text command "查询 <code> <password>"
(registered in cms.lookups by InteractionConfig.ready())."""

import functools
import re

from django.conf import settings
from django.contrib.auth.hashers import check_password, make_password
from django.core import signing
from django.core.cache import cache
from django.utils import timezone
from django.utils.html import escape
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .letter_submission import normalise_code
from .mailbox import Letter, LetterEvent, LetterStatus, MailboxPage

# The status in the writer's words: a reply under review is still being handled.
STATUS_LABELS = {
    LetterStatus.RECEIVED: gettext_lazy("Awaiting acceptance"),
    LetterStatus.ACCEPTED: gettext_lazy("Accepted"),
    LetterStatus.ASSIGNED: gettext_lazy("Being handled"),
    LetterStatus.REVIEWING: gettext_lazy("Being handled"),
    LetterStatus.REPLIED: gettext_lazy("Replied"),
    LetterStatus.REJECTED: gettext_lazy("Not accepted"),
    LetterStatus.DUPLICATE: gettext_lazy("Duplicate letter"),
}
EVALUATION_SALT = "interaction.letter-evaluation"
EVALUATION_MAX_AGE = 60 * 60
#: What a tracking code can be (any older or longer alphabet included); anything else is unknown.
VALID_CODE = re.compile(r"[A-Z0-9]{4,20}")
#: The WeChat command: 查询, the code, and optionally the password.
COMMAND = re.compile(r"^\s*查询\s*([A-Za-z0-9-]{6,24})(?:\s+(\S{1,30}))?\s*$")


@functools.cache
def _dummy_hash():
    # A real hash to check against when there is no letter: the same hasher time either way.
    return make_password("no-such-letter")


def _failures_key(code):
    return f"letter-lookup-failures:{code}"


def find_letter(letters, code, password):
    """The letter of `letters` (a queryset) with this code and password, else None. The
    answer and the time it takes are the same for an unknown code and a wrong password."""
    code = normalise_code(code)
    password = str(password or "")[:30]
    limit, seconds = settings.LETTER_LOOKUP_FAILURES
    if not VALID_CODE.fullmatch(code):
        check_password(password, _dummy_hash())
        return None
    letter = letters.filter(tracking_code=code).select_related("mailbox").first()
    paused = (cache.get(_failures_key(code)) or 0) >= limit
    if letter is None or paused:
        check_password(password, _dummy_hash())  # the hasher's time, as for a known code
        return None
    if not check_password(password, letter.password_hash):
        cache.add(_failures_key(code), 0, seconds)
        try:
            cache.incr(_failures_key(code))
        except ValueError:
            cache.set(_failures_key(code), 1, seconds)
        return None
    return letter


def letters_of_site(site):
    """Letters of the mailboxes under `site`'s root (a lookup never reaches another site's)."""
    mailboxes = MailboxPage.objects.descendant_of(site.root_page, inclusive=True)
    return Letter.objects.filter(mailbox__in=mailboxes)


def public_status(letter):
    return STATUS_LABELS.get(letter.status, letter.status)


def public_trail(letter):
    """[(time, label, note)] of the steps the writer may see, in order (interaction.handling
    says which those are)."""
    from .handling import ACTION_LABELS, public_events  # the handling steps' module, at use

    return [
        (event.at, ACTION_LABELS.get(event.action, event.action), event.note)
        for event in public_events(letter)
    ]


def can_evaluate(letter):
    return letter.status == LetterStatus.REPLIED and letter.satisfaction is None


def evaluation_token(letter):
    """Proof, for the evaluation form, that its sender gave the letter's password a moment ago."""
    return signing.dumps({"l": letter.pk}, salt=EVALUATION_SALT)


def letter_for_token(letters, token):
    try:
        data = signing.loads(str(token or ""), salt=EVALUATION_SALT, max_age=EVALUATION_MAX_AGE)
    except signing.BadSignature:
        return None
    return (
        letters.filter(pk=data.get("l")).select_related("mailbox").first() if isinstance(data, dict) else None
    )


def evaluate(letter, satisfaction, now=None):
    """Record the writer's satisfaction with the reply (once). False if it cannot be."""
    if not can_evaluate(letter):
        return False
    now = now or timezone.now()
    letter.satisfaction = satisfaction
    letter.evaluated_at = now
    letter.save()  # save(), not update(): the statistics' receivers see it
    LetterEvent.objects.create(letter=letter, at=now, action="evaluated")
    return True


# -- the text command (WeChat) ---------------------------------------------------------------


def answer_command(site, match):
    """The reply to "查询 <code> [<password>]" sent to `site`'s account. WeChat shows
    links (<a>) in a text message, so the writer's and handlers' text is escaped."""
    code, password = match.group(1), match.group(2)
    if not password:
        return _(
            "Please send the tracking code and the query password together, e.g. "
            "“查询 %(code)s your-password”."
        ) % {"code": normalise_code(code)}
    letter = find_letter(letters_of_site(site), code, password)
    if letter is None:
        return _("No letter matches this tracking code and password. Please check them and try again.")
    lines = [
        _("Letter %(code)s: %(title)s") % {"code": letter.tracking_code, "title": escape(letter.title)},
        _("Status: %(status)s") % {"status": public_status(letter)},
    ]
    if letter.status == LetterStatus.REJECTED and letter.rejection_reason:
        lines.append(_("Reason: %(reason)s") % {"reason": escape(letter.rejection_reason)})
    if letter.status == LetterStatus.REPLIED:
        lines.append(_("Reply from %(unit)s:") % {"unit": escape(letter.reply_unit)})
        lines.append(escape(letter.reply[:300]) + ("…" if len(letter.reply) > 300 else ""))
    url = letter.mailbox.get_full_url()
    if url:
        lines.append(_("Details and evaluation: %(url)s") % {"url": url + "chaxun/"})
    return "\n".join(lines)
