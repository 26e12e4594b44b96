"""The benchmark behind `make bench`: generated projects of 1k, 10k and 100k claims.

For each size it prints the wall time and peak RSS of each pipeline stage (bench/stages.py,
in a fresh process), of the whole `claims-matrix build` process (cold: no cache yet, so it
also writes the cache), of the same work done the naive way (PyYAML's pure-Python parser,
pandas' DataFrame.to_excel), their ratio, and the time of a warm `claims-matrix validate`
after one source file changed. Whole-process times are the median of three runs (the
naive pipeline, which takes minutes, runs once). Then the targets, each checked.

Usage: python bench/run.py [SIZE ...]   (default: 1000 10000 100000)
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
OUT = HERE / "out"
sys.path.insert(0, str(HERE))

from generate import generate

PYTHON = sys.executable
CLI = [PYTHON, "-m", "matrix"]
RUNS = 3  # whole-process timings are the median of this many runs


def timed(command: list[str]) -> tuple[float, float, str]:
    """Run `command`; (wall seconds, peak RSS in MB, stdout). Fails loudly on a non-zero exit."""
    start = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=ROOT)
    assert process.stdout is not None and process.stderr is not None
    out = process.stdout.read().decode()
    err = process.stderr.read().decode()
    _, status, usage = os.wait4(process.pid, 0)
    wall = time.perf_counter() - start
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"failed: {' '.join(command)}\n{out}\n{err}")
    return wall, usage.ru_maxrss / 1024, out


def project(size: int, short: float = 0.01) -> Path:
    """The generated project of `size` claims (`short`: the share with a short quote, which warns)."""
    root = OUT / (f"claims-{size}" if short == 0.01 else f"warnings-{size}")
    marker = root / ".generated"
    stamp = str((HERE / "generate.py").stat().st_mtime_ns)
    if not (marker.exists() and marker.read_text() == stamp):
        generate(root, size, short=short)
        marker.write_text(stamp)
    shutil.rmtree(root / ".cache", ignore_errors=True)
    return root


def median_runs(commands: dict[str, tuple[list[str], Callable[[], None]]]) -> dict[str, tuple[float, float, str]]:
    """Per name, the run of median wall time out of RUNS rounds, each round running every
    command once (after its `before()`), so that a machine slowing down or speeding up
    mid-benchmark weighs on all of them alike; one run here can be 20% off, a median of
    three rarely is."""
    runs: dict[str, list[tuple[float, float, str]]] = {name: [] for name in commands}
    for _ in range(RUNS):
        for name, (command, before) in commands.items():
            before()
            runs[name].append(timed(command))
    return {name: sorted(found, key=lambda run: run[0])[len(found) // 2] for name, found in runs.items()}


def change_one_file(root: Path) -> None:
    """Edit one claims file (a new claim id each time): a warm run must parse it again."""
    files = sorted((root / "claims").glob("source-*.yaml"))
    path = files[len(files) // 2]
    edit = f"-edited-{time.time_ns()}"
    path.write_text(
        re.sub(r"(-claim-000)(-edited-\d+)?\n", lambda m: f"{m.group(1)}{edit}\n", path.read_text(), count=1)
    )


def bench(size: int) -> dict[str, object]:
    root = project(size)
    book = OUT / f"claims-{size}.xlsx"
    stages = json.loads(timed([PYTHON, str(HERE / "stages.py"), str(root), str(book)])[2])
    build_command = [*CLI, "build", "--root", str(root), "--out", str(book), "-q"]
    timings = median_runs(
        {
            "same_work": ([*build_command, "--no-cache"], lambda: None),
            "build": (build_command, lambda: shutil.rmtree(root / ".cache", ignore_errors=True)),
            "warm_build": (build_command, lambda: None),
            "revalidate": (
                [*CLI, "validate", "--root", str(root), "--format", "text", "--max-problems", "1"],
                lambda: change_one_file(root),
            ),
        }
    )
    same_work, build, warm_build, revalidate = (
        timings[name] for name in ("same_work", "build", "warm_build", "revalidate")
    )
    naive = timed([PYTHON, str(HERE / "stages.py"), str(root), str(OUT / f"naive-{size}.xlsx"), "naive"])
    naive_stages = json.loads(naive[2])
    shutil.rmtree(root / ".cache", ignore_errors=True)
    return {
        "size": size,
        "stages": stages["stages"],
        "build": build[:2],
        "same_work": same_work[:2],
        "warm_build": warm_build[:2],
        "revalidate": revalidate[:2],
        "naive": naive[:2],
        "naive_stages": naive_stages["stages"],
    }


WARNINGS_SHORT = 0.3  # the share of short quotes that gives about 30,000 warnings at 100,000 claims


def warnings_case(size: int, plain: float) -> tuple[str, bool]:
    """`build --no-cache` of `size` claims of which 30% warn (about 30,000 warnings at 100k): its
    Problems sheet is streamed as the Claims sheet is, so the build takes at most 1.25 times
    that of the ordinary project (`plain` s)."""
    root = project(size, WARNINGS_SHORT)
    report = json.loads(timed([*CLI, "validate", "--root", str(root), "--format", "json", "--no-cache"])[2])
    command = [*CLI, "build", "--root", str(root), "--out", str(OUT / "warnings.xlsx"), "-q", "--no-cache"]
    wall = median_runs({"build": (command, lambda: None)})["build"][0]
    warnings = report["warnings"]
    print(f"`build --no-cache` of {size:,} claims with {warnings:,} warnings: {wall:.2f} s (median of {RUNS}).\n")
    return (
        f"{size // 1000}k claims, {warnings:,} warnings: build <= 1.25x the ordinary one ({wall:.2f} s vs {plain:.2f} s)",
        wall <= 1.25 * plain,
    )


def main() -> None:
    sizes = [int(a) for a in sys.argv[1:]] or [1_000, 10_000, 100_000]
    OUT.mkdir(exist_ok=True)
    fixed_root = project(100)
    fixed = min(
        timed([*CLI, "build", "--root", str(fixed_root), "--out", str(OUT / "fixed.xlsx"), "-q", "--no-cache"])[0]
        for _ in range(3)
    )
    shipped = min(timed([*CLI, "validate", "--root", str(ROOT)])[0] for _ in range(5))
    results = [bench(size) for size in sizes]

    print(f"## Benchmark ({os.cpu_count()} cores, Python {sys.version.split()[0]})\n")
    print("Per stage, in one process (wall s / peak RSS MB so far):\n")
    names = ["load", "validate", "pivot", "write", "total"]
    print("| claims | " + " | ".join(names) + " |")
    print("|---:|" + "---:|" * len(names))
    for r in results:
        cells = [f"{r['stages'][n]['seconds']:.2f} s / {r['stages'][n]['peak_mb']:.0f} MB" for n in names]  # type: ignore[index]
        print(f"| {r['size']:,} | " + " | ".join(cells) + " |")
    print(f"\nWhole processes (wall s / peak RSS MB; median of {RUNS} runs, the naive pipeline one run):\n")
    print(
        "| claims | `build --no-cache` | `build`, cold (writes the cache) | `build`, warm cache "
        "| naive (pure-Python YAML + to_excel) | naive / `--no-cache` | `validate` after 1 file changed |"
    )
    print("|---:|---:|---:|---:|---:|---:|---:|")
    for r in results:
        same, b, w, n, v = r["same_work"], r["build"], r["warm_build"], r["naive"], r["revalidate"]
        print(
            f"| {r['size']:,} | {same[0]:.2f} s / {same[1]:.0f} MB | {b[0]:.2f} s / {b[1]:.0f} MB "  # type: ignore[index]
            f"| {w[0]:.2f} s / {w[1]:.0f} MB | {n[0]:.2f} s / {n[1]:.0f} MB | {n[0] / same[0]:.1f}x | {v[0]:.2f} s |"  # type: ignore[index]
        )
    print(
        f"\nFixed cost (`build` of 100 claims): {fixed:.2f} s. `validate` of the shipped claims: {shipped:.2f} s (best of 5).\n"
    )

    by_size = {r["size"]: r for r in results}
    biggest = max(by_size)
    warned = warnings_case(biggest, by_size[biggest]["same_work"][0])  # type: ignore[index]
    checks: list[tuple[str, bool]] = [(f"validate shipped claims <= 0.3 s ({shipped:.2f} s)", shipped <= 0.3)]
    if 100_000 in by_size:
        big = by_size[100_000]
        t, rss = big["build"]  # type: ignore[misc]
        naive_t = big["naive"][0]  # type: ignore[index]
        checks += [
            (f"100k build <= 18 s ({t:.2f} s)", t <= 18),
            (f"100k build <= 500 MB ({rss:.0f} MB)", rss <= 500),
            (f"100k build, cold, <= naive / 8 ({t:.2f} s vs {naive_t / 8:.2f} s)", t <= naive_t / 8),
            (
                f"100k build --no-cache (the same work) <= naive / 8 ({big['same_work'][0]:.2f} s vs {naive_t / 8:.2f} s)",
                big["same_work"][0] <= naive_t / 8,
            ),  # type: ignore[index]
            (f"100k warm validate after 1 change <= 2 s ({big['revalidate'][0]:.2f} s)", big["revalidate"][0] <= 2),  # type: ignore[index]
        ]
    if 10_000 in by_size:
        small = by_size[10_000]["build"][0]  # type: ignore[index]
        checks.append((f"10k build <= 3 s ({small:.2f} s)", small <= 3))
        if 100_000 in by_size:
            growth = (by_size[100_000]["build"][0] - fixed) / (small - fixed)  # type: ignore[index]
            checks.append((f"10k -> 100k growth <= 10.5x, fixed cost excluded ({growth:.1f}x)", growth <= 10.5))
    checks.append(warned)
    print("Targets:\n")
    for text, ok in checks:
        print(f"- [{'x' if ok else ' '}] {text}")


if __name__ == "__main__":
    main()
