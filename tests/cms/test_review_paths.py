"""The review gate (issue 14, cms/review_gate.py): in a column with a review workflow no role
publishes around it, on any path; where a column has no workflow, publishing stays direct.

Every path is driven as its users drive it (the admin's views and URLs, the admin API, the
write API, the scheduled-publishing worker) by the 终审 approver, whose group holds
publish_page on the whole site, and by a superuser. Each refused attempt leaves the page
not live (or its live revision unchanged) and no publication scheduled; the same attempt in
a column without workflow (机构职能) publishes.
"""

import datetime as dt
import json

import pytest
import time_machine
from django.core.exceptions import PermissionDenied
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone
from wagtail.actions.publish_page_revision import PublishPageRevisionAction
from wagtail.log_actions import LogContext
from wagtail.models import (
    Page,
    PageLogEntry,
    Revision,
    TaskState,
    Workflow,
    WorkflowPage,
    WorkflowState,
    get_page_models,
)
from wagtail.test.utils.form_data import inline_formset, nested_form_data

from channels.api.models import ApiKey
from cms.importer import ItemImporter, LineError
from cms.models import ArticlePage, ColumnPage, ColumnType
from cms.review_gate import (
    EMERGENCY_LOG_ACTION,
    IN_REVIEW,
    SAVED_AS_DRAFT,
    ReviewGatedPage,
    ReviewGatedPermissionTester,
    acting,
)
from cms.tasks import publish_scheduled
from tests.cms.test_workflow import article_form
from tests.factories import make_article, make_column, make_site, make_user

HOST = "bhq.review.localhost"

# ---- fixtures and helpers -------------------------------------------------------------


@pytest.fixture
def site():
    return make_site(HOST, "北湖区人民政府", slug="bhq")


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
    """工作动态: the site's two-step review (初审 → 终审)."""
    return make_column(site.home, title="工作动态", slug="gzdt", column_type=ColumnType.NEWS)


@pytest.fixture
def functions(site):
    """机构职能: no review workflow; publishing is direct."""
    return make_column(site.home, title="机构职能", slug="jgzn", column_type=ColumnType.FUNCTIONS)


PUBLISH = {"action-publish": "action-publish"}


def as_user(client, user):
    client.force_login(user)
    return client


def fresh(page):
    return Page.objects.get(pk=page.pk).specific


def create(client, user, column, title, slug, **action):
    return as_user(client, user).post(
        reverse("wagtailadmin_pages:add", args=["cms", "articlepage", column.pk]),
        article_form(title, slug, **action),
        follow=True,
    )


def edit(client, user, page, title, **action):
    return as_user(client, user).post(
        reverse("wagtailadmin_pages:edit", args=[page.pk]),
        article_form(title, page.slug, **action),
        follow=True,
    )


def draft(column, title="北湖区召开政务公开工作会议", user=None):
    return make_article(column, title, publish=False, user=user)


def published_revisions(page):
    return list(
        PageLogEntry.objects.filter(page_id=page.pk, action="wagtail.publish").values_list(
            "revision_id", flat=True
        )
    )


def assert_not_published(page, live_revision_id=None):
    page = fresh(page)
    assert page.live_revision_id == live_revision_id
    assert page.live is (live_revision_id is not None)
    assert not Revision.objects.filter(object_id=str(page.pk), approved_go_live_at__isnull=False).exists()
    return page


def workflow_action(client, user, page, action):
    state = Page.objects.get(pk=page.pk).current_workflow_task_state
    url = reverse("wagtailadmin_pages:workflow_action", args=[page.pk, action, state.pk])
    return as_user(client, user).post(url, {"comment": ""})


# ---- the publish button: edit and create views ------------------------------------------


def test_edit_view_offers_submit_not_publish_in_a_reviewed_column(client, news, functions, people):
    reviewed, direct = draft(news), draft(functions, "北湖区人民政府办公室主要职责")
    html = as_user(client, people["approver"]).get(reverse("wagtailadmin_pages:edit", args=[reviewed.pk]))
    html = html.content.decode()
    assert 'name="action-publish"' not in html and 'name="action-submit"' in html
    html = client.get(reverse("wagtailadmin_pages:edit", args=[direct.pk])).content.decode()
    assert 'name="action-publish"' in html


