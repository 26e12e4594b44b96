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

import re
from dataclasses import dataclass

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
_LINE_END_PUNCT = re.compile(r"[.!?:;,\"'\u201d\u2019)\]]\s*$")


@dataclass(frozen=True, slots=True)
class Sentence:
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
    return bool(_INITIALISM.fullmatch(_JOINER.split(word)[-1]))  # U.S, U.K, e.g, India-U.S


def _blocks(text: str) -> list[tuple[int, int]]:
    """Spans of lines that belong together: a line joins the next when it stops without
    punctuation and the next starts in lower case (text wrapped mid-sentence)."""
    lines = [(m.start(), m.end()) for m in re.finditer(r"[^\n]*\S[^\n]*", text)]
    spans: list[tuple[int, int]] = []
    for start, end in lines:
        if spans and _continues(text[spans[-1][0] : spans[-1][1]], text[start:end]):
            spans[-1] = (spans[-1][0], end)
        else:
            spans.append((start, end))
    return spans


def _continues(previous: str, line: str) -> bool:
    return not _LINE_END_PUNCT.search(previous) and line.lstrip()[:1].islower()


def split_sentences(text: str) -> list[Sentence]:
    """The sentences of `text` in order, with their spans in `text`."""
    sentences: list[Sentence] = []
    for block_start, block_end in _blocks(text):
        block = text[block_start:block_end]
        cut = 0
        for match in _END.finditer(block):
            if block[match.start()] == "." and _is_abbreviation(block, match.start()):
                continue
            sentences.append(_sentence(text, block_start + cut, block_start + match.end()))
            cut = match.end()
        sentences.append(_sentence(text, block_start + cut, block_end))
    return [s for s in sentences if s.text]


def _sentence(text: str, start: int, end: int) -> Sentence:
    raw = text[start:end]
    lead = len(raw) - len(raw.lstrip())
    trail = len(raw) - len(raw.rstrip())
    return Sentence(start + lead, end - trail, " ".join(raw.split()))
