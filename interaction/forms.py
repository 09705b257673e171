"""The public question form of an interview, with its anti-spam measures: an arithmetic
question in words (readable by screen readers, no image), a signed token that expires, a
field people never see, and a per-address rate limit (settings.INTERVIEW_QUESTION_RATE)."""

import hashlib
import hmac
import secrets

from django import forms
from django.conf import settings
from django.core import signing
from django.core.cache import cache
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from sites.client_address import client_address

CHALLENGE_SALT = "interaction.interview-challenge"
CHALLENGE_MAX_AGE = 60 * 60
NUMBERS = "零一二三四五六七八九十"


def _digest(nonce, answer):
    key = settings.SECRET_KEY.encode()
    return hmac.new(key, f"{CHALLENGE_SALT}:{nonce}:{answer}".encode(), hashlib.sha256).hexdigest()


def new_challenge():
    """(question text, token); the token holds a keyed hash of the answer, not the answer."""
    a, b = secrets.randbelow(9) + 1, secrets.randbelow(9) + 1
    nonce = secrets.token_hex(8)
    token = signing.dumps({"n": nonce, "h": _digest(nonce, a + b)}, salt=CHALLENGE_SALT)
    return f"{NUMBERS[a]}加{NUMBERS[b]}等于几？", token


def check_challenge(token, answer):
    """True for the right answer to a token that has not been answered before: a token is
    single-use (its nonce is remembered in the cache, shared by every worker, for as long as
    the token is valid), so one solved question cannot post a batch."""
    try:
        data = signing.loads(token, salt=CHALLENGE_SALT, max_age=CHALLENGE_MAX_AGE)
        value = int(str(answer).strip())
    except (signing.BadSignature, ValueError, TypeError):
        return False
    nonce = str(data.get("n", ""))
    if not hmac.compare_digest(data.get("h", ""), _digest(nonce, value)):
        return False
    # cache.add is atomic: of two submissions racing with one token, one wins.
    return cache.add(f"interview-challenge-used:{nonce}", 1, CHALLENGE_MAX_AGE)


def sender_key(request):
    address = client_address(request)
    return hmac.new(settings.SECRET_KEY.encode(), address.encode(), hashlib.sha256).hexdigest()


def over_limit(key, rate):
    """Count one use of `key`; True when it is over `rate` (count, seconds) in the window.
    The one rate limiter of the public forms (interviews, letters, consultations, surveys)."""
    limit, seconds = rate
    cache.add(key, 0, seconds)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, seconds)
        count = 1
    return count > limit


def rate_limited(sender, interview_id):
    """Count one question; True when the sender is over the limit for this window."""
    return over_limit(f"interview-questions:{interview_id}:{sender}", settings.INTERVIEW_QUESTION_RATE)


class ChallengeForm(forms.Form):
    """A public form with the verification question and the trap field; a subclass puts
    its own fields first (field_order). `challenge=False` leaves the question out, for a
    caller that checked it another way (the app API's challenge endpoint)."""

    answer = forms.CharField(label=gettext_lazy("Verification question"), max_length=4)
    # Hidden from people (and from assistive technology); bots fill it in.
    website = forms.CharField(required=False, label=gettext_lazy("Leave this field empty"))

    def __init__(self, *args, challenge=True, **kwargs):
        super().__init__(*args, **kwargs)
        self.uses_challenge = challenge
        if challenge:
            # Every rendering asks a new question; the submitted token is checked in clean().
            self.challenge, self.token = new_challenge()
            self.fields["answer"].label = _("Verification question: %(question)s (answer in digits)") % {
                "question": self.challenge
            }
        else:
            del self.fields["answer"]

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("website"):
            raise forms.ValidationError(_("The submission did not pass the check."))
        if self.uses_challenge and "answer" in cleaned:
            if not check_challenge(self.data.get("token", ""), cleaned["answer"]):
                self.add_error(
                    "answer",
                    _("Wrong or expired answer to the verification question. Please answer the new one."),
                )
        return cleaned


class QuestionForm(ChallengeForm):
    field_order = ["nickname", "text", "answer", "website"]

    nickname = forms.CharField(label=gettext_lazy("Nickname"), max_length=30)
    text = forms.CharField(
        label=gettext_lazy("Your question"), max_length=500, widget=forms.Textarea(attrs={"rows": 4})
    )

    def __init__(self, *args, interview=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.interview = interview

    def clean_nickname(self):
        return self.cleaned_data["nickname"].strip()

    def clean_text(self):
        text = self.cleaned_data["text"].strip()
        if len(text) < 5:
            raise forms.ValidationError(_("The question is too short: please write at least 5 characters."))
        return text
