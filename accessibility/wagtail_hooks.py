"""Wagtail hooks of the accessibility app: the publish-time content checks (checks.py) in
the page editor, and Wagtail's own checker in the userbar configured with the same rules.

The blocking checks are publishing rules (registered in apps.py with cms.publish_checks):
the page editor shows each at the block that fails, and refuses submitting and publishing
while one fails (cms.rule_messages). Warnings are shown here when publishing, which goes on.
"""

from django.contrib import messages
from wagtail import hooks
from wagtail.admin.userbar import ContentCheckerItem

from . import checks


# Before cms.rule_messages' refusal (order 0), so a refused publish shows the warnings too.
@hooks.register("before_publish_page", order=-1)
def warn_before_publish(request, page):
    for warning in checks.warnings(checks.check_page(page)):
        messages.warning(request, f"无障碍提示：{warning}")
    return None


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
