"""The forms of a mailbox's public pages: writing a letter (LetterForm), looking it up
(LookupForm) and evaluating the reply (EvaluationForm), with the interview form's
anti-spam measures (interaction/forms.py: the arithmetic question in words, its single-use
token, the hidden field) and per-address limits (settings.LETTER_RATE, LETTER_LOOKUP_RATE).
The web pages, WAP and the app API all validate through these forms."""

import re

from django import forms
from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .forms import ChallengeForm, over_limit
from .letter_submission import prepare_attachment
from .mailbox import CATEGORY_LABELS, SATISFACTION_LABELS

PHONE = re.compile(r"^\+?[0-9][0-9 -]{4,19}$")


def letter_rate_limited(sender, mailbox_id):
    return over_limit(f"letters:{mailbox_id}:{sender}", settings.LETTER_RATE)


def lookup_rate_limited(sender):
    return over_limit(f"letter-lookups:{sender}", settings.LETTER_LOOKUP_RATE)


class MultipleFileInput(forms.FileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one field (Django's documented pattern); the cleaned value is a list."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, (list, tuple)):
            return [single(item, initial) for item in data if item]
        return [single(data, initial)] if data else []


class LetterForm(ChallengeForm):
    field_order = [
        "category", "title", "content", "attachments", "name", "phone", "email", "address",
        "consent_publish", "password", "answer", "website",
    ]  # fmt: skip
    category = forms.ChoiceField(
        label=gettext_lazy("Category"), choices=[(key, label) for key, label in CATEGORY_LABELS.items()]
    )
    title = forms.CharField(label=gettext_lazy("Title"), max_length=100)
    content = forms.CharField(
        label=gettext_lazy("Your letter"), max_length=5000, widget=forms.Textarea(attrs={"rows": 8})
    )
    name = forms.CharField(label=gettext_lazy("Name (optional)"), max_length=50, required=False)
    phone = forms.CharField(label=gettext_lazy("Telephone (optional)"), max_length=20, required=False)
    email = forms.EmailField(label=gettext_lazy("Email (optional)"), required=False)
    address = forms.CharField(label=gettext_lazy("Postal address (optional)"), max_length=200, required=False)
    consent_publish = forms.BooleanField(
        label=gettext_lazy("I agree that my letter and its reply may be published (my name is masked)."),
        required=False,
    )
    attachments = MultipleFileField(label=gettext_lazy("Attachments (optional)"), required=False)
    password = forms.CharField(
        label=gettext_lazy("Query password (optional)"),
        min_length=6,
        max_length=30,
        required=False,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=gettext_lazy("Leave empty and one is made for you."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["attachments"].help_text = _(
            "Up to %(count)s files, each up to %(size)s MB: %(kinds)s."
        ) % {
            "count": settings.LETTER_ATTACHMENTS,
            "size": settings.LETTER_ATTACHMENT_MAX_BYTES // (1024 * 1024),
            "kinds": "、".join(settings.LETTER_ATTACHMENT_EXTENSIONS),
        }

    def _text(self, name, minimum):
        value = self.cleaned_data[name].strip()
        if "\x00" in value:
            raise forms.ValidationError(_("The text contains characters that are not allowed."))
        if len(value) < minimum:
            raise forms.ValidationError(_("Please write at least %(count)s characters.") % {"count": minimum})
        return value

    def clean_title(self):
        return self._text("title", 4)

    def clean_content(self):
        return self._text("content", 10)

    def clean_name(self):
        return self._text("name", 0)

    def clean_address(self):
        return self._text("address", 0)

    def clean_email(self):
        return self.cleaned_data["email"].strip().lower()

    def clean_phone(self):
        phone = self.cleaned_data["phone"].strip()
        if phone and not PHONE.match(phone):
            raise forms.ValidationError(_("Please enter a telephone number of digits only."))
        return phone.replace(" ", "").replace("-", "")

    def clean_password(self):
        password = self.cleaned_data["password"]
        if password and (password != password.strip() or not password.isprintable()):
            raise forms.ValidationError(_("The password may not contain spaces at either end."))
        return password

    def clean_attachments(self):
        uploads = self.cleaned_data["attachments"]
        if len(uploads) > settings.LETTER_ATTACHMENTS:
            raise forms.ValidationError(
                _("At most %(count)s attachments.") % {"count": settings.LETTER_ATTACHMENTS}
            )
        prepared, errors = [], []
        for upload in uploads:
            try:
                prepared.append(prepare_attachment(upload))
            except forms.ValidationError as error:
                errors.extend(error.messages)
        if errors:
            raise forms.ValidationError(errors)
        return prepared


class LookupForm(forms.Form):
    tracking_code = forms.CharField(label=gettext_lazy("Tracking code"), max_length=30)
    password = forms.CharField(
        label=gettext_lazy("Query password"),
        max_length=30,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "off"}),
    )


class EvaluationForm(forms.Form):
    satisfaction = forms.TypedChoiceField(
        label=gettext_lazy("How satisfied are you with the reply?"),
        choices=[(key, label) for key, label in SATISFACTION_LABELS.items()],
        coerce=int,
        widget=forms.RadioSelect,
    )
    token = forms.CharField(widget=forms.HiddenInput, max_length=500)
