"""Review workflow (issue 2 item 7, P10): columns choose a workflow, news columns default to
the site's two steps (初审 → 终审), and nobody approves their own last edit.

The full runs go through the real Wagtail admin views (add/edit with action-submit, the
workflow action view), as editors and reviewers use them.
"""

import re

import pytest
from django.urls import reverse
from wagtail.models import Page, TaskState, Workflow, WorkflowPage, WorkflowState
from wagtail.test.utils.form_data import inline_formset, nested_form_data, rich_text, streamfield

from cms.models import ArticlePage, ColumnPage, ColumnType, NoSelfApprovalTask
from cms.workflow import SELF_APPROVAL_MESSAGE
from tests.factories import make_column, make_site, make_user

# ---- which columns get which workflow ------------------------------------------------


@pytest.fixture
def site():
    return make_site("bhq.test.localhost", "北湖区人民政府", slug="bhq")


def test_news_column_gets_site_two_step_workflow(site):
    column = make_column(site.home, title="工作动态", column_type=ColumnType.NEWS)
    column.refresh_from_db()
    assert column.review_workflow_id == site.workflow.pk
    assert WorkflowPage.objects.get(page=column.page_ptr).workflow_id == site.workflow.pk
    workflow = column.get_workflow()
    assert workflow == site.workflow
    steps = [task.specific for task in workflow.tasks]
    assert [s.name for s in steps] == ["北湖区人民政府·初审", "北湖区人民政府·终审"]
    assert all(isinstance(s, NoSelfApprovalTask) for s in steps)
    assert [list(s.groups.all()) for s in steps] == [[site.groups["reviewer"]], [site.groups["approver"]]]


def test_articles_of_news_column_inherit_its_workflow(site):
    column = make_column(site.home, column_type=ColumnType.NEWS)
    article = ArticlePage(title="郴州市召开电子政务工作会议", slug="meeting")
    column.add_child(instance=article)
    assert article.get_workflow() == site.workflow


def test_non_news_column_has_no_workflow_unless_chosen(site):
    column = make_column(site.home, title="机构职能", column_type=ColumnType.FUNCTIONS)
    column.refresh_from_db()
    assert column.review_workflow_id is None
    assert column.get_workflow() is None
    assert not WorkflowPage.objects.filter(page=column.page_ptr).exists()

    chosen = Workflow.objects.create(name="机构职能·一级审核")
    column.review_workflow = chosen
    column.save_revision().publish()
    assert WorkflowPage.objects.get(page=column.page_ptr).workflow_id == chosen.pk
    assert Page.objects.get(pk=column.pk).get_workflow() == chosen


def test_no_workflow_inherited_from_tree_root(site):
    """Wagtail's migrations put a "Moderators approval" workflow on the tree root;
    provisioning removes it so only the columns' own choices apply."""
    assert site.home.get_workflow() is None
    assert not WorkflowPage.objects.filter(page__depth=1).exists()


def test_news_column_can_choose_another_workflow(site):
    other = Workflow.objects.create(name="三级审核")
    column = make_column(site.home, column_type=ColumnType.NEWS, review_workflow=other)
    assert WorkflowPage.objects.get(page=column.page_ptr).workflow_id == other.pk


def test_news_column_created_in_admin_gets_workflow(client, site):
    client.force_login(make_user("admin", superuser=True))
    url = reverse("wagtailadmin_pages:add", args=["cms", "columnpage", site.home.pk])
    data = nested_form_data(
        {"title": "通知公告", "slug": "tzgg", "column_type": ColumnType.NOTICE, "update_frequency": "notice"}
    )
    data["action-publish"] = "action-publish"
    response = client.post(url, data)
    assert response.status_code == 302, response.context["form"].errors
    column = ColumnPage.objects.get(slug="tzgg")
    assert column.live
    assert column.review_workflow_id == site.workflow.pk
    assert column.get_workflow() == site.workflow


