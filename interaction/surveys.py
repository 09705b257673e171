"""Online surveys (网上调查, I04): a questionnaire (single choice, multiple choice, free text;
any of them required) open between two times, its responses, and the results, published
when it closes, with the same feedback notice as a consultation (consultations.Participation).

One response per person, without asking who the person is. A response carries two keys,
neither of which names anyone:
  - `token`: a random token the browser keeps in a signed cookie after answering; a second
    answer from the same browser is refused;
  - `sender`: a keyed hash of the network address (interaction.forms.sender_key), counted
    against settings.SURVEY_RESPONSE_RATE (a few per address and day).
The trade-off: a strict one-per-address rule would shut out everyone behind an office's,
school's or carrier's shared address, so the address only limits volume, and someone who
clears their cookies can answer again, a few times a day at most. Stronger rules need an
identity (a phone number, a login), which is more personal data than a survey needs.

Answers are stored compactly, one JSON object per response: {question id: option index,
[option indexes] or text}. Free-text answers are never published; editors export them.
"""

from django import forms
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy
from modelcluster.fields import ParentalKey
from wagtail.admin.panels import FieldPanel, InlinePanel
from wagtail.models import Orderable, Page
from wagtail.rich_text import get_text_for_indexing
from wagtail.search import index

from cms.items import Item, SearchDocument
from cms.pages import ColumnType

from .consultations import Participation, Phase


class QuestionKind(models.TextChoices):
    SINGLE = "single", "单选"
    MULTIPLE = "multiple", "多选"
    TEXT = "text", "填空（文字）"


class SurveyPage(Item, Participation, Page):
    """A questionnaire; its results are public once it has closed."""

    # Open or closed by the clock, results once closed: rendered per request.
    publish_as_file = False

    summary = models.TextField(gettext_lazy("Summary"), max_length=1000)
    organisation = models.ForeignKey(
        "cms.Organisation",
        verbose_name=gettext_lazy("Organisation asking"),
        on_delete=models.PROTECT,
        related_name="surveys",
    )
    participation_kind = "surveys"
    phase_labels = {
        Phase.UPCOMING: gettext_lazy("Not yet open"),
        Phase.OPEN: gettext_lazy("In progress"),
        Phase.CLOSED: gettext_lazy("Closed"),
    }

    content_panels = (
        Page.content_panels
        + [FieldPanel("summary"), FieldPanel("organisation")]
        + Participation.period_panels
        + [InlinePanel("questions", label="调查问题", min_num=1)]
        + Participation.feedback_panels
    )
    search_fields = Page.search_fields + [index.SearchField("summary")]
    parent_page_types = ["cms.ColumnPage"]
    subpage_types = []
    template = "interaction/survey_page.html"

    item_key = "survey"
    item_label = gettext_lazy("Online survey")
    allowed_column_types = (ColumnType.SURVEY,)
    reserves_column_types = True
    api_serializer = "interaction.consultation_api.SurveySerializer"
    wechat_source = "interaction.consultation_wechat.SurveySource"
    wap_view = "interaction.consultation_wap.survey_view"

    class Meta:
        verbose_name = gettext_lazy("Online survey")

    # -- the item protocol (cms.items) -----------------------------------------------------

    def search_document(self):
        questions = [q.text for q in self.questions.all()]
        parts = [
            self.summary,
            "\n".join(questions),
            get_text_for_indexing(self.feedback) if self.feedback else "",
        ]
        return SearchDocument(parts=parts, meta=[self.organisation.name])

    def item_moment(self):
        return self.opens_at

    # -- results ---------------------------------------------------------------------------

    def results(self):
        """(number of responses, [(question, answered, [(option, count, percent)])]) over
        the choice questions; percent of those who answered the question (a multiple choice
        question's add up to more than 100). Free-text questions are listed without counts:
        their answers are not published."""
        questions = list(self.questions.all())
        counts = {q.pk: [0] * len(q.option_list()) for q in questions}
        answered = dict.fromkeys(counts, 0)
        total = 0
        for answers in self.responses.values_list("answers", flat=True).iterator():
            total += 1
            for question in questions:
                value = answers.get(str(question.pk))
                if value in (None, "", []) or question.kind == QuestionKind.TEXT:
                    continue
                answered[question.pk] += 1
                for index_ in value if isinstance(value, list) else [value]:
                    if isinstance(index_, int) and 0 <= index_ < len(counts[question.pk]):
                        counts[question.pk][index_] += 1
        rows = []
        for question in questions:
            n = answered[question.pk]
            options = [
                (option, count, round(100 * count / n, 1) if n else 0.0)
                for option, count in zip(question.option_list(), counts[question.pk], strict=True)
            ]
            rows.append((question, n, options))
        return total, rows

    def get_context(self, request, *args, **kwargs):
        from .consultation_forms import SurveyForm

        context = super().get_context(request, *args, **kwargs)
        context["phase"] = phase = self.phase()
        context["response_count"] = self.responses.count()
        if phase == Phase.CLOSED:
            context["total"], context["results"] = self.results()
        elif phase == Phase.OPEN:
            context.setdefault("form", SurveyForm(page=self))
        return context


