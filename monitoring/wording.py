"""M16: suspected typos, sensitive words and wrong leaders' titles in the text citizens
read on each served page.

The dictionaries:

- typos: the shipped seed list (monitoring/dict/typos.txt, wrong → right) and the
  DictionaryWord rows of kind TYPO;
- sensitive words: the cluster's one sensitive-word dictionary, kept by the search
  (search/sensitive_words.py: its seed file and the editors' SensitiveWord rows, with its
  own automaton and version), minus its "markup" category (“www.”, “http://”, “<” are
  suspicious in a search term, ordinary in a page); DictionaryWord rows of kind SENSITIVE
  add words for one site or for all;
- leaders: DictionaryWord rows of kind LEADER (the name, and the correct titles separated
  by 、), read with the titles of monitoring/dict/leader_titles.txt: a known title written
  right before or after a leader's name that is not one of the leader's titles is a
  finding.

A site's words are its own rows and those without a site, matched in one pass with an
Aho-Corasick automaton (pyahocorasick) built once per process and site, and rebuilt when
any DictionaryWord changes: saving or deleting one writes a new version into Django's
cache (connect() wires that; MonitoringConfig.ready calls it), as the search's
sensitive-word dictionary does. Text and words go through the search's normalisation
(full width → half width, traditional → simplified, lower case), so 按裝 is caught like
按装; positions and context are those of the original text.

Every finding is suspected until a person confirms it: a correct use of a listed word
(禁毒宣传 naming 毒品) is dismissed once, and monitoring.findings remembers that by the key
`kind:word:page URL`.
"""

import functools
import hashlib
import threading
import unicodedata
import uuid
from dataclasses import dataclass
from pathlib import Path

import ahocorasick
from bs4 import BeautifulSoup
from django.core.cache import cache
from django.db import transaction
from django.db.models import Q
from django.db.models.signals import post_delete, post_save

from search import sensitive_words
from search.analysis import normalise

from .models import CheckId, DictionaryWord, Finding

DICT_DIR = Path(__file__).resolve().parent / "dict"
TYPO_FILE = DICT_DIR / "typos.txt"
TITLE_FILE = DICT_DIR / "leader_titles.txt"
VERSION_KEY = "monitoring:dictionary_version"
VERSION_TIMEOUT = 3600

TYPO = DictionaryWord.Kind.TYPO.value
SENSITIVE = DictionaryWord.Kind.SENSITIVE.value
LEADER = DictionaryWord.Kind.LEADER.value

#: Characters either side of a finding in its context snippet.
CONTEXT = 15
#: How far before or after a leader's name a title is looked for (the longest title).
TITLE_WINDOW = 8
#: A title is read only up to these: a title across them belongs to another clause.
STOPS = frozenset("。！？；，、：,.!?;:\n\r\t()（）【】[]《》“”\"'|")
#: The search dictionary's categories that are not words of a page's text.
SKIPPED_SENSITIVE_CATEGORIES = frozenset({"markup"})
#: Elements that are not read as text.
INVISIBLE = ("script", "style", "noscript", "template")
#: Elements that end a line of the visible text, so words of two blocks are never read
#: as one (a title at the end of one paragraph and a name at the start of the next).
BLOCKS = (
    "address article aside blockquote dd div dl dt fieldset figcaption figure footer form "
    "h1 h2 h3 h4 h5 h6 header hr li main nav ol p pre section table tbody td tfoot th thead "
    "tr ul option"
).split()

KIND_LABELS = {TYPO: "错别字", SENSITIVE: "敏感词", LEADER: "领导职务"}

_lock = threading.Lock()
_built = {}  # site id (or None) → (version, Dictionary)


@dataclass(frozen=True)
class Problem:
    """One occurrence of a dictionary word in a text. For a leader, `word` is the name,
    `found` the title written next to it and `correction` the correct titles."""

    kind: str
    word: str
    correction: str
    position: int
    context: str
    found: str = ""

    @property
    def label(self):
        """The word as a finding names it: a leader's name with the title found."""
        return f"{self.word}{self.found}" if self.kind == LEADER else self.word


# -- the seed lists ------------------------------------------------------------------------


def _lines(path):
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            yield line


@functools.cache
def seed_typos():
    """[(wrong, right)] of the shipped typo list."""
    pairs = []
    for line in _lines(TYPO_FILE):
        parts = line.split()
        if len(parts) >= 2:
            pairs.append((parts[0], parts[1]))
    return pairs


@functools.cache
def seed_titles():
    """The shipped leaders' titles."""
    return tuple(_lines(TITLE_FILE))


def titles_of(correction):
    """The correct titles of a leader's row: “市委副书记、市长” → ["市委副书记", "市长"]."""
    parts = correction.replace("，", "、").replace(",", "、").replace("；", "、").split("、")
    return [part.strip() for part in parts if part.strip()]


# -- normalisation with positions ----------------------------------------------------------


