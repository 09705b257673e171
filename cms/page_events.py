"""The cluster's page-event mark: the newest entry of Wagtail's page log.

Every publish, unpublish, move, reorder, delete and scheduled go-live writes a log entry,
in whichever process makes it (the web process, an RQ worker, the scheduler), so anything
derived from the live tree and kept under this mark (a column's counts in the shared cache,
a site's menu in each process's memory) is never served after the tree changed. Reading
the mark is one indexed lookup, made at most once per request.
"""

from django.db import connection
from wagtail.models import Page, PageLogEntry

_REQUEST_MEMO = "_cms_last_page_event"
# The mark's statement (cms.routing also reads it as a column of its own query): the newest
# entry's id with its time. The id alone can come back meaning another entry: SQLite gives
# a rolled-back insert's id to the next one, and a database restored from a backup numbers
# its new entries from where the backup stood, while the shared cache still holds counts
# kept under those numbers (cms.pages: a column's count, its other lists) and would serve
# them for a different tree. With the time the mark never repeats. (The time's space becomes
# a "T", so the mark can stand in a cache key.)
_NEWEST = "SELECT (SELECT REPLACE({id} || '@' || {time}, ' ', 'T') FROM {table} ORDER BY {id} DESC LIMIT 1)"
NEWEST_SQL = _NEWEST.format(
    id=PageLogEntry._meta.pk.column,
    time=PageLogEntry._meta.get_field("timestamp").column,
    table=PageLogEntry._meta.db_table,
)


def last_event(request=None):
    """The mark of the newest page-log entry ("<id>@<time>"; None on an empty log), read
    once per request."""
    if request is not None and _REQUEST_MEMO in request.__dict__:
        return request.__dict__[_REQUEST_MEMO]
    with connection.cursor() as cursor:
        # Raw: the ORM costs several times the indexed lookup itself.
        cursor.execute(NEWEST_SQL)
        (mark,) = cursor.fetchone()
    if request is not None:
        remember(request, mark)
    return mark


_MEMOS = []


def remember(request, mark):
    """Take the mark as read for `request` (cms.routing reads it with the address's pages)."""
    request.__dict__[_REQUEST_MEMO] = mark


class EventMemo:
    """A small per-process store of values computed from the live tree, each kept under
    the page-event mark it was computed at: a new mark retires all of them at once, and so
    does any page saved or deleted in this process (forget_all), which also covers changes
    that write no log entry."""

    def __init__(self, size=256):
        self.size = size
        self.forget()
        _MEMOS.append(self)

    def forget(self):
        self.mark = object()
        self.values = {}

    def current(self, mark):
        """The values kept under `mark` (read them with .get()), none if the mark moved on."""
        if mark != self.mark:
            self.mark, self.values = mark, {}
        return self.values

    def peek(self, key):
        """(the mark the values are kept under, the value kept for `key` or None), for a
        caller that checks the mark itself later (channels.api.newest)."""
        return self.mark, self.values.get(key)

    def keep(self, key, value):
        """Keep a value under the mark last given to current() or get()."""
        if len(self.values) >= self.size:
            self.values.clear()
        self.values[key] = value

    def get(self, mark, key, compute):
        values = self.current(mark)
        try:
            return values[key]
        except KeyError:
            pass
        value = compute()
        self.keep(key, value)
        return value


def forget_all(sender=None, instance=None, **kwargs):
    """A post_save/post_delete receiver: a page changed here, so no memo is trusted."""
    if instance is None or isinstance(instance, Page):
        for memo in _MEMOS:
            memo.forget()
