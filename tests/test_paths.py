"""Output paths and atomic writes, with real concurrent processes: a run's clean-up of stale
temporaries never takes another live run's temporary; a killed run's is taken."""

from __future__ import annotations

import signal
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import openpyxl
import pytest

from matrix.files.paths import TEMP_PREFIX, atomic_output, remove_stale_temporaries
from tests.conftest import PIVOT_FILES, write_project

# a writer that stops half-way through its temporary until told to go on (a line on stdin)
WRITER = """\
import sys
from pathlib import Path
from matrix.files.paths import atomic_output
with atomic_output(Path(sys.argv[1])) as handle:
    handle.write(b"first half, ")
    handle.flush()
    print("writing", flush=True)
    sys.stdin.readline()
    handle.write(b"second half")
print("done", flush=True)
"""


def _paused_writer(out: Path) -> subprocess.Popen[str]:
    writer = subprocess.Popen(
        [sys.executable, "-c", WRITER, str(out)], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    )
    assert writer.stdout is not None and writer.stdout.readline() == "writing\n"
    return writer


def _temporaries(folder: Path) -> list[Path]:
    return sorted(folder.glob(f"{TEMP_PREFIX}*.tmp"))


def _build(root: Path, out: Path, until: Path | None = None) -> subprocess.Popen[str]:
    """A real `build` process; with `until`, one that stops after writing its first sheet
    until that file exists (its temporary half-written meanwhile)."""
    paused = (
        "import os, time, openpyxl.writer.excel as x\n"
        "real = x.ExcelWriter.write_worksheet\n"
        "def paused(self, ws):\n"
        "    real(self, ws)\n"
        f"    while not os.path.exists({str(until)!r}):\n"
        "        time.sleep(0.02)\n"
        "x.ExcelWriter.write_worksheet = paused\n"
    )
    snippet = (
        f"{paused if until else ''}import sys\n"
        "from matrix.cli import run\n"
        f"sys.argv = ['claims-matrix', 'build', '--root', {str(root)!r}, '--out', {str(out)!r}, '-q', '--no-cache']\n"
        "run()\n"
    )
    return subprocess.Popen([sys.executable, "-c", snippet], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def _wait_for_temporary(folder: Path) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and not _temporaries(folder):
        time.sleep(0.02)
    assert _temporaries(folder), "the first build never started writing"


def _claim_ids(book: Path) -> list[str]:
    sheet = openpyxl.load_workbook(book, read_only=True)["Claims"]
    return sorted(str(row[0]) for row in sheet.iter_rows(min_row=2, max_col=1, values_only=True))


def test_clean_up_leaves_a_live_writers_temporary(tmp_path: Path) -> None:
    out = tmp_path / "a.csv"
    writer = _paused_writer(out)
    (in_progress,) = _temporaries(tmp_path)
    remove_stale_temporaries(tmp_path)
    assert _temporaries(tmp_path) == [in_progress]
    finished, _ = writer.communicate("go on\n", timeout=30)
    assert writer.returncode == 0 and finished == "done\n"
    assert out.read_bytes() == b"first half, second half"
    assert _temporaries(tmp_path) == []


def test_clean_up_takes_a_killed_writers_temporary(tmp_path: Path) -> None:
    writer = _paused_writer(tmp_path / "a.csv")
    writer.send_signal(signal.SIGKILL)
    writer.communicate(timeout=30)
    assert writer.returncode == -signal.SIGKILL
    (left,) = _temporaries(tmp_path)
    assert left.read_bytes() == b"first half, "
    remove_stale_temporaries(tmp_path)
    assert _temporaries(tmp_path) == []
    assert not (tmp_path / "a.csv").exists()


def test_clean_up_skips_what_is_not_a_regular_temporary(tmp_path: Path) -> None:
    import os

    fifo, link, target = tmp_path / f"{TEMP_PREFIX}f.tmp", tmp_path / f"{TEMP_PREFIX}l.tmp", tmp_path / "kept"
    os.mkfifo(fifo)
    target.write_text("kept")
    link.symlink_to(target)
    remove_stale_temporaries(tmp_path)  # must neither block on the FIFO nor follow the link
    assert fifo.exists() and link.is_symlink() and target.read_text() == "kept"


def test_a_build_beside_a_live_writer_leaves_it_alone(tmp_path: Path) -> None:
    root = write_project(tmp_path / "p", PIVOT_FILES)
    writer = _paused_writer(tmp_path / "a.csv")
    build = _build(root, tmp_path / "b.xlsx")
    _, err = build.communicate(timeout=120)
    assert (build.returncode, err) == (0, "")
    finished, _ = writer.communicate("go on\n", timeout=30)
    assert writer.returncode == 0 and finished == "done\n"
    assert (tmp_path / "a.csv").read_bytes() == b"first half, second half"
    assert _claim_ids(tmp_path / "b.xlsx") == ["a1", "a2", "a3", "a4", "b1", "b2", "b3", "b4"]


def test_a_build_removes_a_killed_builds_temporary(tmp_path: Path) -> None:
    root = write_project(tmp_path / "p", PIVOT_FILES)
    writer = _paused_writer(tmp_path / "a.xlsx")
    writer.kill()
    writer.communicate(timeout=30)
    assert len(_temporaries(tmp_path)) == 1
    build = _build(root, tmp_path / "b.xlsx")
    assert build.communicate(timeout=120)[1] == "" and build.returncode == 0
    assert _temporaries(tmp_path) == []


@pytest.mark.parametrize("same_output", [False, True], ids=["different-outputs", "same-output"])
def test_concurrent_builds_into_one_folder_all_succeed(tmp_path: Path, same_output: bool) -> None:
    """A build is half-way through writing when two more into the same folder start and
    finish (as under `make -j`); every one succeeds, each workbook is whole, the last wins."""
    root = write_project(tmp_path / "p", PIVOT_FILES)
    outs = [tmp_path / ("book.xlsx" if same_output else f"book-{i}.xlsx") for i in range(3)]
    go_on = tmp_path / "p" / "go-on"
    first = _build(root, outs[0], until=go_on)
    _wait_for_temporary(tmp_path)
    later = [_build(root, out) for out in outs[1:]]
    assert [(b.communicate(timeout=180)[1], b.returncode) for b in later] == [("", 0)] * len(later)
    assert len(_temporaries(tmp_path)) == 1  # the first build's, still being written
    go_on.touch()
    assert (first.communicate(timeout=180)[1], first.returncode) == ("", 0)
    for out in set(outs):
        assert zipfile.ZipFile(out).testzip() is None
        assert _claim_ids(out) == ["a1", "a2", "a3", "a4", "b1", "b2", "b3", "b4"]
    assert _temporaries(tmp_path) == []


def test_atomic_output_replaces_only_when_complete(tmp_path: Path) -> None:
    out = tmp_path / "x.csv"
    out.write_bytes(b"old")
    with pytest.raises(RuntimeError), atomic_output(out) as handle:
        handle.write(b"new, half")
        raise RuntimeError("stop")
    assert out.read_bytes() == b"old" and _temporaries(tmp_path) == []
    with atomic_output(out) as handle:
        handle.write(b"new")
    assert out.read_bytes() == b"new" and oct(out.stat().st_mode & 0o777) == "0o644"
