"""Moderation in the admin: live text entries and the public's questions as snippets
(questions listed newest first; approving is setting 审核状态 to 已通过).

Both belong to an interview, and so to its site: a moderator holds the model's permission
(moderate questions, post live text) and sees, chooses and edits only the entries and
questions of interviews they may edit (sites/admin_scope.py, PageScopedPermissionPolicy).
Without the model's permission nothing is listed, not even in the snippet chooser.
"""

from wagtail.permissions import register_permission_policy
from wagtail.snippets.models import register_snippet

from sites.admin_scope import PageScopedPermissionPolicy
from sites.admin_views import PageScopedSnippetViewSet

from . import broadcast_admin, consultation_admin, letter_admin, statistics_admin  # noqa: F401  (their hooks)
from .interviews import LiveEntry, Question

for model in (LiveEntry, Question):
    register_permission_policy(model, PageScopedPermissionPolicy(model, "interview"))


class LiveEntryViewSet(PageScopedSnippetViewSet):
    model = LiveEntry


class QuestionViewSet(PageScopedSnippetViewSet):
    model = Question
    # A question is the public's: moderators answer it, they do not write new ones.
    copy_view_enabled = False


register_snippet(LiveEntryViewSet)
register_snippet(QuestionViewSet)
