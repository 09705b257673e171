"""App config of the app API; its own label keeps its migrations apart from the outbox's."""

from django.apps import AppConfig


class PortalApiConfig(AppConfig):
    name = "channels.api"
    label = "portal_api"
    verbose_name = "App 接口"

    def ready(self):
        from . import changes, cors, entries, schema  # noqa: F401 — schema registers its OpenAPI extension

        changes.connect_receivers()
        cors.connect()
        entries.connect()
