"""The sensitive-word filter of the hot search terms: the shipped seed list
(search/dict/sensitive_words.txt) and the editors' dictionary (SensitiveWord, edited in the
admin under 热门搜索 → 敏感词库), matched in one pass with an Aho-Corasick automaton
(pyahocorasick).

The automaton is built once per process and rebuilt when the dictionary changes: saving
or deleting a SensitiveWord writes a new version into Django's cache (at once and again
after the commit, as lookups.py does for synonyms), and every process compares its copy's
version with the cache's before matching. With Redis (production) that reaches every
process; the version also expires after an hour, in case a change reached the database
some other way.

Words and terms go through the search's own normalisation (full width → half width,
traditional → simplified, lower case) before matching, and a term is also matched with its
spaces and punctuation removed, so 賭 博 and ＜svg are caught like 赌博 and <svg.
"""

import functools
import threading
import uuid

import ahocorasick
from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import post_delete, post_save

from .analysis import DICT_DIR, normalise
from .models import SensitiveWord

SEED_FILE = DICT_DIR / "sensitive_words.txt"
VERSION_KEY = "portal_search:sensitive_words_version"
VERSION_TIMEOUT = 3600

_lock = threading.Lock()
_built = {"version": None, "automaton": None}


@functools.cache
def seed_words():
    """[(word, category)] of the shipped seed list."""
    words, category = [], "other"
    for line in SEED_FILE.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("[") and line.endswith("]"):
            category = line[1:-1].strip()
            continue
        words.append((line, category))
    return words


def _compact(text):
    """The text without spaces and punctuation: letters, digits and CJK only."""
    return "".join(ch for ch in text if ch.isalnum())


def _keys(word):
    """What a dictionary word is looked for as: its normalised form, and for a word of
    letters and spaces only (union select) also without the spaces, the way compacted
    terms read."""
    key = normalise(word).strip()
    keys = {key} if key else set()
    if key and all(ch.isalnum() or ch.isspace() for ch in key):
        keys.add(_compact(key))
    return keys


def build(words):
    """An automaton over [(word, category)]; None for an empty dictionary."""
    automaton = ahocorasick.Automaton()
    for word, category in words:
        for key in _keys(word):
            automaton.add_word(key, (word, category))
    if len(automaton) == 0:
        return None
    automaton.make_automaton()
    return automaton


def _current_version():
    version = cache.get(VERSION_KEY)
    if version is None:
        cache.add(VERSION_KEY, uuid.uuid4().hex, VERSION_TIMEOUT)
        version = cache.get(VERSION_KEY)
    return version


def automaton():
    """This process's automaton over the seed list and the editors' words, rebuilt when
    the cached version differs from the one it was built at."""
    version = _current_version()
    if version is not None and _built["version"] == version:
        return _built["automaton"]
    with _lock:
        if version is None or _built["version"] != version:
            # Read the version before the words: a change committed meanwhile writes a
            # newer version, so the next call rebuilds.
            words = seed_words() + list(SensitiveWord.objects.values_list("word", "category"))
            _built["automaton"] = build(words)
            _built["version"] = version
        return _built["automaton"]


def matcher():
    """A function giving the dictionary words found in a search term, sorted ([] for a
    clean term), over the current dictionary: take one for a list of terms, so the cached
    version is read once, not once a term."""
    found = automaton()

    def match(text):
        text = normalise(text)
        if found is None or not text:
            return []
        words = set()
        for candidate in {text, _compact(text)}:
            for _end, (word, _category) in found.iter(candidate):
                words.add(word)
        return sorted(words)

    return match


def matches(text):
    """The dictionary words found in one search term, sorted; [] for a clean term."""
    return matcher()(text)


def _forget(**kwargs):
    cache.set(VERSION_KEY, uuid.uuid4().hex, VERSION_TIMEOUT)
    # A match in another request may rebuild from the old rows before this transaction
    # commits: write a new version again once it has.
    transaction.on_commit(lambda: cache.set(VERSION_KEY, uuid.uuid4().hex, VERSION_TIMEOUT))


def connect():
    post_save.connect(_forget, sender=SensitiveWord, dispatch_uid="portal_search_sensitive_saved")
    post_delete.connect(_forget, sender=SensitiveWord, dispatch_uid="portal_search_sensitive_deleted")
