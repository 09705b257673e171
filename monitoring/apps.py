"""The cluster monitor (网站群运维监测, M01–M24, X04): scans every site of the cluster over
HTTP and through the content model, scores it against the national inspection's veto lines
and deductions, alerts the people responsible, counts page views and writes each site's
annual website report. Nothing in cms/ or sites/ reads this app."""

from django.apps import AppConfig


class MonitoringConfig(AppConfig):
    name = "monitoring"
    label = "monitoring"
    verbose_name = "网站监测"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from . import checks, fingerprints, wording  # noqa: F401 - system checks

        fingerprints.connect()  # fingerprints after the web channel delivered (M17)
        wording.connect()  # the dictionaries' automata follow their edits (M16)
