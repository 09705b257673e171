"""The contract every delivery channel implements."""


class DeliveryError(Exception):
    """A delivery that did not happen. `reason` is shown to editors (in Chinese);
    `retryable` says whether the outbox should try again with backoff."""

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
    """

    #: channel key, one of cms.pages.Channel values or an internal one ("search")
    name = ""

    def deliver(self, page, revision, delivery):
        """Deliver `revision` of `page`. Return a dict of outcome data to store on the
        delivery (e.g. {"url": ...}); raise DeliveryError on failure, or DeliveryPending
        when the channel took the work and its outcome is to be checked later."""
        raise NotImplementedError

    def withdraw(self, page, delivery):
        """Take `page` down from the channel after an unpublish. Default: nothing to do."""
        return {}
