"""matrix.analysis.agreement: sentence and claim units, matching, alpha per field, sources compared."""

from __future__ import annotations

import json
from collections.abc import Hashable, Mapping, Sequence
from pathlib import Path

import pytest

from matrix import check
from matrix.analysis.agreement import Agreement, Coding, agreement
from matrix.analysis.alpha import reliability
from matrix.files import workers
from tests.conftest import write_project

ROOT = Path(__file__).resolve().parent.parent

SENTENCES = [
    "The United States and India expand export licensing for trusted partners.",
    "India keeps its own space programme apart from American launch plans.",
    "Both governments agree on multilateral export regimes for dual-use goods.",
    "The two space agencies will share data from lunar missions together.",
    "India rejects American sanctions on its purchases of Russian weapons.",
    "Washington welcomes New Delhi as a major defence partner in Asia.",
    "New Delhi refuses to join any formal alliance with Washington ever.",
    "The memo closes with a list of meetings held in the spring.",
]
TEXT = "\n".join(SENTENCES) + "\n"


def claim_yaml(claim_id: str, sentences: Sequence[int], fields: Mapping[str, str]) -> str:
    """A claim quoting the given sentences (1-based), one passage each."""
    lines = [f"  - id: {claim_id}", *(f"    {key}: {value}" for key, value in fields.items())]
    if len(sentences) == 1:
        lines.append(f"    quote: {SENTENCES[sentences[0] - 1]}")
    else:
        lines += ["    quotes:", *(f"      - {SENTENCES[s - 1]}" for s in sentences)]
    return "\n".join(lines) + "\n"


def coding(root: Path, label: str, claims: Sequence[tuple[str, Sequence[int], Mapping[str, str]]]) -> Coding:
    body = "".join(claim_yaml(*claim) for claim in claims)
    files = {
        "claims/a.yaml": "source:\n  id: src-a\n  title: A\n  publisher: P\n  perspective: US-India\n"
        f"  text: seeds/a.txt\nclaims:\n{body}",
        "seeds/a.txt": TEXT,
        "claims/b.yaml": None,
    }
    project, report = check(write_project(root / label, files))
    assert report.errors == 0, [str(p.location) + p.code for p in report.problems]
    return Coding(label, project, report)


def fields(
    topic: str, stance: str, confidence: str, approach: str | None = None, actor: str | None = None
) -> dict[str, str]:
    found = {"topic": topic, "stance": stance, "confidence": confidence}
    found |= {"approach": approach} if approach else {}
    return found | ({"actor": actor} if actor else {})


EC, SP = "export-controls", "space"
CODER_A = [
    ("a1", [1], fields(EC, "convergence", "high", "bilateral", "US")),
    ("a2", [2], fields(SP, "divergence", "medium", actor="India")),
    ("a3", [3], fields(EC, "convergence", "low", "multilateral")),
    ("a4", [4], fields(SP, "convergence", "medium")),
    ("a5", [5], fields(EC, "divergence", "high", "unilateral", "India")),
    ("a6", [6], fields(SP, "convergence", "medium")),
]
CODER_B = [  # b1 confidence, b2 topic, b3 stance, b5 actor differ; a6 and b7 have no partner
    ("b1", [1], fields(EC, "convergence", "medium", "bilateral", "US")),
    ("b2", [2], fields(EC, "divergence", "medium", actor="India")),
    ("b3", [3], fields(EC, "divergence", "low", "multilateral")),
    ("b4", [4], fields(SP, "convergence", "medium")),
    ("b5", [5], fields(EC, "divergence", "high", "unilateral", "US")),
    ("b7", [7], fields(SP, "divergence", "medium")),
]
# Worked by hand with the coincidence method (n = 10 values for the claim fields, 16 for the
# sentences): alpha = 1 - (n - 1) * (disagreeing pairs) / (n^2 - sum n_c^2) for nominal fields.
EXPECTED = {
    "coded": (8, 5 / 8, 1 - 15 * 6 / 168, "unreliable"),  # C 6, D 6, uncoded 4; 3 units differ
    "topic": (5, 4 / 5, 1 - 9 * 2 / 42, "unreliable"),  # export 7, space 3
    "stance": (5, 4 / 5, 1 - 9 * 2 / 50, "unreliable"),  # 5 and 5
    "approach": (5, 1.0, 1.0, "reliable"),
    "actor": (5, 4 / 5, 1 - 9 * 2 / 66, "tentative"),  # US 3, India 3, none 4
    # ordinal: n low 2, medium 5, high 3; delta(medium, high) = (5 + 3 - 4)^2 = 16,
    # delta(low, medium) = 12.25, delta(low, high) = 56.25: D_e sum = 2 * 700
    "confidence": (5, 4 / 5, 1 - 9 * 2 * 16 / 1400, "tentative"),
    "voice": (5, 1.0, None, "n/a"),  # no coder codes voice
}


@pytest.fixture
def pair(tmp_path: Path) -> Agreement:
    return agreement([coding(tmp_path, "first", CODER_A), coding(tmp_path, "second", CODER_B)])


