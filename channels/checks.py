"""System checks of the channels' settings, run at start-up (runserver, migrate, check):

channels.E001  CHANNEL_ADAPTERS is not a dict of channel key → dotted path, or a key does
               not fit Delivery.channel
channels.E002  an adapter path that does not import
channels.E003  an adapter that is not a ChannelAdapter
channels.E004  PUSH_PROVIDER does not import, or is not a PushProvider
channels.W001  columns choose a channel that has no adapter: their items skip it (the
               outbox says nothing per page; this warning says it once)
"""

from collections import Counter

from django.conf import settings
from django.core.checks import Error, Warning
from django.db import DatabaseError
from django.utils.module_loading import import_string

from cms.pages import ColumnPage

from .adapters import ChannelAdapter
from .models import Delivery
from .push.providers import PushProvider

KEY_MAX_LENGTH = Delivery._meta.get_field("channel").max_length


def _load(path):
    """(the object at a dotted path, None) or (None, why it does not import)."""
    try:
        return import_string(path), None
    except ImportError as exc:
        return None, str(exc)


def channel_adapters(app_configs=None, **kwargs):
    adapters = getattr(settings, "CHANNEL_ADAPTERS", None)
    if not isinstance(adapters, dict):
        return [
            Error(
                "CHANNEL_ADAPTERS must be a dict of channel key → adapter class (dotted path).",
                hint='E.g. {"web": "channels.web.adapter.WebAdapter"} (docs/channels.md).',
                id="channels.E001",
            )
        ]
    errors = []
    for key, path in adapters.items():
        where = f"CHANNEL_ADAPTERS[{key!r}]"
        if not (isinstance(key, str) and 0 < len(key) <= KEY_MAX_LENGTH and isinstance(path, str)):
            errors.append(
                Error(
                    f"{where} = {path!r}: the key must be a channel name of 1 to {KEY_MAX_LENGTH} "
                    "characters, the value a dotted path.",
                    id="channels.E001",
                )
            )
            continue
        adapter, why = _load(path)
        if why:
            errors.append(Error(f"{where} = {path!r} does not import: {why}", id="channels.E002"))
        elif not (isinstance(adapter, type) and issubclass(adapter, ChannelAdapter)):
            errors.append(
                Error(
                    f"{where} = {path!r} is not a channel adapter.",
                    hint="An adapter subclasses channels.adapters.ChannelAdapter.",
                    id="channels.E003",
                )
            )
    return errors


def push_provider(app_configs=None, **kwargs):
    path = getattr(settings, "PUSH_PROVIDER", "")
    provider, why = _load(path)
    if why or not (isinstance(provider, type) and issubclass(provider, PushProvider)):
        problem = f"does not import: {why}" if why else "is not a push provider"
        return [
            Error(
                f"PUSH_PROVIDER = {path!r} {problem}.",
                hint="E.g. channels.push.providers.WebhookProvider or JPushProvider (docs/api.md).",
                id="channels.E004",
            )
        ]
    return []


def column_channels(app_configs=None, **kwargs):
    adapters = getattr(settings, "CHANNEL_ADAPTERS", None)
    configured = adapters if isinstance(adapters, dict) else {}
    try:
        chosen = Counter(
            channel
            for channels in ColumnPage.objects.values_list("channels", flat=True)
            for channel in channels or ()
        )
    except DatabaseError:
        return []  # no database yet (before the first migrate): no column chooses anything
    missing = sorted(channel for channel in chosen if channel not in configured)
    if not missing:
        return []
    counts = ", ".join(f"{c} ({chosen[c]} column{'s' if chosen[c] > 1 else ''})" for c in missing)
    return [
        Warning(
            f"Columns choose channels that have no adapter in CHANNEL_ADAPTERS: {counts}. "
            "Their items are not delivered to them.",
            hint="Configure an adapter for each (the app channel is switched on by PUSH_WEBHOOK_URL "
            "or PUSH_JPUSH_APP_KEY), or untick them on the columns.",
            id="channels.W001",
        )
    ]
