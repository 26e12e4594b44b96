"""claims-matrix network end to end: every congruent and conflicting topic recomputed from the
claims, the files read back by networkx (and igraph), weights by qualifier and normalisation,
filters, periods, identical bytes."""

from __future__ import annotations

import csv
import itertools
import json
import math
import re
from collections.abc import Mapping
from pathlib import Path
from types import MappingProxyType
from typing import Any, NamedTuple

import networkx as nx
import pytest

from matrix import check
from matrix.analysis.network import Options, build_network, claim_actors, network_claims, signed_groups, signed_matrix
from matrix.cli import run
from tests.conftest import CODEBOOK as CONFTEST_CODEBOOK

REPO = Path(__file__).resolve().parent.parent

CODEBOOK = CONFTEST_CODEBOOK + "  - {id: trade, label: Trade}\n"  # the fixture codebook and one more topic
SEED = (
    "The two governments agree to cooperate on export licensing reform.\n"
    "The two governments differ sharply on licensing rules for exports.\n"
    "Both sides agree to expand civil space cooperation together next year.\n"
    "The partners diverge on the military use of outer space entirely.\n"
    "Officials said the space rules remain a real source of friction.\n"
    "The two sides agree to deepen their trade and investment ties.\n"
    "The two sides remain far apart on tariffs and market access.\n"
)
QUOTES = {
    ("export-controls", "convergence"): "agree to cooperate on export licensing reform",
    ("export-controls", "divergence"): "differ sharply on licensing rules for exports",
    ("space", "convergence"): "agree to expand civil space cooperation together",
    ("space", "divergence"): "diverge on the military use of outer space",
    ("space", "divergence", 2): "the space rules remain a real source of friction",
    ("trade", "convergence"): "agree to deepen their trade and investment ties",
    ("trade", "divergence"): "remain far apart on tariffs and market access",
}


def _source(source_id: str, perspective: str, published: str, claims: list[tuple[str, ...]]) -> str:
    lines = ["source:", f"  id: {source_id}", f"  title: Title of {source_id}", "  publisher: Publisher"]
    lines += [f"  published: {published}", f"  perspective: {perspective}", f"  text: seeds/{source_id}.txt", "claims:"]
    for claim_id, topic, stance, *rest in claims:
        quote = QUOTES[(topic, stance, 2)] if "second" in rest else QUOTES[(topic, stance)]
        lines += [f"  - id: {claim_id}", f"    topic: {topic}", f"    stance: {stance}", f"    quote: {quote}"]
        lines += [f"    actor: {r}" for r in rest if r != "second"]
    return "\n".join(lines) + "\n"


# nets by source: s1 export +, space +, trade -; s2 export +, space -; s3 export -, space +,
# trade -; s4 export 0 (one each way), trade +.
SOURCES = {
    "s1": ("US-India", "2024-02-01", [("s1-ec", "export-controls", "convergence", "US"), ("s1-sp", "space", "convergence"), ("s1-tr", "trade", "divergence")]),
    "s2": ("US-India", "2024-08-01", [("s2-ec", "export-controls", "convergence"), ("s2-sp", "space", "divergence"), ("s2-sp2", "space", "divergence", "India", "second")]),
    "s3": ("CFR", "2025-03-01", [("s3-ec", "export-controls", "divergence", "US"), ("s3-sp", "space", "convergence"), ("s3-tr", "trade", "divergence")]),
    "s4": ("CFR", "2025-09-01", [("s4-ec", "export-controls", "convergence"), ("s4-ec2", "export-controls", "divergence"), ("s4-tr", "trade", "convergence", "India")]),
}  # fmt: skip


def write_network_project(root: Path) -> Path:
    (root / "claims").mkdir(parents=True)
    (root / "seeds").mkdir()
    (root / "claims" / "codebook.yaml").write_text(CODEBOOK, encoding="utf-8")
    for source_id, (perspective, published, claims) in SOURCES.items():
        (root / "seeds" / f"{source_id}.txt").write_text(SEED, encoding="utf-8")
        text = _source(source_id, perspective, published, [tuple(c) for c in claims])
        (root / "claims" / f"{source_id}.yaml").write_text(text, encoding="utf-8")
    return root