def _normalised(text):
    """(normalised text, index) where index[i] is the position in `text` of the character
    that became normalised character i. NFKC is applied per character, so the map is
    exact; traditional → simplified and lower case keep the length on Chinese text (when
    they do not, on a rare letter, only NFKC and lower case are applied per character)."""
    pieces = [unicodedata.normalize("NFKC", ch) for ch in text]
    index = [i for i, piece in enumerate(pieces) for _ in piece]
    folded = "".join(pieces)
    converted = normalise(folded)
    if len(converted) != len(folded):
        converted = "".join(piece.lower() if len(piece.lower()) == len(piece) else piece for piece in pieces)
    return converted, index


def _key(word):
    return normalise(word).strip()


# -- the dictionary of a site ---------------------------------------------------------------


class Dictionary:
    """The typos, site-specific sensitive words and leaders of one site (with the words of
    every site), as one automaton, and the titles a leader's name is read with."""

    def __init__(self, rows):
        # Later rows win: the seed list, then the rows of every site, then the site's own.
        entries = {}
        for wrong, right in seed_typos():
            entries[(TYPO, _key(wrong))] = (TYPO, wrong, right)
        for kind, word, correction in rows:
            key = _key(word)
            if key:
                entries[(kind, key)] = (kind, word.strip(), correction.strip())
        self.automaton = None
        if entries:
            automaton = ahocorasick.Automaton()
            by_key = {}
            for (_kind, key), entry in entries.items():
                by_key.setdefault(key, []).append(entry)
            for key, found in by_key.items():
                automaton.add_word(key, (key, tuple(found)))
            automaton.make_automaton()
            self.automaton = automaton
        titles = {_key(title) for title in seed_titles()}
        self.leaders = {}
        for kind, word, correction in entries.values():
            if kind == LEADER:
                correct = [_key(title) for title in titles_of(correction)]
                self.leaders[_key(word)] = correct
                titles.update(correct)
        self.titles = frozenset(title for title in titles if title)

    def title_before(self, text, start):
        """The longest known title ending right before `start`, or ""."""
        window = text[max(0, start - TITLE_WINDOW) : start]
        for n, ch in enumerate(reversed(window)):
            if ch in STOPS or ch.isspace():
                window = window[len(window) - n :]
                break
        for length in range(len(window), 0, -1):
            if window[-length:] in self.titles:
                return window[-length:]
        return ""

    def title_after(self, text, end):
        """The longest known title starting right at `end`, or ""."""
        window = text[end : end + TITLE_WINDOW]
        for n, ch in enumerate(window):
            if ch in STOPS or ch.isspace():
                window = window[:n]
                break
        for length in range(len(window), 0, -1):
            if window[:length] in self.titles:
                return window[:length]
        return ""


def title_is_correct(found, correct_titles):
    """Whether `found` names one of the correct titles: the same title, or its short form
    without the organisation (书记 for 市委书记, 副市长 for 常务副市长), never a title
    without its 副 (市长 for 副市长)."""
    for title in correct_titles:
        if found == title:
            return True
        if title.endswith(found) and not title[: -len(found)].endswith("副"):
            return True
    return False


def _rows(site):
    scope = Q(site__isnull=True) | Q(site=site) if site is not None else Q(site__isnull=True)
    rows = DictionaryWord.objects.filter(scope)
    # Rows of every site first, the site's own after them (they win on the same word).
    ordered = sorted(
        rows.values_list("site_id", "kind", "word", "correction"), key=lambda r: r[0] is not None
    )
    return [(kind, word, correction) for _site, kind, word, correction in ordered]


def _current_version():
    version = cache.get(VERSION_KEY)
    if version is None:
        cache.add(VERSION_KEY, uuid.uuid4().hex, VERSION_TIMEOUT)
        version = cache.get(VERSION_KEY)
    return version


def dictionary(site):
    """This process's Dictionary of `site`, rebuilt when the cached version has changed
    since it was built."""
    site_id = getattr(site, "pk", None)
    version = _current_version()
    built = _built.get(site_id)
    if built is not None and version is not None and built[0] == version:
        return built[1]
    with _lock:
        built = _built.get(site_id)
        if version is None or built is None or built[0] != version:
            # Read the version before the rows: a change committed meanwhile writes a
            # newer version, so the next call rebuilds.
            built = (version, Dictionary(_rows(site)))
            _built[site_id] = built
        return built[1]


# -- finding problems in a text -------------------------------------------------------------


def _sensitive_keys(word):
    # The keys search/sensitive_words.py files a word under: normalised, and for a word of
    # letters and spaces also without the spaces.
    key = _key(word)
    return [key, "".join(ch for ch in key if ch.isalnum())]


