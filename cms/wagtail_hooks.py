"""Admin registrations of the content app."""

from wagtail.snippets.models import register_snippet

from .snippets import Organisation, SubjectCategory

register_snippet(Organisation)
register_snippet(SubjectCategory)
