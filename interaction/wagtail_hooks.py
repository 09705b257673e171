"""Moderation in the admin: live text entries and the public's questions as snippets
(questions listed newest first; approving is setting 审核状态 to 已通过)."""

from wagtail.snippets.models import register_snippet

from .interviews import LiveEntry, Question

register_snippet(LiveEntry)
register_snippet(Question)