def test_each_site_gets_its_own_workflow():
    a = make_site("bhq.test.localhost", "北湖区人民政府", slug="bhq")
    b = make_site("zxs.test.localhost", "资兴市人民政府", slug="zxs")
    assert a.workflow != b.workflow
    column_b = make_column(b.home, column_type=ColumnType.NEWS)
    assert column_b.get_workflow() == b.workflow


# ---- the full review run through the admin ------------------------------------------


@pytest.fixture
def people(site):
    groups = site.groups
    return {
        "editor": make_user("editor", groups["editor"]),
        "reviewer": make_user("reviewer", groups["reviewer"]),
        "reviewer2": make_user("reviewer2", groups["reviewer"]),
        "approver": make_user("approver", groups["approver"]),
        "approver2": make_user("approver2", groups["approver"]),
        "admin": make_user("admin", superuser=True),
    }


@pytest.fixture
def news(site):
    return make_column(site.home, title="工作动态", slug="gzdt", column_type=ColumnType.NEWS)


def article_form(title, slug, **extra):
    data = nested_form_data(
        {
            "title": title,
            "slug": slug,
            "summary": "",
            "body": streamfield([("paragraph", rich_text("<p>郴州市政府网站集约化建设稳步推进。</p>"))]),
            "attachments": inline_formset([]),
            "comments": inline_formset([]),
        }
    )
    data.update(extra)
    return data


def as_user(client, user):
    client.force_login(user)
    return client


def create_and_submit(client, editor, news):
    response = as_user(client, editor).post(
        reverse("wagtailadmin_pages:add", args=["cms", "articlepage", news.pk]),
        article_form("郴州市召开政务公开工作会议", "meeting", **{"action-submit": "action-submit"}),
    )
    assert response.status_code == 302, response.context["form"].errors
    return ArticlePage.objects.get(slug="meeting")


def edit(client, user, page, title, **action):
    response = as_user(client, user).post(
        reverse("wagtailadmin_pages:edit", args=[page.pk]), article_form(title, page.slug, **action)
    )
    assert response.status_code == 302, response.context["form"].errors
    return response


def current_task_state(page):
    return Page.objects.get(pk=page.pk).current_workflow_task_state


def workflow_action(client, user, page, action, comment=""):
    task_state = current_task_state(page)
    url = reverse("wagtailadmin_pages:workflow_action", args=[page.pk, action, task_state.pk])
    return as_user(client, user).post(url, {"comment": comment})


def action_names(page, user):
    page = Page.objects.get(pk=page.pk).specific
    return [name for name, _verbose, _modal in page.current_workflow_task.get_actions(page, user)]


def assert_refused(response):
    # Wagtail's admin turns PermissionDenied into a redirect to the dashboard.
    assert response.status_code == 302
    assert response["Location"] == reverse("wagtailadmin_home")


def test_editor_submits_reviewer_and_approver_publish(client, site, news, people):
    article = create_and_submit(client, people["editor"], news)
    assert not article.live
    state = WorkflowState.objects.get(object_id=str(article.pk))
    assert state.workflow == site.workflow
    assert state.status == WorkflowState.STATUS_IN_PROGRESS
    assert state.current_task_state.task.name == "北湖区人民政府·初审"

    # The editor is in neither review group: nothing to act on.
    assert action_names(article, people["editor"]) == []
    assert action_names(article, people["approver"]) == []

    response = workflow_action(client, people["reviewer"], article, "approve", "同意")
    assert response.status_code == 302 and response["Location"] != reverse("wagtailadmin_home")
    state.refresh_from_db()
    assert state.current_task_state.task.name == "北湖区人民政府·终审"
    assert not ArticlePage.objects.get(pk=article.pk).live

    workflow_action(client, people["approver"], article, "approve")
    article = ArticlePage.objects.get(pk=article.pk)
    assert article.live
    assert article.first_published_at is not None
    state.refresh_from_db()
    assert state.status == WorkflowState.STATUS_APPROVED
    approvals = TaskState.objects.filter(workflow_state=state, status=TaskState.STATUS_APPROVED)
    assert {ts.finished_by.username for ts in approvals} == {"reviewer", "approver"}


