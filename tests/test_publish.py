"""publish --sqlite and --datapackage: the tables, keys and counts against the claims, full-text
search, the same bytes twice, and the real clients (Datasette's test client, frictionless)."""

from __future__ import annotations

import asyncio
import csv
import json
import re
import shutil
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from matrix import __version__, check
from matrix.analysis.pivot import analyse
from matrix.authoring.publish import published
from matrix.authoring.publish.sqlite import EVIDENCE_SQL, FORECAST_SQL
from matrix.model.problems import Report
from matrix.model.values import Project
from matrix.workbook import write_workbook

ROOT = Path(__file__).resolve().parent.parent
TABLES = [
    "perspectives",
    "topics",
    "actors",
    "sources",
    "claims",
    "passages",
    "stance_cells",
    "contrasts",
    "memos",
    "memo_claims",
    "inputs",
]


@pytest.fixture(scope="module")
def shipped(tmp_path_factory: pytest.TempPathFactory) -> Path:
    copy = tmp_path_factory.mktemp("shipped")
    for folder in ("claims", "seeds"):
        shutil.copytree(ROOT / folder, copy / folder)
    (copy / "output").mkdir()
    return copy


@pytest.fixture(scope="module")
def loaded(shipped: Path) -> tuple[Project, Report]:
    return check(shipped)


def _publish(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "matrix", "publish", *args], cwd=root, capture_output=True, text=True, check=False
    )


@pytest.fixture(scope="module")
def database(shipped: Path) -> Path:
    done = _publish(shipped, "--sqlite", "output/evidence.db", "--datapackage", "output/evidence")
    assert done.returncode == 0, done.stderr
    return shipped / "output" / "evidence.db"


@pytest.fixture
def db(database: Path) -> Iterator[sqlite3.Connection]:
    connection = sqlite3.connect(f"file:{database}?mode=ro", uri=True)
    yield connection
    connection.close()


def test_the_command_says_what_it_wrote(shipped: Path, database: Path) -> None:
    done = _publish(shipped, "--sqlite", "output/evidence.db")
    assert done.stdout == (
        "wrote output/evidence.db (135 claims, 159 passages, 5 sources, 31 stance cells) and output/metadata.json\n"
    )


def test_every_table_has_its_keys_and_every_reference_holds(db: sqlite3.Connection) -> None:
    names = [r[0] for r in db.execute("select name from sqlite_master where type = 'table' order by rowid")]
    assert [n for n in names if n in TABLES] == TABLES and "passages_fts" in names
    for table in TABLES:
        assert any(row[5] for row in db.execute(f"pragma table_info({table})")), f"{table} has no primary key"
    references = {
        (table, row[3], row[2]) for table in TABLES for row in db.execute(f"pragma foreign_key_list({table})")
    }
    assert {
        ("claims", "source", "sources"),
        ("claims", "topic", "topics"),
        ("claims", "perspective", "perspectives"),
        ("claims", "actor", "actors"),
        ("passages", "claim", "claims"),
        ("sources", "perspective", "perspectives"),
        ("stance_cells", "topic", "topics"),
        ("memo_claims", "claim", "claims"),
        ("memos", "topic", "topics"),
    } <= references
    assert db.execute("pragma foreign_key_check").fetchall() == []
    assert db.execute("pragma integrity_check").fetchall() == [("ok",)]


def test_the_tables_count_what_the_claims_hold(db: sqlite3.Connection, loaded: tuple[Project, Report]) -> None:
    project, report = loaded
    count = {t: db.execute(f"select count(*) from {t}").fetchone()[0] for t in TABLES}
    assert count["claims"] == len(project.claims) == 135
    assert count["passages"] == sum(len(c.quotes) for c in project.claims)
    assert count["sources"] == len(project.sources) == 5
    assert count["memos"] == len(project.memos.entries)
    assert count["topics"] == 16 and count["perspectives"] == 3
    rows = db.execute("select id, source, topic, stance, approach, actor, confidence from claims order by seq")
    assert list(rows) == [
        (c.id, c.source, c.topic, c.stance, c.approach, c.actor, c.confidence) for c in project.claims
    ]
    passages = db.execute("select claim, seq, text, location from passages order by id").fetchall()
    expected = [
        (c.id, n + 1, q, str(report.passages[c.id][n][0]))  # type: ignore[index]
        for c in project.claims
        for n, q in enumerate(c.quotes)
    ]
    assert passages == expected
    sources = db.execute("select id, sha256, text_sha256 from sources").fetchall()
    assert all(pinned == read for _, pinned, read in sources)
    # every shipped claim codes its voice
    assert list(db.execute("select id, voice from claims order by seq")) == [(c.id, c.voice) for c in project.claims]


