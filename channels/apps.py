"""Channels: the publish outbox and one adapter per channel (web, WAP, WeChat, app)."""

from django.apps import AppConfig
from django.core.checks import register
from django.core.signals import setting_changed


class ChannelsConfig(AppConfig):
    name = "channels"
    label = "portal_channels"
    verbose_name = "发布渠道"

    def ready(self):
        from . import adapters, checks, outbox

        outbox.connect()
        from .web import page_cache, refresh

        refresh.connect()
        page_cache.connect()
        setting_changed.connect(adapters.forget_adapters, dispatch_uid="portal_channels_adapters")
        register(checks.channel_adapters)
        register(checks.push_provider)
        register(checks.column_channels)

        from cms import publish_checks

        from .wechat.rules import wechat_limits

        # The page editor, submit, publish and review approvals tell an item bound for
        # WeChat what WeChat would refuse (cms.publish_checks).
        publish_checks.register(wechat_limits)
