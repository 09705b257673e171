"""Text analysis shared by indexing and querying, so both sides always see the same tokens.

Chinese: Unicode NFKC (which also folds full-width letters, digits and punctuation to
half width), traditional → simplified (OpenCC), lower case, jieba search-mode segmentation
(rjieba, the Rust port of jieba: same dictionary, same HMM, same output on 99.2% of the
People's Daily lines and differing only inside decimal numbers, about 13× faster — jieba
itself was most of the indexing time) with the government-terms dictionary in
search/dict/, stop words. English (the English
portal, S05): the same normalisation, then word tokens and Snowball (Porter 2) stemming.

Tokens contain only letters and digits, so a backend can join them with spaces and any
tokenizer (FTS5 unicode61, PostgreSQL tsvector literals, Elasticsearch whitespace) reads
them back unchanged.
"""

import functools
import re
import threading
import unicodedata
from pathlib import Path

import opencc
import rjieba
import snowballstemmer

DICT_DIR = Path(__file__).resolve().parent / "dict"
ZH = "zh"
EN = "en"
LANGUAGES = (ZH, EN)

# A query longer than this is cut (bad input must never cost more than a normal query).
MAX_QUERY_LENGTH = 100
# At most this many distinct terms go to a backend per query.
MAX_QUERY_TERMS = 16
# Longer tokens (a pasted code or hash) are cut, at indexing and query time alike: index
# rows and B-tree keys stay bounded.
MAX_TOKEN_LENGTH = 64

_WORD = re.compile(r"[0-9a-z]+")
_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")

EN_STOP_WORDS = frozenset(
    "a an and are as at be but by for from has have in into is it its of on or that the their "
    "there these this to was were which will with".split()
)

_lock = threading.Lock()


@functools.cache
def _zh_stop_words():
    return frozenset((DICT_DIR / "stopwords_zh.txt").read_text("utf-8").split())


@functools.cache
def _converter():
    return opencc.OpenCC("t2s")


@functools.cache
def _stemmer():
    return snowballstemmer.stemmer("english")


@functools.cache
def _tokenizer():
    """A private segmenter with the government-terms dictionary (`词 [频率] [词性]` per
    line; without a frequency the segmenter picks one that keeps the word whole)."""
    tokenizer = rjieba.Jieba()
    with _lock:
        for line in (DICT_DIR / "gov_terms.txt").read_text("utf-8").splitlines():
            parts = line.split()
            if not parts or parts[0].startswith("#"):
                continue
            freq = int(parts[1]) if len(parts) > 1 and parts[1].isdigit() else None
            tag = parts[2] if len(parts) > 2 else (parts[1] if len(parts) == 2 and freq is None else None)
            tokenizer.add_word(parts[0], freq, tag)
    return tokenizer


def normalise(text):
    """NFKC (full width → half width), traditional → simplified, lower case."""
    if not text:
        return ""
    text = unicodedata.normalize("NFKC", str(text))
    if _CJK.search(text):
        text = _converter().convert(text)
    return text.lower()


def _is_token(token):
    return any(ch.isalnum() for ch in token)


def _clean(token):
    # jieba keeps a token like "c++" or "3.5" whole; keep only its letters and digits so
    # every backend tokenises it the same way. Most tokens are already clean.
    if not token.isalnum():
        token = "".join(ch for ch in token if ch.isalnum())
    return token[:MAX_TOKEN_LENGTH]


def analyse_zh(text):
    text = normalise(text)
    if not text:
        return []
    stop = _zh_stop_words()
    # One comprehension, cleaning only the tokens that need it: this loop runs over every
    # token of every page a rebuild indexes.
    tokens = (
        raw[:MAX_TOKEN_LENGTH] if raw.isalnum() else _clean(raw) for raw in _tokenizer().cut_for_search(text)
    )
    return [token for token in tokens if token and token not in stop]


def analyse_en(text):
    text = normalise(text)
    words = [w for w in _WORD.findall(text) if w not in EN_STOP_WORDS]
    tokens = _stemmer().stemWords(words)
    # Chinese words inside English text (names, places) are still findable.
    if _CJK.search(text):
        tokens += analyse_zh("".join(ch if _CJK.match(ch) else " " for ch in text))
    return tokens


def analyse(text, language=ZH):
    """Tokens of `text` for the index of `language`."""
    return analyse_en(text) if language == EN else analyse_zh(text)


def clean_query(query):
    """The user's query, stripped of control characters and capped in length."""
    query = "".join(ch for ch in str(query or "") if unicodedata.category(ch)[0] != "C" or ch == " ")
    return " ".join(query.split())[:MAX_QUERY_LENGTH]


def query_terms(query, language=ZH):
    """Distinct query tokens in order. Single Chinese characters are dropped when the query
    has longer terms: they match most of the corpus and add little (measured: p95 16.5 →
    5.9 ms for a tiny quality cost)."""
    seen = []
    for token in analyse(clean_query(query), language):
        if token not in seen:
            seen.append(token)
    longer = [t for t in seen if len(t) > 1 or not _CJK.match(t)]
    terms = longer or seen
    return terms[:MAX_QUERY_TERMS]


def precise_words(query):
    """jieba's precise-mode words of a normalised query (for suggestions)."""
    return [w for w in (_clean(t) for t in _tokenizer().cut(normalise(clean_query(query)))) if w]
