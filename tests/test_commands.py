"""Every command and every option, end to end, as a user runs them.

`CASES` holds, for each (command, option) registered on the CLI group, a run with a valid value
and what it must produce (exit code, parsed JSON/CSV/YAML, workbook cells) and, where the option
takes a value, a run with an invalid one, which must be a usage error (exit 2) that writes
nothing. A meta-test fails when a command or option is added without its cases.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import re
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import click
import openpyxl
import pytest
import yaml

from matrix.cli import main, run
from tests.conftest import CLAIMS_A, CODEBOOK, PIVOT_FILES, SEED_A, write_project
from tests.test_timeline_outputs import DATED_FILES

Result = tuple[int, str, str]


@dataclass(frozen=True)
class Case:
    """One option of one command: `args` (after the command, `{root}` and `{tmp}` filled in) and
    `check(result, root)` for a valid run; `bad` the arguments of a run that must exit 2."""

    args: tuple[str, ...]
    check: Callable[[Result, Path], None]
    bad: tuple[str, ...] | None = None


def _json(out: str) -> object:
    return json.loads(out)


def _rows(out: str) -> list[dict[str, str]]:
    """The rows of export's CSV: the spreadsheet variant's byte-order mark is no part of them."""
    return list(csv.DictReader(io.StringIO(out.removeprefix("\ufeff"))))


def _sheet(path: Path, name: str) -> list[tuple[object, ...]]:
    book = openpyxl.load_workbook(path)
    return [tuple(row) for row in book[name].iter_rows(values_only=True)]


def _validate_clean(result: Result, root: Path) -> None:
    assert result[0] == 0 and result[1].startswith("valid: 8 claims in 2 files")


def _exit(code: int, needle: str = "") -> Callable[[Result, Path], None]:
    def check(result: Result, root: Path) -> None:
        assert result[0] == code, result
        assert needle in result[1] + result[2], result

    return check


def _claim_ids(expected: list[str]) -> Callable[[Result, Path], None]:
    def check(result: Result, root: Path) -> None:
        assert result[0] == 0, result
        assert [record["id"] for record in json.loads(result[1])] == expected

    return check


def _claims_sheet_holds(path: Path, expected: list[str]) -> None:
    """The Claims sheet of the workbook at `path` holds exactly the claims `expected`, in matrix
    order (topic and perspective in codebook order, then stance, then source)."""
    header, *rows = _sheet(path, "Claims")
    assert sorted(str(row[0]) for row in rows) == sorted(expected)
    at = {name: header.index(name) for name in ("Topic", "Perspective", "Stance", "Source")}
    keys = [
        (
            ("export-controls", "space").index(str(row[at["Topic"]])),
            ("US-India", "CFR").index(str(row[at["Perspective"]])),
            str(row[at["Stance"]]),
            str(row[at["Source"]]),
        )
        for row in rows
    ]
    assert keys == sorted(keys)


def _workbook_ids(expected: list[str]) -> Callable[[Result, Path], None]:
    def check(result: Result, root: Path) -> None:
        assert result[0] == 0, result
        _claims_sheet_holds(root / "output" / "claims-matrix.xlsx", expected)

    return check


def _summary_of(ids: list[str]) -> Callable[[Result, Path], None]:
    """The summary counts exactly the claims `ids`, in the topics they have."""

    def check(result: Result, root: Path) -> None:
        assert result[0] == 0, result
        data = json.loads(result[1])
        assert data["claims"] == len(ids)
        assert sorted({cell["topic"] for cell in data["stance"] if cell["convergence"] is not None}) == _topics_of(ids)

    return check


def _validate_json(result: Result, root: Path) -> None:
    data = json.loads(result[1])
    assert result[0] == 0 and data["valid"] is True and (data["claims"], data["files"]) == (8, 2)


def _validate_strict(result: Result, root: Path) -> None:
    # the project in BAD_FILES has one warning (a quote under six words): strict fails on it
    assert result[0] == 1 and "short-quote" in result[1]


def _max_problems(result: Result, root: Path) -> None:
    lines = result[1].splitlines()
    assert result[0] == 1 and lines[0].startswith("claims/a.yaml:") and lines[1] == "... and 1 more problem"


def _max_file_size(result: Result, root: Path) -> None:
    assert result[0] == 1 and result[1].count("file-too-large") == 3


def _no_cache(result: Result, root: Path) -> None:
    assert result[0] == 0 and not any(p.name == ".cache" for p in root.parent.glob("*/.cache"))


def _build_out(result: Result, root: Path) -> None:
    assert result[0] == 0 and "wrote" in result[1]
    _claims_sheet_holds(root.parent / "mine.xlsx", ["a1", "a2", "a3", "a4", "b1", "b2", "b3", "b4"])


def _build_strict(result: Result, root: Path) -> None:
    assert result[0] == 1 and not (root / "output" / "claims-matrix.xlsx").exists()


def _build_quiet(result: Result, root: Path) -> None:
    assert result[0] == 0 and "Stance" not in result[1] and "wrote" in result[1]


def _summary_table(result: Result, root: Path) -> None:
    assert result[0] == 0 and "Export controls" in result[1] and "+2/-1" in result[1]


def _fits(columns: int) -> Callable[[Result, Path], None]:
    """A table laid out for `columns`: no line wider, no location folded across two lines."""

    def check(result: Result, root: Path) -> None:
        lines = result[1].splitlines()
        assert lines and max(len(line) for line in lines) <= columns, result
        assert not [line for line in lines if re.search(r"\.(yaml|txt):\d+:?$", line.rstrip())], result

    return check


def _summary_width(result: Result, root: Path) -> None:
    assert result[0] == 0 and max(len(line) for line in result[1].splitlines()) <= 60


def _export_csv(result: Result, root: Path) -> None:
    rows = _rows(result[1])
    assert result[0] == 0 and [r["id"] for r in rows][:2] == ["a1", "a2"] and rows[0]["quote_at"] == "seeds/a.txt:2:1"


def _export_out(result: Result, root: Path) -> None:
    records = json.loads((root.parent / "claims.json").read_text())
    assert result[0] == 0 and len(records) == 8 and records[0]["id"] == "a1"


def _build_count_sources(result: Result, root: Path) -> None:
    rows = _sheet(root / "output" / "claims-matrix.xlsx", "Stance")
    # src-a's three export-controls claims (2 convergence, 1 divergence) count once per stance
    assert result[0] == 0 and rows[1][0] == "counting sources" and rows[3][:4] == ("Export controls", 1, 1, 0)


def _summary_count_sources(result: Result, root: Path) -> None:
    data = json.loads(result[1])
    cell = data["stance"][0]
    assert result[0] == 0 and data["count"] == "sources"
    assert (cell["topic"], cell["perspective"], cell["convergence"], cell["divergence"], cell["sources"]) == (
        "export-controls",
        "US-India",
        1,
        1,
        1,
    )


def _export_per_passage(result: Result, root: Path) -> None:
    rows = _rows(result[1])
    assert result[0] == 0 and list(rows[0]) == [
        "claim",
        "source",
        "perspective",
        "topic",
        "stance",
        "location",
        "passage",
    ]
    assert (rows[0]["claim"], rows[0]["location"]) == ("a1", "seeds/a.txt:2:1") and len(rows) == 8


def _export_raw(result: Result, root: Path) -> None:
    # the note '=1+2' stays as typed with --raw (it gets a leading ' without)
    rows = _rows(result[1])
    assert result[0] == 0 and [r["note"] for r in rows if r["id"] == "a1"] == ["=1+2"]


def _diff_of(added: list[str], removed: list[str]) -> Callable[[Result, Path], None]:
    """The diff from the pivot project to the two-claim base project names exactly these."""

    def check(result: Result, root: Path) -> None:
        assert result[0] == 0, result
        data = json.loads(result[1])
        assert [c["id"] for c in data["claims"]["added"]] == added
        assert [c["id"] for c in data["claims"]["removed"]] == removed

    return check


ALL_PIVOT = ["a1", "a2", "a3", "a4", "b1", "b2", "b3", "b4"]


def _diff_table(result: Result, root: Path) -> None:
    assert result[0] == 0 and "2 added, 8 removed, 0 changed" in result[1]


def _diff_count_sources(result: Result, root: Path) -> None:
    cells = {(c["topic"], c["perspective"]): c for c in json.loads(result[1])["cells"]}
    # src-a's export-controls claims count once per stance: +1/-1 before, +0/-1 (a-1) after
    old = cells[("export-controls", "US-India")]["old"]
    assert result[0] == 0 and (old["convergence"], old["divergence"]) == (1, 1)


def _diff_out(result: Result, root: Path) -> None:
    rows = _sheet(root.parent / "changes.xlsx", "Claims")
    assert result[0] == 0 and rows[0][:3] == ("claim", "change", "field")
    assert [(r[0], r[1]) for r in rows[1:3]] == [("a-1", "added"), ("b-1", "added")]


def _coverage_table(result: Result, root: Path) -> None:
    assert result[0] == 0 and "src-a" in result[1] and "share" in result[1]


def _coverage_json(result: Result, root: Path) -> None:
    data = json.loads(result[1])
    assert result[0] == 0
    assert [(s["source"], s["sentences"], s["covered"]) for s in data["sources"]] == [
        ("src-a", 5, 1),
        ("src-b", 1, 1),
    ]
    assert data["uncovered"] and all(c["score"] >= 1 for c in data["uncovered"])


def _coverage_sources(result: Result, root: Path) -> None:
    data = json.loads(result[1])
    assert result[0] == 0 and [s["source"] for s in data["sources"]] == ["src-b"]


def _coverage_min_score(result: Result, root: Path) -> None:
    data = json.loads(result[1])
    assert result[0] == 0 and data["uncovered"] and all(c["score"] >= 2 for c in data["uncovered"])


def _coverage_limit(result: Result, root: Path) -> None:
    assert result[0] == 0 and "1 of 3" in result[1]


def _coverage_stubs(result: Result, root: Path) -> None:
    stubs = yaml.safe_load(result[1])
    assert result[0] == 0 and isinstance(stubs, list) and stubs[0]["topic"] == "TODO"
    assert stubs[0]["quote"] == "The two governments agree to deepen joint cooperation on cyber security."


def _timeline_labels(expected: list[str]) -> Callable[[Result, Path], None]:
    """The dated project's Timeline sheet has these period labels (the grid's header), Undated last."""

    def check(result: Result, root: Path) -> None:
        assert result[0] == 0, result
        rows = _sheet(root.parent / "dated" / "output" / "claims-matrix.xlsx", "Timeline")
        assert [v for v in rows[6][9:] if v is not None] == [*expected, "Undated"]

    return check


def _brief_cells(path: Path) -> dict[tuple[str, str], str]:
    """(topic, perspective) -> the text of that stance cell in a brief."""
    cell = re.compile(r'data-topic="([^"]*)" data-perspective="([^"]*)"[^>]*>(.*?)</td>', re.DOTALL)
    html = path.read_text(encoding="utf-8")
    return {(t, p): " ".join(re.sub(r"<[^>]+>", " ", body).split()) for t, p, body in cell.findall(html)}


def _brief_claims(path: Path) -> list[str]:
    return re.findall(r'<li id="claim--([^"]*)"', path.read_text(encoding="utf-8"))


def _brief_ids(expected: list[str]) -> Callable[[Result, Path], None]:
    def check(result: Result, root: Path) -> None:
        assert result[0] == 0 and "wrote" in result[1], result
        assert sorted(_brief_claims(root / "output" / "claims-matrix.html")) == expected

    return check


def _kept_ids(expected: list[str], left_out: str) -> Callable[[Result, Path], None]:
    """Exactly the claims `expected` (export JSON, or the summary's or diff's claims), and the
    output says what the time range left out."""

    def check(result: Result, root: Path) -> None:
        assert result[0] == 0, result
        data = json.loads(result[1])
        if isinstance(data, list):
            assert [record["id"] for record in data] == expected
        elif "rows" in data:  # summary --by-period
            assert sum(row["claims"] for row in data["rows"]) == len(expected)
        elif "claims" in data and isinstance(data["claims"], int):
            assert data["claims"] == len(expected)
        else:  # diff: the base project against the dated one
            assert sorted(c["id"] for c in data["claims"]["added"]) == expected
        assert left_out in result[1] + result[2]

    return check


def _build_kept(expected: list[str], left_out: str) -> Callable[[Result, Path], None]:
    def check(result: Result, root: Path) -> None:
        assert result[0] == 0 and left_out in result[1], result
        _claims_sheet_holds(root.parent / "dated" / "output" / "claims-matrix.xlsx", expected)

    return check


def _by_period(result: Result, root: Path) -> None:
    assert result[0] == 0 and result[1].startswith("Net index per period (quarters, chosen from the dates)")
    assert max(len(line) for line in result[1].splitlines()) <= 80


def _summary_periods(kind: str, labels: list[str]) -> Callable[[Result, Path], None]:
    def check(result: Result, root: Path) -> None:
        data = json.loads(result[1])
        assert result[0] == 0 and data["period"] == kind and [p["label"] for p in data["periods"]] == labels

    return check


DATED_ARGS = ("--root", "{dated}")
IN_2024 = ["a4", "a5", "b3"]
SINCE_2025 = ["b1", "b2", "b5"]
UNTIL_2024 = ["a1", "a2", "a3", "a4", "a5", "b3"]
YEARS = ["2023", "2024", "2025"]
WINDOWS = ["2023-03..2024-02", "2023-09..2024-08", "2024-03..2025-02", "2024-09..2025-08"]


def _time_cases(
    extra: tuple[str, ...], since: Callable[[Result, Path], None], until: Callable[[Result, Path], None]
) -> dict[str, Case]:
    return {
        "--since": Case(
            (*extra, "--since", "2025-01", *DATED_ARGS), since, (*extra, "--since", "2025-13", *DATED_ARGS)
        ),
        "--until": Case((*extra, "--until", "2024", *DATED_ARGS), until, (*extra, "--until", "2024/12", *DATED_ARGS)),
    }


def _brief_out(result: Result, root: Path) -> None:
    assert result[0] == 0 and not (root / "output" / "claims-matrix.html").exists()
    cells = _brief_cells(root.parent / "brief.html")
    assert cells[("export-controls", "US-India")] == "+0.33 +2 / -1 w +0.67 writer 0"  # a1 high, a2 low, a3 medium
    assert cells[("space", "CFR")] == "0.00 ° +1 / -1 w -0.33 writer 0"  # two claims: thin


def _brief_strict(result: Result, root: Path) -> None:
    assert (
        result[0] == 1
        and "short-quote" in result[1] + result[2]
        and not (root / "output" / "claims-matrix.html").exists()
    )


def _brief_count_sources(result: Result, root: Path) -> None:
    assert result[0] == 0, result
    path = root / "output" / "claims-matrix.html"
    assert (
        _brief_cells(path)[("export-controls", "US-India")] == "0.00 ° +1 / -1 w +0.50 writer 0"
    )  # src-a once per stance, at its highest confidence
    assert "the matrix counts sources" in path.read_text(encoding="utf-8")


def _agree_self(result: Result, root: Path) -> None:
    data = json.loads(result[1])
    assert result[0] == 0 and data["coders"] == ["this project", "p"]
    assert [(f["field"], f["units"]) for f in data["fields"]][:2] == [("coded", 6), ("topic", 8)]
    assert all(f["verdict"] in {"reliable", "n/a"} for f in data["fields"])


def _agree_source(result: Result, root: Path) -> None:
    data = json.loads(result[1])
    assert result[0] == 0 and [s["source"] for s in data["sources"]] == ["src-b"] and data["fields"][1]["units"] == 4


def _agree_table(result: Result, root: Path) -> None:
    assert result[0] == 0 and result[1].startswith("Agreement between this project and p: 2 of 2 sources")


def _agree_out(result: Result, root: Path) -> None:
    rows = _sheet(root.parent / "agree.xlsx", "Agreement")
    assert result[0] == 0 and [r[0] for r in rows[2:8]] == [
        "coded",
        "topic",
        "stance",
        "approach",
        "actor",
        "confidence",
    ]


# Every command's project options, checked on the command itself.
def _init_with(perspectives: list[str], actors: list[str]) -> Callable[[Result, Path], None]:
    def check(result: Result, root: Path) -> None:
        assert result[0] == 0, result
        codebook = yaml.safe_load((root.parent / "new" / "claims" / "codebook.yaml").read_text())
        assert [p["id"] for p in codebook["perspectives"]] == perspectives
        assert [a["id"] for a in codebook["actors"]] == actors

    return check


def _init_existing(result: Result, root: Path) -> None:
    """init --existing added a project beside the files already there, keeping each of them."""
    assert result[0] == 0, result
    folder = root.parent
    assert (folder / "claims" / "codebook.yaml").is_file()
    assert (folder / "a.txt").read_text() == SEED_A
    assert f"wrote {(folder / 'README.md').as_posix()}" in result[1]


def _added(**fields: str) -> Callable[[Result, Path], None]:
    """add-source wrote claims/src-n.yaml with `fields` in its source block, and the text."""

    def check(result: Result, root: Path) -> None:
        assert result[0] == 0, result
        data = yaml.safe_load((root / "claims" / "src-n.yaml").read_text())
        assert {k: str(v) for k, v in data["source"].items() if k in fields} == fields
        assert data["claims"] is None and (root / "seeds" / "src-n.txt").read_bytes() == SEED_A.encode()

    return check


def _imported(result: Result, root: Path) -> None:
    assert result[0] == 0 and result[1].splitlines()[-1] == "imported 4 claims: nothing to change", result


def _import_written(result: Result, root: Path) -> None:
    assert result[0] == 0 and result[1].splitlines()[-1] == "imported 1 claim: wrote 1 claims file", result
    assert [c["id"] for c in yaml.safe_load((root / "claims" / "a.yaml").read_text())["claims"]] == ["a1"]


def _schema_out(result: Result, root: Path) -> None:
    schema = json.loads((root.parent / "claims.schema.json").read_text())
    assert result[0] == 0 and schema["properties"]["source"]["properties"]["perspective"]["enum"] == ["US-India", "CFR"]


def _schema_written(result: Result, root: Path) -> None:
    assert result[0] == 0 and (root / "claims" / "claims.schema.json").is_file()


ADD = ("{tmp}/a.txt", "--root", "{root}", "--title", "T", "--publisher", "P")
NEW_SOURCE = (*ADD, "--id", "src-n", "--perspective", "CFR")


def _project_cases(
    command: str, extra: tuple[str, ...], ok: Callable[[Result, Path], None], root: str = "{root}"
) -> dict[str, Case]:
    return {
        "--root": Case((*extra, "--root", root), ok, (*extra, "--root", "{tmp}/nowhere")),
        "--no-cache": Case((*extra, "--root", root, "--no-cache"), _no_cache),
        "--max-file-size": Case(
            (*extra, "--root", root, "--max-file-size", "0.00001"),
            _exit(1, "file-too-large"),
            (*extra, "--root", root, "--max-file-size", "0"),
        ),
    }


def _filter_cases(command: str, extra: tuple[str, ...], ids: Callable[[list[str]], Callable[[Result, Path], None]]):  # type: ignore[no-untyped-def]
    root = ("--root", "{root}")
    return {
        "--perspective": Case(
            (*extra, *root, "--perspective", "CFR"),
            ids(["b1", "b2", "b3", "b4"]),
            (*extra, *root, "--perspective", "Nowhere"),
        ),
        "--topic": Case(
            (*extra, *root, "--topic", "space"), ids(["a4", "b3", "b4"]), (*extra, *root, "--topic", "spase")
        ),
        "--source": Case(
            (*extra, *root, "--source", "src-a"), ids(["a1", "a2", "a3", "a4"]), (*extra, *root, "--source", "src-z")
        ),
        "--actor": Case((*extra, *root, "--actor", "US"), ids(["a2", "b1"]), (*extra, *root, "--actor", "Russia")),
        "--voice": Case(
            (*extra, *root, "--voice", "forecast", "--voice", "stated"),
            ids(["a1", "b1"]),
            (*extra, *root, "--voice", "hearsay"),
        ),
    }


def _topics_of(ids: list[str]) -> list[str]:
    by_id = {"a1": "export-controls", "a2": "export-controls", "a3": "export-controls", "a4": "space",
             "b1": "export-controls", "b2": "export-controls", "b3": "space", "b4": "space"}  # fmt: skip
    return sorted({by_id[i] for i in ids})


NET = ("--format", "json", "--mode", "twomode")  # every kept claim is behind one edge of a two-mode network


def _network(root: Path, where: str = "p") -> dict[str, object]:
    data: dict[str, object] = json.loads((root.parent / where / "output" / "network.json").read_text(encoding="utf-8"))
    return data


def _network_ids(expected: list[str], where: str = "p", left_out: str = "") -> Callable[[Result, Path], None]:
    """The network's edges rest on exactly the claims `expected` (and stderr says what a time range left out)."""

    def check(result: Result, root: Path) -> None:
        assert result[0] == 0 and "wrote" in result[1], result
        edges: object = _network(root, where)["edges"]
        assert isinstance(edges, list)
        assert sorted({c for e in edges for c in e["claims"].split(";")}) == sorted(expected)
        assert left_out in result[2]

    return check


