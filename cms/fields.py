"""A model field for a small set of choices stored as a JSON list (works on SQLite and
PostgreSQL alike, unlike ArrayField)."""

from django import forms
from django.core.exceptions import ValidationError
from django.db import models


class MultipleChoiceField(models.JSONField):
    def __init__(self, *args, choices=None, **kwargs):
        self.multiple_choices = list(choices or [])
        kwargs.setdefault("default", list)
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        kwargs["choices"] = self.multiple_choices
        return name, path, args, kwargs

    def validate(self, value, model_instance):
        super().validate(value, model_instance)
        allowed = {key for key, _ in self.multiple_choices}
        unknown = [v for v in value or [] if v not in allowed]
        if unknown:
            raise ValidationError(
                "不支持的选项：%(values)s",
                code="invalid_choice",
                params={"values": ", ".join(map(str, unknown))},
            )

    def formfield(self, **kwargs):
        return forms.TypedMultipleChoiceField(
            choices=self.multiple_choices,
            required=not self.blank,
            label=self.verbose_name,
            help_text=self.help_text,
            widget=forms.CheckboxSelectMultiple,
        )
