"""The coding manual (claims/README.md) teaches by its own examples: no example passage occurs in a
source text, and the manual names no shipped claim.

An example passage is marked one way only: *"in italics within double quotes"* in the prose, or the
double-quoted value of `quote:` (or of an item of `quotes:`) in a YAML block. A passage occurs in a
source when any six consecutive words of it (all of it, when shorter) occur in a file of seeds/,
after both are reduced to their words: Unicode NFKC, case folded, typographic quotes made straight,
punctuation and white space dropped.
"""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MANUAL = ROOT / "claims" / "README.md"
WINDOW = 6

ITALIC_QUOTE = re.compile(r'\*"(.+?)"\*', re.DOTALL)
FENCE = re.compile(r"^```.*?^```", re.DOTALL | re.MULTILINE)
YAML_QUOTE = re.compile(r'^\s*(?:quote:|-)\s+"(.+)"\s*$', re.MULTILINE)
INLINE_CODE = re.compile(r"`[^`]*`")
ANY_QUOTE = re.compile(r'["\u201c\u201d]([^"\u201c\u201d]*)["\u201c\u201d]')
CLAIM_ID = re.compile(r"^\s*-\s+id:\s*['\"]?([\w-]+)", re.MULTILINE)
TYPOGRAPHIC = str.maketrans({"\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"'})


def words(text: str) -> tuple[str, ...]:
    plain = unicodedata.normalize("NFKC", text).translate(TYPOGRAPHIC).casefold()
    return tuple(re.findall(r"\w+", plain))


def example_passages(manual: str) -> list[str]:
    """Every example passage of the manual, in order: the italic quotations, then the YAML quotes."""
    passages = [" ".join(m.split()) for m in ITALIC_QUOTE.findall(manual)]
    for block in FENCE.findall(manual):
        passages.extend(YAML_QUOTE.findall(block))
    return passages


def windows(passage: str) -> list[str]:
    found = words(passage)
    if len(found) <= WINDOW:
        return [" ".join(found)] if found else []
    return [" ".join(found[i : i + WINDOW]) for i in range(len(found) - WINDOW + 1)]


def seed_texts() -> dict[str, str]:
    """Each file of seeds/ as its words, joined by single spaces and padded with one on each side."""
    files = sorted(p for p in (ROOT / "seeds").iterdir() if p.is_file())
    return {p.name: " " + " ".join(words(p.read_text(encoding="utf-8"))) + " " for p in files}


def overlaps(passages: list[str], seeds: dict[str, str]) -> list[tuple[str, str, str]]:
    """(passage, six words of it, seed file) for every passage that occurs in a seed."""
    hits = []
    for passage in passages:
        for window in windows(passage):
            seed = next((name for name, text in seeds.items() if f" {window} " in text), None)
            if seed is not None:
                hits.append((passage, window, seed))
                break
    return hits


def unmarked_quotations(manual: str) -> list[str]:
    """Double-quoted spans of six words or more outside the example markup, code and YAML blocks:
    a passage quoted any other way would escape the check."""
    prose = INLINE_CODE.sub(" ", ITALIC_QUOTE.sub(" ", FENCE.sub(" ", manual)))
    return [span for span in ANY_QUOTE.findall(prose) if len(words(span)) >= WINDOW]


def shipped_claim_ids() -> set[str]:
    ids: set[str] = set()
    for path in sorted((ROOT / "claims").rglob("*.y*ml")):
        if path.name.casefold() not in ("codebook.yaml", "memos.yaml"):
            ids.update(CLAIM_ID.findall(path.read_text(encoding="utf-8")))
    return ids


def named_ids(manual: str, ids: set[str]) -> list[str]:
    return sorted(i for i in ids if re.search(rf"(?<![\w-]){re.escape(i)}(?![\w-])", manual))


def test_the_manual_has_examples_in_its_markup() -> None:
    manual = MANUAL.read_text(encoding="utf-8")
    passages = example_passages(manual)
    assert len(passages) >= 60, len(passages)
    assert all(len(words(p)) >= WINDOW for p in passages), [p for p in passages if len(words(p)) < WINDOW]
    assert unmarked_quotations(manual) == []


def test_no_example_passage_occurs_in_a_source_text() -> None:
    manual = MANUAL.read_text(encoding="utf-8")
    assert overlaps(example_passages(manual), seed_texts()) == []


def test_the_manual_names_no_shipped_claim() -> None:
    ids = shipped_claim_ids()
    assert len(ids) > 100
    assert named_ids(MANUAL.read_text(encoding="utf-8"), ids) == []


def _a_seed_sentence() -> tuple[str, str]:
    """A sentence of twelve words or more from the first seed file, and its file's name."""
    path = min(p for p in (ROOT / "seeds").iterdir() if p.suffix == ".txt")
    text = path.read_text(encoding="utf-8")
    sentences = (" ".join(s.split()) for s in re.split(r"(?<=[.!?])\s+", text))
    return next(s for s in sentences if len(s.split()) >= 12 and not set("*[]\n") & set(s)), path.name


def test_a_pasted_seed_sentence_is_caught() -> None:
    manual = MANUAL.read_text(encoding="utf-8")
    seeds = seed_texts()
    sentence, name = _a_seed_sentence()
    # changed case, typographic quotes, a line break and extra spaces do not hide it
    disguised = sentence.upper().replace("'", "\u2019").replace(" ", "\n  ", 3)
    pasted = manual + f'\n\nAn example: *"{disguised}"*.\n'
    hits = overlaps(example_passages(pasted), seeds)
    assert [p for p, _, _ in hits] == [" ".join(disguised.split())]
    assert name in seeds and f" {' '.join(words(sentence))} " in seeds[name]
    # six words of it, inside an invented sentence, are caught too
    six = " ".join(sentence.split()[2:8])
    assert overlaps(example_passages(f'*"Invented words here, then {six} and more"*'), seeds)
    # in a YAML block as well
    block = f'```yaml\nclaims:\n  - id: x\n    quote: "{sentence}"\n```\n'
    assert overlaps(example_passages(block), seeds)
    # quoted outside the markup, it is refused as unmarked
    assert unmarked_quotations(f'The source says "{sentence}".') != []


def test_a_named_shipped_claim_is_caught() -> None:
    ids = shipped_claim_ids()
    some = min(ids)
    assert named_ids(f"as in `{some}`.", ids) == [some]
    assert named_ids(f"as in `{some}-variant`.", ids) == []
