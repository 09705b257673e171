"""Accessibility: accessible rendering modes, the toolbar and publish-time checks."""

from django.apps import AppConfig


class AccessibilityConfig(AppConfig):
    name = "accessibility"
    verbose_name = "无障碍"

    def ready(self):
        from cms import publish_checks

        from . import checks

        # The editor's save, submit and publish and review approvals run the blocking rules
        # (cms.publish_checks); each Finding names its StreamField and block, so the editor
        # shows it at the block that fails.
        publish_checks.register(lambda page: checks.errors(checks.check_page(page)))
