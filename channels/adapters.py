"""The contract of a delivery channel, its one pair of errors, and the registry.

A channel is an adapter class chosen by dotted path in `settings.CHANNEL_ADAPTERS`
(channel key → path), the way Wagtail picks search backends; each lives with the rest of
its channel (channels/<name>/adapter.py). The registry is the only list of channels: the
outbox delivers to the configured ones, a column offers them (`channel_choices`, with each
adapter's own `label`), and the admin shows each channel's own views and panels. The
system checks (channels/checks.py) vouch for the setting at start-up.
"""

from functools import cache

from django.conf import settings
from django.utils.module_loading import import_string


class DeliveryError(Exception):
    """A delivery that did not happen. `reason` is shown to editors (in Chinese);
    `retryable` says whether the outbox should try again with backoff; `code` is the
    channel's own code (kept on the row as error_code). A channel's client may subclass it
    to carry more (channels.wechat.client.WeChatAPIError), and the outbox needs no
    translation of it."""

    def __init__(self, reason, *, retryable=False, code=None):
        super().__init__(reason)
        self.reason = reason
        self.retryable = retryable
        self.code = code


class DeliveryPending(Exception):
    """The channel accepted the delivery and is still working on it (a WeChat publish job
    under review). The outbox frees the worker and calls `deliver` (or `withdraw`) again
    after `after` seconds; the adapter must then only check on the job it started, which
    it recognises from what it recorded. `reason` is shown to editors meanwhile."""

    def __init__(self, reason, *, after):
        super().__init__(reason)
        self.reason = reason
        self.after = after


class ChannelAdapter:
    """Delivers one published page revision to one channel.

    `deliver` and `withdraw` must be idempotent for a given delivery: the outbox may call
    them again after a crash, and the delivery row (with its `idempotency_key` and the
    `state` dict the adapter returns) is how an adapter recognises work it already did.
    The channel's key is the setting's, not the adapter's: `delivery.channel`.

    The admin parts are optional: a channel with views of its own names their URL
    patterns in `admin_urls`, adds its section to a page's 发布渠道 view with `page_panel`, and its
    items to the Settings menu with `settings_menu_items`.
    """

    #: what editors call the channel (网站, 微信公众号); the key when empty
    label = ""
    #: added to the outbox's queue priority of this channel's deliveries (-100..100)
    queue_priority = 0
    #: dotted path of the list of the channel's admin URL patterns, mounted at
    #: /admin/channels/<key>/ in the namespace "portal_channels:<key>"; empty: none
    admin_urls = ""

    def deliver(self, page, revision, delivery):
        """Deliver `revision` of `page`. Return a dict of outcome data to store on the
        delivery (e.g. {"url": ...}); raise DeliveryError on failure, or DeliveryPending
        when the channel took the work and its outcome is to be checked later."""
        raise NotImplementedError

    def withdraw(self, page, delivery):
        """Take `page` down from the channel after an unpublish. Default: nothing to do."""
        return {}

    def page_panel(self, request, page, latest):
        """HTML of the channel's own section on the page's 发布渠道 view, under the
        channels' states; `latest` is the page's newest Delivery on this channel, or None."""
        return ""

    def settings_menu_items(self):
        """Wagtail MenuItems the channel adds to the admin's Settings menu."""
        return []


# --- the registry ---------------------------------------------------------------------


def adapter_class(channel):
    """The adapter class configured for a channel key (KeyError when there is none)."""
    return import_string(settings.CHANNEL_ADAPTERS[channel])


@cache
def get_adapter(channel):
    """The adapter instance for a channel key, one per process."""
    return adapter_class(channel)()


def forget_adapters(*, setting, **kwargs):
    """A `setting_changed` receiver (tests): new CHANNEL_ADAPTERS, new instances."""
    if setting == "CHANNEL_ADAPTERS":
        get_adapter.cache_clear()


def channel_label(channel):
    """What editors call a channel: its adapter's label; the key itself for a channel
    without a configured adapter (a row of a channel switched off since)."""
    if channel not in settings.CHANNEL_ADAPTERS:
        return channel
    return str(adapter_class(channel).label or channel)


def channel_choices():
    """(key, label) of every configured channel: what a column may choose."""
    return [(channel, channel_label(channel)) for channel in settings.CHANNEL_ADAPTERS]
