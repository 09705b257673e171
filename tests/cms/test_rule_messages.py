"""Publishing rules shown where they can be fixed (issue 14; cms/rule_messages.py): through
the real Wagtail admin views, as editors and reviewers use them.

- Saving a draft that breaks a rule saves it and says what must change, in Chinese, at
  the field (the very StreamField block) that breaks it.
- Submitting it for review is refused: the draft is saved, no workflow starts, the
  reasons are given.
- The WeChat article limits are rules for items whose column delivers to WeChat.
- A reviewer approving such an item is told why it cannot be approved, never "no
  permission"; the reviewers' comments show on the editor's edit page.
"""

import html
import io
import json
import re

import pytest
from django.contrib.messages import get_messages
from django.core.files.images import ImageFile
from django.urls import reverse
from django.utils import timezone
from PIL import Image as PILImage
from wagtail.images.models import Image
from wagtail.models import Page, TaskState, WorkflowState
from wagtail.rich_text import RichText
from wagtail.test.utils.form_data import inline_formset, nested_form_data, rich_text, streamfield

from cms import publish_checks
from cms.models import ArticlePage, ColumnType
from cms.rule_messages import PUBLISH_REFUSED, SAVE_WARNING, SUBMIT_REFUSED
from cms.workflow import REFUSED_PARAM
from tests.factories import make_article, make_column, make_site, make_user

GOOD_TEXT = "<p>郴州市政府网站集约化建设稳步推进。</p>"
TITLE = "郴州市召开政务公开工作会议"
LONG_TITLE = "郴州市人民政府办公室关于进一步加强全市政府网站集约化建设与政务新媒体管理工作的通知"


@pytest.fixture
def site():
    return make_site("bhq.rules.localhost", "北湖区人民政府", code="4310020001")


@pytest.fixture
def people(site):
    groups = site.groups
    return {
        "editor": make_user("editor", groups["editor"], first_name="小王"),
        "reviewer": make_user("reviewer", groups["reviewer"], first_name="张三"),
        "approver": make_user("approver", groups["approver"]),
    }


@pytest.fixture
def news(site):
    return make_column(site.home, title="工作动态", slug="gzdt", column_type=ColumnType.NEWS)


@pytest.fixture
def wechat_news(site):
    return make_column(
        site.home, title="政务微信", slug="zwwx", column_type=ColumnType.NEWS, channels=["web", "wechat"]
    )


@pytest.fixture
def cover():
    buffer = io.BytesIO()
    PILImage.new("RGB", (900, 383), "#b5121b").save(buffer, "JPEG")
    return Image.objects.create(title="封面", file=ImageFile(buffer, name="cover.jpg"))


def table(header):
    value = {
        "data": [["项目", "完成情况"], ["集约化平台", "已完成"]],
        "first_row_is_table_header": header,
        "first_col_is_header": False,
        "table_caption": "",
        "table_header_choice": "row" if header else "neither",
    }
    return ("table", json.dumps(value))


def form(title, slug, body, action=None, **fields):
    data = nested_form_data(
        {
            "title": title,
            "slug": slug,
            "summary": "",
            "body": streamfield(body),
            "attachments": inline_formset([]),
            "comments": inline_formset([]),
            **fields,
        }
    )
    if action:
        data[action] = action
    return data


def add(client, user, column, data):
    client.force_login(user)
    response = client.post(reverse("wagtailadmin_pages:add", args=["cms", "articlepage", column.pk]), data)
    assert response.status_code == 302, response.context["form"].errors
    return response, ArticlePage.objects.get(slug=data["slug"])


def post_edit(client, user, page, data):
    client.force_login(user)
    response = client.post(reverse("wagtailadmin_pages:edit", args=[page.pk]), data)
    assert response.status_code == 302, response.context["form"].errors
    return response


def told(response, level=None):
    return [m.message for m in get_messages(response.wsgi_request) if level is None or m.level_tag == level]


def edit_page(client, user, page, **params):
    client.force_login(user)
    response = client.get(reverse("wagtailadmin_pages:edit", args=[page.pk]), params)
    assert response.status_code == 200
    return response


