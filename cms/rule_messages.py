"""The publishing rules (cms.publish_checks) shown where they can be fixed: in the page
editor, in Chinese, at the field — at the very block of a StreamField — that breaks them.

- Save (a draft): saved as always; a warning lists what must change before it can be
  submitted or published.
- Submit for review (提交审核, also restarting a workflow): refused while a rule fails. The
  submitted form is checked before Wagtail acts on it; if it breaks a rule the post is
  turned into a plain save, so the draft is kept, no workflow starts, and the editor is
  told why.
- Publish (发布): refused while a rule fails (before_publish_page, after Wagtail saved the
  revision): the page stays a draft and the editor is told why.
- The edit page (GET): every failing rule is an error of the field it names (the
  StreamField's own block error where the rule knows the block); a rule the form has no
  field for is listed at the top. A reviewer of the current step is told up front that
  the content cannot be approved as it is, or that they are its last editor.
- A refused approval (cms.workflow) lands on the edit page with the reason.
- The reviewers' comments of the current review (请求修改 and approvals) are shown at the
  top of the edit page: step, reviewer, time, comment.

The field errors are shown by the page types' edit form (cms.page_forms.PageForm), from
what the before_edit_page hook found and stashed on the page the view builds its form for.
cms/wagtail_hooks.py imports this module.
"""

from django.contrib import messages
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from wagtail import hooks
from wagtail.models import Page, TaskState

from . import publish_checks
from .page_forms import FINDINGS_ATTR
from .workflow import (
    REFUSED_PARAM,
    SELF_APPROVAL_MESSAGE,
    approval_refusal,
    last_editor_id,
    refused_approval_url,
)

SUBMIT_ACTIONS = ("action-submit", "action-restart-workflow")
SAVE_WARNING = "已保存草稿。有 %(count)d 处内容不符合发布要求，提交审核或发布前须修改（已在相应字段标出）："
SUBMIT_REFUSED = "未提交审核：有 %(count)d 处内容不符合发布要求，修改已保存为草稿。请修改后再提交审核。"
PUBLISH_REFUSED = "未发布：有 %(count)d 处内容不符合发布要求，已保存为草稿。请修改后再发布。"
REVIEW_NOTICE = "审核提示：该内容不符合发布要求，不能审核通过，请退回修改：%(reasons)s"
UNPLACED_NOTICE = "该内容不符合发布要求，提交审核或发布前须修改：%(reasons)s"
COMMENT_MESSAGE = "审核意见（%(step)s·%(who)s，%(when)s，%(verdict)s）：%(comment)s"

#: The request attribute saying a submission was turned into a save, with its findings.
REFUSED_ATTR = "_publish_refused"
#: The request attribute holding the review step an edit-view approval acts on.
TASK_STATE_ATTR = "_approving_task_state"


# -- helpers ---------------------------------------------------------------------------


def _wants_html(request):
    # Autosave and the create view's hydration ask for JSON or partials: no messages there.
    return request.accepts("text/html") and not request.GET.get("_w_hydrate_create_view")


def _form_fields(page_class):
    return set(page_class.get_edit_handler().get_form_options().get("fields") or [])


def _submitted_findings(request, instance, parent):
    """The findings on the content as posted (the form applied to `instance`, a throwaway
    copy), or [] when the form is invalid: the view then shows its own errors."""
    form_class = type(instance).get_edit_handler().get_form_class()
    form = form_class(
        request.POST, request.FILES, instance=instance, parent_page=parent, for_user=request.user
    )
    if not form.is_valid():
        return []
    return publish_checks.findings(form.instance)


def _refuse_submission(request, found):
    """Turn the posted submission into a save (the view then saves a draft and starts no
    workflow) and remember why, for the after_* hook's message."""
    post = request.POST.copy()
    for action in SUBMIT_ACTIONS:
        post.pop(action, None)
    post._mutable = False
    request.POST = post
    setattr(request, REFUSED_ATTR, found)


def _say_all(request, level, headline, found):
    level(request, headline % {"count": len(found)})
    for refusal in found:
        level(request, refusal.text)


def _after_save(request, page):
    """after_edit_page / after_create_page of a plain save (or a refused submission)."""
    refused = getattr(request, REFUSED_ATTR, None)
    if refused:
        _say_all(request, messages.error, SUBMIT_REFUSED, refused)
        return
    found = publish_checks.findings(page)
    if found:
        _say_all(request, messages.warning, SAVE_WARNING, found)


def _was_plain_save(request, page):
    post = request.POST
    if any(post.get(action) for action in SUBMIT_ACTIONS):
        return False  # submitted: the rules passed
    if post.get("action-workflow-action") or post.get("action-cancel-workflow"):
        return False
    if post.get("action-publish") and page.live and not page.has_unpublished_changes:
        return False  # published: the rules passed
    return True


def _pending_messages(request):
    # Iterating marks them used; the edit page shows them in this same response.
    return list(messages.get_messages(request))


def _reviewer_actions(page, user):
    task = page.current_workflow_task
    return task.specific.get_actions(page, user) if task is not None else []


def _step_label(task_state):
    # "北湖区人民政府·初审" → "初审"
    return task_state.task.name.rsplit("·", 1)[-1]


def _who(user):
    if user is None:
        return "系统"
    return user.get_full_name() or user.get_username()


# -- the edit page (GET) -----------------------------------------------------------------


