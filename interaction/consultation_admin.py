"""Consultations and surveys in the admin: moderation of the public's comments, a survey's
responses as CSV, and the missing-feedback flag on the dashboard.

- Comments are snippets (listed newest first; approving is setting 审核状态 to 已通过). A
  moderator holds the model's permissions and sees, chooses and edits only the comments
  of consultations they may edit (sites/admin_scope.py, PageScopedPermissionPolicy), like
  interview questions.
- A survey's editors (those who may edit its page) download its responses as CSV from
  the page's header menu (调查结果导出), written answers included: they are the editors'
  to read, never the public's.
- The dashboard panel 待发布反馈意见 lists the user's consultations and surveys that closed
  more than CONSULTATION_FEEDBACK_DAYS days ago without a feedback notice: the editors who
  must write it see it each time they open the admin.
"""

import csv

from django.http import Http404, HttpResponse
from django.urls import path, reverse
from django.utils import timezone
from wagtail import hooks
from wagtail.admin.ui.components import Component
from wagtail.admin.widgets import Button
from wagtail.permissions import register_permission_policy
from wagtail.snippets.models import register_snippet

from cms.csv_cells import csv_cell
from sites.admin_scope import PageScopedPermissionPolicy, editable_pages
from sites.admin_views import PageScopedSnippetViewSet

from .consultations import ConsultationComment, overdue_feedback
from .surveys import QuestionKind, SurveyPage

register_permission_policy(ConsultationComment, PageScopedPermissionPolicy(ConsultationComment, "page"))


class ConsultationCommentViewSet(PageScopedSnippetViewSet):
    model = ConsultationComment
    icon = "comment"
    list_display = ["__str__", "page", "section_label", "status", "submitted_at"]
    list_filter = ["status"]
    # A comment is the public's: moderators approve or hide it, they do not write new ones.
    add_view_enabled = False
    copy_view_enabled = False


register_snippet(ConsultationCommentViewSet)


# -- survey responses as CSV ------------------------------------------------------------------


def response_rows(page):
    """The CSV's rows: a header, then one row per response (options by their text)."""
    questions = list(page.questions.all())
    yield ["序号", "提交时间", *[f"{i}. {q.text}" for i, q in enumerate(questions, 1)]]
    for n, response in enumerate(page.responses.order_by("submitted_at", "pk").iterator(), 1):
        row = [n, timezone.localtime(response.submitted_at).strftime("%Y-%m-%d %H:%M")]
        for question in questions:
            value = response.answers.get(str(question.pk))
            options = question.option_list()
            if value is None:
                row.append("")
            elif question.kind == QuestionKind.TEXT:
                row.append(value)
            else:
                chosen = value if isinstance(value, list) else [value]
                row.append(
                    "；".join(options[i] for i in chosen if isinstance(i, int) and 0 <= i < len(options))
                )
        yield [csv_cell(v) for v in row]


def export_responses(request, page_id):
    page = SurveyPage.objects.filter(pk=page_id, pk__in=editable_pages(request.user).values("pk")).first()
    if page is None:
        raise Http404
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="survey-{page.pk}-responses.csv"'
    response.write("\ufeff")  # so that spreadsheet programs read the Chinese as UTF-8
    writer = csv.writer(response)
    for row in response_rows(page):
        writer.writerow(row)
    return response


@hooks.register("register_admin_urls")
def consultation_admin_urls():
    return [path("surveys/<int:page_id>/responses.csv", export_responses, name="interaction_survey_export")]


@hooks.register("register_page_header_buttons")
def survey_export_button(page, user, view_name=None, next_url=None):
    if page.specific_class is not SurveyPage or not page.permissions_for_user(user).can_edit():
        return []
    return [
        Button(
            "调查结果导出（CSV）",
            reverse("interaction_survey_export", args=[page.pk]),
            icon_name="download",
            priority=68,
        )
    ]


# -- the missing-feedback flag ------------------------------------------------------------------


class FeedbackPanel(Component):
    name = "feedback_missing"
    template_name = "interaction/admin/feedback_panel.html"
    order = 65

    def __init__(self, pages):
        self.pages = pages

    def get_context_data(self, parent_context):
        context = super().get_context_data(parent_context)
        context["pages"] = self.pages
        return context


@hooks.register("construct_homepage_panels")
def feedback_panel(request, panels):
    pages = overdue_feedback(editable_pages(request.user))
    if pages:
        panels.append(FeedbackPanel(pages))
