"""The one table-width rule (matrix/terminal/width.py), on a real pseudo-terminal of 80, 120 and
160 columns and through a pipe: tables use the width there is, never fold an id, a location or
a number, cut with `…` what does not fit, and `--width` wins."""

from __future__ import annotations

import fcntl
import os
import pty
import re
import shutil
import struct
import subprocess
import sys
import termios
from pathlib import Path

import pytest

from matrix.terminal.width import UNBOUNDED, room_for

ROOT = Path(__file__).resolve().parent.parent
STANCE_LINE = (
    (ROOT / "claims" / "us-india-counterterrorism.yaml")
    .read_text(encoding="utf-8")
    .splitlines()
    .index("    stance: convergence")
)  # the first claim's stance, misspelt in the broken copy
BAD_STANCE = f"claims/us-india-counterterrorism.yaml:{STANCE_LINE + 1}:13"  # where the broken copy's error is
LOCATION = re.compile(r"(?:claims|seeds)/[\w./-]+:\d+:\d+")


def _env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("COLUMNS", "LINES")}
    return {**env, "NO_COLOR": "1", "TERM": "xterm-256color"}


def on_terminal(args: list[str], columns: int, cwd: Path) -> list[str]:
    """The lines `claims-matrix ARGS` prints on a pseudo-terminal `columns` wide."""
    leader, follower = pty.openpty()
    fcntl.ioctl(follower, termios.TIOCSWINSZ, struct.pack("HHHH", 50, columns, 0, 0))
    process = subprocess.Popen(
        [sys.executable, "-m", "matrix", *args], cwd=cwd, stdin=follower, stdout=follower, stderr=follower, env=_env()
    )
    os.close(follower)
    chunks = []
    while True:
        try:
            chunk = os.read(leader, 65536)
        except OSError:  # the terminal closed with the process
            break
        if not chunk:
            break
        chunks.append(chunk)
    process.wait(timeout=120)
    os.close(leader)
    return [line.rstrip() for line in b"".join(chunks).decode("utf-8").replace("\r\n", "\n").splitlines()]


def piped(args: list[str], cwd: Path) -> list[str]:
    done = subprocess.run(
        [sys.executable, "-m", "matrix", *args], cwd=cwd, capture_output=True, text=True, env=_env(), check=False
    )
    return [line.rstrip() for line in (done.stdout + done.stderr).splitlines()]


