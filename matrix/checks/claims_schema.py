"""A JSON Schema of the claims format, generated from a codebook, for editors.

The YAML language server (VS Code's YAML extension, and editors using it) reads the schema
named by `yaml.schemas` or a file's `# yaml-language-server: $schema=...` line: it completes
and checks field names, and offers the codebook's topics, perspectives and actors with their
labels and descriptions on hover. The schema mirrors what the loader accepts; `validate`
remains the authority (it also checks quotes against the texts, ids across files and the
coding-consistency warnings, which no schema can).

Values are text to the loader (`no`, `012` and `2025-06-05` stay strings), but an editor
reading YAML 1.2 may see a number or a boolean; free-text fields therefore accept those
too, and only vocabulary fields insist on their listed strings.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from matrix.model.location import Location
from matrix.model.problems import ACCEPTABLE_CODES, CODES, Problem
from matrix.model.terms import APPROACHES, STANCES, VOICES
from matrix.model.values import Codebook, Entry

SCHEMA_FILE = "claims/claims.schema.json"
"""Where `schema` writes by default and `init` points the editor, relative to the root."""
EMITS = ("stale-schema",)
DRAFT = "http://json-schema.org/draft-07/schema#"
ID_PATTERN = "^[a-z0-9][a-z0-9-]*$"
DATE_PATTERN = r"^\d{4}(-\d{2}(-\d{2})?)?$"
URL_PATTERN = "^https?://"
SHA256_PATTERN = "^[0-9a-fA-F]{64}$"

_TEXT: dict[str, Any] = {"type": ["string", "number", "boolean"], "minLength": 1, "pattern": r"\S"}
_CONFIDENCE = {
    "low": "a forecast, recommendation or hedged view (weight 1)",
    "medium": "the default (weight 2)",
    "high": "an explicit, unhedged statement of the position (weight 3)",
}
_STANCE = {
    "convergence": "the parties agree, cooperate or share the position",
    "divergence": "the parties differ, or one holds a position the other does not",
}
_APPROACH = {
    "unilateral": "one party acting or preferring to act alone",
    "bilateral": "the two parties together",
    "multilateral": "through forums, treaties or coalitions beyond the two",
}


def _described(schema: dict[str, Any], text: str) -> dict[str, Any]:
    return {**schema, "description": text, "markdownDescription": text}


def _text(description: str, **extra: Any) -> dict[str, Any]:
    return _described({**_TEXT, **extra}, description)


def _choice(description: str, options: Sequence[tuple[str, str]]) -> dict[str, Any]:
    """One of `options` (value, explanation): `enum` for completion and checking, `anyOf`
    of `const`s with their own descriptions for hover, and the enum's descriptions for the
    completion list."""
    return _described(
        {
            "type": "string",
            "enum": [value for value, _ in options],
            "anyOf": [_described({"const": value}, f"**{value}**: {text}") for value, text in options],
            "markdownEnumDescriptions": [text for _, text in options],
        },
        description,
    )


def _entry_text(entry: Entry) -> str:
    return f"{entry.label}. {entry.description}" if entry.description else entry.label


def _entries(entries: Sequence[Entry]) -> list[tuple[str, str]]:
    return [(entry.id, _entry_text(entry)) for entry in entries]


def _source(codebook: Codebook) -> dict[str, Any]:
    return {
        "type": "object",
        "description": "The source document: its metadata.",
        "additionalProperties": False,
        "required": ["id", "title", "publisher", "perspective", "text"],
        "properties": {
            "id": _text("Required, unique: lowercase letters, digits and '-'.", pattern=ID_PATTERN),
            "title": _text("Required: the source's title."),
            "publisher": _text("Required: who published it."),
            "author": _text("Optional: its author(s)."),
            "published": _text(
                "Optional: YYYY-MM-DD, or YYYY-MM or YYYY when only that is known.", pattern=DATE_PATTERN
            ),
            "perspective": _choice(
                "Required: the codebook perspective (matrix column).", _entries(codebook.perspectives)
            ),
            "text": _text("Required: the source text, relative to the project root (seeds/ID.txt).", type="string"),
            "url": _text("Optional: an http(s) address.", type="string", pattern=URL_PATTERN),
            "sha256": _text(
                "Optional: the SHA-256 of the text file's bytes (64 hex digits), as `claims-matrix pin` writes it;"
                " validate warns (seed-changed) when the text no longer matches.",
                type="string",
                pattern=SHA256_PATTERN,
            ),
            "retrieved": _text(
                "Optional: when the text was obtained, YYYY-MM-DD (or YYYY-MM, YYYY).", pattern=DATE_PATTERN
            ),
            "archive": _text(
                "Optional: an http(s) address of an archived copy of the text.", type="string", pattern=URL_PATTERN
            ),
        },
    }


def _accept() -> dict[str, Any]:
    reason = _text("Why the coding is right although the warning fires.")
    return _described(
        {
            "type": "object",
            "minProperties": 1,
            "propertyNames": {"enum": list(ACCEPTABLE_CODES)},
            "properties": {code: _described(reason, f"{code}: {CODES[code][1]}") for code in ACCEPTABLE_CODES},
            "additionalProperties": False,
        },
        "Optional: a coding-consistency warning the coder overrules, with the reason.",
    )


_VOICE = {
    "stated": "a party's own position or act, as the source reports it",
    "assessment": "the writer's reading of the parties' positions",
    "forecast": "what may or is expected to happen (the writer's voice)",
    "recommendation": "what the writer says should happen (the writer's voice)",
}


def _approach() -> dict[str, Any]:
    one = _choice("", [(a, _APPROACH.get(a, a)) for a in APPROACHES])
    listed = {"type": "array", "minItems": 1, "uniqueItems": True, "items": one}
    return _described(
        {"anyOf": [one, listed]},
        "Optional: unilateral, bilateral or multilateral, or a list of them when the passage names means of several kinds.",
    )


def _sides(codebook: Codebook) -> dict[str, Any]:
    one = _choice("", [(a, _APPROACH.get(a, a)) for a in APPROACHES])
    return _described(
        {
            "type": "object",
            "minProperties": 2,
            "propertyNames": {"enum": list(codebook.ids("actors"))},
            "additionalProperties": one,
        },
        "Instead of actor and approach, for a contrast of two parties' preferred means: "
        "each side's actor and its approach, e.g. {US: unilateral, India: multilateral}.",
    )


def _claim(codebook: Codebook) -> dict[str, Any]:
    passage = _text("A passage, verbatim from the source text.")
    return {
        "type": "object",
        "description": "One position of the source.",
        "additionalProperties": False,
        "required": ["id", "topic", "stance", *(["voice"] if "voice" in codebook.require else [])],
        "oneOf": [
            {"required": ["quote"], "not": {"required": ["quotes"]}},
            {"required": ["quotes"], "not": {"required": ["quote"]}},
        ],
        "properties": {
            "id": _text("Required, unique across all files: lowercase letters, digits and '-'.", pattern=ID_PATTERN),
            "topic": _choice("Required: the codebook topic (matrix row).", _entries(codebook.topics)),
            "stance": _choice("Required.", [(s, _STANCE.get(s, s)) for s in STANCES]),
            "voice": _choice(
                "Required by this codebook." if "voice" in codebook.require else "Optional (unspecified when absent).",
                [(v, _VOICE[v]) for v in VOICES],
            ),
            "approach": _approach(),
            "sides": _sides(codebook),
            "actor": _choice("Optional: whose position it is.", _entries(codebook.actors)),
            "confidence": _choice("Optional (default medium).", list(_CONFIDENCE.items())),
            "quote": _text("Required, or quotes: the passage, verbatim from the source text."),
            "quotes": _described(
                {"type": "array", "minItems": 1, "items": passage},
                "Instead of quote: every passage that states this one position.",
            ),
            "note": _text("Optional: an analyst's paraphrase or remark."),
            "date": _text(
                "Optional: when the position was stated, if the source reports an earlier statement"
                " (YYYY-MM-DD, YYYY-MM or YYYY); default: the source's published date.",
                pattern=DATE_PATTERN,
            ),
            "accept": _accept(),
        },
    }


def claims_schema(codebook: Codebook) -> dict[str, Any]:
    """The JSON Schema (draft-07) of a claims file coded with `codebook`."""
    return {
        "$schema": DRAFT,
        "title": "claims-matrix claims file",
        "description": "One source and its claims. Written by `claims-matrix schema` from claims/codebook.yaml; "
        "regenerate it when the codebook changes.",
        "type": "object",
        "additionalProperties": False,
        "required": ["source", "claims"],
        "properties": {
            "source": _source(codebook),
            "claims": _described(
                {"type": ["array", "null"], "items": _claim(codebook)},
                "The claims: one per position of the source.",
            ),
        },
    }


def schema_text(codebook: Codebook) -> str:
    """The schema as the JSON file `schema` writes: the same codebook, the same bytes."""
    return json.dumps(claims_schema(codebook), indent=2, ensure_ascii=False) + "\n"


def stale_schema(codebook: Codebook, written: str, file: str = SCHEMA_FILE) -> Problem | None:
    """A warning when the schema file's text is not what `schema` writes for `codebook` now:
    it was written from an older codebook, and the editor offers outdated vocabularies."""
    if written == schema_text(codebook):
        return None
    return Problem(
        Location(file, 1, 1),
        "stale-schema",
        "the editor's schema was written from another version of the codebook",
        f"run 'claims-matrix schema' to rewrite {file}",
    )
