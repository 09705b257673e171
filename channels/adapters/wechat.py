"""The WeChat Official Account channel adapter: publishes through channels/wechat/publish.py
and turns its failures into DeliveryError for the outbox."""

import time

from channels.wechat.publish import PublishError, publish_article

from .base import ChannelAdapter, DeliveryError


class WeChatAdapter(ChannelAdapter):
    name = "wechat"

    def __init__(self, *, sleep=time.sleep, on_draft_saved=None):
        # Injectable so tests neither wait on polling nor need to kill a process to crash.
        self.sleep = sleep
        self.on_draft_saved = on_draft_saved

    def deliver(self, page, revision, delivery):
        try:
            return publish_article(page, revision, sleep=self.sleep, on_draft_saved=self.on_draft_saved)
        except PublishError as exc:
            raise DeliveryError(exc.reason, retryable=exc.retryable, code=exc.code) from exc