def finder(site):
    """A function text → [Problem] over `site`'s current dictionaries: take one for all the
    pages of a scan, so the cached versions are read once."""
    words = dictionary(site)
    search_words = sensitive_words.automaton()

    def find(text):
        if not text:
            return []
        norm, index = _normalised(text)
        spans = []  # (start, end, kind, word, correction, found) over `norm`
        if words.automaton is not None:
            for end, (key, entries) in words.automaton.iter(norm):
                start = end - len(key) + 1
                for kind, word, correction in entries:
                    if kind != LEADER:
                        spans.append((start, end + 1, kind, word, correction, ""))
                        continue
                    correct = words.leaders.get(key, [])
                    found = words.title_before(norm, start) or words.title_after(norm, end + 1)
                    if found and not title_is_correct(found, correct):
                        spans.append((start, end + 1, kind, word, correction, found))
        if search_words is not None:
            for end, (word, category) in search_words.iter(norm):
                if category in SKIPPED_SENSITIVE_CATEGORIES:
                    continue
                key = next((k for k in _sensitive_keys(word) if k and norm.endswith(k, 0, end + 1)), None)
                if key:
                    spans.append((end + 1 - len(key), end + 1, SENSITIVE, word, "", ""))
        problems = []
        seen = set()
        for start, end, kind, word, correction, found in sorted(spans, key=lambda s: (s[0], s[2], s[3])):
            if (start, kind, _key(word)) in seen:  # the same word in both sensitive dictionaries
                continue
            seen.add((start, kind, _key(word)))
            first, last = index[start], index[end - 1] + 1
            context = " ".join(text[max(0, first - CONTEXT) : last + CONTEXT].split())
            problems.append(Problem(kind, word, correction, first, context, found))
        return problems

    return find


def find_problems(text, site=None):
    """The problems in `text` against the dictionaries of `site` (None: only the words of
    every site), in the order they occur. No HTTP; reads the dictionaries."""
    return finder(site)(text)


# -- the served page's text -----------------------------------------------------------------


def _hidden(tag):
    if tag.has_attr("hidden"):
        return True
    style = "".join((tag.get("style") or "").split()).lower()
    return "display:none" in style or "visibility:hidden" in style


def visible_text(html):
    """The text a reader sees of a page: its <main> (the whole <body> when it has none),
    without scripts, styles and elements hidden in the markup (a hidden block injected
    into a page is M17's finding, not text anyone reads), a line per block element."""
    soup = BeautifulSoup(html, "html.parser")
    for tag in soup(INVISIBLE):
        tag.decompose()
    for tag in soup.find_all(_hidden):
        if not tag.decomposed:
            tag.decompose()
    root = soup.find("main") or soup.find("body") or soup
    for tag in root.find_all("br"):
        tag.replace_with("\n")
    for tag in root.find_all(BLOCKS):
        tag.insert_after("\n")
    return root.get_text("")


# -- the check ------------------------------------------------------------------------------


def _key_of(kind, word, page_url):
    key = f"{kind}:{word}:{page_url}"
    if len(key) <= 255:
        return key
    # A very long address: keep the start readable and the whole identity in a hash.
    return f"{key[:190]}#{hashlib.sha256(key.encode('utf-8')).hexdigest()}"


def _title(problem):
    if problem.kind == TYPO:
        return f"疑似错别字：{problem.word}（应为{problem.correction}）"
    if problem.kind == LEADER:
        return f"领导职务疑似有误：{problem.word}{problem.found}（应为{problem.correction}）"
    return f"疑似敏感词：{problem.word}"


def check(ctx):
    """M16 over every live public page of the site as it is served."""
    pages = ctx.pages()
    served = ctx.map(ctx.fetch, [url for _page, url in pages])
    find = finder(ctx.site)
    figures = {"pages": 0, "unreadable": 0, TYPO: 0, SENSITIVE: 0, LEADER: 0}
    for (page, url), fetched in zip(pages, served, strict=True):
        if not (fetched.ok and fetched.is_html and fetched.text):
            figures["unreadable"] += 1
            continue
        figures["pages"] += 1
        grouped = {}
        for problem in find(visible_text(fetched.text)):
            grouped.setdefault((problem.kind, problem.label), []).append(problem)
        for (kind, label), problems in grouped.items():
            first = problems[0]
            figures[kind] += 1
            ctx.report(
                CheckId.M16,
                _key_of(kind, label, url),
                _title(first),
                url=url,
                page=page,
                certainty=Finding.Certainty.SUSPECTED,
                evidence={
                    "kind": kind,
                    "word": first.word,
                    "found": first.found,
                    "correction": first.correction,
                    "context": first.context,
                    "parent_url": url,
                    "parent_title": page.title,
                    "count": len(problems),
                },
            )
    ctx.figures["M16"] = figures
    ctx.done(CheckId.M16)


# -- keeping the automata current -----------------------------------------------------------


def _forget(**kwargs):
    cache.set(VERSION_KEY, uuid.uuid4().hex, VERSION_TIMEOUT)
    # A scan may rebuild from the old rows before this transaction commits: write a new
    # version again once it has.
    transaction.on_commit(lambda: cache.set(VERSION_KEY, uuid.uuid4().hex, VERSION_TIMEOUT))


def connect():
    """Rebuild the dictionaries after a DictionaryWord is saved or deleted (called from
    MonitoringConfig.ready)."""
    post_save.connect(_forget, sender=DictionaryWord, dispatch_uid="monitoring_dictionary_saved")
    post_delete.connect(_forget, sender=DictionaryWord, dispatch_uid="monitoring_dictionary_deleted")
