"""A microblog post's text: Weibo's way of counting its length, the text composed from an
item (its title, its summary cut to fit, the link to the page), and the key that recognises
a post on the account's timeline.

How Weibo counts (the rule of its web client's counter, docs/weibo.md):
  - the limit is 140 "characters" (WEIBO_TEXT_LIMIT), counted in half-characters and
    rounded up: a character up to U+00FF (ASCII, half-width) is half a character, any
    other character of the Basic Multilingual Plane (Chinese, full-width punctuation) one,
    a character beyond it (most emoji, rare ideographs) two;
  - every http(s) link counts as 20 half-characters (10 characters) whatever its length,
    since Weibo shortens it to a t.cn link; a link longer than 140 characters counts as
    its length less 120 half-characters.

statuses/share also requires a link to a page of the app's safe domain in the text and
refuses "#topic#" words, so a "#" outside links becomes a full-width "＃".
"""

import hashlib
import math
import re

#: A link as Weibo's counter finds one: http(s):// and the ASCII characters of a URL.
URL_RE = re.compile(r"https?://[-A-Za-z0-9_$.+!*()/,:;@&=?~#%']+")
#: Half-characters a link counts, and the length above which it counts more.
URL_UNITS = 20
URL_FREE_LENGTH = 140
ELLIPSIS = "…"


def _units(char):
    code = ord(char)
    if code <= 0xFF:
        return 1
    return 2 if code <= 0xFFFF else 4


def _link_units(link):
    return URL_UNITS if len(link) <= URL_FREE_LENGTH else len(link) - URL_FREE_LENGTH + URL_UNITS


def half_units(text):
    """The text's length in Weibo's half-characters."""
    units, last = 0, 0
    for match in URL_RE.finditer(text):
        units += sum(_units(c) for c in text[last : match.start()]) + _link_units(match.group())
        last = match.end()
    return units + sum(_units(c) for c in text[last:])


def weibo_length(text):
    """The text's length as Weibo counts it against its 140-character limit."""
    return math.ceil(half_units(text) / 2)


def clean(text):
    """One line of text as a post carries it: white space folded, "#" outside links made
    full-width (Weibo refuses #topic# words in shared text)."""
    text = " ".join((text or "").split())
    parts, last = [], 0
    for match in URL_RE.finditer(text):
        parts.append(text[last : match.start()].replace("#", "＃"))
        parts.append(match.group())
        last = match.end()
    parts.append(text[last:].replace("#", "＃"))
    return "".join(parts)


def fit(text, budget):
    """`text` itself if it counts at most `budget` half-characters, else its longest start
    that fits with an ellipsis; "" when not even one character and the ellipsis fit."""
    if half_units(text) <= budget:
        return text
    room = budget - half_units(ELLIPSIS)
    low, high = 0, len(text)  # the longest prefix within `room`: binary search
    while low < high:
        middle = (low + high + 1) // 2
        if half_units(text[:middle]) <= room:
            low = middle
        else:
            high = middle - 1
    return text[:low].rstrip() + ELLIPSIS if low else ""


class TextTooLong(Exception):
    """The parts a post cannot do without (the title and the link) exceed the limit."""

    def __init__(self, length, limit):
        self.length = length
        self.limit = limit
        over = length - limit
        super().__init__(
            f"微博正文超过 {limit} 字：标题加上必需的网页链接（链接按 10 字计）共 {length} 字，"
            f"请将标题至少缩短 {over} 字（英文、数字按半字计）"
        )


def compose(title, summary, url, *, limit):
    """The post of an item: 【title】summary link. The summary is cut (with an ellipsis) or
    left out to fit `limit`; raises TextTooLong when the title and the link alone do not."""
    head = f"【{clean(title)}】"
    tail = f" {url}"
    fixed = half_units(head + tail)
    if math.ceil(fixed / 2) > limit:
        raise TextTooLong(math.ceil(fixed / 2), limit)
    body = fit(clean(summary), 2 * limit - fixed)
    return head + body + tail


def text_key(text):
    """What recognises a post on the timeline: a hash of its text with each link replaced
    by a mark (Weibo shows links shortened to t.cn) and white space removed."""
    normal = "".join(URL_RE.sub("\x00", text or "").split())
    return hashlib.sha256(normal.encode()).hexdigest()