def test_the_stance_cells_are_the_summarys(db: sqlite3.Connection, loaded: tuple[Project, Report]) -> None:
    project, report = loaded
    from matrix.analysis.pivot import summary_numbers

    numbers: Any = summary_numbers(analyse(project, report))
    expected = {
        (r["topic"], r["perspective"]): (r["convergence"], r["divergence"], r["sources"])
        for r in numbers["stance"]
        if r["net"] is not None
    }
    rows = db.execute("select topic, perspective, convergence, divergence, sources, net, thin from stance_cells")
    cells = {(t, p): (c, d, s) for t, p, c, d, s, net, thin in rows}
    assert cells == expected
    contrasts = db.execute("select topic, perspective_a, perspective_b, gap from contrasts order by rank").fetchall()
    assert contrasts == [
        (r["topic"], r["perspective_a"], r["perspective_b"], pytest.approx(r["gap"])) for r in numbers["contrasts"]
    ]


@pytest.mark.parametrize("word", ["terrorism", "Russia", "export", "multilateral"])
def test_full_text_search_finds_every_passage_with_the_word(db: sqlite3.Connection, word: str) -> None:
    found = {r[0] for r in db.execute("select rowid from passages_fts where passages_fts match ?", (word,))}
    pattern = re.compile(rf"\b{word}\b", re.IGNORECASE)
    expected = {i for i, text in db.execute("select id, text from passages") if pattern.search(text)}
    assert found == expected and found


def test_the_same_inputs_give_the_same_bytes(shipped: Path, database: Path, tmp_path: Path) -> None:
    first = database.read_bytes()
    assert _publish(shipped, "--sqlite", str(tmp_path / "again.db"), "--no-cache").returncode == 0
    assert (tmp_path / "again.db").read_bytes() == first
    package = {p.name: p.read_bytes() for p in (shipped / "output" / "evidence").iterdir()}
    assert _publish(shipped, "--datapackage", str(tmp_path / "again")).returncode == 0
    assert {p.name: p.read_bytes() for p in (tmp_path / "again").iterdir()} == package


