"""A random token in the cache every process shares, replaced by the edits that retire what
processes keep in their own memory between requests.

A process keeps an answer under the token it read; when the token it reads next differs,
it forgets everything kept under the old one. A token is random, never a count, so a
cache that lost it (cleared, Redis restarted without its data) cannot hand back one that
some process still keeps answers under. An edit replaces it when it happens and again when
its transaction commits, so a process that read the old rows in between (under the new
token) reads them again. A request reads every token at once, in one cache read.

Users: the remembered sites (sites/resolution.py) and the app API's remembered list
entries (channels/api/entries.py).
"""

import uuid

from django.core.cache import cache
from django.db import transaction

_TOKENS = []
_REQUEST_TOKENS = "_portal_shared_tokens"


def read_all(request):
    """Every token, in one cache read, kept for the rest of the request: the remembered sites
    read theirs on every request, and whatever else a request checks comes with it."""
    found = cache.get_many([token.key for token in _TOKENS])
    tokens = {token.key: found.get(token.key) or token.read() for token in _TOKENS}
    request.__dict__[_REQUEST_TOKENS] = tokens
    return tokens


class SharedToken:
    def __init__(self, key):
        self.key = key
        _TOKENS.append(self)

    def read(self, request=None):
        """The token now; for a request, as the request's first read found it."""
        if request is not None:
            tokens = request.__dict__.get(_REQUEST_TOKENS)
            if tokens is None:
                tokens = read_all(request)
            if self.key not in tokens:  # a token made after the request's read
                tokens[self.key] = self.read()
            return tokens[self.key]
        token = cache.get(self.key)
        if token is None:
            cache.add(self.key, uuid.uuid4().hex, timeout=None)
            token = cache.get(self.key)
        return token

    def replace(self):
        """Everything kept under the current token is stale from now."""
        cache.set(self.key, uuid.uuid4().hex, timeout=None)

    def replace_on_edit(self, **kwargs):
        """A signal receiver: now, and again when the edit's transaction commits."""
        self.replace()
        transaction.on_commit(self.replace)
