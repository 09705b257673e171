"""Wagtail hooks of the accessibility app: the publish-time content checks (checks.py) in
the page editor, and Wagtail's own checker in the userbar configured with the same rules.

Publishing from the editor (create or edit) is refused while a check fails: the draft has
already been saved as a revision, so nothing is lost; the editor is sent back to the
edit view with one message per failing block. Warnings are shown and publishing goes on."""

from django.contrib import messages
from django.shortcuts import redirect
from wagtail import hooks
from wagtail.admin.userbar import ContentCheckerItem

from . import checks


@hooks.register("before_publish_page")
def block_inaccessible_publish(request, page):
    findings = checks.check_page(page)
    for warning in checks.warnings(findings):
        messages.warning(request, f"无障碍提示：{warning}")
    failed = checks.errors(findings)
    if not failed:
        return None
    if page.live and page.live_revision_id is None:
        # Wagtail's create view adds a page to be published as live before this hook runs;
        # refused, it must stay a draft, or its unchecked content would be served.
        type(page).objects.filter(pk=page.pk).update(live=False, has_unpublished_changes=True)
        page.live = False
    messages.error(
        request,
        f"未发布：有 {len(failed)} 处内容不符合无障碍要求，已保存为草稿。请修改后再发布。",
    )
    for error in failed:
        messages.error(request, f"{error}")
    return redirect("wagtailadmin_pages:edit", page.pk)


class PortalContentChecker(ContentCheckerItem):
    """Wagtail's axe-based checker with the rules the publish checks enforce: alt text,
    heading order, table headers, empty link text, contrast. (Meaningless link texts such
    as 点击这里 need a text rule, which Wagtail's checker can only take as one of its own
    evaluate functions; the publish check enforces them.)"""

    axe_run_only = [
        "image-alt",
        "role-img-alt",
        "heading-order",
        "empty-heading",
        "p-as-heading",
        "td-has-header",
        "th-has-data-cells",
        "empty-table-header",
        "link-name",
        "color-contrast",
        "button-name",
        "input-button-name",
        "frame-title",
        "alt-text-quality",
    ]
    axe_messages = {
        **ContentCheckerItem.axe_messages,
        "image-alt": {"error_name": "图片缺少替代文字", "help_text": "填写图片内容说明，或勾选“装饰性图片”"},
        "heading-order": {"error_name": "标题层级跳跃", "help_text": "标题逐级使用，不要跳级"},
        "td-has-header": {"error_name": "表格缺少表头", "help_text": "把第一行或第一列设为表头"},
        "link-name": {"error_name": "链接文字为空", "help_text": "填写说明链接去向的文字"},
        "color-contrast": {"error_name": "颜色对比度不足", "help_text": "文字与背景对比度应不低于 4.5:1"},
    }


@hooks.register("construct_wagtail_userbar")
def use_portal_content_checker(request, items, page):
    for i, item in enumerate(items):
        if type(item) is ContentCheckerItem or item.__class__.__name__ == "AccessibilityItem":
            items[i] = PortalContentChecker(in_editor=item.in_editor)
