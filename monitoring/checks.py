"""System checks of the monitor's settings: every dotted path must import."""

from django.conf import settings
from django.core.checks import Error, register
from django.utils.module_loading import import_string

SETTINGS = (
    "MONITOR_CHECKS",
    "MONITOR_INTERACTION_SOURCES",
    "MONITOR_NEW_MEDIA_SOURCES",
    "MONITOR_REPORT_SOURCES",
)


@register()
def monitor_paths(app_configs, **kwargs):
    errors = []
    for name in SETTINGS:
        for path in getattr(settings, name, []):
            try:
                import_string(path)
            except ImportError as exc:
                errors.append(Error(f"{name}: {path} cannot be imported ({exc}).", id="monitoring.E001"))
    return errors
