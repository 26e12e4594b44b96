"""Problems are values: a level, a stable kebab-case code, a location, a message and a hint.

`CODES` is the catalogue of every code the tool can emit, with its level and a one-line
summary. Each step that emits codes declares them (`EMITS` in yamltree, schema, loading and
consistency; `Rule.codes` in rules); the README's table of codes is generated from the
catalogue (`python tests/test_problems.py` rewrites it); tests/test_problems.py checks
that the three agree.
"""

from __future__ import annotations

import difflib
import enum
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from matrix.model.location import Location


class Level(enum.Enum):
    ERROR = "error"
    WARNING = "warning"


E, W = Level.ERROR, Level.WARNING

CODES: Mapping[str, tuple[Level, str]] = {
    # reading and parsing
    "file-unreadable": (E, "a claims file cannot be read"),
    "file-too-large": (E, "a claims file is larger than the size limit"),
    "not-utf8": (E, "a claims file is not valid UTF-8"),
    "yaml-syntax": (E, "the YAML cannot be parsed"),
    "multiple-documents": (E, "a file holds more than one YAML document"),
    "yaml-anchor": (E, "anchors and aliases (&name, *name) are not allowed"),
    "yaml-merge-key": (E, "merge keys (<<) are not allowed"),
    "yaml-tag": (E, "explicit tags (!!str, !foo) are not allowed"),
    "duplicate-key": (E, "a key appears twice in one mapping"),
    "too-deep": (E, "values are nested deeper than the format allows"),
    # shape and types
    "wrong-shape": (E, "a file, list or entry does not have the expected structure"),
    "missing-field": (E, "a required field is missing"),
    "unknown-field": (E, "a field the format does not define"),
    "wrong-type": (E, "a value has the wrong type (a list or mapping where text belongs)"),
    "empty-value": (E, "a value is empty"),
    "control-character": (E, "a value holds control or invisible characters"),
    "value-too-long": (E, "a value is longer than a spreadsheet cell can hold"),
    # vocabularies and ids
    "malformed-id": (E, "an id does not match ^[a-z0-9][a-z0-9-]*$"),
    "duplicate-id": (E, "an id is defined twice"),
    "unknown-stance": (E, "stance is not convergence or divergence"),
    "unknown-approach": (E, "approach is not unilateral, bilateral or multilateral"),
    "unknown-confidence": (E, "confidence is not low, medium or high"),
    "unknown-perspective": (E, "a perspective the codebook does not define"),
    "unknown-topic": (E, "a topic the codebook does not define"),
    "unknown-actor": (E, "an actor the codebook does not define"),
    "unknown-voice": (E, "voice is not stated, assessment, forecast or recommendation"),
    "missing-voice": (E, "a claim without a voice in a project whose codebook requires one"),
    "sides-with-actor": (E, "a claim has 'sides' and also 'actor' or 'approach'"),
    "too-few-sides": (E, "'sides' gives fewer than two sides"),
    "repeated-approach": (E, "an approach list names one approach twice"),
    "side-not-party": (E, "a side's actor is not among the parties of the source's perspective"),
    "unknown-requirement": (E, "the codebook's 'require' names a field that cannot be required"),
    "invalid-date": (E, "a source's published or retrieved is not a date (YYYY-MM-DD, YYYY-MM or YYYY)"),
    "invalid-claim-date": (E, "a claim's date is not a date (YYYY-MM-DD, YYYY-MM or YYYY)"),
    "invalid-url": (E, "a source's url or archive is not an http(s) address"),
    "invalid-sha256": (E, "a source's sha256 is not 64 hexadecimal digits"),
    # codebook
    "codebook-missing": (E, "claims/codebook.yaml does not exist"),
    "codebook-empty": (E, "a codebook list is empty"),
    # source texts
    "text-missing": (E, "a source text file does not exist"),
    "text-outside-root": (E, "a source text path leaves the project root"),
    "text-not-file": (E, "a source text path is not a regular file"),
    "text-unreadable": (E, "a source text file cannot be read"),
    "text-not-utf8": (E, "a source text file is not valid UTF-8"),
    "text-control-character": (E, "a source text holds a control character a spreadsheet cell cannot hold"),
    "seed-changed": (W, "a pinned source text changed: its bytes differ from its sha256 (review quotes, re-pin)"),
    # quotes
    "quote-not-found": (E, "a quote does not occur in its source text"),
    "short-quote": (W, "a quote has fewer than six words"),
    "ambiguous-quote": (W, "a quote occurs more than once in its source text"),
    "quote-and-quotes": (E, "a claim has both 'quote' and 'quotes'"),
    # coding consistency (a coder may accept one on a claim, with a reason: `accept:`)
    "hedged-confidence": (W, "a passage with a hedge (may, could, suggests…) coded above low confidence"),
    "actor-names-both": (W, "a claim with an actor whose passage names both parties"),
    "near-duplicate-claims": (W, "two claims of one source, coded alike, quote near-duplicate passages"),
    "unknown-accept-code": (E, "'accept' names a code that is not an acceptable warning"),
    "hedged-stated": (W, "a passage with a hedge coded as a party's stated position (voice: stated)"),
    "split-topic": (W, "claims of one source quote the same sentence under different topics"),
    "unneeded-accept": (W, "'accept' names a warning that does not fire on the claim"),
    # coverage of the codebook
    "source-without-claims": (W, "a source file has no claims"),
    "unused-topic": (W, "a codebook topic that no claim uses"),
    "unused-perspective": (W, "a codebook perspective that no source uses"),
    # the editor's schema (claims-matrix schema)
    "stale-schema": (W, "the claims schema file was written from another version of the codebook"),
    # claims-matrix import: a cell of the imported table (FILE:Sheet!C7, or FILE:LINE in a CSV)
    "import-unreadable": (E, "an imported file cannot be read as a claims table"),
    "import-missing-column": (E, "an imported table lacks a column import needs"),
    "import-unknown-column": (W, "an imported table has a column import does not know (ignored)"),
    "import-formula": (E, "an imported cell holds a formula"),
    "import-typed-cell": (E, "an imported text cell holds a number, date, time or boolean"),
    "import-unknown-source": (E, "an imported row names a source the project does not have"),
    "import-derived-mismatch": (
        W,
        "an imported derived cell (title, perspective, label, weight) disagrees with its origin",
    ),
    "import-round-trip": (E, "the claims file written for an import would not read back as imported"),
    # analyst summaries (claims/memos.yaml)
    "duplicate-memo": (E, "two memos for one topic x perspective cell, or for one topic across perspectives"),
    "unknown-memo-claim": (W, "a memo cites a claim id that no claims file defines"),
    "malformed-memo-cell": (E, "a memo's 'cell' is not the counts it was written against, '+C/-D'"),
    "stale-memo": (W, "a memo's cell has changed since the memo was written (its recorded counts differ)"),
}


