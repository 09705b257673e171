"""Text commands a content app answers in the channels' text interfaces (a WeChat
follower's message): a registry, so channels/ can offer "查询 <code>" and the like without
importing the app that knows the answer.

An app registers, in its AppConfig.ready(), a compiled pattern and a function
answer(site, match) -> str | None; `answer(site, text)` returns the first registered
command's answer whose pattern matches the whole text, or None (the channel then does what
it does with other text, e.g. search)."""

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Lookup:
    key: str
    pattern: object  # a compiled re.Pattern
    answer: Callable


_lookups = {}


def register(key, pattern, answer):
    """Register (or replace, by `key`) a text command."""
    _lookups[key] = Lookup(key=key, pattern=pattern, answer=answer)


def answer(site, text):
    """The answer of the first command matching `text` on `site`, or None."""
    for lookup in _lookups.values():
        match = lookup.pattern.fullmatch(text or "")
        if match is not None:
            reply = lookup.answer(site, match)
            if reply is not None:
                return reply
    return None
