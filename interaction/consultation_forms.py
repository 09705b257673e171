"""The public forms of consultations and surveys: a comment on one article of a draft (or
on the whole draft), and a survey's questionnaire. Both work without JavaScript and use
the interview form's anti-spam measures (interaction.forms: the arithmetic question in
words, its single-use token, the field people never see) and a per-address rate limit."""

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .forms import ChallengeForm


def rate_limit_text(rate):
    """(limit, minutes) for the form's help text."""
    limit, seconds = rate
    return limit, max(1, seconds // 60)


class CommentForm(ChallengeForm):
    """A comment on one article of the draft, or on the whole of it."""

    field_order = ["anchor", "nickname", "text", "answer", "website"]

    anchor = forms.ChoiceField(label=gettext_lazy("Which part of the draft"), required=False)
    nickname = forms.CharField(label=gettext_lazy("Nickname (optional)"), max_length=30, required=False)
    text = forms.CharField(
        label=gettext_lazy("Your comment"), max_length=2000, widget=forms.Textarea(attrs={"rows": 5})
    )

    def __init__(self, *args, page=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.page = page
        choices = [("", _("The whole draft"))]
        choices += [(s.anchor, s.label) for s in page.sections.all()] if page is not None else []
        self.fields["anchor"].choices = choices

    def clean_nickname(self):
        return self.cleaned_data["nickname"].strip()

    def clean_text(self):
        text = self.cleaned_data["text"].strip()
        if len(text) < 5:
            raise forms.ValidationError(_("The comment is too short: please write at least 5 characters."))
        return text


class SurveyForm(ChallengeForm):
    """A survey's questions as fields named q<question id>: radio buttons, check boxes or a
    text box, each rendered in a fieldset with its legend (survey_page.html)."""

    def __init__(self, *args, page=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.page = page
        self.questions = list(page.questions.all())
        fields = {}
        for question in self.questions:
            field = question.form_field()
            field.error_messages["required"] = _("Please answer this question.")
            fields[f"q{question.pk}"] = field
        # The questions first, in order; the verification question after them.
        self.fields = {**fields, **self.fields}

    def question_fields(self):
        """(question, bound field) in the survey's order."""
        return [(q, self[f"q{q.pk}"]) for q in self.questions]

    def answers(self):
        """The compact form stored in SurveyResponse.answers: answered questions only."""
        stored = {}
        for question in self.questions:
            value = question.stored_answer(self.cleaned_data.get(f"q{question.pk}"))
            if value is not None:
                stored[str(question.pk)] = value
        return stored
