"""The content model: page types, blocks, snippets, disclosure metadata and workflow."""

from django.apps import AppConfig


class CmsConfig(AppConfig):
    name = "cms"
    verbose_name = "内容管理"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from . import signals, stream_input

        signals.connect()
        stream_input.register()
