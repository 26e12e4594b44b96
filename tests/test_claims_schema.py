"""The editor's JSON Schema: it accepts every shipped claims file and rejects the typos
`validate` reports (checked with jsonschema, a test extra)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from matrix.checks.claims_schema import claims_schema, schema_text
from matrix.files.loading import parse_codebook
from matrix.files.yamltree import MappingNode, Node, Scalar, SequenceNode, parse_tree
from matrix.model.values import Codebook
from tests.conftest import CLAIMS_A, CODEBOOK

jsonschema = pytest.importorskip("jsonschema")

ROOT = Path(__file__).resolve().parent.parent
SHIPPED = sorted(p for p in (ROOT / "claims").glob("*.yaml") if p.name not in ("codebook.yaml", "memos.yaml"))


def plain(node: Node | None) -> Any:
    """The located tree as JSON-like data, every scalar a string (as the loader reads it);
    an empty plain scalar is null."""
    if isinstance(node, Scalar):
        return None if node.null else node.value
    if isinstance(node, MappingNode):
        return {key.value: plain(value) for key, value in node.items}
    if isinstance(node, SequenceNode):
        return [plain(item) for item in node.items]
    return None


def data_of(text: str) -> Any:
    root, problems = parse_tree(text, "x.yaml")
    assert problems == []
    return plain(root)


def codebook_of(path: Path | None = None, text: str = CODEBOOK) -> Codebook:
    codebook, problems = parse_codebook("claims/codebook.yaml", path.read_bytes() if path else text.encode())
    assert codebook is not None and problems == []
    return codebook


def errors(schema: dict[str, Any], data: Any) -> list[tuple[str, ...]]:
    """The paths of the values the schema rejects (each once)."""
    validator = jsonschema.Draft7Validator(schema)
    return sorted({tuple(str(p) for p in e.absolute_path) for e in validator.iter_errors(data)})


def test_the_schema_is_a_valid_draft_7_schema() -> None:
    jsonschema.Draft7Validator.check_schema(claims_schema(codebook_of(ROOT / "claims" / "codebook.yaml")))


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.name)
def test_every_shipped_claims_file_is_valid(path: Path) -> None:
    schema = claims_schema(codebook_of(ROOT / "claims" / "codebook.yaml"))
    assert errors(schema, data_of(path.read_text(encoding="utf-8"))) == []


def test_vocabularies_come_with_labels_and_descriptions_for_hover() -> None:
    schema = claims_schema(codebook_of())
    topic = schema["properties"]["claims"]["items"]["properties"]["topic"]
    assert topic["enum"] == ["export-controls", "space"]
    assert topic["anyOf"][0] == {
        "const": "export-controls",
        "description": "**export-controls**: Export controls. Licensing and entity lists.",
        "markdownDescription": "**export-controls**: Export controls. Licensing and entity lists.",
    }
    perspective = schema["properties"]["source"]["properties"]["perspective"]
    assert perspective["enum"] == ["US-India", "CFR"]
    assert "description" in perspective and "markdownDescription" in perspective
    actor = schema["properties"]["claims"]["items"]["properties"]["actor"]
    assert actor["markdownEnumDescriptions"] == ["United States", "India"]


def test_the_same_codebook_gives_the_same_bytes() -> None:
    text = schema_text(codebook_of())
    assert text == schema_text(codebook_of())
    assert json.loads(text) == claims_schema(codebook_of())


QUOTE = "    quote: The United States and India differ sharply on export controls policy.\n"
TYPOS = [
    ("stance: divergence", "stance: divergance", [("claims", "0", "stance")]),
    ("topic: export-controls", "topic: export-control", [("claims", "0", "topic")]),
    ("perspective: US-India", "perspective: US-india", [("source", "perspective")]),
    ("stance: divergence", "stance: divergence\n    approach: unilatral", [("claims", "0", "approach")]),
    ("stance: divergence", "stance: divergence\n    actor: USA", [("claims", "0", "actor")]),
    ("stance: divergence", "stance: divergence\n    confidence: hgh", [("claims", "0", "confidence")]),
    ("stance: divergence", "stance: divergence\n    qoute: x", [("claims", "0")]),
    ("  id: src-a", "  id: Src_A", [("source", "id")]),
    ("- id: a-1", "- id: a 1", [("claims", "0", "id")]),
    ("title: Source A", "title:", [("source", "title")]),
    ("text: seeds/a.txt", "text: seeds/a.txt\n  published: 5 June 2025", [("source", "published")]),
    ("text: seeds/a.txt", "text: seeds/a.txt\n  url: www.example.org", [("source", "url")]),
    (QUOTE, QUOTE + "    quotes: [a passage]\n", [("claims", "0")]),
    (QUOTE, "", [("claims", "0")]),
    (QUOTE, "    quotes: []\n", [("claims", "0", "quotes")]),
    (QUOTE, QUOTE + "    accept: {hedged-confidense: why}\n", [("claims", "0", "accept")]),
    (QUOTE, QUOTE + "    accept: {hedged-confidence: ''}\n", [("claims", "0", "accept", "hedged-confidence")]),
    (QUOTE, QUOTE + "    note: '  '\n", [("claims", "0", "note")]),
]


def test_the_base_file_is_valid() -> None:
    assert errors(claims_schema(codebook_of()), data_of(CLAIMS_A)) == []


@pytest.mark.parametrize("old, new, expected", TYPOS, ids=[t[1].strip()[:30] for t in TYPOS])
def test_typos_are_rejected_at_their_field(old: str, new: str, expected: list[tuple[str, ...]]) -> None:
    assert old in CLAIMS_A
    data = data_of(CLAIMS_A.replace(old, new, 1))
    assert errors(claims_schema(codebook_of()), data) == expected
