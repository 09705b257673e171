"""Content rules that other apps add to publishing (accessibility/ registers its checks and
channels/ the WeChat article limits when they start). cms/ runs them wherever content
moves towards publication: the page editor's save, submit and publish
(cms.rule_messages) and a review step's approval (cms.workflow). cms/ never imports the
apps that register.

A check is `check(page)` → the reasons (in Chinese) why the page may not be published yet,
an empty list when it may. Each reason may be
  - a string: shown as it is, at no field;
  - a (field_name, message) pair: shown at that field of the page's edit form;
  - an object with `.message` and optionally `.field` (a model field name) and `.block`
    (the index of the top-level block of that StreamField that fails): shown at that
    block. Its `str()`, when its type defines one, is the whole reason (naming where it
    is) for lists away from the field; else `.message` is.
"""

from dataclasses import dataclass

_checks = []


@dataclass(frozen=True)
class Refusal:
    """One reason, normalised: `text` stands alone (messages, the reviewer's list); `note`
    is what the field itself shows (defaults to `text`)."""

    text: str
    field: str = ""
    block: int | None = None
    note: str = ""

    @property
    def field_text(self):
        return self.note or self.text

    def __str__(self):
        return self.text


def register(check):
    """Add a check (see the module's docstring); returns it, so it can decorate."""
    _checks.append(check)
    return check


def as_refusal(reason):
    if isinstance(reason, Refusal):
        return reason
    if isinstance(reason, tuple) and len(reason) == 2:
        field, message = reason
        return Refusal(text=str(message), field=field or "")
    if hasattr(reason, "message"):
        message = str(reason.message)
        own_str = type(reason).__str__ is not object.__str__
        return Refusal(
            text=str(reason) if own_str else message,
            field=getattr(reason, "field", "") or "",
            block=getattr(reason, "block", None),
            note=message,
        )
    return Refusal(text=str(reason))


def findings(page):
    """Every registered check's reasons for `page`, as Refusals, in registration order."""
    return [as_refusal(reason) for check in _checks for reason in check(page)]


def refusals(page):
    """The reasons as plain strings (what callers that only list them need)."""
    return [refusal.text for refusal in findings(page)]