@pytest.mark.parametrize("role", ["approver", "admin"])
def test_edit_view_publish_is_refused_in_a_reviewed_column(client, news, people, role):
    article = draft(news, user=people["editor"])
    response = edit(client, people[role], article, "北湖区召开政务公开工作会议（直接发布）", **PUBLISH)
    page = assert_not_published(article)
    # The post saved a draft and the user is told why, in Chinese.
    assert page.get_latest_revision().user == people[role]
    assert page.get_latest_revision_as_object().title == "北湖区召开政务公开工作会议（直接发布）"
    assert SAVED_AS_DRAFT % {"title": "北湖区召开政务公开工作会议（直接发布）"} in response.content.decode()
    assert published_revisions(article) == []


@pytest.mark.parametrize("role", ["approver", "admin"])
def test_edit_view_publish_still_works_without_workflow(client, functions, people, role):
    article = draft(functions, "北湖区人民政府办公室主要职责")
    edit(client, people[role], article, "北湖区人民政府办公室主要职责（修订）", **PUBLISH)
    page = fresh(article)
    assert page.live and page.title == "北湖区人民政府办公室主要职责（修订）"
    assert page.live_revision == page.get_latest_revision()


@pytest.mark.parametrize("role", ["approver", "admin"])
def test_create_view_publish_is_refused_in_a_reviewed_column(client, news, people, role):
    response = create(client, people[role], news, "北湖区召开安全生产会议", "anquan", **PUBLISH)
    page = assert_not_published(ArticlePage.objects.get(slug="anquan"))
    assert page.get_latest_revision().user == people[role]
    assert SAVED_AS_DRAFT % {"title": "北湖区召开安全生产会议"} in response.content.decode()


def test_create_view_publish_still_works_without_workflow(client, functions, people):
    create(client, people["approver"], functions, "北湖区财政局主要职责", "czj", **PUBLISH)
    assert ArticlePage.objects.get(slug="czj").live


def test_final_step_edit_then_publish_and_edit_then_approve_are_refused(client, news, people):
    """The probe's run: at 终审 the approver edits, is refused the approval (the last
    editor), then presses 发布: refused too. Another approver approves; then it is live."""
    article = create(
        client,
        people["editor"],
        news,
        "北湖区召开政务公开工作会议",
        "meeting",
        **{"action-submit": "action-submit"},
    )
    article = ArticlePage.objects.get(slug="meeting")
    workflow_action(client, people["reviewer"], article, "approve")
    assert Page.objects.get(pk=article.pk).current_workflow_task.name == "北湖区人民政府·终审"

    edit(client, people["approver"], article, "北湖区召开政务公开工作会议（终审修改）")
    step = Page.objects.get(pk=article.pk).current_workflow_task_state
    # edit-then-approve: refused (cms.workflow.NoSelfApprovalTask) ...
    refused = workflow_action(client, people["approver"], article, "approve")
    assert refused.status_code == 302 and refused["Location"] == reverse("wagtailadmin_home")
    # ... and so is edit-then-approve in one post of the edit form ...
    edit(
        client,
        people["approver"],
        article,
        "北湖区召开政务公开工作会议（终审修改）",
        **{"action-workflow-action": "true", "workflow-action-name": "approve"},
    )
    # ... and edit-then-publish.
    response = edit(client, people["approver"], article, "北湖区召开政务公开工作会议（终审修改）", **PUBLISH)
    assert IN_REVIEW % {"title": "北湖区召开政务公开工作会议（终审修改）"} in response.content.decode()
    assert_not_published(article)
    step.refresh_from_db()
    assert step.status == TaskState.STATUS_IN_PROGRESS  # the review was not cancelled
    assert Page.objects.get(pk=article.pk).workflow_in_progress

    # The approver's edit goes through the steps again (re-approval on edit), never
    # approved by the approver who made it; then the workflow publishes it.
    steps = []
    while (task := Page.objects.get(pk=article.pk).current_workflow_task) is not None and len(steps) < 5:
        steps.append(task.name)
        colleague = people["reviewer2"] if task.name.endswith("初审") else people["approver2"]
        workflow_action(client, colleague, article, "approve")
    # 终审 approved the stale revision, so 初审 and 终审 review the approver's edit.
    assert steps == ["北湖区人民政府·终审", "北湖区人民政府·初审", "北湖区人民政府·终审"]
    page = fresh(article)
    assert page.live and page.title == "北湖区召开政务公开工作会议（终审修改）"
    state = WorkflowState.objects.filter(object_id=str(article.pk)).latest("created_at")
    assert state.status == WorkflowState.STATUS_APPROVED


