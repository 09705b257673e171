"""Admin registrations of the content app.

Importing review_gate and rule_messages registers their admin hooks: why a posted 发布
saved a draft and the emergency route's log entry (cms/review_gate.py); the publishing
rules shown in the page editor at the fields that break them, refused submissions and
publications, refused approvals and the reviewers' comments (cms/rule_messages.py)."""

from wagtail import hooks
from wagtail.snippets.models import register_snippet

from . import review_gate, rule_messages  # noqa: F401 - their hooks
from .editor_desk import editor_desk_panel
from .snippets import Organisation, SubjectCategory

register_snippet(Organisation)
register_snippet(SubjectCategory)


# 信息采编 on the dashboard: "写信息" into the editor's own columns, their items in review.
@hooks.register("construct_homepage_panels")
def editor_desk(request, panels):
    editor_desk_panel(request, panels)