@pytest.fixture(scope="module")
def shipped(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from tests.conftest import let_the_second_coding_leave_out_voice

    copy = tmp_path_factory.mktemp("shipped")
    for folder in ("claims", "seeds"):
        shutil.copytree(ROOT / folder, copy / folder)
    let_the_second_coding_leave_out_voice(copy)
    return copy


@pytest.fixture(scope="module")
def broken(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The shipped project with a misspelt stance at BAD_STANCE and an unknown topic."""
    copy = tmp_path_factory.mktemp("broken")
    for folder in ("claims", "seeds"):
        shutil.copytree(ROOT / folder, copy / folder)
    path = copy / "claims" / "us-india-counterterrorism.yaml"
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    lines[STANCE_LINE] = "    stance: convergance\n"
    text = "".join(lines).replace("topic: intelligence-sharing", "topic: intel-sharing", 1)
    path.write_text(text, encoding="utf-8")
    return copy


def _labels(root: Path) -> list[str]:
    from matrix import check

    project, _ = check(root)
    assert project.codebook is not None
    return [project.codebook.label("topics", t) for t in project.codebook.ids("topics")]


def test_room_for_follows_the_rule(tmp_path: Path) -> None:
    with (tmp_path / "out.txt").open("w") as file:
        assert room_for(file, environ={}) == UNBOUNDED
        assert room_for(file, environ={"COLUMNS": "90"}) == 90
        assert room_for(file, 70, environ={"COLUMNS": "90"}) == 70  # --width wins


@pytest.mark.parametrize("columns", [80, 120, 160])
def test_summary_uses_the_terminal_width(shipped: Path, columns: int) -> None:
    lines = on_terminal(["summary"], columns, shipped)
    assert lines[0] == "Key findings" and max(len(line) for line in lines) <= columns
    start = next(i for i, line in enumerate(lines) if line.startswith("Stance:"))
    stance = lines[start : lines.index("Approach: uni/bi/multilateral claims, ?unspecified, and the dominant one")]
    rows = [line for line in stance if re.search(r"[+-]\d\.\d\d[° ]?( +w\d+\u25b2?)?$|·$", line)]  # w: writer's voice
    assert len(rows) == 16
    labels = _labels(shipped)
    whole = [label for label in labels if any(row.startswith(f" {label} ") for row in rows)]
    if columns >= 120:  # room for every label: none cut (at 30 characters before)
        assert whole == labels and not any("…" in row for row in rows)
    else:  # cut with … only where the numbers leave too little room, and the table fills the width
        assert any("…" in row for row in rows) and max(len(row) for row in rows) >= columns - 2
        assert all(len(label) <= len(rows[0]) - 45 for label in whole)


def test_summary_width_option_wins_over_the_terminal(shipped: Path) -> None:
    lines = on_terminal(["summary", "--width", "60"], 160, shipped)
    assert max(len(line) for line in lines) <= 60


@pytest.mark.parametrize("columns", [80, 120, 160])
def test_validate_never_folds_a_location(broken: Path, columns: int) -> None:
    lines = on_terminal(["validate"], columns, broken)
    assert lines[-1] == "invalid: 135 claims in 5 files: 2 errors, 0 warnings"
    assert max(len(line) for line in lines) <= columns
    assert [line for line in lines if BAD_STANCE in line] != []
    assert [line for line in lines if re.search(r"\.yaml:\d*$|^\s*\d+:\d+\s", line)] == []  # none folded


def test_validate_through_a_pipe_gives_one_problem_per_line(broken: Path) -> None:
    lines = piped(["validate"], broken)
    assert len(lines) == 3 and lines[-1] == "invalid: 135 claims in 5 files: 2 errors, 0 warnings"
    stance, topic = lines[:2]
    assert stance.startswith(f"{BAD_STANCE}  error unknown-stance  usi-ct-core-pillar")
    assert stance.endswith("hint: did you mean 'convergence'?")
    assert re.match(r"claims/us-india-counterterrorism\.yaml:\d+:\d+  error unknown-topic ", topic)
    assert topic.endswith("hint: did you mean 'intelligence-sharing'?")
    grep = subprocess.run(
        f"{sys.executable} -m matrix validate | grep -F {BAD_STANCE}",
        shell=True,
        cwd=broken,
        capture_output=True,
        text=True,
        env=_env(),
        check=False,
    )
    assert grep.stdout.splitlines() == [stance]


def test_summary_through_a_pipe_cuts_no_label(shipped: Path) -> None:
    lines = piped(["summary"], shipped)
    for label in _labels(shipped):
        assert any(line.startswith(f" {label} ") for line in lines), label
    assert not any("…" in line for line in lines)


@pytest.mark.parametrize("columns", [80, 160])
def test_agree_and_coverage_keep_ids_and_locations_whole(shipped: Path, columns: int) -> None:
    agree = on_terminal(["agree", "claims/second-coder"], columns, shipped)
    assert max(len(line) for line in agree) <= columns
    for source in ("cfr-defense-norms", "crs-india-us-defense", "us-india-counterterrorism"):
        assert any(line.startswith(f" {source} ") for line in agree), source
    places = [m for line in agree for m in LOCATION.findall(line)]
    assert "seeds/cfr-defense-norms.txt:11:645" in places
    coverage = on_terminal(["coverage", "--limit", "5"], columns, shipped)
    assert max(len(line) for line in coverage) <= columns
    assert len([m for line in coverage for m in LOCATION.findall(line)]) == 5


def test_diff_keeps_ids_whole_at_160_columns(shipped: Path, tmp_path: Path) -> None:
    new = tmp_path / "new"
    shutil.copytree(shipped / "claims", new / "claims")
    shutil.copytree(shipped / "seeds", new / "seeds")
    path = new / "claims" / "us-india-counterterrorism.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("stance: convergence", "stance: divergence", 1))
    for columns in (80, 160):
        lines = on_terminal(["diff", str(shipped), str(new), "--root", str(shipped)], columns, shipped)
        assert max(len(line) for line in lines) <= columns
        assert any(line.startswith(" usi-ct-core-pillar ") for line in lines), lines
        assert not [line for line in lines if re.search(r"\.yaml:\d*$", line)]