# ---- revert-and-publish (revisions) -------------------------------------------------------


def test_revert_and_publish_is_refused_in_a_reviewed_column(client, news, people):
    article = make_article(news, "北湖区召开政务公开工作会议")  # live through review (system)
    live_revision = fresh(article).live_revision_id
    unreviewed = article.get_latest_revision_as_object()
    unreviewed.title = "未经审核的标题"
    unreviewed_revision = unreviewed.save_revision(user=people["editor"])
    later = fresh(article)
    later.title = "又一次修改"
    later.save_revision(user=people["editor"])

    url = reverse("wagtailadmin_pages:revisions_revert", args=[article.pk, unreviewed_revision.pk])
    as_user(client, people["approver"]).post(url, article_form("未经审核的标题", article.slug, **PUBLISH))
    page = assert_not_published(article, live_revision)
    assert page.title == "北湖区召开政务公开工作会议"
    assert published_revisions(article) == [live_revision]


def test_revert_and_publish_still_works_without_workflow(client, functions, people):
    article = make_article(functions, "北湖区人民政府办公室主要职责")
    old = article.get_latest_revision()
    later = fresh(article)
    later.title = "北湖区人民政府办公室主要职责（修订）"
    later.save_revision(user=people["editor"]).publish()
    url = reverse("wagtailadmin_pages:revisions_revert", args=[article.pk, old.pk])
    as_user(client, people["approver"]).post(
        url, article_form("北湖区人民政府办公室主要职责", article.slug, **PUBLISH)
    )
    assert fresh(article).title == "北湖区人民政府办公室主要职责"


# ---- scheduled publishing ----------------------------------------------------------------


def go_live_field(when):
    return {"go_live_at": timezone.localtime(when).strftime("%Y-%m-%d %H:%M")}


def test_scheduling_through_the_publish_button_is_refused_in_a_reviewed_column(client, news, people):
    article = draft(news, user=people["editor"])
    go_live = timezone.now() + dt.timedelta(days=1)
    edit(client, people["approver"], article, "北湖区下半年重点工作安排", **go_live_field(go_live), **PUBLISH)
    assert_not_published(article)
    assert fresh(article).get_latest_revision_as_object().go_live_at is not None  # kept in the draft
    with time_machine.travel(go_live + dt.timedelta(hours=1), tick=False):
        publish_scheduled.enqueue()
    assert_not_published(article)


def test_scheduling_still_works_without_workflow(client, functions, people):
    article = draft(functions, "北湖区人民政府办公室主要职责")
    go_live = timezone.now() + dt.timedelta(days=1)
    edit(
        client,
        people["approver"],
        article,
        "北湖区人民政府办公室主要职责",
        **go_live_field(go_live),
        **PUBLISH,
    )
    assert not fresh(article).live
    assert Revision.objects.filter(object_id=str(article.pk), approved_go_live_at__isnull=False).exists()
    with time_machine.travel(go_live + dt.timedelta(hours=1), tick=False):
        publish_scheduled.enqueue()
    assert fresh(article).live


