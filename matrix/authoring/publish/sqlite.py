"""The published tables as one SQLite database, with a Datasette metadata file beside it.

The only sqlite3 import beside the cache (`matrix.cache`). Each table is created with its
primary key, foreign keys (`PRAGMA foreign_key_check` finds nothing), NOT NULL and CHECK
constraints for its vocabularies; `passages_fts` (FTS5, external content: the passages'
text) indexes the passages for full-text search, as Datasette's search box expects.

Deterministic: one transaction in a fixed order, a fixed page size, then VACUUM; SQLite stores
no time in a database, so the same inputs (and the same SQLite) give the same bytes. Atomic:
written to a temporary file beside the target, which replaces it only when complete.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

from matrix.authoring.publish import FORESIGHT_VOICES, VOCABULARIES, Published, Table
from matrix.files.paths import atomic_output

SQL_TYPES: Mapping[str, str] = {"string": "TEXT", "integer": "INTEGER", "number": "REAL", "boolean": "INTEGER"}
FTS_TABLE = "passages_fts"
METADATA_FILE = "metadata.json"
PAGE_SIZE = 4096


def _name(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _literal(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def create_sql(table: Table) -> str:
    """CREATE TABLE for `table`: an integer `id` key is the rowid (stable under VACUUM)."""
    rowid = table.primary_key == ("id",) and table.columns[0].type == "integer"
    lines = []
    for column in table.columns:
        line = f"{_name(column.name)} {SQL_TYPES.get(column.type, 'TEXT')}"
        if rowid and column.name == "id":
            line += " PRIMARY KEY"
        if column.required:
            line += " NOT NULL"
        if column.enum:
            line += f" CHECK ({_name(column.name)} IN ({', '.join(_literal(v) for v in column.enum)}))"
        if column.type == "boolean":
            line += f" CHECK ({_name(column.name)} IN (0, 1))"
        lines.append(line)
    if not rowid:
        lines.append(f"PRIMARY KEY ({', '.join(_name(c) for c in table.primary_key)})")
    for key in table.foreign_keys:
        fields, reference = ", ".join(_name(f) for f in key.fields), ", ".join(_name(f) for f in key.reference)
        lines.append(f"FOREIGN KEY ({fields}) REFERENCES {_name(key.table)} ({reference})")
    body = ",\n  ".join(lines)
    return f"CREATE TABLE {_name(table.name)} (\n  {body}\n)"


def _statements(published: Published) -> Iterator[tuple[str, list[tuple[Any, ...]]]]:
    for table in published.tables:
        yield create_sql(table), []
        marks = ", ".join("?" for _ in table.columns)
        if table.rows:
            yield f"INSERT INTO {_name(table.name)} VALUES ({marks})", list(table.rows)
        for key in table.foreign_keys:
            index = f"{table.name}_{'_'.join(key.fields)}"
            columns = ", ".join(_name(f) for f in key.fields)
            yield f"CREATE INDEX {_name(index)} ON {_name(table.name)} ({columns})", []
    yield f'CREATE VIRTUAL TABLE {FTS_TABLE} USING fts5(text, content="passages", content_rowid="id")', []
    yield f"INSERT INTO {FTS_TABLE} ({FTS_TABLE}) VALUES ('rebuild')", []


def write_database(path: str, published: Published) -> None:
    """Create the database at `path` (a new, empty file)."""
    connection = sqlite3.connect(path, isolation_level=None)
    try:
        connection.execute(f"PRAGMA page_size = {PAGE_SIZE}")
        connection.execute("PRAGMA journal_mode = DELETE")
        connection.execute("PRAGMA foreign_keys = ON")
        connection.execute("BEGIN")
        for statement, rows in _statements(published):
            if rows:
                connection.executemany(statement, rows)
            else:
                connection.execute(statement)
        problems = connection.execute("PRAGMA foreign_key_check").fetchall()
        if problems:  # the tables are made from a valid project: a broken reference is a bug here
            raise ValueError(f"published tables break their foreign keys: {problems[:5]}")
        connection.execute("COMMIT")
        connection.execute("VACUUM")
    finally:
        connection.close()


def write_sqlite(out: Path, published: Published) -> Path:
    """The database at `out` and Datasette's metadata beside it (`metadata.json`), each
    written atomically; the metadata file's path."""
    metadata = json.dumps(datasette_metadata(published, out.stem), indent=2, ensure_ascii=False) + "\n"
    with atomic_output(out) as handle:
        write_database(handle.name, published)
    beside = out.with_name(METADATA_FILE)
    with atomic_output(beside) as handle:
        handle.write(metadata.encode("utf-8"))
    return beside


WRITER = ", ".join(_literal(v) for v in FORESIGHT_VOICES)