def body_errors_in_html(response):
    """The error JSON the body StreamField's widget is rendered with (what the editor's
    browser shows at each block)."""
    match = re.search(r'<div id="body" data-block[^>]*data-w-block-arguments-value="([^"]*)"', response.text)
    assert match, "no body StreamField widget on the page"
    _value, errors = json.loads(html.unescape(match.group(1)))
    return errors


def workflow_of(page):
    return WorkflowState.objects.filter(object_id=str(page.pk)).first()


# ---- the editor ---------------------------------------------------------------------------


def test_saving_a_headerless_table_keeps_the_draft_and_shows_the_reason_at_the_table(client, news, people):
    data = form(TITLE, "meeting", [("paragraph", rich_text(GOOD_TEXT)), table(False)])
    response, article = add(client, people["editor"], news, data)

    # Saved, as a draft with the table: nothing lost.
    assert response["Location"] == reverse("wagtailadmin_pages:edit", args=[article.pk])
    draft = article.get_latest_revision_as_object()
    assert [block.block_type for block in draft.body] == ["paragraph", "table"]
    assert not article.live and workflow_of(article) is None
    warnings = told(response, "warning")
    assert warnings[0] == SAVE_WARNING % {"count": 1}
    assert any("第2个内容块（表格）" in w and "表头" in w for w in warnings), warnings

    # The edit page shows it at the body field's second block (and nowhere else).
    page = edit_page(client, people["editor"], article)
    (error,) = page.context["form"].errors["body"].as_data()
    assert list(error.block_errors) == [1]
    assert "表格没有表头单元格" in error.block_errors[1].messages[0]
    assert body_errors_in_html(page) == {"blockErrors": {"1": {"messages": error.block_errors[1].messages}}}
    assert "title" not in page.context["form"].errors

    # Fixed and saved again: no warning, no field error.
    response = post_edit(
        client,
        people["editor"],
        article,
        form(TITLE, "meeting", [("paragraph", rich_text(GOOD_TEXT)), table(True)]),
    )
    assert told(response, "warning") == []
    assert not edit_page(client, people["editor"], article).context["form"].errors


def test_submitting_a_headerless_table_is_refused_the_draft_kept_no_workflow(client, news, people):
    body = [("paragraph", rich_text(GOOD_TEXT)), table(False)]
    # From the create view ...
    response, article = add(client, people["editor"], news, form(TITLE, "meeting", body, "action-submit"))
    assert response["Location"] == reverse("wagtailadmin_pages:edit", args=[article.pk])
    errors = told(response, "error")
    assert errors[0] == SUBMIT_REFUSED % {"count": 1}
    assert any("表头" in e for e in errors[1:]), errors
    assert workflow_of(article) is None
    assert article.get_latest_revision_as_object().body[1].block_type == "table"

    # ... and from the edit view, with a change that is kept.
    changed = TITLE + "（修改）"
    response = post_edit(client, people["editor"], article, form(changed, "meeting", body, "action-submit"))
    assert response["Location"].startswith(reverse("wagtailadmin_pages:edit", args=[article.pk]))
    assert told(response, "error")[0] == SUBMIT_REFUSED % {"count": 1}
    assert workflow_of(article) is None
    assert Page.objects.get(pk=article.pk).get_latest_revision_as_object().title == changed
    page = edit_page(client, people["editor"], article)
    assert 1 in page.context["form"].errors["body"].as_data()[0].block_errors

    # Fixed, the submission goes through.
    fixed = [("paragraph", rich_text(GOOD_TEXT)), table(True)]
    response = post_edit(client, people["editor"], article, form(changed, "meeting", fixed, "action-submit"))
    assert told(response, "error") == []
    assert workflow_of(article).status == WorkflowState.STATUS_IN_PROGRESS


