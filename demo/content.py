"""Real Chinese text for the demo cluster, read at run time from the seed report.

The seed is the 2014 half-year report of Chenzhou's e-government centre
(demo/seed/). It is split into its numbered sections and sentences; demo articles take
their bodies from the sentences that mention an article's subject, so every word a visitor
reads on the demo sites comes from the real report or from facts stated in it.
"""

import re
from dataclasses import dataclass, field
from functools import cache
from html import escape
from pathlib import Path

SEED_PATH = Path(__file__).resolve().parent / "seed" / "chenzhou-egov-2014-h1-report.txt"

# The seed mixes ASCII and full-width punctuation; pages show the full-width forms.
_PUNCTUATION = str.maketrans({",": "，", "(": "（", ")": "）", "[": "〔", "]": "〕", ";": "；", ":": "："})
_PART = re.compile(r"^[一二三四五六七八九十]+、")
_SUB_SECTION = re.compile(r"^（[一二三四五六七八九十]+）")
_POINT = re.compile(r"^[一二三四五六七八九十]+是")
# Sentence ends; a closing quote or bracket right after the stop stays with its sentence.
_SENTENCE = re.compile(r"[^。！？]+[。！？]+[”’）」]*")


@dataclass
class Section:
    """One numbered section of the report: its heading and its sentences."""

    part: str
    heading: str
    sentences: list = field(default_factory=list)

    @property
    def text(self):
        return "".join(self.sentences)


@dataclass
class Seed:
    organisation: str
    title: str
    date: str
    intro: str
    sections: list

    @property
    def sentences(self):
        return [s for section in self.sections for s in section.sentences]

    def sentences_with(self, *terms):
        """Sentences mentioning any of `terms`, in report order, without repeats."""
        return [s for s in self.sentences if any(term in s for term in terms)]

    def section_of(self, sentence):
        return next(section for section in self.sections if sentence in section.sentences)

    def documents(self):
        """Titles of the documents the report names (《…》), in order, once each."""
        seen = []
        for title in re.findall(r"《([^》]+)》", "".join(self.sentences)):
            if title not in seen:
                seen.append(title)
        return seen


def normalise(text):
    return text.strip().translate(_PUNCTUATION)


def split_sentences(text):
    return [s.strip() for s in _SENTENCE.findall(text) if s.strip()]


@cache
def load_seed(path=SEED_PATH):
    """Parse the report into its sections (一、 parts; （一） sections; 一是 points)."""
    lines = [normalise(line) for line in Path(path).read_text(encoding="utf-8").splitlines() if line.strip()]
    organisation, title, date = lines[0], lines[1], lines[2].strip("（）")
    intro = lines[3]
    sections, part = [], ""
    for line in lines[4:]:
        if _PART.match(line):
            part = _PART.sub("", line)
            continue
        sentences = split_sentences(line)
        first = sentences[0]
        if _SUB_SECTION.match(first):
            heading = _SUB_SECTION.sub("", first).rstrip("。")
            sentences = sentences[1:]
        elif _POINT.match(first):
            heading = _POINT.sub("", first).rstrip("。")
            sentences = sentences[1:]
        else:
            heading = "存在的问题和困难"
        sections.append(Section(part=part, heading=heading, sentences=sentences))
    return Seed(organisation, title, date, intro, sections)


def paragraphs_html(sentences, per_paragraph=2):
    """Sentences as <p> paragraphs of a rich-text block, escaped."""
    chunks = [sentences[i : i + per_paragraph] for i in range(0, len(sentences), per_paragraph)]
    return "".join(f"<p>{escape(''.join(chunk))}</p>" for chunk in chunks)


def summary_of(sentences, limit=120):
    text = "".join(sentences)
    return text if len(text) <= limit else text[: limit - 1] + "…"