def test_a_schedule_approved_by_the_workflow_goes_live_on_time(client, news, people):
    go_live = timezone.now() + dt.timedelta(days=1)
    create(
        client,
        people["editor"],
        news,
        "北湖区下半年重点工作安排",
        "plan",
        **go_live_field(go_live),
        **{"action-submit": "action-submit"},
    )
    article = ArticlePage.objects.get(slug="plan")
    workflow_action(client, people["reviewer"], article, "approve")
    workflow_action(client, people["approver"], article, "approve")
    assert not fresh(article).live
    assert Revision.objects.filter(object_id=str(article.pk), approved_go_live_at__isnull=False).exists()
    with time_machine.travel(go_live + dt.timedelta(hours=1), tick=False):
        publish_scheduled.enqueue()
    assert fresh(article).live


# ---- bulk publish, copy, move --------------------------------------------------------------


def bulk_publish(client, user, *pages):
    url = reverse("wagtail_bulk_action", args=["wagtailcore", "page", "publish"])
    query = "&".join(f"id={p.pk}" for p in pages)
    return as_user(client, user).post(f"{url}?{query}", {"include_descendants": "on"})


@pytest.mark.parametrize("role", ["approver", "admin"])
def test_bulk_publish_is_refused_in_a_reviewed_column(client, news, functions, people, role):
    reviewed, direct = draft(news, user=people["editor"]), draft(functions, "北湖区人民政府办公室主要职责")
    bulk_publish(client, people[role], reviewed, direct)
    assert_not_published(reviewed)
    assert fresh(direct).live  # the same action publishes where there is no workflow
    # Nor through a column: publishing the column with its drafts leaves them drafts.
    bulk_publish(client, people[role], news)
    assert_not_published(reviewed)


def copy(client, user, page, parent, slug, **options):
    data = {"new_title": page.title, "new_slug": slug, "new_parent_page": parent.pk, **options}
    return as_user(client, user).post(reverse("wagtailadmin_pages:copy", args=[page.pk]), data)


@pytest.mark.parametrize("role", ["approver", "admin"])
def test_copy_and_publish_into_a_reviewed_column_is_refused(client, news, functions, people, role):
    source = make_article(functions, "北湖区人民政府办公室主要职责")
    for options in ({"publish_copies": "on"}, {"alias": "on"}):
        response = copy(client, people[role], source, news, "copied", **options)
        assert response.status_code == 200  # the form again, with the error
        assert not ArticlePage.objects.filter(slug="copied").exists()
    # Without publishing the copy is a draft, to be reviewed.
    copy(client, people[role], source, news, "copied")
    assert_not_published(ArticlePage.objects.get(slug="copied"))


def test_copy_and_publish_still_works_without_workflow(client, functions, people, site):
    other = make_column(site.home, title="领导信息", slug="ldxx", column_type=ColumnType.LEADERS)
    source = make_article(functions, "北湖区人民政府办公室主要职责")
    copy(client, people["approver"], source, other, "copied", publish_copies="on")
    assert ArticlePage.objects.get(slug="copied").live


def test_moving_live_pages_into_a_reviewed_column_is_refused(client, news, functions, people):
    live = make_article(functions, "北湖区人民政府办公室主要职责")
    url = reverse("wagtailadmin_pages:move_confirm", args=[live.pk, news.pk])
    as_user(client, people["approver"]).post(url)
    assert fresh(live).get_parent().pk == functions.pk
    assert not live.permissions_for_user(people["admin"]).can_move_to(news)
    # A whole unreviewed column with live items may not move under a reviewed one either.
    assert not functions.permissions_for_user(people["admin"]).can_move_to(news)
    # Drafts may move (they will be reviewed there); live pages may move where no workflow is.
    assert draft(functions, "草稿").permissions_for_user(people["approver"]).can_move_to(news)


# ---- the admin API and the write API -------------------------------------------------------


def admin_api_publish(client, user, page):
    url = reverse("wagtailadmin_api:pages:action", args=[page.pk, "publish"])
    return as_user(client, user).post(url, "{}", content_type="application/json")


@pytest.mark.parametrize("role", ["approver", "admin"])
def test_admin_api_publish_is_refused_in_a_reviewed_column(client, news, functions, people, role):
    reviewed = draft(news, user=people["editor"])
    assert admin_api_publish(client, people[role], reviewed).status_code == 403
    assert_not_published(reviewed)
    direct = draft(functions, "北湖区人民政府办公室主要职责")
    assert admin_api_publish(client, people[role], direct).status_code == 200
    assert fresh(direct).live


