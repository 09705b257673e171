"""The cluster: many government sites in one installation."""

from django.apps import AppConfig


class ClusterConfig(AppConfig):
    # "sites" is django.contrib.sites' label; this app is the cluster.
    name = "sites"
    label = "cluster"
    verbose_name = "网站群"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from . import resolution, two_factor_hooks  # noqa: F401 - registers the account page's link

        resolution.connect()