def _network_check(test: Callable[[dict[str, Any]], bool], where: str = "p") -> Callable[[Result, Path], None]:
    def check(result: Result, root: Path) -> None:
        assert result[0] == 0, result
        assert test(_network(root, where)), _network(root, where)

    return check


def _network_graphml(result: Result, root: Path) -> None:
    import networkx as nx

    assert result[0] == 0 and "wrote" in result[1]
    graph = nx.read_graphml(root / "output" / "network.graphml")
    assert list(graph.nodes) == ["src-a", "src-b"]
    assert [(a, b, d["conflicting_topics"], d["weight"]) for a, b, d in graph.edges(data=True)] == [
        ("src-a", "src-b", "export-controls", -1.0)
    ]


def _network_out(result: Result, root: Path) -> None:
    import networkx as nx

    assert result[0] == 0 and "net.gexf" in result[1]
    assert list(nx.read_gexf(root.parent / "net.gexf").nodes) == ["src-a", "src-b"]


ROOT_ARGS = ("--root", "{root}")
COV_ARGS = ("--root", "{cov}")
CASES: dict[str, dict[str, Case]] = {
    "validate": {
        **_project_cases("validate", ("--format", "text"), _validate_clean),
        "--strict": Case(("--format", "text", "--strict", "--root", "{bad}"), _validate_strict),
        "--format": Case(("--format", "json", *ROOT_ARGS), _validate_json, ("--format", "xml", *ROOT_ARGS)),
        "--max-problems": Case(
            ("--format", "text", "--max-problems", "1", "--root", "{broken}"),
            _max_problems,
            ("--max-problems", "0", *ROOT_ARGS),
        ),
        "--width": Case(("--width", "60", "--root", "{broken}"), _fits(60), ("--width", "39", *ROOT_ARGS)),
    },
    "build": {
        **_project_cases("build", ("-q",), _workbook_ids(["a1", "a2", "a3", "a4", "b1", "b2", "b3", "b4"])),
        **_filter_cases("build", ("-q",), _workbook_ids),
        "--out": Case(("--out", "{tmp}/mine.xlsx", *ROOT_ARGS), _build_out, ("--out", "{tmp}/mine.csv", *ROOT_ARGS)),
        "--strict": Case(("--strict", "--root", "{bad}"), _build_strict),
        "--quiet": Case(("--quiet", *ROOT_ARGS), _build_quiet),
        "--count": Case(("-q", "--count", "sources", *ROOT_ARGS), _build_count_sources, ("--count", "words", *ROOT_ARGS)),
        **_time_cases(("-q",), _build_kept(SINCE_2025, "left out 1 undated claim, 6 dated before it"),
                      _build_kept(UNTIL_2024, "left out 1 undated claim, 0 dated before it, 3 after")),
        "--period": Case(("-q", "--period", "year", *DATED_ARGS), _timeline_labels(YEARS),
                         ("--period", "week", *DATED_ARGS)),
        "--window": Case(("-q", "--window", "12M", "--step", "6M", *DATED_ARGS), _timeline_labels(WINDOWS),
                         ("--window", "12", *DATED_ARGS)),
        "--step": Case(("-q", "--window", "1Y", "--step", "6M", *DATED_ARGS), _timeline_labels(WINDOWS),
                       ("--step", "6M", *DATED_ARGS)),
    },
    "summary": {
        **_project_cases("summary", ("--format", "json"), _summary_of(["a1", "a2", "a3", "a4", "b1", "b2", "b3", "b4"])),
        **_filter_cases("summary", ("--format", "json"), _summary_of),
        "--format": Case(("--format", "table", "--width", "100", *ROOT_ARGS), _summary_table,
                         ("--format", "csv", *ROOT_ARGS)),
        "--width": Case(("--width", "60", *ROOT_ARGS), _summary_width, ("--width", "39", *ROOT_ARGS)),
        "--count": Case(("--format", "json", "--count", "sources", *ROOT_ARGS), _summary_count_sources,
                        ("--count", "passages", *ROOT_ARGS)),
        **_time_cases(("--format", "json"), _kept_ids(SINCE_2025, '"before": 6'),
                      _kept_ids(UNTIL_2024, '"after": 3')),
        "--by-period": Case(("--by-period", "--width", "80", *DATED_ARGS), _by_period),
        "--period": Case(("--format", "json", "--period", "year", *DATED_ARGS), _summary_periods("year", YEARS),
                         ("--period", "decade", *DATED_ARGS)),
        "--window": Case(("--format", "json", "--window", "12M", "--step", "6M", *DATED_ARGS),
                         _summary_periods("window", WINDOWS), ("--window", "M", *DATED_ARGS)),
        "--step": Case(("--format", "json", "--window", "12M", "--step", "6M", *DATED_ARGS),
                       _summary_periods("window", WINDOWS), ("--window", "12M", "--step", "0M", *DATED_ARGS)),
    },
    "export": {
        **_project_cases("export", ("--format", "json"), _claim_ids(["a1", "a2", "a3", "a4", "b1", "b2", "b3", "b4"])),
        **_filter_cases("export", ("--format", "json"), _claim_ids),
        "--format": Case(("--format", "csv", *ROOT_ARGS), _export_csv, ("--format", "xlsx", *ROOT_ARGS)),
        "--out": Case(("--format", "json", "--out", "{tmp}/claims.json", *ROOT_ARGS), _export_out,
                      ("--format", "json", "--out", "{root}/claims/a.yaml", *ROOT_ARGS)),
        "--raw": Case(("--format", "csv", "--raw", "--root", "{noted}"), _export_raw),
        "--per": Case(("--format", "csv", "--per", "passage", *ROOT_ARGS), _export_per_passage,
                      ("--format", "csv", "--per", "sentence", *ROOT_ARGS)),
        **_time_cases(("--format", "json"), _kept_ids(SINCE_2025, "left out 1 undated claim, 6 dated before it"),
                      _kept_ids(UNTIL_2024, "left out 1 undated claim, 0 dated before it, 3 after")),
    },
    "diff": {
        "--width": Case(("{root}", "{cov}", "--width", "60", *ROOT_ARGS), _fits(60), ("{root}", "--width", "x")),
        **_project_cases("diff", ("{root}", "{cov}", "--format", "json"), _diff_of(["a-1", "b-1"], ALL_PIVOT)),
        "--perspective": Case(("{root}", "{cov}", "--format", "json", "--perspective", "CFR", *ROOT_ARGS),
                              _diff_of(["b-1"], ["b1", "b2", "b3", "b4"]),
                              ("{root}", "{cov}", "--perspective", "Nowhere", *ROOT_ARGS)),
        "--topic": Case(("{root}", "{cov}", "--format", "json", "--topic", "space", *ROOT_ARGS),
                        _diff_of(["b-1"], ["a4", "b3", "b4"]), ("{root}", "{cov}", "--topic", "spase", *ROOT_ARGS)),
        "--source": Case(("{root}", "{cov}", "--format", "json", "--source", "src-a", *ROOT_ARGS),
                         _diff_of(["a-1"], ["a1", "a2", "a3", "a4"]),
                         ("{root}", "{cov}", "--source", "src-z", *ROOT_ARGS)),
        "--actor": Case(("{root}", "{cov}", "--format", "json", "--actor", "US", *ROOT_ARGS),
                        _diff_of([], ["a2", "b1"]), ("{root}", "{cov}", "--actor", "Russia", *ROOT_ARGS)),
        "--voice": Case(("{root}", "{cov}", "--format", "json", "--voice", "unspecified", *ROOT_ARGS),
                        _diff_of(["a-1", "b-1"], ["a2", "a3", "a4", "b3", "b4"]),
                        ("{root}", "{cov}", "--voice", "said", *ROOT_ARGS)),
        "--count": Case(("{root}", "{cov}", "--format", "json", "--count", "sources", *ROOT_ARGS),
                        _diff_count_sources, ("{root}", "{cov}", "--count", "words", *ROOT_ARGS)),
        "--format": Case(("{root}", "{cov}", "--format", "table", *ROOT_ARGS), _diff_table,
                         ("{root}", "{cov}", "--format", "xml", *ROOT_ARGS)),
        "--out": Case(("{root}", "{cov}", "--out", "{tmp}/changes.xlsx", *ROOT_ARGS), _diff_out,
                      ("{root}", "{cov}", "--out", "{tmp}/changes.csv", *ROOT_ARGS)),
        "--exit-code": Case(("{root}", "{cov}", "--exit-code", *ROOT_ARGS), _exit(1, "2 added")),
        # from the two-claim base project (no dates: every claim left out) to the dated one
        **{option: Case(("{cov}", "{dated}", "--format", "json", option, value, *ROOT_ARGS), _kept_ids(ids, note),
                        ("{cov}", "{dated}", option, "20240101", *ROOT_ARGS))
           for option, value, ids, note in (
               ("--since", "2025-01", SINCE_2025, "left out 1 undated claim, 6 dated before it"),
               ("--until", "2024", UNTIL_2024, "left out 2 undated claims, 0 dated before it, 0 after"))},
    },
    "report": {
        **_project_cases("report", (), _brief_ids(["a1", "a2", "a3", "a4", "b1", "b2", "b3", "b4"])),
        **_filter_cases("report", (), _brief_ids),
        "--out": Case(("--out", "{tmp}/brief.html", *ROOT_ARGS), _brief_out, ("--out", "{tmp}/brief.pdf", *ROOT_ARGS)),
        "--strict": Case(("--strict", "--root", "{bad}"), _brief_strict),
        "--count": Case(("--count", "sources", *ROOT_ARGS), _brief_count_sources, ("--count", "words", *ROOT_ARGS)),
    },
    "network": {
        **_project_cases("network", NET, _network_ids(ALL_PIVOT)),
        **_filter_cases("network", NET, _network_ids),
        "--nodes": Case(("--format", "json", "--nodes", "perspective", *ROOT_ARGS),
                        _network_check(lambda d: [n["id"] for n in d["nodes"]] == ["US-India", "CFR"]),
                        ("--nodes", "organisation", *ROOT_ARGS)),
        "--mode": Case((*NET, *ROOT_ARGS), _network_check(lambda d: [n["id"] for n in d["nodes"]][-2:]
                                                           == ["topic:export-controls", "topic:space"]),
                       ("--mode", "threemode", *ROOT_ARGS)),
        "--qualifier": Case(("--format", "json", "--qualifier", "congruence", *ROOT_ARGS),
                            _network_check(lambda d: d["edges"] == []),
                            ("--mode", "twomode", "--qualifier", "conflict", *ROOT_ARGS)),
        "--normalize": Case(("--format", "json", "--normalize", "average", *ROOT_ARGS),
                            _network_check(lambda d: abs(d["edges"][0]["weight"] + 1 / 1.5) < 1e-9),
                            ("--normalize", "zscore", *ROOT_ARGS)),
        "--min-claims": Case(("--format", "json", "--min-claims", "5", *ROOT_ARGS),
                             _network_check(lambda d: d["nodes"] == [] and d["edges"] == []),
                             ("--min-claims", "0", *ROOT_ARGS)),
        "--format": Case(("--format", "graphml", *ROOT_ARGS), _network_graphml, ("--format", "dot", *ROOT_ARGS)),
        "--out": Case(("--format", "gexf", "--out", "{tmp}/net.gexf", *ROOT_ARGS), _network_out,
                      ("--format", "gexf", "--out", "{tmp}/net.graphml", *ROOT_ARGS)),
        "--count": Case((*NET, "--count", "sources", *ROOT_ARGS),
                        _network_check(lambda d: (d["edges"][0]["convergence"], d["edges"][0]["divergence"]) == (1, 1)),
                        ("--count", "words", *ROOT_ARGS)),
        **_time_cases(NET, _network_ids(SINCE_2025, "dated", "left out 1 undated claim, 6 dated before it"),
                      _network_ids(UNTIL_2024, "dated", "left out 1 undated claim, 0 dated before it, 3 after")),
        "--period": Case(("--format", "json", "--period", "year", *DATED_ARGS),
                         _network_check(lambda d: [p["label"] for p in d["periods"]] == YEARS, "dated"),
                         ("--period", "week", *DATED_ARGS)),
        "--window": Case(("--format", "json", "--window", "12M", "--step", "6M", *DATED_ARGS),
                         _network_check(lambda d: [p["label"] for p in d["periods"]] == WINDOWS, "dated"),
                         ("--window", "12", *DATED_ARGS)),
        "--step": Case(("--format", "json", "--window", "1Y", "--step", "6M", *DATED_ARGS),
                       _network_check(lambda d: [p["label"] for p in d["periods"]] == WINDOWS, "dated"),
                       ("--step", "6M", *DATED_ARGS)),
    },
    "agree": {
        "--width": Case(("{root}", "--width", "60", *ROOT_ARGS), _fits(60), ("{root}", "--width", "20", *ROOT_ARGS)),
        **_project_cases("agree", ("{root}", "--format", "json"), _agree_self),
        "--source": Case(("{root}", "--format", "json", "--source", "src-b", *ROOT_ARGS), _agree_source,
                         ("{root}", "--source", "src-z", *ROOT_ARGS)),
        "--format": Case(("{root}", "--format", "table", *ROOT_ARGS), _agree_table,
                         ("{root}", "--format", "csv", *ROOT_ARGS)),
        "--out": Case(("{root}", "--out", "{tmp}/agree.xlsx", *ROOT_ARGS), _agree_out,
                      ("{root}", "--out", "{tmp}/agree.csv", *ROOT_ARGS)),
        "--min-alpha": Case(("{bad}", "--format", "json", "--min-alpha", "0.5", *ROOT_ARGS),
                            _exit(1, "alpha below 0.5: stance 0.000, approach 0.000"),
                            ("{root}", "--min-alpha", "high", *ROOT_ARGS)),
    },
    "coverage": {
        "--width": Case(("--width", "60", *COV_ARGS), _fits(60), ("--width", "0", *COV_ARGS)),
        **_project_cases("coverage", ("--format", "json"), _coverage_json, "{cov}"),
        "--source": Case(("--format", "json", "--source", "src-b", *COV_ARGS), _coverage_sources,
                         ("--source", "src-z", *COV_ARGS)),
        "--min-score": Case(("--format", "json", "--min-score", "2", *COV_ARGS), _coverage_min_score,
                            ("--min-score", "-1", *COV_ARGS)),
        "--limit": Case(("--limit", "1", *COV_ARGS), _coverage_limit, ("--limit", "0", *COV_ARGS)),
        "--stubs": Case(("--stubs", "--source", "src-a", *COV_ARGS), _coverage_stubs),
        "--format": Case(("--format", "table", *COV_ARGS), _coverage_table, ("--format", "csv", *COV_ARGS)),
    },
    "init": {
        "--perspective": Case(("{tmp}/new", "--perspective", "EU", "--perspective", "China"),
                              _init_with(["EU", "China"], ["party-a", "party-b"]),
                              ("{tmp}/new", "--perspective", "E U")),
        "--actor": Case(("{tmp}/new", "--actor", "EU"), _init_with(["perspective-a", "perspective-b"], ["EU"]),
                        ("{tmp}/new", "--actor", "EU", "--actor", "eu")),
        "--existing": Case(("{tmp}", "--existing"), _init_existing, ("{tmp}", "--existing=yes")),
    },
    "add-source": {
        "--root": Case(NEW_SOURCE, _added(id="src-n"), ("{tmp}/a.txt", "--root", "{tmp}/nowhere", "--id", "src-n",
                                                         "--perspective", "CFR", "--title", "T", "--publisher", "P")),
        "--id": Case(NEW_SOURCE, _added(id="src-n", text="seeds/src-n.txt"), ADD),
        "--perspective": Case(NEW_SOURCE, _added(perspective="CFR"), (*ADD, "--id", "src-n")),
        "--title": Case(NEW_SOURCE, _added(title="T"), ("{tmp}/a.txt", "--root", "{root}", "--id", "src-n",
                                                        "--perspective", "CFR", "--publisher", "P")),
        "--publisher": Case(NEW_SOURCE, _added(publisher="P"), ("{tmp}/a.txt", "--root", "{root}", "--id", "src-n",
                                                                "--perspective", "CFR", "--title", "T")),
        "--author": Case((*NEW_SOURCE, "--author", "A. Writer"), _added(author="A. Writer"),
                         (*NEW_SOURCE, "--author")),
        "--published": Case((*NEW_SOURCE, "--published", "2025-06-05"), _added(published="2025-06-05"),
                            (*NEW_SOURCE, "--published")),
        "--url": Case((*NEW_SOURCE, "--url", "https://example.org/a"), _added(url="https://example.org/a"),
                      (*NEW_SOURCE, "--url")),
    },
    "import": {
        "--root": Case(("{tmp}/p.csv", "--root", "{root}"), _imported, ("{tmp}/p.csv", "--root", "{tmp}/nowhere")),
        "--write": Case(("{tmp}/one.csv", "--root", "{root}", "--write"), _import_written),
    },
    "schema": {
        "--root": Case(ROOT_ARGS, _schema_written, ("--root", "{tmp}/nowhere")),
        "--out": Case(("--out", "{tmp}/claims.schema.json", *ROOT_ARGS), _schema_out,
                      ("--out", "{tmp}/schema.txt", *ROOT_ARGS)),
    },
}  # fmt: skip