def test_a_failed_write_keeps_the_old_database(
    loaded: tuple[Project, Report], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from matrix.authoring.publish import sqlite as writer

    out = tmp_path / "e.db"
    out.write_bytes(b"old")
    out.chmod(0o640)

    def fail(path: str, tables: object) -> None:
        Path(path).write_bytes(b"half")
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(writer, "write_database", fail)
    with pytest.raises(OSError):
        writer.write_sqlite(out, published(*loaded, __version__))
    assert out.read_bytes() == b"old" and sorted(p.name for p in tmp_path.iterdir()) == ["e.db"]
    monkeypatch.undo()
    writer.write_sqlite(out, published(*loaded, __version__))
    assert out.read_bytes().startswith(b"SQLite format 3\0") and oct(out.stat().st_mode & 0o777) == "0o640"


def test_the_canned_queries(db: sqlite3.Connection, loaded: tuple[Project, Report]) -> None:
    evidence = db.execute(EVIDENCE_SQL, {"topic": "counter-terrorism", "perspective": "US-India"}).fetchall()
    assert len({row[0] for row in evidence}) == 13  # the cell's +12/-1
    # the cells that rest on forecasts are the Analysis's (summary, the Stance sheet, the brief)
    analysis = analyse(*loaded)
    flagged = {key for key, cell in analysis.voices.items() if cell.rests_on_forecasts}
    assert {(row[0], row[1]) for row in db.execute(FORECAST_SQL)} == flagged == FORECAST_CELLS


def test_the_forecast_query_flags_cells_once_claims_have_a_voice(database: Path, tmp_path: Path) -> None:
    copy = tmp_path / "voiced.db"
    shutil.copyfile(database, copy)
    with sqlite3.connect(copy) as db:
        # counter-terrorism x US-India is +11/-1: as forecasts, 9 of the 11 converging claims (+2/-1 without them)
        db.execute("update claims set voice = 'stated'")  # the shipped claims' own voices aside
        ids = [r[0] for r in db.execute(CELL + " and stance = 'convergence' order by seq limit 9")]
        db.executemany("update claims set voice = 'forecast' where id = ?", [(i,) for i in ids])
        flagged = db.execute(FORECAST_SQL).fetchall()
    assert [(row[0], row[1], row[4], row[7]) for row in flagged] == [
        ("counter-terrorism", "US-India", 9, "its net index moves by more than 0.25 without them")
    ]


CELL = "select id from claims where topic = 'counter-terrorism' and perspective = 'US-India'"
FORECAST_CELLS = {
    ("law-enforcement", "US-India"),
    ("law-enforcement", "India-Russia"),
    ("export-controls", "CFR"),
    ("energy-climate", "US-India"),
}


def test_refused_outputs_are_usage_errors_that_write_nothing(shipped: Path) -> None:
    assert _publish(shipped).returncode == 2
    for args in (
        ["--sqlite", "output/e.csv"],
        ["--datapackage", "claims"],
        ["--datapackage", "seeds/x"],
        ["--sqlite", "output/same.db", "--datapackage", "output/same.db"],
        ["--sqlite", "output/e.db", "--datapackage", "output"],
    ):
        done = _publish(shipped, *args)
        assert done.returncode == 2 and "Traceback" not in done.stderr, args
    assert not (shipped / "seeds" / "x").exists() and not list((shipped / "claims").glob("*.csv"))
    assert not (shipped / "output" / "same.db").exists() and not (shipped / "output" / "e.db").exists()


def test_links_and_read_only_targets_are_refused(shipped: Path, tmp_path: Path) -> None:
    outside = tmp_path / "elsewhere.db"
    outside.write_bytes(b"theirs")
    link = shipped / "output" / "linked.db"
    link.symlink_to(outside)
    folder = shipped / "output" / "linked"
    folder.symlink_to(tmp_path)
    read_only = shipped / "output" / "kept.db"
    read_only.write_bytes(b"kept")
    read_only.chmod(0o444)
    for args in (["--sqlite", "output/linked.db"], ["--datapackage", "output/linked"], ["--sqlite", "output/kept.db"]):
        done = _publish(shipped, *args)
        assert done.returncode == 2 and "Traceback" not in done.stderr, (args, done.stderr)
    assert outside.read_bytes() == b"theirs" and read_only.read_bytes() == b"kept"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["elsewhere.db"]


# --- the real clients ----------------------------------------------------------------------


def _stance_sheet(root: Path, loaded: tuple[Project, Report], tmp_path: Path) -> dict[tuple[str, str], tuple[int, int]]:
    """(topic label, perspective label) -> (conv, div) of every Stance cell with claims, as the workbook shows it."""
    project, report = loaded
    out = tmp_path / "book.xlsx"
    write_workbook(analyse(project, report), report, project, out)
    rows = list(openpyxl.load_workbook(out)["Stance"].iter_rows(values_only=True))
    heads = [(i, label) for i, label in enumerate(rows[0]) if i and label]
    cells = {}
    for row in rows[3:]:  # below the label, parties-and-voice and measure rows
        if not row[0]:
            break
        for i, label in heads:
            if row[i] is not None or row[i + 1] is not None:
                cells[str(row[0]), str(label)] = (int(row[i] or 0), int(row[i + 1] or 0))
    return cells


def test_datasette_facets_give_the_stance_sheets_counts(
    shipped: Path, database: Path, loaded: tuple[Project, Report], tmp_path: Path
) -> None:
    from datasette.app import Datasette

    project, _ = loaded
    assert project.codebook is not None
    sheet = _stance_sheet(shipped, loaded, tmp_path)
    metadata = json.loads((database.parent / "metadata.json").read_text())
    app = Datasette([str(database)], metadata=metadata)

    async def facets() -> dict[tuple[str, str], tuple[int, int]]:
        found = {}
        for topic in project.codebook.topics:  # type: ignore[union-attr]
            for perspective in project.codebook.perspectives:  # type: ignore[union-attr]
                url = f"/evidence/claims.json?topic={topic.id}&perspective={perspective.id}&_facet=stance&_size=0"
                response = await app.client.get(url)
                assert response.status_code == 200
                results = response.json()["facet_results"]["stance"]["results"]
                counts = {r["value"]: r["count"] for r in results}
                label = perspective.label  # alone in the sheet's first row
                if counts:
                    found[topic.label, label] = (counts.get("convergence", 0), counts.get("divergence", 0))
        return found

    assert asyncio.run(facets()) == sheet and len(sheet) == 31


def test_datasette_serves_the_search_and_the_canned_queries(database: Path) -> None:
    from datasette.app import Datasette

    metadata = json.loads((database.parent / "metadata.json").read_text())
    app = Datasette([str(database)], metadata=metadata)

    async def get(url: str) -> Any:
        response = await app.client.get(url)
        assert response.status_code == 200, url
        return response.json()

    async def run() -> None:
        search = await get("/evidence/passages.json?_search=terrorism&_size=0")
        assert search["filtered_table_rows_count"] > 0
        evidence = await get("/evidence/evidence.json?topic=counter-terrorism&perspective=US-India&_shape=array")
        assert len({row["claim"] for row in evidence}) == 13
        cells = await get("/evidence/forecast_cells.json?_shape=array")
        assert {(cell["topic"], cell["perspective"]) for cell in cells} == FORECAST_CELLS
        contrasts = await get("/evidence/contrasts.json?_shape=array")
        assert contrasts[0]["rank"] == 1 and len(contrasts) == 6
        for page in [*(f"/evidence/{t}" for t in TABLES), "/evidence/passages?_search=extradition", "/evidence"]:
            response = await app.client.get(page)  # every page as a browser opens it, with its facets
            assert response.status_code == 200 and "<html" in response.text, page

    asyncio.run(run())


def _frictionless(descriptor: Path) -> dict[str, Any]:
    done = subprocess.run(
        [str(Path(sys.executable).parent / "frictionless"), "validate", "--json", str(descriptor)],
        capture_output=True,
        text=True,
        check=False,
    )
    report: dict[str, Any] = json.loads(done.stdout)
    return report


def test_frictionless_validates_the_shipped_package(database: Path) -> None:
    report = _frictionless(database.parent / "evidence" / "datapackage.json")
    assert report["valid"] is True, json.dumps(report)[:2000]
    assert [t["name"] for t in report["tasks"]] == TABLES


def test_frictionless_reports_a_broken_source_id(database: Path, tmp_path: Path) -> None:
    package = tmp_path / "broken"
    shutil.copytree(database.parent / "evidence", package)
    claims = package / "claims.csv"
    rows = list(csv.reader(claims.open(encoding="utf-8", newline="")))
    rows[1][rows[0].index("source")] = "no-such-source"
    with claims.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle, lineterminator="\n").writerows(rows)
    report = _frictionless(package / "datapackage.json")
    errors = [(t["name"], e["type"], e.get("rowNumber")) for t in report["tasks"] for e in t["errors"]]
    assert report["valid"] is False and errors == [("claims", "foreign-key", 2)]


