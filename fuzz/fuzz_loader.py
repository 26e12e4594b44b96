"""Fuzz the loader and validator with atheris: `make fuzz` (FUZZ_SECONDS, default 60).

`fuzz/seeds/` holds the starting inputs; libFuzzer grows `fuzz/corpus/` (not committed).

Any input must give a ClaimsFile with problems whose locations lie inside the input, and
a validation Report, never an exception. Crashes are written to fuzz/crashes/; each one
found so far is a regression test in tests/test_fuzz_regressions.py.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

import atheris

with atheris.instrument_imports():
    from matrix import check
    from matrix.files.loading import parse_claims_file, parse_codebook

SEED_PROJECT = Path(__file__).resolve().parent.parent / "tests" / "conftest.py"
WORK = Path(tempfile.mkdtemp(prefix="claims-matrix-fuzz-"))


def check_locations(data: bytes, problems: object) -> None:
    lines = data.decode("utf-8-sig", errors="replace").replace("\r\n", "\n").replace("\r", "\n").split("\n")
    for problem in problems:  # type: ignore[attr-defined]
        line, column = problem.location.line, problem.location.column
        if not (1 <= line <= len(lines) + 1 and column >= 1):
            raise AssertionError(f"location outside the input: {problem}")


def test_one_input(data: bytes) -> None:
    result = parse_claims_file("claims/x.yaml", data)
    check_locations(data, result.problems)
    _, problems = parse_codebook("claims/codebook.yaml", data)
    check_locations(data, problems)
    # and through the whole validator, as the only claims file of a small project
    (WORK / "claims" / "x.yaml").write_bytes(data)
    check(WORK)


def main() -> None:
    sys.path.insert(0, str(SEED_PROJECT.parent.parent))
    from tests.conftest import write_project

    write_project(WORK, {"claims/a.yaml": None, "claims/b.yaml": None})
    atheris.Setup(sys.argv, test_one_input)
    atheris.Fuzz()


if __name__ == "__main__":
    main()
