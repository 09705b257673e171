"""The WeChat Official Account channel adapter: publishes (and, on unpublish, takes down)
through channels/wechat/publish.py and turns its outcomes into the outbox's terms:
PublishPending → DeliveryPending (the job is checked later by a deferred task),
PublishError → DeliveryError."""

import time

from channels.wechat.publish import PublishError, PublishPending, publish_article, withdraw_article

from .base import ChannelAdapter, DeliveryError, DeliveryPending


class WeChatAdapter(ChannelAdapter):
    name = "wechat"

    def __init__(self, *, sleep=time.sleep, on_draft_saved=None):
        # Injectable so tests neither wait on the client's retry backoff nor need to kill
        # a process to crash between draft/add and freepublish/submit.
        self.sleep = sleep
        self.on_draft_saved = on_draft_saved

    def _call(self, fn, *args, **kwargs):
        try:
            return fn(*args, **kwargs)
        except PublishPending as pending:
            raise DeliveryPending(pending.reason, after=pending.after) from pending
        except PublishError as exc:
            raise DeliveryError(exc.reason, retryable=exc.retryable, code=exc.code) from exc

    def deliver(self, page, revision, delivery):
        return self._call(
            publish_article, page, revision, sleep=self.sleep, on_draft_saved=self.on_draft_saved
        )

    def withdraw(self, page, delivery):
        return self._call(withdraw_article, page, sleep=self.sleep)