def test_frictionless_reports_every_reference_to_a_renamed_source(
    database: Path, loaded: tuple[Project, Report], tmp_path: Path
) -> None:
    project, _ = loaded
    package = tmp_path / "renamed"
    shutil.copytree(database.parent / "evidence", package)
    sources = package / "sources.csv"
    sources.write_text(sources.read_text(encoding="utf-8").replace("\ncfr-defense-norms,", "\ncfr-norms,"))
    report = _frictionless(package / "datapackage.json")
    errors = {(t["name"], e["type"]) for t in report["tasks"] for e in t["errors"]}
    assert report["valid"] is False and errors == {("claims", "foreign-key"), ("passages", "foreign-key")}
    broken = sum(e["type"] == "foreign-key" for t in report["tasks"] if t["name"] == "claims" for e in t["errors"])
    assert broken == sum(c.source == "cfr-defense-norms" for c in project.claims)


def test_the_descriptor_carries_types_vocabularies_keys_and_inputs(
    database: Path, loaded: tuple[Project, Report]
) -> None:
    project, _ = loaded
    descriptor = json.loads((database.parent / "evidence" / "datapackage.json").read_text())
    claims = next(r for r in descriptor["resources"] if r["name"] == "claims")
    fields = {f["name"]: f for f in claims["schema"]["fields"]}
    assert project.codebook is not None
    assert fields["topic"]["constraints"]["enum"] == list(project.codebook.ids("topics"))
    assert fields["stance"]["constraints"]["enum"] == ["convergence", "divergence"]
    assert fields["weight"]["type"] == "integer" and claims["schema"]["primaryKey"] == ["id"]
    assert {"fields": ["source"], "reference": {"resource": "sources", "fields": ["id"]}} in claims["schema"][
        "foreignKeys"
    ]
    assert descriptor["claims_matrix"]["version"] == __version__
    assert {i["path"]: i["sha256"] for i in descriptor["claims_matrix"]["inputs"]} == dict(project.inputs)


def test_sqlite3_is_imported_by_the_cache_and_the_published_database_only() -> None:
    homes = {
        path.relative_to(ROOT).as_posix()
        for path in (ROOT / "matrix").rglob("*.py")
        if re.search(r"^\s*(import|from) sqlite3\b", path.read_text(encoding="utf-8"), re.MULTILINE)
    }
    assert homes == {"matrix/files/cache.py", "matrix/authoring/publish/sqlite.py"}
