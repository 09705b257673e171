"""A model field for a small set of choices stored as a JSON list (works on SQLite and
PostgreSQL alike, unlike ArrayField)."""

from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.module_loading import import_string


class MultipleChoiceField(models.JSONField):
    """Choices stored as a JSON list.

    `choices` is a list of (value, label), or a callable returning one, or the dotted path
    of such a callable. They are what a form offers and accepts, read when the form is
    built, and no part of the field's migration state: choices that come from
    configuration (a column's channels are the configured adapters') change without a
    migration. A form also shows the values the record already holds that are no longer
    choices (marked 未配置), so saving an old record never drops them silently.

    The model itself takes any list of names: a record does not turn invalid when the
    configuration changes, and values written by code beyond the current choices (demo
    columns that choose the app channel where no push provider is configured) are for the
    choices' owner to report (for columns, the system check channels.W001).
    """

    def __init__(self, *args, choices=None, **kwargs):
        self.choices_source = choices if choices is not None else []
        kwargs.setdefault("default", list)
        super().__init__(*args, **kwargs)

    def current_choices(self):
        source = self.choices_source
        if isinstance(source, str):
            source = import_string(source)
        return list(source() if callable(source) else source)

    def validate(self, value, model_instance):
        super().validate(value, model_instance)
        if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
            raise ValidationError("应为选项名称的列表", code="invalid")

    def formfield(self, **kwargs):
        return KeepingMultipleChoiceField(
            choices=self.current_choices,
            required=not self.blank,
            label=self.verbose_name,
            help_text=self.help_text,
            widget=forms.CheckboxSelectMultiple,
        )


class KeepingMultipleChoiceField(forms.TypedMultipleChoiceField):
    """Offers and accepts the field's current choices, plus the values the form starts with
    that are no longer among them (marked 未配置): those are kept unless unticked."""

    def get_bound_field(self, form, field_name):
        # Each form holds its own copy of the field: this changes one form's choices.
        choices = list(self.choices)
        offered = {value for value, _ in choices}
        initial = form.get_initial_for_field(self, field_name)
        kept = [v for v in initial if v not in offered] if isinstance(initial, list) else []
        if kept:
            self.choices = [*choices, *((v, f"{v}（未配置）") for v in kept)]
        return super().get_bound_field(form, field_name)