def _pinned(result: Result, root: Path) -> None:
    assert result[0] == 0 and result[1].endswith("pinned 2 sources: 2 written\n"), result
    digest = hashlib.sha256(SEED_A.encode()).hexdigest()
    assert yaml.safe_load((root / "claims" / "a.yaml").read_text())["source"]["sha256"] == digest


def _published_db(result: Result, root: Path) -> None:
    assert result[0] == 0 and result[1].startswith(f"wrote {root.parent / 'e.db'} (8 claims, "), result
    with sqlite3.connect(root.parent / "e.db") as db:
        assert db.execute("select count(*) from claims").fetchone() == (8,)
    assert "databases" in json.loads((root.parent / "metadata.json").read_text())


def _published_package(result: Result, root: Path) -> None:
    assert result[0] == 0 and result[1].startswith(f"wrote {root.parent / 'pkg'}/"), result
    descriptor = json.loads((root.parent / "pkg" / "datapackage.json").read_text())
    assert [r["name"] for r in descriptor["resources"]][:5] == ["perspectives", "topics", "actors", "sources", "claims"]
    assert len(_rows((root.parent / "pkg" / "claims.csv").read_text())) == 8


def _publish_strict(result: Result, root: Path) -> None:
    assert result[0] == 1 and "short-quote" in result[1] + result[2] and not (root.parent / "e.db").exists()


