"""The only networkx import: networks as GraphML, GEXF, CSV and JSON bytes (pure: no file is
written here).

- GraphML (networkx's writer): every attribute a `<key>` with its `attr.type` (string, long,
  double), key ids d0, d1, ... (a node and an edge attribute may share a name); one file per network.
- GEXF 1.2 (networkx's writer, as Gephi reads it): every attribute declared with its type;
  `lastmodifieddate` from SOURCE_DATE_EPOCH (default 1980-01-01), never the clock. With periods,
  one dynamic graph: each node and edge has a spell per period it is in (from the period's
  first day to its last), and its attributes a value per spell; an edge's weight is then the
  dynamic edge attribute of id `weight`, the column Gephi takes for the weight (GEXF's static
  weight holds one number; networkx's reader takes that column as static, its last value).
- CSV: a nodes table and an edges table (text that a spreadsheet could run as a formula gets a
  leading `'`, as `export` does).
- JSON: `Networks.to_dict()`, one node or edge per line.

The same network gives the same bytes every time.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Mapping
from typing import Any
from xml.etree.ElementTree import Element

import networkx as nx
from networkx.readwrite.gexf import GEXFWriter

from matrix.analysis.network import NODE_COUNTS, NODE_FIELDS, ONEMODE_EDGE, TWOMODE_EDGE, Network, Networks
from matrix.files.paths import build_time
from matrix.time.periods import Period

FORMATS = ("graphml", "gexf", "csv", "json")
CREATOR = "claims-matrix"
_DYNAMIC_WEIGHT = "period_weight"  # renamed `weight` in the file (networkx keeps `weight` for the static one)


def _graph(network: Network) -> Any:
    graph = nx.Graph()
    graph.graph["name"] = f"{network.options.nodes} {network.options.mode}"
    for node in network.nodes:
        graph.add_node(node.id, **node.attributes())
    for edge in network.edges:
        graph.add_edge(edge.source, edge.target, **edge.attributes(network.options.mode))
    return graph


def graphml_bytes(network: Network) -> bytes:
    """One network as GraphML, every attribute typed."""
    buffer = io.BytesIO()
    nx.write_graphml_xml(_graph(network), buffer, encoding="utf-8", prettyprint=True)
    return buffer.getvalue()


def _spell(period: Period) -> tuple[str, str]:
    last = period.end.fromordinal(period.end.toordinal() - 1)
    return period.start.isoformat(), last.isoformat()


def _dynamic_graph(networks: Networks) -> Any:
    """The union of the per-period networks: every node and edge with a spell per period it is
    in, every attribute that can change (counts, weights, topics, claims) a value per spell."""
    graph = nx.Graph()
    graph.graph["name"] = f"{networks.whole.options.nodes} {networks.whole.options.mode} by {networks.kind}"
    graph.graph["mode"] = "dynamic"
    mode = networks.whole.options.mode
    node_spells: dict[str, list[tuple[str, str]]] = {}
    node_fields: dict[str, dict[str, Any]] = {}
    node_counts: dict[str, dict[str, list[tuple[int, str, str]]]] = {}
    edge_spells: dict[tuple[str, str], list[tuple[str, str]]] = {}
    edge_values: dict[tuple[str, str], dict[str, list[tuple[Any, str, str]]]] = {}
    for network in networks.by_period:
        assert network.period is not None
        start, end = _spell(network.period)
        for node in network.nodes:
            node_spells.setdefault(node.id, []).append((start, end))
            node_fields.setdefault(node.id, dict(node.fields))
            counts = node_counts.setdefault(node.id, {name: [] for name in NODE_COUNTS})
            for name in NODE_COUNTS:
                counts[name].append((node.counts[name], start, end))
        for edge in network.edges:
            key = (edge.source, edge.target)
            edge_spells.setdefault(key, []).append((start, end))
            values = edge_values.setdefault(key, {})
            for name, value in edge.attributes(mode).items():
                values.setdefault(_DYNAMIC_WEIGHT if name == "weight" else name, []).append((value, start, end))
    for node_id, spells in node_spells.items():
        graph.add_node(node_id, spells=spells, **node_fields[node_id], **node_counts[node_id])
    for (a, b), spells in edge_spells.items():
        graph.add_edge(a, b, spells=spells, **edge_values[a, b])
    return graph


def gexf_bytes(networks: Networks) -> bytes:
    """GEXF 1.2: the whole network, or with periods one dynamic graph (see the module)."""
    graph = _dynamic_graph(networks) if networks.kind is not None else _graph(networks.whole)
    writer = GEXFWriter(encoding="utf-8", prettyprint=True, version="1.2draft")
    meta = writer.xml.find("meta")
    assert meta is not None
    meta.set("lastmodifieddate", build_time().date().isoformat())
    creator = meta.find("creator")
    assert creator is not None
    creator.text = f"{CREATOR} (NetworkX {nx.__version__})"
    writer.add_graph(graph)
    for attribute in writer.xml.iter("attribute"):  # Gephi reads an edge column with id "weight" as its weight
        if attribute.get("title") == _DYNAMIC_WEIGHT:
            numbered = attribute.get("id")
            attribute.set("id", "weight")
            attribute.set("title", "weight")
            for value in writer.xml.iter("attvalue"):
                if value.get("for") == numbered:
                    value.set("for", "weight")
    if networks.kind is not None:  # dates as written, whatever networkx guessed from the first spell
        graph_element: Element = writer.graph_element
        graph_element.set("timeformat", "date")
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def _safe(value: object) -> object:
    from matrix.model.terms import CSV_FORMULA_START

    return f"'{value}" if isinstance(value, str) and value.startswith(CSV_FORMULA_START) else value


def _csv(header: Iterable[str], rows: Iterable[Iterable[object]]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    writer.writerows([_safe(v) for v in row] for row in rows)
    return buffer.getvalue().encode("utf-8")


def csv_tables(network: Network) -> tuple[bytes, bytes]:
    """(nodes table, edges table) of one network."""
    nodes = _csv(
        ("id", *NODE_FIELDS, *NODE_COUNTS),
        ((n.id, *n.attributes().values()) for n in network.nodes),
    )
    mode = network.options.mode
    names = ONEMODE_EDGE if mode == "onemode" else TWOMODE_EDGE
    edges = _csv(
        ("source", "target", *names),
        ((e.source, e.target, *(e.attributes(mode)[name] for name in names)) for e in network.edges),
    )
    return nodes, edges


def _json_text(value: object, level: int = 0) -> str:
    """JSON with one node, edge or other flat record per line (json's C encoder writes each;
    an indented dump of a large network takes three times as long)."""
    pad = "  " * level
    if isinstance(value, dict) and any(isinstance(v, list | dict) for v in value.values()):
        items = [f"{pad}  {json.dumps(k)}: {_json_text(v, level + 1)}" for k, v in value.items()]
        return "{\n" + ",\n".join(items) + f"\n{pad}}}"
    if isinstance(value, list) and any(isinstance(v, list | dict) for v in value):
        return "[\n" + ",\n".join(f"{pad}  {_json_text(v, level + 1)}" for v in value) + f"\n{pad}]"
    return json.dumps(value, ensure_ascii=False)


def json_bytes(networks: Networks) -> bytes:
    """`Networks.to_dict()` as JSON, one node or edge per line."""
    return (_json_text(networks.to_dict()) + "\n").encode("utf-8")


def files(networks: Networks, fmt: str, name: str) -> dict[str, bytes]:
    """File name -> bytes for `--format fmt --out NAME.EXT` (`name`: the file name given, with
    its extension): GraphML and CSV one file (CSV: NAME.nodes.csv and NAME.edges.csv) per
    network, with periods one per period, its label before the extension; GEXF and JSON one
    file holding every period."""
    stem, dot, extension = name.rpartition(".")
    if not dot:
        stem, extension = name, fmt
    if fmt == "json":
        return {name: json_bytes(networks)}
    if fmt == "gexf":
        return {name: gexf_bytes(networks)}
    each: Mapping[str, Network] = (
        {f"{stem}.{n.period.label}": n for n in networks.by_period if n.period is not None}
        if networks.kind is not None
        else {stem: networks.whole}
    )
    found: dict[str, bytes] = {}
    for base, network in each.items():
        if fmt == "graphml":
            found[f"{base}.{extension}"] = graphml_bytes(network)
        else:
            nodes, edges = csv_tables(network)
            found[f"{base}.nodes.{extension}"] = nodes
            found[f"{base}.edges.{extension}"] = edges
    return found


__all__ = ["FORMATS", "csv_tables", "files", "gexf_bytes", "graphml_bytes", "json_bytes"]
