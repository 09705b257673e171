"""How a call to an outside platform (WeChat, Weibo) failed before any answer came, which
decides whether it may be tried again: a request that never left this machine can be sent
again safely; one that may have reached the platform could be carried out twice."""

import requests

#: Never connected (the connection timed out or was refused): nothing was sent.
CONNECT_TIMEOUT = "connect-timeout"
REFUSED = "refused"
#: Sent, then no answer in time, or the connection broke: the platform may have acted.
READ_TIMEOUT = "read-timeout"
BROKEN = "broken"


def failure_of(exc):
    """One of the kinds above for a `requests` exception raised by a call."""
    if isinstance(exc, requests.ConnectTimeout):
        return CONNECT_TIMEOUT
    if isinstance(exc, requests.Timeout):
        return READ_TIMEOUT
    # requests wraps urllib3's NewConnectionError (refused, unreachable) in a ConnectionError.
    return REFUSED if "NewConnectionError" in repr(exc) else BROKEN


def may_have_reached(kind):
    """Whether a call that failed this way may have been carried out all the same."""
    return kind in (READ_TIMEOUT, BROKEN)


def failure_reason(kind, platform):
    """What editors read about a call to `platform` (微信, 微博) that failed this way."""
    if kind == CONNECT_TIMEOUT:
        return f"连接{platform}服务器超时，请稍后重试"
    if kind == READ_TIMEOUT:
        return f"等待{platform}服务器答复超时，请稍后重试"
    return f"无法连接{platform}服务器，请稍后重试"