# provenance (pin, add-source's record of where a text came from) and publish
CASES["add-source"] |= {
    "--retrieved": Case((*NEW_SOURCE, "--retrieved", "2025-06-07"), _added(retrieved="2025-06-07"),
                        (*NEW_SOURCE, "--retrieved")),
    "--archive": Case((*NEW_SOURCE, "--archive", "https://web.archive.org/web/2025/https://x.org/a"),
                      _added(archive="https://web.archive.org/web/2025/https://x.org/a"), (*NEW_SOURCE, "--archive")),
}  # fmt: skip
CASES["pin"] = {"--root": Case(ROOT_ARGS, _pinned, ("--root", "{tmp}/nowhere"))}
DB_ARGS = ("--sqlite", "{tmp}/e.db")
CASES["publish"] = {
    **_project_cases("publish", DB_ARGS, _published_db),
    "--sqlite": Case((*DB_ARGS, *ROOT_ARGS), _published_db, ("--sqlite", "{tmp}/e.txt", *ROOT_ARGS)),
    "--datapackage": Case(("--datapackage", "{tmp}/pkg", *ROOT_ARGS), _published_package,
                          ("--datapackage", "{root}/claims", *ROOT_ARGS)),
    "--strict": Case((*DB_ARGS, "--strict", "--root", "{bad}"), _publish_strict),
}  # fmt: skip


