"""Outbox fixtures: scripted adapters on every channel, a folder for static publishing, and a
WeChat server."""

import pytest

from channels.adapters import get_adapter

from . import adapters
from .wechat_inbound import WeChat

SCRIPTED = "tests.channels.adapters.ScriptedAdapter"
SCRIPTED_WECHAT = "tests.channels.adapters.ScriptedWeChatAdapter"


@pytest.fixture
def scripted(settings):
    settings.CHANNEL_ADAPTERS = {"web": SCRIPTED, "wap": SCRIPTED, "wechat": SCRIPTED_WECHAT}
    get_adapter.cache_clear()
    adapters.reset()
    yield adapters
    adapters.reset()
    get_adapter.cache_clear()


@pytest.fixture
def wechat(client):
    """A WeChat server talking to the callback (tests/channels/wechat_inbound.py)."""
    return WeChat(client)


@pytest.fixture
def folder(settings, tmp_path):
    """Static publishing on, into a folder of the test's own, through the web and WAP
    channels' real adapters."""
    settings.STATIC_PUBLISHING = True
    settings.STORAGES = {
        **settings.STORAGES,
        "published": {
            "BACKEND": "channels.web.storage.PublishedFileStorage",
            "OPTIONS": {"location": tmp_path},
        },
    }
    settings.CHANNEL_ADAPTERS = {
        "web": "channels.web.adapter.WebAdapter",
        "wap": "channels.wap.adapter.WapAdapter",
    }
    get_adapter.cache_clear()
    yield tmp_path
    get_adapter.cache_clear()
