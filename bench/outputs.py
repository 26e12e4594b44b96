"""Every output of the CLI, written to one folder, to compare two versions of the code byte for byte.

Run it once with the code of one commit and once with another's, then compare the folders
(`cmp`/`diff -r`): a refactoring that keeps every output must leave them identical.

    PYTHONPATH=/tmp/base python bench/outputs.py /tmp/out-base 10000 100000
    python bench/outputs.py /tmp/out-new 10000 100000
    diff -r /tmp/out-base /tmp/out-new && echo identical

The shipped project always; generated projects of the given sizes (bench/generate.py) too.
SOURCE_DATE_EPOCH is fixed, so the workbooks' times do not differ. Each command's stdout,
stderr and exit code are kept (`NAME.out`, `NAME.err`, `NAME.rc`), with any file it writes.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))

from run import OUT, project

ENV = {**os.environ, "SOURCE_DATE_EPOCH": "1700000000", "COLUMNS": "120", "TERM": "dumb", "NO_COLOR": "1"}


def run(out: Path, name: str, root: Path, *args: str) -> None:
    """`claims-matrix ARGS --root ROOT`, its output kept under out/NAME.*; `{out}` in an argument is out/NAME."""
    target = out / name
    argv = [arg.replace("{out}", str(target)) for arg in args]
    done = subprocess.run(
        [sys.executable, "-m", "matrix", *argv[:1], "--root", str(root), *argv[1:]],
        capture_output=True,
        env=ENV,
        cwd=out,  # not the code: PYTHONPATH, or the installed package, says which code runs
        check=False,
    )
    text = lambda data: data.replace(str(root).encode(), b"ROOT").replace(str(out).encode(), b"OUT")
    (out / f"{name}.out").write_bytes(text(done.stdout))
    (out / f"{name}.err").write_bytes(text(done.stderr))
    (out / f"{name}.rc").write_text(str(done.returncode))


def every_output(out: Path, root: Path, other: Path, full: bool) -> None:
    """The outputs of one project: `other` is a changed copy of it (for diff and agree)."""
    out.mkdir(parents=True, exist_ok=True)
    run(out, "validate-json", root, "validate", "--format", "json")
    run(out, "validate-text", root, "validate", "--format", "text")
    run(out, "validate-table", root, "validate")
    run(out, "build", root, "build", "--no-cache", "--out", "{out}.xlsx")
    run(out, "build-sources", root, "build", "--no-cache", "--count", "sources", "--out", "{out}.xlsx")
    run(out, "summary", root, "summary", "--width", "120")
    run(out, "summary-json", root, "summary", "--format", "json")
    run(out, "summary-sources-json", root, "summary", "--format", "json", "--count", "sources")
    run(out, "summary-periods", root, "summary", "--by-period", "--width", "120")
    run(out, "summary-periods-json", root, "summary", "--by-period", "--format", "json")
    run(out, "export-csv", root, "export", "--format", "csv")
    run(out, "export-csv-raw", root, "export", "--format", "csv", "--raw")
    run(out, "export-json", root, "export", "--format", "json")
    run(out, "export-passage-csv", root, "export", "--format", "csv", "--per", "passage")
    run(out, "export-passage-json", root, "export", "--format", "json", "--per", "passage")
    run(out, "report", root, "report", "--out", "{out}.html")
    run(out, "report-sources", root, "report", "--count", "sources", "--out", "{out}.html")
    run(out, "diff", root, "diff", str(other), str(root))
    run(out, "diff-json", root, "diff", str(other), str(root), "--format", "json")
    run(out, "diff-xlsx", root, "diff", str(other), str(root), "--out", "{out}.xlsx")
    if full:
        run(out, "summary-filtered", root, "summary", "--topic", "space", "--topic", "export-controls")
        run(out, "summary-since-json", root, "summary", "--format", "json", "--since", "2020")
        run(out, "summary-quarters-json", root, "summary", "--period", "quarter", "--format", "json")
        run(out, "summary-windows", root, "summary", "--window", "12M", "--step", "3M", "--count", "sources")
        run(out, "build-windows", root, "build", "--no-cache", "--window", "12M", "--step", "6M", "--out", "{out}.xlsx")
        run(out, "build-since", root, "build", "--no-cache", "--since", "2020", "--out", "{out}.xlsx")
        run(out, "export-since", root, "export", "--format", "csv", "--since", "2020", "--until", "2023")
        run(out, "coverage-json", root, "coverage", "--format", "json")
        run(out, "coverage", root, "coverage")
        run(out, "agree", root, "agree", str(root / "claims/second-coder"))
        run(out, "agree-json", root, "agree", str(root / "claims/second-coder"), "--format", "json")
        run(out, "agree-xlsx", root, "agree", str(root / "claims/second-coder"), "--out", "{out}.xlsx")
        run(out, "agree-git", root, "agree", "git:648e74b~5", "--format", "json")
        run(out, "diff-git", root, "diff", "git:648e74b~40", "--format", "json")


def changed_copy(root: Path, into: Path) -> Path:
    shutil.rmtree(into, ignore_errors=True)
    for folder in ("claims", "seeds"):
        shutil.copytree(root / folder, into / folder)
    files = sorted((into / "claims").glob("*.yaml"))
    for path in files[:2]:
        text = path.read_text()
        path.write_text(text.replace("stance: convergence", "stance: divergence", 2))
    return into


def main() -> None:
    out = Path(sys.argv[1]).resolve()
    sizes = [int(a) for a in sys.argv[2:]]
    shutil.rmtree(out, ignore_errors=True)
    every_output(out / "shipped", ROOT, changed_copy(ROOT, OUT / "outputs-shipped-changed"), full=True)
    for size in sizes:
        root = project(size)
        every_output(out / str(size), root, changed_copy(root, OUT / f"outputs-{size}-changed"), full=False)


if __name__ == "__main__":
    main()
