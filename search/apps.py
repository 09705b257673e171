"""Search: Chinese-aware analysis, index backends and the query service of the cluster."""

from django.apps import AppConfig
from django.core.checks import register


class PortalSearchConfig(AppConfig):
    name = "search"
    label = "portal_search"
    verbose_name = "全文检索"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from . import checks, lookups, sensitive_words, signals

        signals.connect()
        lookups.connect()
        sensitive_words.connect()
        register(checks.search_backend)
        register(checks.hot_terms_settings)
