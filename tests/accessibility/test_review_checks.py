"""A review step's approval runs the same blocking content rules as the publish button
(cms.publish_checks, registered by the accessibility app): review is no way round them.
A refused approval approves nothing and sends the reviewer to the edit page that says why."""

import re

import pytest
from wagtail.models import Page, WorkflowState
from wagtail.rich_text import RichText

from cms.models import ArticlePage, ColumnType
from tests.factories import make_article, make_column, make_site, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def review(db):
    site = make_site("bhq.review.localhost", "北湖区人民政府", code="4310020001")
    news = make_column(site.home, title="工作动态", slug="gzdt", column_type=ColumnType.NEWS)
    editor = make_user("editor", site.groups["editor"])
    reviewer = make_user("reviewer", site.groups["reviewer"])
    approver = make_user("approver", site.groups["approver"])
    return news, editor, reviewer, approver


def submit(news, editor, body_html):
    article = make_article(news, "郴州市召开政务公开工作会议", publish=False, user=editor)
    article.body = [("paragraph", RichText(body_html))]
    article.save_revision(user=editor)
    news.get_workflow().start(article, editor)
    return ArticlePage.objects.get(pk=article.pk)


def approve(article, user):
    """What the step answers: None when approved, else the address that says why not."""
    step = Page.objects.get(pk=article.pk).current_workflow_task_state
    return step.task.specific.on_action(step, user, "approve")


def test_approval_of_content_breaking_a_rule_is_refused_with_the_reason(review, client):
    news, editor, reviewer, _approver = review
    article = submit(news, editor, "<h2>会议概况</h2><h4>跳级的小标题</h4><p>会议要求加强政务公开。</p>")

    back = approve(article, reviewer)
    client.force_login(reviewer)
    told = [str(m) for m in client.get(back).context["messages"]]
    assert any(re.search("不能审核通过.*标题层级跳跃", m) for m in told), told
    state = WorkflowState.objects.get(object_id=str(article.pk))
    assert state.status == WorkflowState.STATUS_IN_PROGRESS
    assert state.current_task_state.task.name.endswith("初审")
    assert not ArticlePage.objects.get(pk=article.pk).live


def test_compliant_content_passes_both_steps_and_publishes(review):
    news, editor, reviewer, approver = review
    article = submit(news, editor, "<h2>会议概况</h2><h3>会议要求</h3><p>会议要求加强政务公开。</p>")
    assert approve(article, reviewer) is None
    assert approve(article, approver) is None
    assert ArticlePage.objects.get(pk=article.pk).live