ITEM = {
    "external_id": "bhq-2014-0001",
    "column": "gzdt",
    "title": "北湖区召开电子政务工作会议",
    "body_html": "<p>会议部署全年工作。</p>",
    "published_at": "2014-03-05T09:30:00+08:00",
}


def api(client, method, path, key, body=None, **params):
    url = f"/api/v1/submissions/{path}" + (
        "?" + "&".join(f"{k}={v}" for k, v in params.items()) if params else ""
    )
    return getattr(client, method)(
        url,
        json.dumps(body or {}),
        content_type="application/json",
        HTTP_HOST=HOST,
        HTTP_AUTHORIZATION=f"Bearer {key}",
    )


@pytest.mark.parametrize("with_user", [False, True])
def test_write_api_publish_submits_to_the_workflow_in_a_reviewed_column(
    client, site, news, functions, people, with_user
):
    _key, raw = ApiKey.issue(
        site=site.site, name="北湖区报送", can_publish=True, user=people["approver"] if with_user else None
    )
    created = api(client, "post", "", raw, ITEM, action="publish")
    assert created.status_code == 201, created.content
    assert created.json()["live"] is False and created.json()["workflow_status"] == "in_progress"
    page = assert_not_published(ArticlePage.objects.get(external_id="bhq-2014-0001"))
    state = WorkflowState.objects.get(object_id=str(page.pk))
    assert state.workflow == site.workflow and state.status == WorkflowState.STATUS_IN_PROGRESS

    # Already in review: updating with action=publish is refused as submit is (nothing written).
    again = api(client, "put", "bhq-2014-0001/", raw, {**ITEM, "title": "改"}, action="publish")
    assert again.status_code == 409
    assert fresh(page).get_latest_revision_as_object().title == ITEM["title"]

    # The publish endpoint submits too: here, a draft whose review was sent back.
    state.cancel(user=people["admin"])
    response = api(client, "post", "bhq-2014-0001/publish/", raw)
    assert response.status_code == 200 and response.json()["live"] is False
    assert response.json()["workflow_status"] == "in_progress"
    assert_not_published(page)

    # A column without workflow: published directly, as the key allows.
    direct = api(
        client, "post", "", raw, {**ITEM, "external_id": "bhq-2", "column": "jgzn"}, action="publish"
    )
    assert direct.status_code == 201 and direct.json()["live"] is True


def test_write_api_publish_endpoint_publishes_without_workflow(client, site, functions):
    _key, raw = ApiKey.issue(site=site.site, name="北湖区报送", can_publish=True)
    api(client, "post", "", raw, {**ITEM, "column": "jgzn"})
    response = api(client, "post", "bhq-2014-0001/publish/", raw)
    assert response.status_code == 200 and response.json()["live"] is True


def test_import_with_a_user_may_not_publish_in_a_reviewed_column(site, news, people):
    importer = ItemImporter(user=people["approver"])
    item = importer.validate({**ITEM, "site": HOST}, line_no=1)
    with pytest.raises(LineError, match="无权发布"):
        importer.save(item)


# ---- the model layer: paths that skip the permission check ----------------------------------


def test_a_publish_that_skips_the_permission_check_is_refused_for_an_admin_user(news, functions, people):
    reviewed = draft(news, user=people["editor"])
    for user in (people["approver"], people["admin"]):
        with LogContext(user=user), pytest.raises(PermissionDenied, match="审核"):
            PublishPageRevisionAction(reviewed.get_latest_revision(), user=user).execute(
                skip_permission_checks=True
            )
        assert_not_published(reviewed)
    # Scheduling is publishing.
    scheduled = reviewed.get_latest_revision_as_object()
    scheduled.go_live_at = timezone.now() + dt.timedelta(days=1)
    revision = scheduled.save_revision(user=people["editor"])
    with LogContext(user=people["approver"]), pytest.raises(PermissionDenied):
        revision.publish(user=people["approver"], skip_permission_checks=True)
    assert_not_published(reviewed)
    # No workflow: allowed.
    direct = draft(functions, "北湖区人民政府办公室主要职责")
    with LogContext(user=people["approver"]):
        direct.get_latest_revision().publish(user=people["approver"], skip_permission_checks=True)
    assert fresh(direct).live


