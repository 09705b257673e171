"""Accessibility: accessible rendering modes, the toolbar and publish-time checks."""

from django.apps import AppConfig


class AccessibilityConfig(AppConfig):
    name = "accessibility"
    verbose_name = "无障碍"