def test_known_alphas_of_a_hand_made_pair(pair: Agreement) -> None:
    found = {f.field: (f.reliability.units, f.reliability.agreement, f.alpha, f.verdict) for f in pair.fields}
    assert list(found) == list(EXPECTED)
    for name, (units, share, alpha, verdict) in EXPECTED.items():
        assert found[name] == (units, pytest.approx(share), pytest.approx(alpha), verdict), name
    assert round(found["coded"][2] or 0, 3) == 0.464
    assert round(found["confidence"][2] or 0, 3) == 0.794


def test_disagreements_unmatched_and_coincidences(pair: Agreement) -> None:
    assert [(d.at.line, d.fields, [c and c.claim.id for c in d.claims]) for d in pair.disagreements] == [
        (1, ("confidence",), ["a1", "b1"]),
        (2, ("topic",), ["a2", "b2"]),
        (3, ("stance",), ["a3", "b3"]),
        (5, ("actor",), ["a5", "b5"]),
    ]
    assert pair.disagreements[0].at.file == "seeds/a.txt"
    assert [(pair.coders[c.coder], c.claim.id, c.at.line) for c in pair.unmatched] == [
        ("first", "a6", 6),
        ("second", "b7", 7),
    ]
    actor = next(f.reliability for f in pair.fields if f.field == "actor")
    assert actor.values == ("US", "India", None)  # codebook order, then the absent value
    assert [list(row) for row in actor.coincidences] == [[2, 1, 0], [1, 2, 0], [0, 0, 4]]
    coded = pair.fields[0].reliability
    assert coded.values == ("uncoded", "convergence", "divergence")  # no sentence was mixed
    assert [list(row) for row in coded.coincidences] == [[2, 1, 1], [1, 4, 1], [1, 1, 4]]


def test_json_has_the_documented_shape(pair: Agreement) -> None:
    data = json.loads(json.dumps(pair.to_dict()))
    assert [f["field"] for f in data["fields"]] == [
        "coded",
        "topic",
        "stance",
        "approach",
        "actor",
        "confidence",
        "voice",
    ]
    topic = data["fields"][1]
    assert topic["units"] == 5 and topic["verdict"] == "unreliable" and topic["unit"] == "claim"
    assert round(topic["alpha"], 3) == 0.571 and topic["agreement"] == 0.8
    assert topic["ci"]["low"] <= topic["alpha"] <= topic["ci"]["high"] and topic["ci"]["level"] == 0.95
    assert data["disagreements"][1]["codings"][1]["topic"] == EC
    assert data["disagreements"][1]["location"] == "seeds/a.txt:2:1"
    assert [(u["coder"], u["claim"]) for u in data["unmatched"]] == [("first", "a6"), ("second", "b7")]
    assert data["sources"] == [
        {
            "source": "src-a",
            "compared": True,
            "reason": None,
            "sentences": 8,
            "claims": {"first": 6, "second": 6},
            "units": 5,
        }
    ]
    assert json.dumps(pair.to_dict()) == json.dumps(data)  # JSON-ready as it is


def test_same_input_same_result(tmp_path: Path) -> None:
    first = [coding(tmp_path, "x", CODER_A), coding(tmp_path, "y", CODER_B)]
    assert agreement(first).to_dict() == agreement(first).to_dict()


def test_the_shipped_coding_compared_with_itself_is_reliable() -> None:
    project, report = check(ROOT)
    result = agreement([Coding("one", project, report), Coding("two", project, report)])
    for field in result.fields:
        assert field.verdict in {"reliable", "n/a"}, field
        if field.verdict == "n/a":
            assert field.reliability.reason and len(field.reliability.values) == 1
        else:
            assert field.alpha == pytest.approx(1.0) and field.reliability.agreement == 1.0
    assert result.disagreements == () and result.unmatched == ()
    assert sum(s.units for s in result.sources) == len(project.claims)
    assert all(s.compared for s in result.sources)


def test_one_value_everywhere_is_n_a_with_a_reason(tmp_path: Path) -> None:
    claims = [("c1", [1], fields(EC, "convergence", "medium")), ("c2", [3], fields(EC, "convergence", "medium"))]
    result = agreement([coding(tmp_path, "x", claims), coding(tmp_path, "y", claims)])
    by_field = {f.field: f for f in result.fields}
    assert by_field["topic"].verdict == "n/a" and by_field["topic"].alpha is None
    assert by_field["topic"].reliability.reason
    assert by_field["topic"].reliability.units == 2 and by_field["topic"].reliability.agreement == 1.0
    assert by_field["coded"].verdict == "reliable"  # coded vs uncoded sentences vary
    assert result.to_dict()["fields"][1]["alpha"] is None and result.to_dict()["fields"][1]["ci"] is None


def units_of(values: Sequence[Sequence[Hashable]]) -> list[dict[Hashable, Hashable]]:
    return [dict(enumerate(unit)) for unit in values]