@pytest.fixture
def project_root(tmp_path: Path) -> Path:
    return write_network_project(tmp_path / "project")


def _run(args: list[str | Path], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as done:
        run([str(a) for a in args])
    out, err = capsys.readouterr()
    return int(done.value.code or 0), out, err


def _json(root: Path, capsys: pytest.CaptureFixture[str], *options: str) -> dict[str, Any]:
    out = root / "output" / "net.json"
    out.parent.mkdir(exist_ok=True)
    code, _, err = _run(["network", "--root", root, "--format", "json", "--out", out, *options], capsys)
    assert code == 0, err
    found: dict[str, Any] = json.loads(out.read_text(encoding="utf-8"))
    return found


# --- every congruent and conflicting topic, recomputed from the claims -----------------------


def _expected_pairs(root: Path, kind: str, count: str = "claims") -> dict[tuple[str, str], tuple[list[str], list[str]]]:
    """(node a, node b) -> (congruent, conflicting) topics, straight from the claims: each
    node's conv and div per topic, the sign of conv - div, every pair of nodes compared."""
    project, _ = check(root, cache=False)
    assert project.codebook is not None
    perspective = {s.id: s.perspective for s in project.sources}
    units: dict[tuple[str, str, str], set[str]] = {}
    for claim in project.claims:
        if kind == "source":
            nodes = [claim.source]
        elif kind == "perspective":
            nodes = [perspective[claim.source]]
        else:
            nodes = list(claim.actors)  # its actor, or each of its sides' actors
        for node in nodes:
            unit = claim.id if count == "claims" else claim.source
            units.setdefault((node, claim.topic, claim.stance), set()).add(unit)
    sign: dict[tuple[str, str], int] = {}
    for node, topic in {(n, t) for n, t, _ in units}:
        net = len(units.get((node, topic, "convergence"), ())) - len(units.get((node, topic, "divergence"), ()))
        if net:
            sign[node, topic] = 1 if net > 0 else -1
    nodes = sorted({n for n, _ in sign})
    topics = project.codebook.ids("topics")
    expected = {}
    for a, b in itertools.combinations(nodes, 2):
        congruent = [t for t in topics if (a, t) in sign and (b, t) in sign and sign[a, t] == sign[b, t]]
        conflicting = [t for t in topics if (a, t) in sign and (b, t) in sign and sign[a, t] != sign[b, t]]
        if congruent or conflicting:
            expected[tuple(sorted((a, b)))] = (congruent, conflicting)
    return expected  # type: ignore[return-value]


def _edges_of(found: dict[str, Any]) -> dict[tuple[str, str], dict[str, Any]]:
    return {tuple(sorted((e["source"], e["target"]))): e for e in found["edges"]}  # type: ignore[misc]


@pytest.mark.parametrize("kind", ["source", "perspective", "actor"])
@pytest.mark.parametrize("where", ["fixture", "shipped"])
def test_every_topic_recomputed_from_the_claims(
    kind: str, where: str, project_root: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = project_root if where == "fixture" else REPO
    expected = _expected_pairs(root, kind)
    out = tmp_path / "net.json"
    for qualifier in ("congruence", "conflict", "subtract"):
        code, _, err = _run(
            ["network", "--root", root, "--nodes", kind, "--qualifier", qualifier, "--format", "json", "--out", out],
            capsys,
        )
        assert code == 0, err
        edges = _edges_of(json.loads(out.read_text(encoding="utf-8")))
        for pair, (congruent, conflicting) in expected.items():
            weight = {"congruence": len(congruent), "conflict": len(conflicting)}.get(
                qualifier, len(congruent) - len(conflicting)
            )
            if weight == 0:
                assert pair not in edges, (qualifier, pair)
                continue
            edge = edges[pair]
            assert edge["congruent_topics"] == ";".join(congruent), (qualifier, pair)
            assert edge["conflicting_topics"] == ";".join(conflicting), (qualifier, pair)
            assert edge["weight"] == weight
            assert (edge["congruent"], edge["conflicting"]) == (len(congruent), len(conflicting))
        assert set(edges) <= set(expected)
    if where == "shipped" and kind == "source":
        assert len(expected) >= 5  # the shipped sources do agree and disagree


def test_the_fixture_network_by_hand(project_root: Path, capsys: pytest.CaptureFixture[str]) -> None:
    found = _json(project_root, capsys)
    assert [n["id"] for n in found["nodes"]] == ["s1", "s2", "s3", "s4"]
    edges = {(e["source"], e["target"]): e for e in found["edges"]}
    # s1-s2: export congruent, space conflicting: subtract 0, left out
    assert set(edges) == {("s1", "s3"), ("s1", "s4"), ("s2", "s3"), ("s3", "s4")}
    s1s3 = edges["s1", "s3"]
    assert (s1s3["congruent_topics"], s1s3["conflicting_topics"], s1s3["weight"]) == (
        "space;trade",
        "export-controls",
        1,
    )
    assert s1s3["claims"] == "s1-ec;s3-ec;s1-sp;s3-sp;s1-tr;s3-tr"  # by topic, then node, in file order
    assert edges["s2", "s3"]["weight"] == -2
    node = found["nodes"][3]
    assert node == {
        "id": "s4",
        "kind": "source",
        "label": "Title of s4",
        "description": "",
        "perspective": "CFR",
        "title": "Title of s4",
        "publisher": "Publisher",
        "author": "",
        "published": "2025-09-01",
        "url": "",
        "file": "claims/s4.yaml",
        "claims": 3,
        "convergence": 2,
        "divergence": 1,
        "topics": 1,  # export is balanced: no side taken
    }
    assert found["options"] == {
        "nodes": "source",
        "mode": "onemode",
        "qualifier": "subtract",
        "normalize": "none",
        "min_claims": 1,
        "count": "claims",
    }


@pytest.mark.parametrize(
    "normalize, s1s3, s2s3",
    [
        ("none", 1, -2),
        ("average", 1 / 3, -2 / 2.5),  # activities: s1 3, s2 2, s3 3 topics
        ("jaccard", 1 / (3 + 3 - 2), -2 / (2 + 3 - 0)),
        ("cosine", 1 / math.sqrt(9), -2 / math.sqrt(6)),
    ],
)
def test_normalisations(
    normalize: str, s1s3: float, s2s3: float, project_root: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    edges = {(e["source"], e["target"]): e for e in _json(project_root, capsys, "--normalize", normalize)["edges"]}
    assert edges["s1", "s3"]["weight"] == pytest.approx(s1s3)
    assert edges["s2", "s3"]["weight"] == pytest.approx(s2s3)


def test_congruence_of_identical_profiles_is_one_under_jaccard_and_cosine(project_root: Path) -> None:
    project, _ = check(project_root, cache=False)
    claims, _ = network_claims(project)
    for normalize in ("jaccard", "cosine"):
        network = build_network(
            claims, project, Options(nodes="perspective", qualifier="congruence", normalize=normalize)
        )
        for edge in network.edges:
            assert 0 < edge.weight <= 1


def test_two_mode(project_root: Path, capsys: pytest.CaptureFixture[str]) -> None:
    found = _json(project_root, capsys, "--mode", "twomode", "--nodes", "perspective")
    ids = [n["id"] for n in found["nodes"]]
    assert ids == ["perspective:US-India", "perspective:CFR", "topic:export-controls", "topic:space", "topic:trade"]
    edges = {(e["source"], e["target"]): e for e in found["edges"]}
    us_space = edges["perspective:US-India", "topic:space"]  # s1 +1, s2 -2
    assert (us_space["convergence"], us_space["divergence"], us_space["sign"]) == (1, 2, "mixed")
    assert us_space["weight"] == pytest.approx(-1 / 3)
    assert us_space["claims"] == "s1-sp;s2-sp;s2-sp2"
    cfr_export = edges["perspective:CFR", "topic:export-controls"]  # s3 -, s4 + and -
    assert (cfr_export["convergence"], cfr_export["divergence"], cfr_export["weight"]) == (1, 2, pytest.approx(-1 / 3))
    assert edges["perspective:US-India", "topic:export-controls"]["sign"] == "positive"
    assert edges["perspective:CFR", "topic:trade"]["sign"] == "mixed"
    assert found["nodes"][2]["kind"] == "topic" and found["nodes"][2]["description"] == "Licensing and entity lists."


def test_actor_nodes_min_claims_and_count_sources(project_root: Path, capsys: pytest.CaptureFixture[str]) -> None:
    found = _json(project_root, capsys, "--nodes", "actor")
    assert [(n["id"], n["claims"]) for n in found["nodes"]] == [("US", 2), ("India", 2)]
    assert found["edges"] == []  # US on export (+1 -1 = 0), India on space and trade: no shared topic
    assert [n["id"] for n in _json(project_root, capsys, "--min-claims", "4")["nodes"]] == []
    perspectives = _json(project_root, capsys, "--nodes", "perspective", "--count", "sources", "--mode", "twomode")
    edges = {(e["source"], e["target"]): e for e in perspectives["edges"]}
    # counting sources: s2's two space divergences are one source
    assert (
        edges["perspective:US-India", "topic:space"]["convergence"],
        edges["perspective:US-India", "topic:space"]["divergence"],
    ) == (1, 1)


def test_filters_as_build(project_root: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert [n["id"] for n in _json(project_root, capsys, "--perspective", "CFR")["nodes"]] == ["s3", "s4"]
    topics = _json(project_root, capsys, "--topic", "trade")
    assert [(e["source"], e["target"], e["conflicting_topics"]) for e in topics["edges"]] == [
        ("s1", "s3", ""),  # both diverge on trade
        ("s1", "s4", "trade"),
        ("s3", "s4", "trade"),
    ]
    actor = _json(project_root, capsys, "--actor", "US")
    assert [n["id"] for n in actor["nodes"]] == ["s1", "s3"]
    since = _json(project_root, capsys, "--since", "2025")
    assert [n["id"] for n in since["nodes"]] == ["s3", "s4"]
    assert since["since"] == "2025" and since["excluded"] == {"undated": 0, "before": 6, "after": 0}
    code, _, err = _run(["network", "--root", project_root, "--topic", "nope"], capsys)
    assert code == 2 and "unknown id 'nope'" in err


def test_sides_count_for_each_actor() -> None:
    class WithSides(NamedTuple):
        actor: str | None = None
        sides: Mapping[str, str] = MappingProxyType({"US": "unilateral", "India": "multilateral"})

    class Plain:
        actor = "US"

    assert claim_actors(WithSides()) == ("US", "India")
    assert claim_actors(Plain()) == ("US",)
    assert claim_actors(WithSides(actor="India", sides=(("US", "unilateral"), ("India", "bilateral")))) == (
        "India",
        "US",
    )


# --- the files, read back ------------------------------------------------------------------


def _attributes_from_json(
    found: dict[str, Any],
) -> tuple[dict[str, dict[str, Any]], dict[frozenset[str], dict[str, Any]]]:
    nodes = {n["id"]: {k: v for k, v in n.items() if k != "id"} for n in found["nodes"]}
    edges = {
        frozenset((e["source"], e["target"])): {k: v for k, v in e.items() if k not in ("source", "target")}
        for e in found["edges"]
    }
    return nodes, edges


@pytest.mark.parametrize(
    "options",
    [
        [],
        ["--nodes", "perspective", "--normalize", "jaccard"],
        ["--nodes", "actor", "--qualifier", "congruence"],
        ["--mode", "twomode"],
        ["--mode", "twomode", "--nodes", "actor"],
    ],
)
@pytest.mark.parametrize("where", ["fixture", "shipped"])
def test_graphml_and_gexf_read_back_as_the_json(
    options: list[str], where: str, project_root: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = project_root if where == "fixture" else REPO
    outputs = {}
    for fmt in ("json", "graphml", "gexf"):
        outputs[fmt] = tmp_path / f"net.{fmt}"
        code, _, err = _run(["network", "--root", root, "--format", fmt, "--out", outputs[fmt], *options], capsys)
        assert code == 0, err
    nodes, edges = _attributes_from_json(json.loads(outputs["json"].read_text(encoding="utf-8")))
    for fmt in ("graphml", "gexf"):
        graph = nx.read_graphml(outputs[fmt]) if fmt == "graphml" else nx.read_gexf(outputs[fmt])
        assert list(graph.nodes) == list(nodes)
        assert {n: dict(a) for n, a in graph.nodes(data=True)} == nodes
        read = {frozenset((a, b)): {k: v for k, v in d.items() if k != "id"} for a, b, d in graph.edges(data=True)}
        assert read == edges
        for attributes in [*nodes.values(), *edges.values()]:  # typed: numbers come back as numbers
            assert all(not isinstance(v, str) for k, v in attributes.items() if k in ("weight", "congruent", "topics"))


def test_graphml_declares_every_type_and_igraph_reads_it(
    project_root: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import xml.etree.ElementTree as ET

    out = tmp_path / "net.graphml"
    assert _run(["network", "--root", project_root, "--out", out], capsys)[0] == 0
    keys = ET.parse(out).getroot().findall("{http://graphml.graphdrawing.org/xmlns}key")
    assert keys and all(k.get("attr.type") in ("string", "long", "double") for k in keys)
    assert len({k.get("id") for k in keys}) == len(keys)
    igraph = pytest.importorskip("igraph")
    graph = igraph.Graph.Read_GraphML(str(out))
    assert graph.vs["id"] == ["s1", "s2", "s3", "s4"]
    assert sorted(graph.es["weight"]) == [-2.0, -1.0, -1.0, 1.0]
    assert "conflicting_topics" in graph.es.attributes() and "claims" in graph.vs.attributes()


def test_gexf_is_gephi_shaped_and_dated_from_source_date_epoch(
    project_root: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    import xml.etree.ElementTree as ET

    out = tmp_path / "net.gexf"
    assert _run(["network", "--root", project_root, "--format", "gexf", "--out", out], capsys)[0] == 0
    root = ET.parse(out).getroot()
    ns = "{http://www.gexf.net/1.2draft}"
    assert root.get("version") == "1.2"
    assert root.find(f"{ns}meta").get("lastmodifieddate") == "1980-01-01"  # type: ignore[union-attr]
    attributes = root.findall(f".//{ns}attribute")
    assert attributes and all(a.get("type") in ("string", "long", "double") for a in attributes)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    assert _run(["network", "--root", project_root, "--format", "gexf", "--out", out], capsys)[0] == 0
    assert ET.parse(out).getroot().find(f"{ns}meta").get("lastmodifieddate") == "2023-11-14"  # type: ignore[union-attr]


@pytest.mark.parametrize("fmt", ["graphml", "gexf", "csv", "json"])
def test_identical_bytes_twice(
    fmt: str, project_root: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    runs = []
    for name in ("first", "second"):
        folder = tmp_path / name
        folder.mkdir()
        code, _, err = _run(
            ["network", "--root", project_root, "--format", fmt, "--out", folder / f"net.{fmt}", "--period", "year"],
            capsys,
        )
        assert code == 0, err
        runs.append({p.name: p.read_bytes() for p in sorted(folder.iterdir())})
    assert runs[0] == runs[1] and runs[0]


def test_csv_tables(project_root: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "net.csv"
    code, stdout, _ = _run(["network", "--root", project_root, "--format", "csv", "--out", out], capsys)
    assert code == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == ["net.edges.csv", "net.nodes.csv", "project"]
    assert f"wrote {tmp_path / 'net.nodes.csv'}" in stdout
    with (tmp_path / "net.edges.csv").open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert list(rows[0]) == [
        "source",
        "target",
        "weight",
        "congruent_topics",
        "conflicting_topics",
        "claims",
        "congruent",
        "conflicting",
    ]
    assert (rows[0]["source"], rows[0]["target"], rows[0]["weight"], rows[0]["congruent_topics"]) == (
        "s1",
        "s3",
        "1.0",
        "space;trade",
    )
    with (tmp_path / "net.nodes.csv").open(encoding="utf-8", newline="") as handle:
        nodes = list(csv.DictReader(handle))
    assert [n["id"] for n in nodes] == ["s1", "s2", "s3", "s4"] and nodes[0]["claims"] == "3"


# --- periods -------------------------------------------------------------------------------


def test_one_graphml_and_csv_per_period(project_root: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = _run(
        ["network", "--root", project_root, "--period", "year", "--out", tmp_path / "net.graphml"], capsys
    )
    assert code == 0, err
    years = {y: nx.read_graphml(tmp_path / f"net.{y}.graphml") for y in ("2024", "2025")}
    assert list(years["2024"].nodes) == ["s1", "s2"] and list(years["2025"].nodes) == ["s3", "s4"]
    assert list(years["2024"].edges) == []  # s1-s2: one congruent, one conflicting topic
    assert [(a, b, d["conflicting_topics"]) for a, b, d in years["2025"].edges(data=True)] == [("s3", "s4", "trade")]
    assert not (tmp_path / "net.graphml").exists()
    code, _, _ = _run(
        [
            "network",
            "--root",
            project_root,
            "--window",
            "12M",
            "--step",
            "6M",
            "--format",
            "csv",
            "--out",
            tmp_path / "w.csv",
        ],
        capsys,
    )
    assert code == 0
    assert sorted(p.name for p in tmp_path.glob("w.*")) == [
        f"w.{label}.{table}.csv"
        for label in ("2024-02..2025-01", "2024-08..2025-07", "2025-02..2026-01")
        for table in ("edges", "nodes")
    ]


def test_dynamic_gexf_has_a_spell_per_period(
    project_root: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    gexf, js = tmp_path / "net.gexf", tmp_path / "net.json"
    for out in (gexf, js):
        assert (
            _run(
                ["network", "--root", project_root, "--period", "year", "--out", out, "--format", out.suffix[1:]],
                capsys,
            )[0]
            == 0
        )
    found = json.loads(js.read_text(encoding="utf-8"))
    assert [(p["label"], p["start"], p["end"]) for p in found["periods"]] == [
        ("2024", "2024-01-01", "2024-12-31"),
        ("2025", "2025-01-01", "2025-12-31"),
    ]
    graph = nx.read_gexf(gexf)
    spells: dict[str, list[tuple[str, str]]] = {}
    weights: dict[frozenset[str], list[tuple[float, str, str]]] = {}
    topics: dict[frozenset[str], list[tuple[str, str, str]]] = {}
    for period in found["periods"]:
        for node in period["nodes"]:
            spells.setdefault(node["id"], []).append((period["start"], period["end"]))
        for edge in period["edges"]:
            pair = frozenset((edge["source"], edge["target"]))
            weights.setdefault(pair, []).append((edge["weight"], period["start"], period["end"]))
            topics.setdefault(pair, []).append((edge["conflicting_topics"], period["start"], period["end"]))
    assert {n: d["spells"] for n, d in graph.nodes(data=True)} == spells
    assert {frozenset((a, b)): d["conflicting_topics"] for a, b, d in graph.edges(data=True)} == topics
    assert graph.nodes["s3"]["claims"] == [(3, "2025-01-01", "2025-12-31")]
    # the per-period weight is the dynamic edge column of id "weight", which Gephi takes for the edge's
    # weight (networkx's reader takes that column as static, so the weights are read from the XML here)
    import xml.etree.ElementTree as ET

    ns = "{http://www.gexf.net/1.2draft}"
    tree = ET.parse(gexf).getroot()
    assert [(a.get("id"), a.get("title")) for a in tree.iter(f"{ns}attribute") if a.get("title") == "weight"] == [
        ("weight", "weight")
    ]
    read = {
        frozenset((e.get("source"), e.get("target"))): [
            (float(v.get("value", "")), v.get("start"), v.get("end"))
            for v in e.iter(f"{ns}attvalue")
            if v.get("for") == "weight"
        ]
        for e in tree.iter(f"{ns}edge")
    }
    assert read == weights


def test_usage_errors_write_nothing(project_root: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = _run(["network", "--root", project_root, "--mode", "twomode", "--qualifier", "conflict"], capsys)
    assert code == 2 and "one-mode" in err
    code, _, err = _run(
        ["network", "--root", project_root, "--format", "gexf", "--out", tmp_path / "net.graphml"], capsys
    )
    assert code == 2 and "must end in .gexf" in err
    code, _, err = _run(["network", "--root", project_root, "--out", project_root / "claims" / "s1.yaml"], capsys)
    assert code == 2
    assert not list(tmp_path.glob("net*"))


# --- the signed groups ---------------------------------------------------------------------


def test_signed_groups() -> None:
    weights = {("a", "c"): 2, ("b", "d"): 1, ("a", "b"): -1, ("c", "d"): -2, ("a", "d"): -1}
    assert signed_groups(["a", "b", "c", "d", "e"], weights) == [["a", "c"], ["b", "d"], ["e"]]
    assert signed_groups(["x", "y"], {}) == [["x"], ["y"]]
    # a merge needs a positive sum over every pair across the two groups
    assert signed_groups(["a", "b", "c"], {("a", "b"): 3, ("a", "c"): 1, ("b", "c"): -2}) == [["a", "b"], ["c"]]


def test_signed_matrix_of_the_fixture(project_root: Path) -> None:
    project, _ = check(project_root, cache=False)
    claims, _ = network_claims(project)
    matrix = signed_matrix(build_network(claims, project))
    assert matrix.order == ("s1", "s3", "s2", "s4")  # s1 and s3 agree on two topics of three
    assert matrix.cell("s1", "s2") == (
        0.0,
        ("export-controls",),
        ("space",),
        ("s1-ec", "s2-ec", "s1-sp", "s2-sp", "s2-sp2"),
    )
    assert matrix.cell("s2", "s4") is None
    assert matrix.cell("s3", "s1") == matrix.cell("s1", "s3")


# --- the Network sheet and the brief -------------------------------------------------------


def _section_rows(sheet: Any, title: str) -> list[tuple[Any, ...]]:
    """The header and body rows of one section of the Network sheet (cells, not values)."""
    rows = list(sheet.iter_rows())
    start = next(i for i, row in enumerate(rows) if row[0].value == title)
    body = []
    for row in rows[start + 1 :]:
        if row[0].value is None:
            break
        body.append(row)
    return body


@pytest.mark.parametrize("where", ["fixture", "shipped"])
def test_network_sheet_cell_by_cell(
    where: str, project_root: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import openpyxl

    from matrix.analysis.palette import cell_colour, is_thin

    root = project_root if where == "fixture" else REPO
    out = tmp_path / "book.xlsx"
    code, _, err = _run(["build", "-q", "--root", root, "--out", out], capsys)
    assert code == 0, err
    book = openpyxl.load_workbook(out)
    assert book.sheetnames.index("Network") == book.sheetnames.index("Claims") - 1
    sheet = book["Network"]
    project, _ = check(root, cache=False)
    assert project.codebook is not None
    label = {s.id: s.title for s in project.sources}
    topic_label = {t.id: t.label for t in project.codebook.topics}
    expected = _expected_pairs(root, "source")
    header, *body = _section_rows(sheet, "Sources")
    order = [c.value for c in header[2:] if c.value is not None]
    assert [row[1].value for row in body] == order and sorted(order) == sorted(label.values())
    by_label = {v: k for k, v in label.items()}
    if where == "fixture":
        assert [by_label[o] for o in order] == ["s1", "s3", "s2", "s4"]
        assert [row[0].value for row in body] == [1, 1, 2, 3]
    for row in body:
        a = by_label[row[1].value]
        for column, cell in enumerate(row[2 : 2 + len(order)]):
            b = by_label[order[column]]
            if a == b:
                assert cell.value == "\u2014"
                continue
            pair = expected.get(tuple(sorted((a, b))))  # type: ignore[arg-type]
            if pair is None:
                assert cell.value is None and cell.comment is None
                continue
            congruent, conflicting = pair
            topics = len(congruent) + len(conflicting)
            index = (len(congruent) - len(conflicting)) / topics
            assert cell.value == pytest.approx(index), (a, b)
            hue = cell.fill.bgColor if is_thin(topics) else cell.fill.fgColor  # thin: hatched over its hue
            assert hue.rgb[-6:] == cell_colour(index, topics)
            assert (cell.fill.fill_type == "solid") == (not is_thin(topics))
            assert cell.number_format.endswith('"\u00b0"') == is_thin(topics)
            comment = " ".join(cell.comment.text.split())  # wrapped to the comment's width
            assert f"({len(congruent)} congruent, {len(conflicting)} conflicting topics)" in comment
            assert f"Congruent: {', '.join(topic_label[t] for t in congruent) or 'none'}" in comment
            assert f"Conflicting: {', '.join(topic_label[t] for t in conflicting) or 'none'}" in comment
            behind = {c.id for c in project.claims if c.source in (a, b) and c.topic in (*congruent, *conflicting)}
            listed = comment.split("Claims: ", 1)[1].split(" \u2026")[0].split(", ")
            assert set(listed) <= behind and (len(listed) == len(behind) or "more" in comment)


def test_network_in_the_brief(project_root: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    import re

    out = tmp_path / "brief.html"
    assert _run(["report", "--root", project_root, "--out", out], capsys)[0] == 0
    page = out.read_text(encoding="utf-8")
    table = page.split('data-kind="source"', 1)[1].split("</table>", 1)[0]
    rows = re.findall(r'<th scope="row">([^<]*)</th>(.*?)</tr>', table, re.DOTALL)
    assert [r[0] for r in rows] == ["Title of s1", "Title of s3", "Title of s2", "Title of s4"]
    first = re.findall(r"<td[^>]*>(.*?)</td>", rows[0][1])
    texts = [re.sub(r"<[^>]+>", "", t) for t in first]
    assert texts == ["\u2014", "+0.33", "0.00\u00b0", "-1.00\u00b0"]
    assert (
        'title="Title of s1 · Title of s3: +0.33; congruent: Space, Trade; conflicting: Export controls; 6 claims"'
        in table
    )
    assert '<a href="#claim--s3-tr">s3-tr</a>' in page.split('data-kind="source"', 1)[1]


def test_the_readme_python_example_runs(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    import shutil

    readme = (REPO / "README.md").read_text(encoding="utf-8")
    section = readme.split("### Networks: who agrees with whom", 1)[1].split("\n## ", 1)[0]
    code = section.split("```python\n", 1)[1].split("```", 1)[0]
    for folder in ("claims", "seeds"):
        shutil.copytree(REPO / folder, tmp_path / folder)
    monkeypatch.chdir(tmp_path)
    assert _run(["network"], capsys)[0] == 0
    exec(compile(code, "README.md", "exec"), {})  # noqa: S102 - the README's own example
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 6 and lines[0].startswith("cfr-defense-norms x crs-india-us-defense: -1, conflicting on")
    assert lines[1].startswith("  claims: cfr-")


def test_networkx_is_imported_in_one_module() -> None:
    homes = [
        path.relative_to(REPO).as_posix()
        for path in sorted((REPO / "matrix").rglob("*.py"))
        if re.search(r"^\s*(import networkx|from networkx)", path.read_text(encoding="utf-8"), re.MULTILINE)
    ]
    assert homes == ["matrix/analysis/network/formats.py"]
