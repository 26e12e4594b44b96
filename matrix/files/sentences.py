"""Splitting a source text into sentences, keeping each sentence's span in the original.

The rules, in order:
1. A line break ends a sentence (headings and list items stand alone), except where a
   line stops without punctuation and the next non-blank line starts in lower case: that
   is one sentence wrapped over lines.
2. Inside a paragraph a sentence ends at '.', '!' or '?' (plus any closing quotes or
   brackets) followed by white space and then an upper-case letter, a digit, an opening
   quote or bracket -
3. - unless the word before the '.' is an abbreviation that does not end sentences:
   titles (Dr., Mr., Mrs., Ms., Prof., Sen., Gen., St.), Latin and reference forms (e.g.,
   i.e., etc., vs., cf., Vol., pp.), dotted initialisms (U.S., U.K., U.N., E.U.), also as
   the last part of a word joined by '-' or '/' (India-U.S., US/U.K.), and single-letter
   initials (J. Smith). A dotted initialism never ends a sentence inside a line, so
   "... by the U.S. The next ..." stays one sentence: a missed break only joins two
   sentences, where a false one would cut a name such as "U.S. Congress" in two.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterable, Sequence
from typing import NamedTuple

ABBREVIATIONS = frozenset(
    [
        "dr",
        "mr",
        "mrs",
        "ms",
        "prof",
        "sen",
        "rep",
        "gen",
        "col",
        "lt",
        "st",
        "jr",
        "sr",
        "e.g",
        "i.e",
        "etc",
        "vs",
        "cf",
        "vol",
        "pp",
        "fig",
        "approx",
        "dept",
        "inc",
        "ltd",
    ]
)
_END = re.compile(r"[.!?](?:\]\([^)\s]*\))?[\"'\u201d\u2019)\]]*(?=\s+[\"'\u201c\u2018(\[A-Z0-9])")
_COMPLETE = re.compile(r"[.!?](?:\]\([^)\s]*\))?[\"'\u201d\u2019)\]]*$")
_INITIALISM = re.compile(r"(?:[A-Za-z]\.)+[A-Za-z]")
_JOINER = re.compile("[-/\u2010-\u2014]")  # hyphens, dashes and slashes that join words
_LINE = re.compile(r"[^\n]*\S[^\n]*")  # a line with some text (its span leaves out the line break)
_LINE_END_PUNCT = frozenset(".!?:;,\"'\u201d\u2019)]")  # a line ending in one of these ends a sentence


class Sentence(NamedTuple):  # a tuple: made a hundred thousand times per pass over a large project
    start: int  # index in the original text
    end: int  # exclusive
    text: str  # the original characters, white space runs folded to one space

    @property
    def words(self) -> int:
        return len(self.text.split())

    @property
    def complete(self) -> bool:
        """Ends in sentence punctuation: not a heading, a title or a list label."""
        return bool(_COMPLETE.search(self.text))


def _is_abbreviation(block: str, stop: int) -> bool:
    """Whether the word ending at the '.' at `stop` is an abbreviation (see the rules above)."""
    word = block[block.rfind(" ", 0, stop) + 1 : stop].lstrip("\"'(\u201c\u2018[")
    if not word or not word[0].isalpha():
        return False
    if word.lower() in ABBREVIATIONS:
        return True
    if len(word) == 1 and word.isupper():  # an initial: "J. Smith"
        return True
    if "." not in word:  # not dotted: no initialism
        return False
    return bool(_INITIALISM.fullmatch(_JOINER.split(word)[-1]))  # U.S, U.K, e.g, India-U.S


def _blocks(text: str) -> list[tuple[int, int]]:
    """Spans of lines that belong together: a line joins the next when it stops without
    punctuation and the next starts in lower case (text wrapped mid-sentence)."""
    spans: list[tuple[int, int]] = []
    ended = True  # whether the line before ends in punctuation (no line before: it does)
    for line in _LINE.finditer(text):
        start, end = line.span()
        words = line.group().strip()  # a line has some text: never empty
        if not ended and words[0].islower():
            spans[-1] = (spans[-1][0], end)
        else:
            spans.append((start, end))
        ended = words[-1] in _LINE_END_PUNCT
    return spans


def split_sentences(text: str) -> list[Sentence]:
    """The sentences of `text` in order, with their spans in `text`."""
    sentences: list[Sentence | None] = []
    add = sentences.append
    for block_start, block_end in _blocks(text):
        block = text[block_start:block_end]
        cut = 0
        for match in _END.finditer(block):
            stop = match.start()
            if block[stop] == "." and _is_abbreviation(block, stop):
                continue
            add(_sentence(block, block_start, cut, match.end()))
            cut = match.end()
        add(_sentence(block, block_start, cut, len(block)))
    return [s for s in sentences if s is not None]


def _sentence(block: str, offset: int, start: int, end: int) -> Sentence | None:
    """The sentence in `block[start:end]` (`block` starts at `offset` in the text), its white
    space trimmed and folded; None when there is only white space."""
    raw = block[start:end]
    words = raw.split()
    if not words:
        return None
    return Sentence(offset + start + len(raw) - len(raw.lstrip()), offset + len(raw.rstrip()) + start, " ".join(words))


def covered_sentences(sentences: Sequence[Sentence], spans: Iterable[tuple[int, int]]) -> set[int]:
    """Indexes of the sentences that some span overlaps."""
    ends = [s.end for s in sentences]
    covered: set[int] = set()
    for start, end in spans:
        i = bisect.bisect_right(ends, start)
        while i < len(sentences) and sentences[i].start < end:
            covered.add(i)
            i += 1
    return covered
