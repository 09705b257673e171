"""Accessibility: accessible rendering modes, the toolbar and publish-time checks."""

from django.apps import AppConfig


class AccessibilityConfig(AppConfig):
    name = "accessibility"
    verbose_name = "无障碍"

    def ready(self):
        from cms import publish_checks

        from . import checks

        # Review approvals run the same blocking rules as the editor's publish button.
        publish_checks.register(lambda page: checks.errors(checks.check_page(page)))