# the warnings a coder may accept on a claim (`accept: {code: reason}`)
ACCEPTABLE_CODES: tuple[str, ...] = (
    "hedged-confidence",
    "actor-names-both",
    "near-duplicate-claims",
    "hedged-stated",
    "split-topic",
)


class Catalogued:
    """What a problem value (a Problem, an import's ImportProblem) takes from the catalogue:
    its `code` must be one of CODES, and its level is that code's."""

    __slots__ = ()
    code: str

    def __post_init__(self) -> None:
        if self.code not in CODES:
            raise ValueError(f"unregistered problem code {self.code!r}")

    @property
    def level(self) -> Level:
        return CODES[self.code][0]


@dataclass(frozen=True, order=True, slots=True)
class Problem(Catalogued):
    """One finding. Sorts by file, line, column, then code."""

    location: Location
    code: str
    message: str = field(compare=False)
    hint: str = field(default="", compare=False)
    subject: str | None = field(default=None, compare=False)


@dataclass(frozen=True, slots=True)
class Report:
    """All problems of one run, sorted, plus where each claim's passages are in its text.

    `quote_starts` (where in its text) and `quote_spans` (which characters of it) give a
    claim's first passage that was found; `passages` every passage, in the claim's order
    (None: not found); `sentences` how many sentences of each claims file's text some
    passage overlaps, of how many (the coverage the findings and the Coverage sheet show)."""

    problems: tuple[Problem, ...]
    quote_starts: Mapping[str, Location] = field(default_factory=dict)
    quote_spans: Mapping[str, tuple[int, int]] = field(default_factory=dict)  # claim id -> its characters
    passages: Mapping[str, tuple[tuple[Location, int, int] | None, ...]] = field(default_factory=dict)
    sentences: Mapping[str, tuple[int, int]] = field(default_factory=dict)  # claims file -> (covered, all)

    @property
    def errors(self) -> int:
        return sum(p.level is Level.ERROR for p in self.problems)

    @property
    def warnings(self) -> int:
        return sum(p.level is Level.WARNING for p in self.problems)

    def passes(self, strict: bool = False) -> bool:
        return self.errors == 0 and not (strict and self.warnings)

    def first(self, limit: int | None) -> tuple[Problem, ...]:
        """The problems to list when at most `limit` fit: all of them in order when they fit,
        else the errors first (they fail the run), then the warnings, each in order."""
        if limit is None or len(self.problems) <= limit:
            return self.problems
        ranked = sorted(self.problems, key=lambda p: p.level is not Level.ERROR)  # stable
        return tuple(ranked[: max(limit, 0)])

    def to_dict(self, strict: bool = False, claims: int = 0, files: int = 0) -> dict[str, Any]:
        """The verdict, the counts (of the project's `claims` and `files`) and every problem,
        for JSON (`validate --format json`)."""
        return {
            "valid": self.passes(strict),
            "strict": strict,
            "errors": self.errors,
            "warnings": self.warnings,
            "claims": claims,
            "files": files,
            "problems": [as_dict(p) for p in self.problems],
        }


