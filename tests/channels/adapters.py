"""Adapters for outbox tests, plugged in through CHANNEL_ADAPTERS the way a real one is: a
scriptable one (each call recorded, outcomes queued per channel), and the real WeChat
adapter without its client's backoff sleeps."""

import threading

from channels.adapters import ChannelAdapter
from channels.wechat.adapter import WeChatAdapter

calls = []
outcomes = {}  # channel -> list of DeliveryError or dict, consumed in order
gates = {}  # channel -> (entered Event, release Event): hold a delivery mid-flight


def reset():
    calls.clear()
    outcomes.clear()
    gates.clear()


class ScriptedAdapter(ChannelAdapter):
    # No label: editors would see the channel's key.

    def _outcome(self, action, page, delivery):
        calls.append((action, delivery.channel, page.pk, delivery.pk))
        if delivery.channel in gates:
            entered, release = gates[delivery.channel]
            entered.set()
            release.wait(10)
        queued = outcomes.get(delivery.channel) or []
        outcome = queued.pop(0) if queued else {"ok": True}
        if isinstance(outcome, Exception):
            raise outcome
        return outcome

    def deliver(self, page, revision, delivery):
        return self._outcome("deliver", page, delivery)

    def withdraw(self, page, delivery):
        return self._outcome("withdraw", page, delivery)


class ScriptedWeChatAdapter(ScriptedAdapter):
    """Scripted, and called what the real WeChat adapter is called."""

    label = WeChatAdapter.label


def gate(channel):
    entered, release = threading.Event(), threading.Event()
    gates[channel] = (entered, release)
    return entered, release


class QuickWeChatAdapter(WeChatAdapter):
    """The real WeChat adapter, its client's retry backoff not slept (the delays are
    asserted in test_wechat_client.py)."""

    def __init__(self):
        super().__init__(sleep=lambda seconds: None)