EVIDENCE_SQL = """select c.id as claim, c.stance, c.confidence, c.approach, c.actor, c.voice,
  c.source, s.title as source_title, p.seq as passage, p.text, p.location
from claims c
join sources s on s.id = c.source
join passages p on p.claim = c.id
where c.topic = :topic and c.perspective = :perspective
order by c.seq, p.seq"""

FORECAST_SQL = f"""with counted as (
  select topic, perspective,
    sum(stance = 'convergence') as conv,
    sum(stance = 'divergence') as div,
    sum(coalesce(voice, '') in ({WRITER})) as writer,
    sum(stance = 'convergence' and coalesce(voice, '') not in ({WRITER})) as conv_kept,
    sum(stance = 'divergence' and coalesce(voice, '') not in ({WRITER})) as div_kept
  from claims group by topic, perspective
), indexed as (
  select *, (conv - div) * 1.0 / (conv + div) as net,
    case when conv_kept + div_kept > 0 then (conv_kept - div_kept) * 1.0 / (conv_kept + div_kept) end as net_kept
  from counted
)
select i.topic, i.perspective, i.conv as convergence, i.div as divergence,
  i.writer as forecasts_and_recommendations, round(i.net, 2) as net, round(i.net_kept, 2) as net_without_them,
  case when i.conv_kept + i.div_kept < 2 then 'under 2 claims without them'
    when (i.net > 0) <> (i.net_kept > 0) or (i.net < 0) <> (i.net_kept < 0) then 'its sign changes without them'
    else 'its net index moves by more than 0.25 without them' end as why
from indexed i
join topics t on t.id = i.topic
join perspectives p on p.id = i.perspective
where i.writer > 0 and (
  i.conv_kept + i.div_kept < 2
  or (i.net > 0) <> (i.net_kept > 0) or (i.net < 0) <> (i.net_kept < 0)
  or abs(i.net - i.net_kept) > 0.25)
order by t.seq, p.seq"""

CONTRASTS_SQL = """select x.rank, t.label as topic, x.perspective_a, x.net_a, x.claims_a,
  x.perspective_b, x.net_b, x.claims_b, round(x.gap, 2) as gap, x.opposite
from contrasts x
join topics t on t.id = x.topic
order by x.rank"""


def datasette_metadata(published: Published, database: str) -> dict[str, Any]:
    """Datasette's metadata for the database named `database` (the file's stem): titles and
    descriptions, the facets each table opens with, full-text search on passages, and three
    canned queries."""
    tables: dict[str, Any] = {}
    for table in published.tables:
        entry: dict[str, Any] = {"description": table.description}
        if table.name in VOCABULARIES:
            entry |= {"label_column": "label", "sort": "seq"}
        tables[table.name] = entry
    tables["sources"] |= {"label_column": "title", "facets": ["perspective", "publisher"]}
    tables["claims"] |= {"facets": ["perspective", "topic", "stance", "approach", "confidence", "voice"], "sort": "seq"}
    tables["passages"] |= {"fts_table": FTS_TABLE, "fts_pk": "id", "facets": ["source"], "sort": "id"}
    tables["stance_cells"] |= {"facets": ["perspective", "thin"]}
    tables["contrasts"] |= {"facets": ["opposite"], "sort": "rank"}
    tables["memos"] |= {"facets": ["perspective"]}
    tables[FTS_TABLE] = {"hidden": True}
    inputs = ", ".join(f"{file} {digest[:12]}" for file, digest in published.inputs.items())
    return {
        "title": published.title,
        "description": "Hand-coded claims with their verbatim passages, the stance matrix and its contrasts,"
        " published by claims-matrix.",
        "source": f"claims-matrix {published.version}",
        "databases": {
            database: {
                "description": f"Made from: {inputs}" if inputs else "",
                "tables": tables,
                "queries": {
                    "evidence": {
                        "title": "The evidence of a topic x perspective",
                        "description": "Every claim behind one Stance cell, with its passages (topic and"
                        " perspective ids: see the topics and perspectives tables).",
                        "sql": EVIDENCE_SQL,
                    },
                    "forecast_cells": {
                        "title": "Cells that rest on forecasts",
                        "description": "Cells whose sign changes, whose net index moves by more than 0.25 or"
                        " which fall under 2 claims when claims in the voice of a forecast or a recommendation"
                        " are left out (claims without a voice count as stated).",
                        "sql": FORECAST_SQL,
                    },
                    "contrasts": {
                        "title": "Contrasts",
                        "description": "Topics on which two perspectives' net indexes differ, largest gap first.",
                        "sql": CONTRASTS_SQL,
                    },
                },
            }
        },
    }
