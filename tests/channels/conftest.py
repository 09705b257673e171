"""Outbox fixtures: scripted adapters on every channel, and on-commit callbacks run."""

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