def test_wechat_title_rule_at_save_and_submit(client, wechat_news, news, people, cover):
    body = [("paragraph", rich_text(GOOD_TEXT))]
    assert len(LONG_TITLE) > 32
    data = form(LONG_TITLE, "long", body, cover_image=cover.pk)
    response, article = add(client, people["editor"], wechat_news, data)
    warnings = told(response, "warning")
    assert any(f"标题 {len(LONG_TITLE)} 字，微信要求不超过 32 字" in w for w in warnings), warnings

    page = edit_page(client, people["editor"], article)
    assert page.context["form"].errors["title"] == [
        f"标题 {len(LONG_TITLE)} 字，微信要求不超过 32 字，请缩短标题"
    ]
    assert "微信要求不超过 32 字" in page.text

    response = post_edit(
        client,
        people["editor"],
        article,
        form(LONG_TITLE, "long", body, "action-submit", cover_image=cover.pk),
    )
    assert told(response, "error")[0] == SUBMIT_REFUSED % {"count": 1}
    assert workflow_of(article) is None

    # Without a cover WeChat refuses as well: that is said at the cover field.
    response = post_edit(client, people["editor"], article, form(TITLE, "long", body, "action-submit"))
    assert workflow_of(article) is None
    assert any("封面" in e for e in told(response, "error"))
    assert "cover_image" in edit_page(client, people["editor"], article).context["form"].errors

    # The same title in a column that does not deliver to WeChat is no WeChat matter.
    response, other = add(client, people["editor"], news, form(LONG_TITLE, "long-web", body, "action-submit"))
    assert told(response, "error") == []
    assert workflow_of(other).status == WorkflowState.STATUS_IN_PROGRESS


def test_wechat_title_rule_when_submitting_a_new_item(client, wechat_news, people, cover):
    body = [("paragraph", rich_text(GOOD_TEXT))]
    data = form(LONG_TITLE, "long-new", body, "action-submit", cover_image=cover.pk)
    response, article = add(client, people["editor"], wechat_news, data)
    assert response["Location"] == reverse("wagtailadmin_pages:edit", args=[article.pk])
    assert any("微信要求不超过 32 字" in e for e in told(response, "error"))
    assert workflow_of(article) is None


def test_publishing_against_a_rule_is_refused_with_the_reason_at_the_block(client, site):
    """A column without review (机构职能) publishes directly; a rule still refuses it."""
    column = make_column(site.home, title="机构职能", slug="jgzn", column_type=ColumnType.FUNCTIONS)
    admin = make_user("admin", superuser=True)
    body = [("paragraph", rich_text(GOOD_TEXT)), table(False)]
    response, article = add(client, admin, column, form(TITLE, "duty", body, "action-publish"))
    assert not ArticlePage.objects.get(pk=article.pk).live
    assert response["Location"] == reverse("wagtailadmin_pages:edit", args=[article.pk])
    errors = told(response, "error")
    assert errors[0] == PUBLISH_REFUSED % {"count": 1}
    assert any("第2个内容块（表格）" in e for e in errors)
    assert 1 in edit_page(client, admin, article).context["form"].errors["body"].as_data()[0].block_errors


# ---- the reviewer ---------------------------------------------------------------------------


def submitted_with_headerless_table(news, editor):
    """An item in review that breaks a rule (imported, or written before the rule)."""
    article = make_article(news, TITLE, publish=False, user=editor)
    article.body = [
        ("paragraph", RichText(GOOD_TEXT)),
        ("table", {"data": [["项目", "情况"], ["平台", "已完成"]], "first_row_is_table_header": False}),
    ]
    article.save_revision(user=editor)
    news.get_workflow().start(article, editor)
    return Page.objects.get(pk=article.pk)