def test_a_write_api_key_without_user_is_gated_by_the_model_layer(news):
    reviewed = draft(news)
    with acting("write-api"), pytest.raises(PermissionDenied):
        reviewed.get_latest_revision().publish()
    assert_not_published(reviewed)


def test_code_without_an_actor_is_not_gated(news):
    """The import command without --user, the worker and the demo loader are the
    operator's: they publish as before (docs/security.md)."""
    reviewed = draft(news)
    reviewed.get_latest_revision().publish()
    assert fresh(reviewed).live


# ---- columns: who changes the review, and when it applies ---------------------------------


def column_form(column, **fields):
    data = nested_form_data(
        {
            "title": column.title,
            "slug": column.slug,
            "column_type": column.column_type,
            "update_frequency": column.update_frequency,
            "comments": inline_formset([]),
            **fields,
        }
    )
    return data


def test_approver_cannot_take_the_workflow_off_a_column(client, site, news, people):
    as_user(client, people["approver"]).post(
        reverse("wagtailadmin_pages:edit", args=[news.pk]),
        column_form(news, column_type=ColumnType.FUNCTIONS, review_workflow=""),
    )
    assert WorkflowPage.objects.get(page=news.page_ptr).workflow == site.workflow
    assert fresh(news).review_workflow == site.workflow
    # The column's settings are reviewed like its items: no direct publish of it either.
    as_user(client, people["approver"]).post(
        reverse("wagtailadmin_pages:edit", args=[news.pk]), column_form(news, description="新描述", **PUBLISH)
    )
    assert fresh(news).description == ""


def test_a_draft_of_a_column_does_not_change_its_workflow(client, site, news, people):
    other = Workflow.objects.create(name="一级审核")
    as_user(client, people["admin"]).post(
        reverse("wagtailadmin_pages:edit", args=[news.pk]), column_form(news, review_workflow=other.pk)
    )
    assert fresh(news).get_latest_revision_as_object().review_workflow == other  # the draft has it
    assert WorkflowPage.objects.get(page=news.page_ptr).workflow == site.workflow  # not yet in force


# ---- superusers: the emergency route -------------------------------------------------------


def test_emergency_publish_is_a_logged_superuser_route(news, people):
    reviewed = draft(news, user=people["editor"])
    with pytest.raises(CommandError, match="超级管理员"):
        call_command("emergency_publish", reviewed.pk, user="approver", reason="领导要求")
    with pytest.raises(CommandError, match="理由"):
        call_command("emergency_publish", reviewed.pk, user="admin", reason="  ")
    assert_not_published(reviewed)

    call_command("emergency_publish", reviewed.pk, user="admin", reason="防汛紧急通知，经值班领导同意")
    page = fresh(reviewed)
    assert page.live and page.live_revision == page.get_latest_revision()
    entry = PageLogEntry.objects.get(page_id=page.pk, action=EMERGENCY_LOG_ACTION)
    assert entry.user == people["admin"] and entry.data["reason"] == "防汛紧急通知，经值班领导同意"
    assert "防汛紧急通知" in entry.message


def test_emergency_publish_is_only_for_reviewed_columns(functions, people):
    direct = draft(functions, "北湖区人民政府办公室主要职责")
    with pytest.raises(CommandError, match="没有审核流程"):
        call_command("emergency_publish", direct.pk, user="admin", reason="测试")


# ---- every page type passes the gate ---------------------------------------------------------


def test_every_page_type_uses_the_gated_permission_tester(people, news):
    for model in get_page_models():
        if model is Page:
            continue
        assert issubclass(model, ReviewGatedPage), model
    assert isinstance(
        Page.objects.get(pk=news.pk).permissions_for_user(people["editor"]), ReviewGatedPermissionTester
    )
    assert isinstance(
        ColumnPage.objects.get(pk=news.pk).permissions_for_user(people["editor"]), ReviewGatedPermissionTester
    )
