"""Quote normalisation and locating a quote in its source text.

Both sides are normalised the same way before an exact, case-sensitive search:
Unicode NFKC; curly quotes to straight; en/em dashes and the minus sign to '-'; every run
of white space (line breaks and non-breaking spaces included) to one space. In the source
only, markdown links `[text](url)` read as `text` and backslash escapes (`\\(`) as the
character. The normalised text keeps checkpoints back to the original so that a match is
reported at the line and column where it starts in the file as written.
"""

from __future__ import annotations

import bisect
import re
import unicodedata
from dataclasses import dataclass
from functools import cached_property
from typing import NamedTuple

_TRANSLATE = str.maketrans(
    {
        "\u2018": "'", "\u2019": "'", "\u201a": "'", "\u201b": "'", "\u2032": "'",
        "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u201f": '"', "\u2033": '"',
        "\u2010": "-", "\u2011": "-", "\u2012": "-", "\u2013": "-", "\u2014": "-",
        "\u2015": "-", "\u2212": "-",
    }
)  # fmt: skip
_SPACE = r" \s+|[^\S ]\s*"  # white space other than a lone space (which needs no change)
_NON_ASCII = r"[A-Za-z0-9]?[^\x00-\x7f\s]+"  # with the letter a combining mark may join
_MD_OPEN = r"\[(?=[^\]\n]*\]\([^)\s]*\))"
_MD_CLOSE = r"\]\([^)\s]*\)"
_ESCAPE = r"\\(?=[\\`*_{}\[\]()#+\-.!|~<>\"'])"
_SOURCE_RE = re.compile(f"({_SPACE})|({_NON_ASCII})|{_MD_OPEN}|{_MD_CLOSE}|{_ESCAPE}")
_NEWLINE = re.compile("\n")
_QUOTE_RE = re.compile(f"({_SPACE})|({_NON_ASCII})")
# where a replacement can start: fast to scan for, then confirmed with _SOURCE_RE
_CANDIDATE = re.compile(r"[\t\n\r\f\v\[\]\\\x80-\U0010ffff]| (?=\s)")


def _replacement(match: re.Match[str]) -> str:
    if match.group(1) is not None:
        return " "
    if match.group(2) is not None:
        return unicodedata.normalize("NFKC", match.group(2)).translate(_TRANSLATE)
    return ""  # markdown syntax and escape backslashes vanish


def normalise_quote(quote: str) -> str:
    """The form of a quote that is searched for."""
    if quote.isascii() and quote.isprintable() and "  " not in quote:
        return quote.strip()
    return _QUOTE_RE.sub(_replacement, quote).strip()


class Match(NamedTuple):
    """Where a quote occurs in its source text (a tuple: cheap to cache)."""

    line: int
    column: int
    occurrences: int  # 1, or 2 meaning "more than once"
    start: int = 0  # span of the first occurrence in the original text
    end: int = 0
    words: int = 0  # in the normalised quote


@dataclass(frozen=True)
class NormalisedText:
    """A source text in searchable form, with checkpoints back to the original."""

    original: str
    text: str
    # parallel lists: at normalised index norm[i] the original index is orig[i]; between
    # checkpoints characters map one to one
    norm: tuple[int, ...]
    orig: tuple[int, ...]

    @classmethod
    def of(cls, original: str) -> NormalisedText:
        parts: list[str] = []
        norm: list[int] = [0]
        orig: list[int] = [0]
        position = 0  # in the original
        length = 0  # of the normalised text so far
        search, match_at = _CANDIDATE.search, _SOURCE_RE.match
        hit = search(original)
        while hit is not None:
            at = hit.start()
            # a combining mark may join the ASCII letter before it: normalise the pair
            begin = at - 1 if at > position and original[at - 1].isascii() and original[at - 1].isalnum() else at
            match = match_at(original, begin) or (match_at(original, at) if begin != at else None)
            if match is None:
                hit = search(original, at + 1)
                continue
            start, end = match.span()
            replacement = _replacement(match)
            if match.group() != replacement:
                parts.append(original[position:start])
                length += start - position
                norm.append(length)
                orig.append(start)
                parts.append(replacement)
                length += len(replacement)
                norm.append(length)
                orig.append(end)
                position = end
            hit = search(original, max(end, at + 1))
        parts.append(original[position:])
        return cls(original, "".join(parts), tuple(norm), tuple(orig))

    @cached_property
    def line_starts(self) -> list[int]:
        return [0, *(m.end() for m in _NEWLINE.finditer(self.original))]

    def line_column(self, index: int) -> tuple[int, int]:
        """1-based line and column of `index` in the original text."""
        line = bisect.bisect_right(self.line_starts, index)
        return line, index - self.line_starts[line - 1] + 1

    def original_index(self, index: int) -> int:
        i = bisect.bisect_right(self.norm, index) - 1
        # inside a replacement the whole replaced span maps to where it starts
        offset = index - self.norm[i]
        if i + 1 < len(self.norm) and self.orig[i + 1] - self.orig[i] != self.norm[i + 1] - self.norm[i]:
            return self.orig[i]
        return self.orig[i] + offset

    def locate(self, quote: str) -> Match | None:
        """Where `quote` first occurs, as a 1-based line and column of the original text."""
        needle = normalise_quote(quote)
        if not needle:
            return None
        index = self.text.find(needle)
        if index < 0:
            return None
        again = self.text.find(needle, index + 1)
        start = self.original_index(index)
        end = self.original_index(index + len(needle) - 1) + 1
        line, column = self.line_column(start)
        return Match(line, column, 1 if again < 0 else 2, start, end, needle.count(" ") + 1)

    def closest(self, quote: str) -> tuple[int, int, str, float] | None:
        """The passage most like `quote`: (line, column, passage, score 0-100)."""
        from rapidfuzz import fuzz

        needle = normalise_quote(quote)
        if not needle or not self.text:
            return None
        found = fuzz.partial_ratio_alignment(needle, self.text)
        if found is None:
            return None
        start, end = found.dest_start, found.dest_end
        line, column = self.line_column(self.original_index(start))
        return line, column, self.text[start:end], found.score


NEAR_DUPLICATE_SCORE = 90  # rapidfuzz token_sort_ratio, 0-100


def near_duplicates(first: str, second: str) -> bool:
    """Whether two passages say the same thing in nearly the same words: after rapidfuzz's
    `default_process` (lower case, every non-alphanumeric character a space), one is a run
    of whole words of the other, or `fuzz.token_sort_ratio` is at least NEAR_DUPLICATE_SCORE."""
    return similar(comparable(first), comparable(second))


def comparable(passage: str) -> str:
    """A passage as `near_duplicates` compares it (worked out once per passage by a caller
    comparing it with many others, then given to `similar`)."""
    from rapidfuzz import utils

    return " ".join(utils.default_process(normalise_quote(passage)).split())


def similar(a: str, b: str) -> bool:
    """`near_duplicates` of two passages' `comparable` forms."""
    from rapidfuzz import fuzz

    if not a or not b:
        return False
    short, long = (a, b) if len(a) <= len(b) else (b, a)
    if f" {short} " in f" {long} ":
        return True
    return bool(fuzz.token_sort_ratio(a, b) >= NEAR_DUPLICATE_SCORE)