def test_reviewer_approving_a_rule_breaking_item_is_told_why(client, news, people):
    article = submitted_with_headerless_table(news, people["editor"])
    step = article.current_workflow_task_state
    reviewer = people["reviewer"]

    # Opening it, the reviewer is told up front.
    page = edit_page(client, reviewer, article)
    notices = [str(m) for m in page.context["messages"]]
    assert any(n.startswith("审核提示") and "表头" in n for n in notices), notices

    # Approving through Wagtail's workflow action view (the dashboard and the edit page's
    # action menu): back to the edit page with the reason, nothing approved.
    url = reverse("wagtailadmin_pages:workflow_action", args=[article.pk, "approve", step.pk])
    response = client.post(url, {"comment": "同意"})
    assert response.status_code == 302
    assert response["Location"] == (
        reverse("wagtailadmin_pages:edit", args=[article.pk]) + f"?{REFUSED_PARAM}={step.pk}"
    )
    page = client.get(response["Location"])
    assert page.status_code == 200
    errors = [m.message for m in page.context["messages"] if m.level_tag == "error"]
    assert any("不能审核通过" in e and "表格没有表头单元格" in e for e in errors), errors
    assert not any("没有权限" in str(m) for m in page.context["messages"])
    step.refresh_from_db()
    assert step.status == TaskState.STATUS_IN_PROGRESS

    # The modal ("approve with comment") follows the same address.
    response = client.post(url, {"comment": "同意"}, headers={"x-requested-with": "XMLHttpRequest"})
    assert response.status_code == 200
    assert json.loads(response.content)["redirect"].endswith(f"?{REFUSED_PARAM}={step.pk}")

    # The edit page's own approve button.
    response = post_edit(
        client,
        reviewer,
        article,
        form(
            TITLE,
            article.slug,
            [("paragraph", rich_text(GOOD_TEXT)), table(False)],
            **{"action-workflow-action": "true", "workflow-action-name": "approve"},
        ),
    )
    assert response["Location"].endswith(f"?{REFUSED_PARAM}={step.pk}")
    step.refresh_from_db()
    assert step.status == TaskState.STATUS_IN_PROGRESS
    assert not ArticlePage.objects.get(pk=article.pk).live


def test_request_changes_comment_shows_on_the_editors_edit_page(client, news, people):
    body = [("paragraph", rich_text(GOOD_TEXT))]
    _response, article = add(client, people["editor"], news, form(TITLE, "meeting", body, "action-submit"))
    step = Page.objects.get(pk=article.pk).current_workflow_task_state
    client.force_login(people["reviewer"])
    url = reverse("wagtailadmin_pages:workflow_action", args=[article.pk, "reject", step.pk])
    client.post(url, {"comment": "请核实会议日期"})
    step.refresh_from_db()
    assert step.status == TaskState.STATUS_REJECTED

    page = edit_page(client, people["editor"], article)
    shown = {m.message: m.level_tag for m in page.context["messages"]}
    when = timezone.localtime(step.finished_at).strftime("%Y-%m-%d %H:%M")
    (comment,) = [text for text in shown if text.startswith("审核意见")]
    assert comment == f"审核意见（初审·张三，{when}，退回修改）：请核实会议日期"
    assert shown[comment] == "warning"
    assert "请核实会议日期" in page.text

    # Resubmitted and approved with a comment: both show, oldest first.
    post_edit(client, people["editor"], article, form(TITLE, "meeting", body, "action-submit"))
    second = Page.objects.get(pk=article.pk).current_workflow_task_state
    client.force_login(people["reviewer"])
    client.post(
        reverse("wagtailadmin_pages:workflow_action", args=[article.pk, "approve", second.pk]),
        {"comment": "同意，请终审"},
    )
    comments = [m.message for m in edit_page(client, people["editor"], article).context["messages"]]
    comments = [c for c in comments if c.startswith("审核意见")]
    assert len(comments) == 2
    assert comments[0].endswith("：请核实会议日期") and comments[1].endswith("，审核通过）：同意，请终审")


# ---- the protocol ---------------------------------------------------------------------------


def test_checks_may_return_strings_pairs_or_findings():
    class Finding:
        field, block, message = "body", 2, "图片没有替代文字"

        def __str__(self):
            return "“正文”第3个内容块（图片）：图片没有替代文字"

    class Bare:
        message = "缺少来源"
        field = "source"

    found = [publish_checks.as_refusal(r) for r in ["一句话", ("title", "标题过长"), Finding(), Bare()]]
    assert [(r.text, r.field, r.block, r.field_text) for r in found] == [
        ("一句话", "", None, "一句话"),
        ("标题过长", "title", None, "标题过长"),
        ("“正文”第3个内容块（图片）：图片没有替代文字", "body", 2, "图片没有替代文字"),
        ("缺少来源", "source", None, "缺少来源"),
    ]