def _options(command: click.Command) -> list[str]:
    return [p.opts[0] for p in command.params if isinstance(p, click.Option) and p.name != "help"]


def test_every_registered_command_and_option_has_cases() -> None:
    assert sorted(main.commands) == sorted(CASES), "a command without end-to-end cases (tests/test_commands.py)"
    for name, command in main.commands.items():
        assert sorted(_options(command)) == sorted(CASES[name]), f"options of '{name}' without cases"


def _invoke(args: list[str], capsys: pytest.CaptureFixture[str]) -> Result:
    with pytest.raises(SystemExit) as done:
        run(args)
    out, err = capsys.readouterr()
    return int(done.value.code or 0), out, err


def _fill(args: tuple[str, ...], tmp_path: Path) -> list[str]:
    places = {
        "{root}": tmp_path / "p",
        "{tmp}": tmp_path,
        "{bad}": tmp_path / "bad",
        "{broken}": tmp_path / "broken",
        "{cov}": tmp_path / "cov",
        "{noted}": tmp_path / "noted",
        "{dated}": tmp_path / "dated",
    }
    filled = []
    for arg in args:
        for key, place in places.items():
            arg = arg.replace(key, str(place))
        filled.append(arg)
    return filled


@pytest.fixture
def projects(tmp_path: Path) -> Path:
    write_project(tmp_path / "p", PIVOT_FILES)
    short = CLAIMS_A.replace(
        "policy.", "policy.\n  - {id: a-2, topic: space, stance: convergence, quote: Both governments}"
    )
    write_project(tmp_path / "bad", {"claims/a.yaml": short})
    two_errors = CLAIMS_A.replace("stance: divergence", "stance: divergance").replace("src-a", "SRC A")
    write_project(tmp_path / "broken", {"claims/a.yaml": two_errors})
    write_project(tmp_path / "cov", COVERAGE_FILES)
    noted = str(PIVOT_FILES["claims/a.yaml"]).replace(
        "    confidence: high", "    confidence: high\n    note: '=1+2'", 1
    )
    write_project(tmp_path / "noted", {**PIVOT_FILES, "claims/a.yaml": noted})
    write_project(tmp_path / "dated", DATED_FILES)
    (tmp_path / "a.txt").write_text(SEED_A)
    header = "id,source,topic,stance,quote\n"
    quote = "The United States and India differ sharply on export controls policy."
    rows = "".join(f"a{n},src-a,{t},{s},{quote}\n" for n, t, s in ((1, "export-controls", "convergence"),))
    (tmp_path / "one.csv").write_text(header + rows)
    (tmp_path / "p.csv").write_text(header + "".join(_pivot_rows("src-a")))
    return tmp_path


