"""Channel adapters, chosen by dotted path in settings.CHANNEL_ADAPTERS."""

from functools import cache

from django.conf import settings
from django.utils.module_loading import import_string

from .base import ChannelAdapter, DeliveryError, DeliveryPending  # noqa: F401


@cache
def get_adapter(channel):
    """The adapter instance for a channel key (web, wap, wechat, app, search)."""
    return import_string(settings.CHANNEL_ADAPTERS[channel])()