def test_three_coders(tmp_path: Path) -> None:
    third = [  # like the first coder, but a2 missing and a5's topic space
        claim if claim[0] != "a5" else ("c5", [5], fields(SP, "divergence", "high", "unilateral", "India"))
        for claim in CODER_A
        if claim[0] != "a2"
    ]
    result = agreement(
        [coding(tmp_path, "first", CODER_A), coding(tmp_path, "second", CODER_B), coding(tmp_path, "third", third)]
    )
    topic_units = [
        {0: EC, 1: EC, 2: EC},
        {0: SP, 1: EC},
        {0: EC, 1: EC, 2: EC},
        {0: SP, 1: SP, 2: SP},
        {0: EC, 1: EC, 2: SP},
        {0: SP, 2: SP},  # a6 and its copy
    ]
    expected = reliability(topic_units)
    topic = next(f for f in result.fields if f.field == "topic")
    assert topic.alpha == pytest.approx(expected.alpha) and topic.reliability.units == 6
    # a6 (first) and its copy (third) are partners now; b7 has none
    assert [(result.coders[c.coder], c.claim.id) for c in result.unmatched] == [("second", "b7")]
    sentences = [
        ("convergence",) * 3,
        ("divergence", "divergence", "uncoded"),
        ("convergence", "divergence", "convergence"),
        ("convergence",) * 3,
        ("divergence",) * 3,
        ("convergence", "uncoded", "convergence"),
        ("uncoded", "divergence", "uncoded"),
        ("uncoded",) * 3,
    ]
    assert result.fields[0].alpha == pytest.approx(reliability(units_of(sentences)).alpha)
    last = next(d for d in result.disagreements if d.at.line == 5)
    assert [c and c.claim.id for c in last.claims] == ["a5", "b5", "c5"] and last.fields == ("topic", "actor")
    assert result.sources[0].claims == (6, 6, 5)


def test_matching_by_overlap_of_all_passages(tmp_path: Path) -> None:
    first = [("a1", [1, 2], fields(EC, "convergence", "medium")), ("a2", [4, 5, 6], fields(SP, "divergence", "low"))]
    second = [
        ("b1", [2], fields(EC, "convergence", "medium")),  # inside a1: all of the shorter shared
        ("b2", [6, 7, 8], fields(SP, "divergence", "low")),  # shares one sentence in three with a2
    ]
    result = agreement([coding(tmp_path, "x", first), coding(tmp_path, "y", second)])
    assert result.fields[1].reliability.units == 1
    assert [c.claim.id for c in result.unmatched] == ["a2", "b2"]
    assert [s.units for s in result.sources] == [1]


def test_ties_go_to_the_partner_coded_alike_then_to_the_earlier_claim(tmp_path: Path) -> None:
    first = [("a1", [1], fields(SP, "convergence", "medium"))]
    second = [  # both quote the same passage as a1: the one coded like it is the partner
        ("b1", [1], fields(EC, "convergence", "medium")),
        ("b2", [1], fields(SP, "convergence", "medium")),
        ("b3", [1], fields(SP, "convergence", "medium")),
    ]
    result = agreement([coding(tmp_path, "x", first), coding(tmp_path, "y", second)])
    assert [c.claim.id for c in result.unmatched] == ["b1", "b3"]
    assert result.disagreements == ()


def test_sources_not_compared_are_listed_with_the_reason(tmp_path: Path) -> None:
    mine, report = check(write_project(tmp_path / "mine", {}))
    theirs_files: dict[str, str | bytes | None] = {"claims/b.yaml": None, "seeds/a.txt": "Another text entirely.\n"}
    theirs, their_report = check(write_project(tmp_path / "theirs", theirs_files))
    result = agreement(
        [Coding("mine", mine, report), Coding("theirs", theirs, their_report)], ["src-a", "src-b", "nope"]
    )
    assert [(s.source, s.compared, s.reason) for s in result.sources] == [
        ("nope", False, "no coding has this source"),
        ("src-a", False, "its text differs in the coding of theirs"),
        ("src-b", False, "not in the coding of theirs"),
    ]
    assert all(f.verdict == "n/a" and f.reliability.units == 0 for f in result.fields)
    assert result.fields[0].reliability.reason


def test_a_source_filter_keeps_only_those_sources(tmp_path: Path) -> None:
    project, report = check(write_project(tmp_path, {}))
    result = agreement([Coding("x", project, report), Coding("y", project, report)], ["src-b"])
    assert [s.source for s in result.sources] == ["src-b"]
    assert result.fields[1].reliability.units == 1


def test_labels_must_be_distinct(tmp_path: Path) -> None:
    project, report = check(write_project(tmp_path, {}))
    with pytest.raises(ValueError):
        agreement([Coding("x", project, report), Coding("x", project, report)])
    with pytest.raises(ValueError):
        agreement([Coding("x", project, report)])


def test_shared_with_a_child_or_not_the_result_is_the_same(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    codings = [coding(tmp_path, "first", CODER_A), coding(tmp_path, "second", CODER_B)]
    monkeypatch.setattr(workers, "PARALLEL_WEIGHT", 0)  # always share
    shared = agreement(codings).to_dict()
    monkeypatch.setattr(workers, "PARALLEL_WEIGHT", 10**18)  # never
    assert agreement(codings).to_dict() == shared