def test_the_edit_pages_do_not_save_on_their_own(client, news, people):
    """A reviewer with the item open writes no revision unless they save: the page warns
    before leaving unsaved changes, but does not autosave (which would make them its last
    editor, barred from approving it)."""
    article = create_and_submit(client, people["editor"], news)
    revisions = article.revisions.count()
    pages = (
        (people["reviewer"], reverse("wagtailadmin_pages:edit", args=[article.pk]), "page-edit-form"),
        (
            people["editor"],
            reverse("wagtailadmin_pages:add", args=["cms", "articlepage", news.pk]),
            "page-edit-form",
        ),
    )
    for user, url, form_id in pages:
        response = as_user(client, user).get(url)
        assert response.status_code == 200
        # The form's opening tag (its data-action holds "->", so not up to the first ">").
        form = re.search(rf'id="{form_id}".*?csrfmiddlewaretoken', response.content.decode(), re.S).group(0)
        controllers = re.search(r'data-controller="([^"]*)"', form).group(1).split()
        assert "w-unsaved" in controllers and 'data-w-unsaved-confirmation-value="true"' in form
        assert "w-autosave" not in controllers, url
    assert article.revisions.count() == revisions
    assert "approve" in action_names(article, people["reviewer"])


def test_reviewer_who_edited_cannot_approve_other_reviewer_can(client, news, people):
    article = create_and_submit(client, people["editor"], news)
    edit(client, people["reviewer"], article, "郴州市召开政务公开工作会议（初审修改）")
    assert Page.objects.get(pk=article.pk).get_latest_revision().user == people["reviewer"]

    # Not offered ...
    assert "approve" not in action_names(article, people["reviewer"])
    assert "reject" in action_names(article, people["reviewer"])
    # ... and refused when posted anyway.
    step = current_task_state(article)
    assert_refused(workflow_action(client, people["reviewer"], article, "approve"))
    step.refresh_from_db()
    assert step.status == TaskState.STATUS_IN_PROGRESS
    assert current_task_state(article).pk == step.pk
    assert not ArticlePage.objects.get(pk=article.pk).live

    # Another member of the same 初审 group may approve.
    assert "approve" in action_names(article, people["reviewer2"])
    workflow_action(client, people["reviewer2"], article, "approve")
    step.refresh_from_db()
    assert step.status == TaskState.STATUS_APPROVED
    assert step.finished_by == people["reviewer2"]
    # That step was started on the editor's revision; with
    # WAGTAIL_WORKFLOW_REQUIRE_REAPPROVAL_ON_EDIT the reviewer's edit is reviewed again
    # before it moves on, still never by the reviewer who made it.
    again = current_task_state(article)
    assert again.task.name == "北湖区人民政府·初审"
    assert again.revision.user == people["reviewer"]
    assert "approve" not in action_names(article, people["reviewer"])
    workflow_action(client, people["reviewer2"], article, "approve")
    assert current_task_state(article).task.name == "北湖区人民政府·终审"
    workflow_action(client, people["approver"], article, "approve")
    article = ArticlePage.objects.get(pk=article.pk)
    assert article.live
    assert article.title == "郴州市召开政务公开工作会议（初审修改）"


def test_approve_through_edit_view_is_refused_for_last_editor(client, news, people):
    article = create_and_submit(client, people["editor"], news)
    edit(client, people["reviewer"], article, "郴州市召开政务公开工作会议（初审修改）")
    step = current_task_state(article)
    # The edit form's own "approve" button posts action-workflow-action; not being
    # offered to the last editor, the post only saves the form.
    response = as_user(client, people["reviewer"]).post(
        reverse("wagtailadmin_pages:edit", args=[article.pk]),
        article_form(
            "郴州市召开政务公开工作会议（初审修改）",
            article.slug,
            **{"action-workflow-action": "true", "workflow-action-name": "approve"},
        ),
    )
    assert response.status_code == 302
    step.refresh_from_db()
    assert step.status == TaskState.STATUS_IN_PROGRESS
    assert current_task_state(article).pk == step.pk
    assert not Page.objects.get(pk=article.pk).live