class SurveyQuestion(Orderable):
    """One question of a survey; its options one per line (choice questions)."""

    page = ParentalKey(SurveyPage, related_name="questions", on_delete=models.CASCADE)
    text = models.CharField(gettext_lazy("Question"), max_length=300)
    kind = models.CharField(
        gettext_lazy("Kind"), max_length=10, choices=QuestionKind.choices, default=QuestionKind.SINGLE
    )
    required = models.BooleanField(gettext_lazy("Required"), default=True)
    options = models.TextField(
        gettext_lazy("Options"),
        blank=True,
        help_text=gettext_lazy("One option per line (for single and multiple choice questions)."),
    )

    panels = [FieldPanel("text"), FieldPanel("kind"), FieldPanel("required"), FieldPanel("options")]

    def __str__(self):
        return self.text

    def clean(self):
        from django.core.exceptions import ValidationError

        if self.kind != QuestionKind.TEXT and len(self.option_list()) < 2:
            raise ValidationError({"options": "选择题至少需要两个选项，每行一个。"})

    def option_list(self):
        if self.kind == QuestionKind.TEXT:
            return []
        return [line.strip() for line in (self.options or "").splitlines() if line.strip()]

    def form_field(self):
        """The field of the response form that asks this question: radio buttons, check
        boxes or a text box (options are posted by position)."""
        choices = [(str(i), option) for i, option in enumerate(self.option_list())]
        if self.kind == QuestionKind.SINGLE:
            field = forms.ChoiceField(choices=choices, widget=forms.RadioSelect)
        elif self.kind == QuestionKind.MULTIPLE:
            field = forms.MultipleChoiceField(choices=choices, widget=forms.CheckboxSelectMultiple)
        else:
            field = forms.CharField(max_length=1000, widget=forms.Textarea(attrs={"rows": 3}))
        field.required = self.required
        field.label = self.text
        return field

    def stored_answer(self, value):
        """The compact value SurveyResponse.answers keeps of a cleaned answer, or None
        when the question was left unanswered."""
        if self.kind == QuestionKind.SINGLE and value not in (None, ""):
            return int(value)
        if self.kind == QuestionKind.MULTIPLE and value:
            return sorted(int(v) for v in value)
        if self.kind == QuestionKind.TEXT and value and value.strip():
            return value.strip()
        return None


class SurveyResponse(models.Model):
    """One person's answers to a survey (see the module's docstring for what "person" means)."""

    page = models.ForeignKey(
        SurveyPage, verbose_name=gettext_lazy("Survey"), on_delete=models.CASCADE, related_name="responses"
    )
    submitted_at = models.DateTimeField(gettext_lazy("Submitted at"), default=timezone.now)
    answers = models.JSONField(gettext_lazy("Answers"), default=dict)
    # The browser's token and a keyed hash of the address: no one can be named from them.
    token = models.CharField(max_length=64, editable=False)
    sender = models.CharField(max_length=64, editable=False, blank=True)

    class Meta:
        verbose_name = gettext_lazy("Survey response")
        verbose_name_plural = gettext_lazy("Survey responses")
        ordering = ["submitted_at", "pk"]
        constraints = [models.UniqueConstraint(fields=["page", "token"], name="one_response_per_token")]

    def __str__(self):
        return f"{self.page_id}#{self.pk}"
