"""Admin registrations of the content app.

Importing review_gate and rule_messages registers their admin hooks: why a posted 发布
saved a draft and the emergency route's log entry (cms/review_gate.py); the publishing
rules shown in the page editor at the fields that break them, refused submissions and
publications, refused approvals and the reviewers' comments (cms/rule_messages.py)."""

from wagtail.snippets.models import register_snippet

from . import review_gate, rule_messages  # noqa: F401 - their hooks
from .snippets import Organisation, SubjectCategory

register_snippet(Organisation)
register_snippet(SubjectCategory)
