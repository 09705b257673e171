"""A random token in the cache every process shares, replaced by the edits that retire what
processes keep in their own memory between requests.

A process keeps an answer under the token it read; when the token it reads next differs,
it forgets everything kept under the old one. A token is random, never a count, so a
cache that lost it (cleared, Redis restarted without its data) cannot hand back one that
some process still keeps answers under. An edit replaces it when it happens and again when
its transaction commits, so a process that read the old rows in between (under the new
token) reads them again. Reading it is one cache read.

Users: the remembered sites (sites/resolution.py) and the app API's remembered list
entries (channels/api/entries.py).
"""

import uuid

from django.core.cache import cache
from django.db import transaction


class SharedToken:
    def __init__(self, key):
        self.key = key

    def read(self):
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
