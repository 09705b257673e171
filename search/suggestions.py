"""“您是不是要找” (S03): a term of the index spelled like the query. Read from the vocabulary
(VocabularyTerm: every index term with its document frequency, pinyin and initials), so a
suggestion is always something the index holds.

- `spelling`: the same pinyin as the query (三公精费 → 三公经费), typed pinyin or initials
  (sangongjingfei, san gong, sgjf → 三公经费), word by word with same-sounding known words,
  or a close English word (mailbax → mailbox). The service shows this term's results in
  place of a search that found nothing.
- `homophone`: for a search that did find something, only the cheap and safe part: a known
  term that sounds exactly like the whole query, when the query itself is no index term
  (三工经费 finds pages through 经费, yet 三公经费 is what was meant). A query the backend
  found among the index's terms (Hits.present) costs nothing here; any other costs one
  indexed lookup.
- `suggest`: `spelling`, else (with `fallback`) the hottest search term.
"""

import difflib
import re

from django.db.models import Q
from pypinyin import lazy_pinyin

from . import hot_terms as hot
from .analysis import EN, ZH, analyse, normalise, precise_words
from .models import VocabularyTerm

# Typed pinyin shorter than this is not completed by prefix (a prefix of two letters
# names half the vocabulary).
MIN_PINYIN_PREFIX = 4
_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")


def vocabulary(language):
    """The terms of the index in `language` (some page holds each)."""
    return VocabularyTerm.objects.filter(language=language, df__gt=0)


def _text(q):
    return normalise(q).replace(" ", "")


def spelling(q, language=ZH):
    """A known term spelled like the query, or None."""
    text = _text(q)
    if not text:
        return None
    return _pinyin_suggestion(text) if language == ZH else _english_suggestion(text)


def suggest(q, language=ZH, fallback=False):
    """`spelling`, else — with `fallback` (nothing was found) — the hottest search term."""
    found = spelling(q, language)
    if found:
        return found
    if fallback:
        terms = hot.hot_terms(language, limit=1)
        if terms and terms[0] != _text(q):
            return terms[0]
    return None


def homophone(q, present=None, language=ZH):
    """For a query with results: a term that sounds like the whole query when the query is
    no term of the index, or None. `present`: the query's terms the backend found in the
    index (None: it did not say)."""
    if language != ZH:
        return None
    text = _text(q)
    if not text or (present is not None and text in present) or not _CJK.search(text):
        return None
    spoken = "".join(lazy_pinyin(text, errors="ignore"))
    if not spoken:
        return None
    same = list(
        vocabulary(ZH).filter(pinyin=spoken).order_by("-df", "term").values_list("term", flat=True)[:50]
    )
    # The query is a known term itself (事实 and 实施 sound alike): nothing to correct.
    if not same or text in same:
        return None
    return same[0]


def _pinyin_suggestion(text):
    if text.isascii() and text.isalpha():
        return _typed_pinyin(text)
    spoken = "".join(lazy_pinyin(text, errors="ignore"))
    if spoken:
        match = vocabulary(ZH).filter(pinyin=spoken).exclude(term=text).order_by("-df").first()
        if match:
            return match.term
    # Word by word: replace words the index does not know with a same-sounding one.
    words = precise_words(text)
    known = set(vocabulary(ZH).filter(term__in=words).values_list("term", flat=True))
    changed, out = False, []
    for w in words:
        if w in known or len(w) < 2:
            out.append(w)
            continue
        match = vocabulary(ZH).filter(pinyin="".join(lazy_pinyin(w, errors="ignore"))).order_by("-df").first()
        if match:
            out.append(match.term)
            changed = True
        else:
            out.append(w)
    return "".join(out) if changed else None


def _typed_pinyin(text):
    """Pinyin typed instead of characters: the most frequent term whose full pinyin or
    initials are the text (sangongjingfei, sgjf → 三公经费), else whose pinyin starts with
    it (sangong → 三公经费 when no term reads exactly sangong)."""
    best = vocabulary(ZH).filter(Q(pinyin=text) | Q(initials=text)).order_by("-df", "term").first()
    if best is None and len(text) >= MIN_PINYIN_PREFIX:
        best = vocabulary(ZH).filter(pinyin__startswith=text).order_by("-df", "term").first()
    return best.term if best else None


def _english_suggestion(text):
    words = re.findall(r"[a-z]+", text)
    if not words:
        return None
    out, changed = [], False
    for word in words:
        stems = analyse(word, EN)
        if stems and vocabulary(EN).filter(term=stems[0]).exists():
            out.append(word)
            continue
        pool = list(
            vocabulary(EN)
            .filter(term__startswith=word[0])
            .order_by("-df")
            .values_list("term", flat=True)[:3000]
        )
        close = difflib.get_close_matches(stems[0] if stems else word, pool, n=1, cutoff=0.75)
        if close:
            out.append(close[0])
            changed = True
        else:
            out.append(word)
    return " ".join(out) if changed else None
