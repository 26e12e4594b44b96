"""The claims-file writer: whatever it writes, the project's own loader reads back exactly."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from matrix.authoring.yamlwriter import claim_yaml, claims_file_yaml, scalar_lines
from matrix.files.loading import parse_claims_file
from matrix.files.yamltree import MappingNode, Scalar, SequenceNode, parse_tree

SOURCE = {
    "id": "src-a",
    "title": "Source: A",
    "publisher": "Publisher",
    "perspective": "US-India",
    "text": "seeds/a.txt",
}


def read_back(key: str, text: str) -> Scalar:
    root, problems = parse_tree("\n".join(scalar_lines(key, text, 0)) + "\n", "x.yaml")
    assert problems == []
    assert isinstance(root, MappingNode)
    ((_, node),) = root.items
    assert isinstance(node, Scalar)
    return node


@settings(max_examples=800, deadline=None)
@given(st.text())
def test_any_text_reads_back_exactly(text: str) -> None:
    node = read_back("quote", text)
    assert node.value == text
    assert not node.null or text == ""  # an empty text is '' (quoted), never a missing value


@settings(max_examples=300, deadline=None)
@given(st.lists(st.text(min_size=1), min_size=1, max_size=4))
def test_any_list_of_passages_reads_back_exactly(passages: list[str]) -> None:
    text = claim_yaml({"id": "a-1", "quotes": passages})
    root, problems = parse_tree(text, "x.yaml")
    assert problems == []
    assert isinstance(root, SequenceNode)
    claim = root.items[0]
    assert isinstance(claim, MappingNode)
    quotes = {k.value: v for k, v in claim.items}["quotes"]
    assert isinstance(quotes, SequenceNode)
    assert [n.value for n in quotes.items if isinstance(n, Scalar)] == passages


@given(st.sampled_from(["yes", "No", "on", "OFF", "true", "null", "~", "012", "1e3", "2025-06-05", "-", "- a", "#x"]))
def test_words_other_readers_would_convert_are_quoted(text: str) -> None:
    (line,) = scalar_lines("note", text, 0)
    assert line == f"note: '{text}'"


def test_styles() -> None:
    long = "the United States is increasingly and unilaterally imposing export control measures on India"
    assert scalar_lines("quote", long, 4) == [
        "    quote: >-",
        "      the United States is increasingly and unilaterally imposing export control measures on",
        "      India",
    ]
    assert scalar_lines("topic", "space", 4) == ["    topic: space"]
    assert scalar_lines("title", "Divergence: A", 2) == ["  title: 'Divergence: A'"]
    assert scalar_lines("note", "it's  \u00a0odd ", 2) == ["  note: 'it''s  \u00a0odd '"]
    assert scalar_lines("note", "a\nb\u200b", 2) == ['  note: "a\\nb\\u200b"']


def test_a_whole_file_in_documented_order_reads_back() -> None:
    claims = [
        {
            "quote": "the memo says " * 10 + "so",
            "stance": "divergence",
            "topic": "space",
            "id": "a-1",
            "confidence": "low",
            "accept": {"hedged-confidence": "a reason: with a colon"},
        },
        {"id": "a-2", "topic": "space", "stance": "convergence", "quotes": ["one", "two # not a comment"]},
    ]
    text = claims_file_yaml(SOURCE, claims, schema="schema.json")
    assert text.splitlines()[0] == "# yaml-language-server: $schema=schema.json"
    assert [line.strip().split(":")[0] for line in text.splitlines() if line.startswith("  - ")] == ["- id", "- id"]
    parsed = parse_claims_file("claims/a.yaml", text.encode())
    assert parsed.problems == ()
    assert parsed.source is not None and parsed.source.title == "Source: A"
    first, second = parsed.claims
    assert (first.id, first.topic, first.stance, first.confidence) == ("a-1", "space", "divergence", "low")
    assert first.quotes == (claims[0]["quote"],)
    assert dict(first.accept) == {"hedged-confidence": "a reason: with a colon"}
    assert second.quotes == ("one", "two # not a comment")
    start = text.index("  - id: a-1")
    keys = [line.split(":")[0].strip(" -") for line in text[start : text.index("  - id: a-2")].splitlines()]
    assert [k for k in keys if k and " " not in k] == [
        "id",
        "topic",
        "stance",
        "confidence",
        "quote",
        "accept",
        "hedged-confidence",
    ]


def test_no_claims_is_an_empty_list() -> None:
    text = claims_file_yaml(SOURCE, [])
    assert text.endswith("\nclaims:\n")
    parsed = parse_claims_file("claims/a.yaml", text.encode())
    assert parsed.problems == () and parsed.claims == ()