def _pivot_rows(source: str) -> list[str]:
    """The claims of PIVOT_FILES' claims/a.yaml as CSV rows of id, source, topic, stance, quote."""
    data = yaml.safe_load(str(PIVOT_FILES["claims/a.yaml"]))
    return [f"{c['id']},{source},{c['topic']},{c['stance']},{c['quote']}\n" for c in data["claims"]]


COVERAGE_FILES: dict[str, str | bytes | None] = {
    "claims/codebook.yaml": CODEBOOK
    + "cues:\n  convergence: [agree, joint, cooperation, deepen]\n  divergence: [differ, however]\n",
    "seeds/a.txt": SEED_A
    + "The two governments agree to deepen joint cooperation on cyber security.\n"
    + "However, the two sides differ on the pace of trade talks this year.\n",
}

ALL = [(command, option) for command, options in CASES.items() for option in options]


@pytest.mark.parametrize(("command", "option"), ALL, ids=[f"{c} {o}" for c, o in ALL])
def test_option_with_a_valid_value(
    command: str, option: str, projects: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    case = CASES[command][option]
    result = _invoke([command, *_fill(case.args, projects)], capsys)
    assert "Traceback" not in result[2] and "internal error" not in result[2]
    case.check(result, projects / "p")


BAD = [(command, option) for command, option in ALL if CASES[command][option].bad is not None]


@pytest.mark.parametrize(("command", "option"), BAD, ids=[f"{c} {o}" for c, o in BAD])
def test_option_with_an_invalid_value_is_a_usage_error(
    command: str, option: str, projects: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    before = {p: p.read_bytes() for p in projects.rglob("*") if p.is_file() and ".cache" not in p.parts}
    bad = CASES[command][option].bad
    assert bad is not None
    code, out, err = _invoke([command, *_fill(bad, projects)], capsys)
    assert code == 2, (out, err)
    assert "Error" in err and "Traceback" not in err
    after = {p: p.read_bytes() for p in projects.rglob("*") if p.is_file() and ".cache" not in p.parts}
    assert after == before, "a usage error wrote or changed a file"


def test_group_options(capsys: pytest.CaptureFixture[str]) -> None:
    from matrix import __version__

    assert _invoke(["--version"], capsys)[:2] == (0, f"claims-matrix, version {__version__}\n")
    code, out, _ = _invoke(["--help"], capsys)
    assert code == 0 and all(f"  {name}" in out for name in CASES)
    assert _invoke(["--nope"], capsys)[0] == 2
    assert _invoke(["nope"], capsys)[0] == 2
