"""Benchmark of `claims-matrix network` (part of `make bench`): 2,000 sources, each with one
claim on each of five topics drawn from a codebook of 200 (60% convergence), so that a topic
holds about 50 sources and a pair of sources shares a topic with a chance of about one in eight.

Measured: the network built in one process (`networks()`, from the loaded project) and whole
`claims-matrix network` processes on a warm cache, writing GraphML, GEXF and JSON (the median of
three runs each), in wall and CPU seconds (user + system). Targets (README, Performance), on CPU
time, which a host shared with other work changes far less than wall time (on an idle host the
two are about equal: one process, one core): the build within BUILD_SECONDS, each whole process
within its PROCESS_SECONDS (most of GraphML's and GEXF's is networkx's XML writer).

Usage: python bench/network.py [SOURCES]   (default: 2000)
"""

from __future__ import annotations

import gc
import os
import random
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(ROOT))

from generate import PERSPECTIVES, WORDS
from run import CLI, OUT

TOPICS = [f"topic-{i:03d}" for i in range(200)]
TOPICS_PER_SOURCE = 5
BUILD_SECONDS = 2.0
PROCESS_SECONDS = {"json": 6.0, "graphml": 15.0, "gexf": 15.0}


def generate(root: Path, sources: int, seed: int = 26) -> Path:
    """A project of `sources` sources, each with one claim on each of five topics."""
    if root.exists():
        shutil.rmtree(root)
    (root / "claims").mkdir(parents=True)
    (root / "seeds").mkdir()
    codebook = ["perspectives:"] + [f"  - {{id: {p}, label: {p} sources}}" for p in PERSPECTIVES]
    codebook += ["actors:", "  - {id: US, label: United States}"]
    codebook += ["topics:"] + [f"  - {{id: {t}, label: Topic {t[-3:]}}}" for t in TOPICS]
    (root / "claims" / "codebook.yaml").write_text("\n".join(codebook) + "\n")
    rng = random.Random(seed)
    for s in range(sources):
        source_id = f"source-{s:05d}"
        sentences = [
            " ".join(rng.choice(WORDS) for _ in range(14)).capitalize() + f" number {s}-{i}."
            for i in range(TOPICS_PER_SOURCE)
        ]
        (root / "seeds" / f"{source_id}.txt").write_text("\n".join(sentences) + "\n")
        lines = [
            "source:",
            f"  id: {source_id}",
            f'  title: "Generated source {s}"',
            "  publisher: Benchmark Institute",
            f"  published: 2025-{1 + s % 12:02d}-{1 + s % 28:02d}",
            f"  perspective: {PERSPECTIVES[s % 3]}",
            f"  text: seeds/{source_id}.txt",
            "claims:",
        ]
        for i, topic in enumerate(rng.sample(TOPICS, TOPICS_PER_SOURCE)):
            lines += [
                f"  - id: {source_id}-{i}",
                f"    topic: {topic}",
                f"    stance: {'convergence' if rng.random() < 0.6 else 'divergence'}",
                f"    quote: {sentences[i][:-1]}",
            ]
        (root / "claims" / f"{source_id}.yaml").write_text("\n".join(lines) + "\n")
    return root


def _timed(command: list[str]) -> tuple[float, float, float]:
    """(wall s, CPU s, peak RSS MB) of one run of `command`; fails loudly on a non-zero exit."""
    start = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, cwd=ROOT)
    assert process.stderr is not None
    err = process.stderr.read().decode()
    _, status, usage = os.wait4(process.pid, 0)
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"failed: {' '.join(command)}\n{err}")
    return time.perf_counter() - start, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024


def main() -> None:
    sources = int(sys.argv[1]) if len(sys.argv) > 1 else 2000
    root = OUT / f"network-{sources}"
    marker = root / ".generated"
    stamp = str(Path(__file__).stat().st_mtime_ns)
    if not (marker.exists() and marker.read_text() == stamp):
        generate(root, sources)
        marker.write_text(stamp)

    from matrix import check
    from matrix.analysis.network import networks

    project, _ = check(root)  # fills the cache for the whole processes below
    gc.disable()  # as in the command, which runs with the collector paused (matrix.process)
    start, cpu = time.perf_counter(), time.process_time()
    built = networks(project)
    build, build_cpu = time.perf_counter() - start, time.process_time() - cpu
    gc.enable()
    whole = built.whole
    print(f"network of {sources} sources: {len(whole.nodes)} nodes, {len(whole.edges)} edges, {len(whole.pairs)} pairs")
    print(f"  built in one process: {build:.2f} s wall, {build_cpu:.2f} s CPU (target {BUILD_SECONDS:.1f} s CPU)")
    failed = build_cpu > BUILD_SECONDS
    for fmt in ("graphml", "gexf", "json"):
        out = OUT / f"network-{sources}.{fmt}"
        command = [*CLI, "network", "--root", str(root), "--format", fmt, "--out", str(out)]
        runs = [_timed(command) for _ in range(3)]
        wall, cpu_s = statistics.median(r[0] for r in runs), statistics.median(r[1] for r in runs)
        rss = max(r[2] for r in runs)
        print(
            f"  claims-matrix network --format {fmt}: {wall:.2f} s wall, {cpu_s:.2f} s CPU, {rss:.0f} MB,"
            f" {out.stat().st_size / 1e6:.1f} MB written (target {PROCESS_SECONDS[fmt]:.0f} s CPU)"
        )
        failed |= cpu_s > PROCESS_SECONDS[fmt]
    if failed:
        raise SystemExit("network: over its target")


if __name__ == "__main__":
    main()