def sorted_problems(problems: Iterable[Problem]) -> tuple[Problem, ...]:
    return tuple(sorted(set(problems)))


_ALLOWED_CONTROLS = frozenset("\n\t")


def is_hidden_char(ch: str) -> bool:
    """True for characters that corrupt terminals or cells, or hide in plain sight."""
    if ch in _ALLOWED_CONTROLS:
        return False
    return unicodedata.category(ch) in {"Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"}


def shown(value: str, limit: int = 60) -> str:
    """`value` quoted for a message: hidden characters escaped, long values shortened."""
    text = escaped(value)
    if len(text) > limit:
        text = text[: limit - 1] + "…"
    return f"'{text}'"


def did_you_mean(value: str, choices: Iterable[str]) -> str:
    """A hint naming the closest allowed value, or listing them when none is close."""
    options = list(choices)
    close = difflib.get_close_matches(value, options, n=1, cutoff=0.6)
    if not close:
        close = difflib.get_close_matches(value.lower(), [o.lower() for o in options], n=1)
        close = [o for o in options if o.lower() in close]
    if close:
        return f"did you mean '{close[0]}'?"
    return "use one of: " + ", ".join(options) if options else ""


def as_line(problem: Problem) -> str:
    """`file:line:col: level code: message` (the editors' and CI's format), escaped."""
    loc = problem.location
    text = (
        f"{escaped(loc.file)}:{loc.line}:{loc.column}: {problem.level.value} {problem.code}: {escaped(problem.message)}"
    )
    return text + (f" ({escaped(problem.hint)})" if problem.hint else "")


def as_dict(problem: Problem) -> dict[str, str | int | None]:
    loc = problem.location
    return {
        "file": loc.file,
        "line": loc.line,
        "column": loc.column,
        "level": problem.level.value,
        "code": problem.code,
        "subject": problem.subject,
        "message": problem.message,
        "hint": problem.hint,
    }


def escaped(text: str) -> str:
    """`text` with control, invisible and line-break characters written as \\uXXXX."""
    if text.isprintable():
        return text
    return "".join(f"\\u{ord(c):04x}" if is_hidden_char(c) or c in "\n\t" else c for c in text)


CODES_START, CODES_END = "<!-- codes:start -->", "<!-- codes:end -->"


def codes_table() -> str:
    """The README's table of every problem code, in catalogue order."""
    rows = ["| code | level | what it means |", "|---|---|---|"]
    rows += [f"| `{code}` | {level.value} | {summary} |" for code, (level, summary) in CODES.items()]
    return "\n".join(rows)


def with_codes_table(readme: str) -> str:
    """`readme` with the text between the codes markers replaced by `codes_table()`."""
    start = readme.index(CODES_START) + len(CODES_START)
    end = readme.index(CODES_END, start)
    return f"{readme[:start]}\n{codes_table()}\n{readme[end:]}"
