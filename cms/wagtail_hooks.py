"""Admin registrations of the content app."""

from wagtail.snippets.models import register_snippet

from .snippets import Organisation, SubjectCategory

register_snippet(Organisation)
register_snippet(SubjectCategory)

# The review gate's admin hooks (why a posted 发布 saved a draft; the emergency route's log
# entry). Also imported with the page models, which use its permission tester.
from . import review_gate  # noqa: E402, F401

# The publishing rules shown in the page editor at the fields that break them, refused
# submissions and publications, refused approvals and the reviewers' comments
# (cms/rule_messages.py), and every page type's edit form the field errors they need.
from .rule_messages import install_page_forms  # noqa: E402

install_page_forms()