def test_edit_and_approve_in_one_post_is_refused(client, news, people):
    """Approving from the edit form while changing the content makes the approver the last
    editor at the moment of approval: refused, though the edit itself is kept, and the
    edit page says why (not Wagtail's "no permission" on the dashboard)."""
    article = create_and_submit(client, people["editor"], news)
    step = current_task_state(article)
    response = as_user(client, people["reviewer"]).post(
        reverse("wagtailadmin_pages:edit", args=[article.pk]),
        article_form(
            "郴州市召开政务公开工作会议（边改边审）",
            article.slug,
            **{"action-workflow-action": "true", "workflow-action-name": "approve"},
        ),
    )
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("wagtailadmin_pages:edit", args=[article.pk]))
    page = client.get(response["Location"])
    assert page.status_code == 200
    told = [str(m) for m in page.context["messages"]]
    assert SELF_APPROVAL_MESSAGE in told, told
    assert not any("没有权限" in m for m in told)
    step.refresh_from_db()
    assert step.status == TaskState.STATUS_IN_PROGRESS
    assert current_task_state(article).pk == step.pk
    page = Page.objects.get(pk=article.pk)
    assert page.get_latest_revision().user == people["reviewer"]
    assert not page.live


def test_approver_who_edited_at_final_step_cannot_approve(client, news, people):
    article = create_and_submit(client, people["editor"], news)
    workflow_action(client, people["reviewer"], article, "approve")
    edit(client, people["approver"], article, "郴州市召开政务公开工作会议（终审修改）")
    assert "approve" not in action_names(article, people["approver"])
    assert_refused(workflow_action(client, people["approver"], article, "approve"))
    assert not ArticlePage.objects.get(pk=article.pk).live


def test_superuser_who_made_last_edit_cannot_approve(client, news, people):
    article = create_and_submit(client, people["editor"], news)
    edit(client, people["admin"], article, "郴州市召开政务公开工作会议（管理员修改）")
    assert "approve" not in action_names(article, people["admin"])
    assert_refused(workflow_action(client, people["admin"], article, "approve"))
    assert current_task_state(article).status == TaskState.STATUS_IN_PROGRESS
    # A superuser who did not make the last edit may approve.
    assert "approve" in action_names(article, make_user("admin2", superuser=True))


def test_last_editor_may_still_request_changes(client, news, people):
    article = create_and_submit(client, people["editor"], news)
    edit(client, people["reviewer"], article, "郴州市召开政务公开工作会议（初审修改）")
    step = current_task_state(article)
    response = workflow_action(client, people["reviewer"], article, "reject", "请核实会议日期")
    assert response["Location"] != reverse("wagtailadmin_home")
    step.refresh_from_db()
    assert step.status == TaskState.STATUS_REJECTED
    assert step.finished_by == people["reviewer"]
    state = WorkflowState.objects.get(pk=step.workflow_state_id)
    assert state.status == WorkflowState.STATUS_NEEDS_CHANGES


def test_submitter_in_review_group_cannot_approve_own_submission(client, news, people):
    """A reviewer who writes an item and submits it is its last editor: a colleague reviews."""
    article = create_and_submit(client, people["reviewer"], news)
    assert "approve" not in action_names(article, people["reviewer"])
    assert "approve" in action_names(article, people["reviewer2"])


def test_task_refuses_self_approval_with_chinese_message(client, news, people):
    """The task itself refuses (whoever calls it): nothing approved, and the address it
    returns (where Wagtail's workflow views go next) tells the reviewer why."""
    article = create_and_submit(client, people["editor"], news)
    edit(client, people["reviewer"], article, "郴州市召开政务公开工作会议（初审修改）")
    step = current_task_state(article)
    back = step.task.specific.on_action(step, people["reviewer"], "approve")
    step.refresh_from_db()
    assert step.status == TaskState.STATUS_IN_PROGRESS
    assert back.startswith(reverse("wagtailadmin_pages:edit", args=[article.pk]))
    response = as_user(client, people["reviewer"]).get(back)
    assert SELF_APPROVAL_MESSAGE in [str(m) for m in response.context["messages"]]
