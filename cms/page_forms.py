"""The page editor's form of every page type of the platform: Wagtail's, with the
publishing rules' findings (cms.publish_checks) shown as errors of the fields they
concern, at the very block of a StreamField.

cms.rule_messages runs the rules when the edit page is opened and leaves its findings on
the page (FINDINGS_ATTR) the view then builds this form for. Page types get the form
through `base_form_class` (cms.items.Item and the home page; a type with a form of its
own subclasses PageForm).

The form also gives a new page a short ASCII slug (cms.slugs) when the editor leaves it
empty or the editor's script filled it from a Chinese title, and adds other apps' live
hints to the fields' help texts (register_field_hint)."""

from django.core.exceptions import ValidationError
from django.forms.utils import ErrorDict
from wagtail.admin.forms import WagtailAdminPageForm
from wagtail.blocks import StreamBlockValidationError
from wagtail.blocks.base import BlockField

from .slugs import short_slug, wants_short_slug

#: The page attribute the edit page's rule check leaves its findings in.
FINDINGS_ATTR = "_publish_findings"

SLUG_HELP = "网址中的名称。留空或由中文标题自动生成时，保存时改为简短的英文数字网址（如 gzdt-168）。"

#: Live hints of other apps: callables (page, parent page) → {field name: text}, added to
#: the fields' help texts (WeChat's title limit in a column that delivers to WeChat). A
#: hint only explains; the rules themselves are cms.publish_checks'.
FIELD_HINTS = []


def register_field_hint(hint):
    if hint not in FIELD_HINTS:
        FIELD_HINTS.append(hint)
    return hint


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
        if self._is_new_child() and "slug" in self.fields:
            # Left empty (or auto-filled from a Chinese title), clean_slug gives a short one.
            self.fields["slug"].required = False
            self.fields["slug"].help_text = SLUG_HELP
        for hint in FIELD_HINTS:
            for name, text in (hint(self.instance, self.parent_page) or {}).items():
                if name in self.fields:
                    field = self.fields[name]
                    field.help_text = _joined(str(field.help_text or ""), text)

    def _is_new_child(self):
        return self.instance._state.adding and self.parent_page is not None and self.parent_page.depth > 1

    def _is_unpublished_draft(self):
        return not self.instance._state.adding and self.instance.pk and not self.instance.first_published_at

    def clean_slug(self):
        slug = self.cleaned_data.get("slug")
        if not wants_short_slug(slug, self.data.get("title", "")):
            return slug
        if self._is_new_child():
            return short_slug(self.parent_page)
        if self._is_unpublished_draft():
            # Until first published, Wagtail's editor keeps filling the slug from the title,
            # and its autosave posts that: keep the short slug the draft was given.
            kept = (
                type(self.instance).objects.filter(pk=self.instance.pk).values_list("slug", flat=True).first()
            )
            if kept and kept.isascii():
                return kept
            return short_slug(self.instance.get_parent(), page=self.instance)
        return slug


def _joined(help_text, hint):
    if not help_text:
        return hint
    return help_text + ("" if help_text.endswith(("。", ".", "；")) else "。") + hint


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
