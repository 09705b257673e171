"""Channels: the publish outbox and one adapter per channel (web, WAP, WeChat, app)."""

from django.apps import AppConfig


class ChannelsConfig(AppConfig):
    name = "channels"
    label = "portal_channels"
    verbose_name = "发布渠道"