def _show_rules(request, page):
    found = publish_checks.findings(page)
    setattr(page, FINDINGS_ATTR, found)  # the form shows them at their fields
    refused_step = request.GET.get(REFUSED_PARAM)
    if refused_step:
        _say_why_approval_was_refused(request, page, refused_step, found)
        return
    already_told = _pending_messages(request)  # right after a save that listed them
    actions = _reviewer_actions(page, request.user) if page.workflow_in_progress else []
    if actions and not any(name == "approve" for name, _label, _modal in actions):
        if last_editor_id(page) == request.user.pk:
            messages.info(request, SELF_APPROVAL_MESSAGE)
    if not found or already_told:
        return
    if any(name == "approve" for name, _label, _modal in actions):
        reasons = "；".join(r.text for r in found)
        messages.warning(request, REVIEW_NOTICE % {"reasons": reasons})
        return
    fields = _form_fields(type(page))
    unplaced = [r for r in found if r.field not in fields]
    if unplaced:
        messages.warning(request, UNPLACED_NOTICE % {"reasons": "；".join(r.text for r in unplaced)})


def _say_why_approval_was_refused(request, page, task_state_id, found):
    """The edit page cms.workflow sends a refused approval to: the reason, recomputed (so
    an old or altered address says nothing untrue)."""
    step = TaskState.objects.filter(
        pk=task_state_id if str(task_state_id).isdigit() else None,
        workflow_state__object_id=str(page.pk),
        status=TaskState.STATUS_IN_PROGRESS,
    ).first()
    if step is None:
        return
    refusal = approval_refusal(page, request.user, [r.text for r in found])
    if refusal:
        messages.error(request, refusal)


def _show_review_comments(request, page):
    """The comments reviewers left in the page's current review, oldest first."""
    state = page.current_workflow_state
    if state is None:
        return
    finished = (
        TaskState.objects.filter(
            workflow_state=state, status__in=[TaskState.STATUS_REJECTED, TaskState.STATUS_APPROVED]
        )
        .exclude(comment="")
        .select_related("task", "finished_by")
        .order_by("finished_at", "pk")
    )
    for task_state in finished:
        rejected = task_state.status == TaskState.STATUS_REJECTED
        text = COMMENT_MESSAGE % {
            "step": _step_label(task_state),
            "who": _who(task_state.finished_by),
            "when": timezone.localtime(task_state.finished_at).strftime("%Y-%m-%d %H:%M"),
            "verdict": "退回修改" if rejected else "审核通过",
            "comment": task_state.comment,
        }
        (messages.warning if rejected else messages.info)(request, text)


# -- hooks -------------------------------------------------------------------------------


@hooks.register("before_edit_page")
def rules_before_edit(request, page):
    if request.method == "GET":
        if _wants_html(request):
            _show_rules(request, page)
            _show_review_comments(request, page)
        return None
    if request.method != "POST":
        return None
    if request.POST.get("action-workflow-action"):
        step = page.current_workflow_task_state
        setattr(request, TASK_STATE_ATTR, step.pk if step else None)
    elif any(request.POST.get(action) for action in SUBMIT_ACTIONS):
        # A throwaway copy: the view's own page must stay as loaded, or its form would
        # see no changes.
        fresh = page.specific_class.objects.get(pk=page.pk).get_latest_revision_as_object()
        found = _submitted_findings(request, fresh, page.get_parent())
        if found:
            _refuse_submission(request, found)
    return None


@hooks.register("after_edit_page")
def rules_after_edit(request, page):
    if request.method != "POST" or not _wants_html(request):
        return None
    if request.POST.get("action-workflow-action") and request.POST.get("workflow-action-name") == "approve":
        return _after_approval(request, page)
    if _was_plain_save(request, page):
        _after_save(request, page)
    return None


def _after_approval(request, page):
    """The edit view's approve button: a refused approval (still the same step) goes to
    the edit page that says why. (A post whose approve was not offered was saved as a
    draft by Wagtail; the same applies.)"""
    before = getattr(request, TASK_STATE_ATTR, None)
    step = Page.objects.get(pk=page.pk).current_workflow_task_state
    if before is None or step is None or step.pk != before:
        return None  # approved: the workflow moved on
    return redirect(refused_approval_url(page, step))


@hooks.register("before_create_page")
def rules_before_create(request, parent_page, page_class):
    if request.method != "POST" or not any(request.POST.get(action) for action in SUBMIT_ACTIONS):
        return None
    fresh = page_class(owner=request.user)
    fresh.locale = parent_page.locale
    # Where it will stand, so rules that depend on its column (WeChat) know it.
    fresh.depth = parent_page.depth + 1
    fresh.path = parent_page.path + "0" * Page.steplen
    found = _submitted_findings(request, fresh, parent_page)
    if found:
        _refuse_submission(request, found)
    return None


@hooks.register("after_create_page")
def rules_after_create(request, page):
    if request.method == "POST" and _wants_html(request) and _was_plain_save(request, page):
        _after_save(request, page)
    return None


@hooks.register("before_publish_page")
def refuse_publishing_against_the_rules(request, page):
    """Publishing from the editor (create or edit) is refused while a rule fails: the
    draft has already been saved as a revision, so nothing is lost."""
    found = publish_checks.findings(page)
    if not found:
        return None
    if page.live and page.live_revision_id is None:
        # Wagtail's create view adds a page to be published as live before this hook runs;
        # refused, it must stay a draft, or its unchecked content would be served.
        type(page).objects.filter(pk=page.pk).update(live=False, has_unpublished_changes=True)
        page.live = False
    _say_all(request, messages.error, PUBLISH_REFUSED, found)
    return redirect(reverse("wagtailadmin_pages:edit", args=[page.pk]))
