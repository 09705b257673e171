"""Admin registrations of the content app."""

from wagtail.snippets.models import register_snippet

from .budgets import wagtail_hooks as budget_hooks  # noqa: F401  (registers its hooks)
from .snippets import Organisation, SubjectCategory

register_snippet(Organisation)
register_snippet(SubjectCategory)
