"""The page editor's form of every page type of the platform: Wagtail's, with the
publishing rules' findings (cms.publish_checks) shown as errors of the fields they
concern, at the very block of a StreamField.

cms.rule_messages runs the rules when the edit page is opened and leaves its findings on
the page (FINDINGS_ATTR) the view then builds this form for. Page types get the form
through `base_form_class` (cms.items.Item and the home page; a type with a form of its
own subclasses PageForm)."""

from django.core.exceptions import ValidationError
from django.forms.utils import ErrorDict
from wagtail.admin.forms import WagtailAdminPageForm
from wagtail.blocks import StreamBlockValidationError
from wagtail.blocks.base import BlockField

#: The page attribute the edit page's rule check leaves its findings in.
FINDINGS_ATTR = "_publish_findings"


class PageForm(WagtailAdminPageForm):
    """Shows the findings stashed on the page as errors of its fields, in an unbound form
    (the edit view's GET). A bound form is never touched, so saving a draft is never
    blocked by a rule."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        found = getattr(self.instance, FINDINGS_ATTR, None)
        if found and not self.is_bound:
            self._errors = ErrorDict()
            for name, error in field_errors(found, self.fields).items():
                self._errors[name] = self.error_class([error], renderer=self.renderer)


def field_errors(found, fields):
    """{form field name: one ValidationError} for the findings that name a field of the
    form. A StreamField gets a StreamBlockValidationError, its messages at their blocks."""
    by_field = {}
    for refusal in found:
        if refusal.field in fields:
            by_field.setdefault(refusal.field, []).append(refusal)
    errors = {}
    for name, refusals in by_field.items():
        if isinstance(fields[name], BlockField):
            blocks = {}
            for refusal in refusals:
                if refusal.block is not None:
                    blocks.setdefault(refusal.block, []).append(refusal.field_text)
            errors[name] = StreamBlockValidationError(
                block_errors={index: ValidationError(texts) for index, texts in blocks.items()},
                non_block_errors=[r.text for r in refusals if r.block is None],
            )
        else:
            errors[name] = ValidationError([r.field_text for r in refusals])
    return errors
