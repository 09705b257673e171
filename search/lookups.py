"""The small tables every search reads — the cluster's site names and the editors' synonym
groups — kept in Django's cache, so a search costs neither a database round trip nor an
ORM query build for them (together 0.7 ms of a 2 ms search at 20,000 documents,
docs/search.md). Saving or deleting a Site or a Synonym drops the cached copy, after the
commit as well as at once; with Redis (production) that holds for every process."""

from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import post_delete, post_save
from wagtail.models import Site

from .analysis import normalise
from .models import Synonym

SITE_NAMES_KEY = "portal_search:site_names"
SYNONYMS_KEY = "portal_search:synonym_groups"
# A copy lives an hour at most, in case a change reached the database some other way
# (a raw SQL fix, loaddata): the signals below cover the admin and the code.
TIMEOUT = 3600


def site_names():
    """{site id: display name} of every site."""
    names = cache.get(SITE_NAMES_KEY)
    if names is None:
        names = {s.pk: s.site_name or s.hostname for s in Site.objects.only("site_name", "hostname")}
        cache.set(SITE_NAMES_KEY, names, TIMEOUT)
    return names


def synonym_groups():
    """Each synonym group as its normalised members."""
    groups = cache.get(SYNONYMS_KEY)
    if groups is None:
        groups = [[m for m in (normalise(t) for t in g.term_list()) if m] for g in Synonym.objects.all()]
        cache.set(SYNONYMS_KEY, groups, TIMEOUT)
    return groups


def _forget(key):
    def receiver(**kwargs):
        cache.delete(key)
        # A search in another request may cache the old rows before this transaction
        # commits: drop the copy again once it has.
        transaction.on_commit(lambda: cache.delete(key))

    return receiver


_forget_sites = _forget(SITE_NAMES_KEY)
_forget_synonyms = _forget(SYNONYMS_KEY)


def connect():
    for signal in (post_save, post_delete):
        signal.connect(_forget_sites, sender=Site, dispatch_uid=f"portal_search_sites_{signal is post_save}")
        signal.connect(
            _forget_synonyms, sender=Synonym, dispatch_uid=f"portal_search_synonyms_{signal is post_save}"
        )
