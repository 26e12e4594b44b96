"""The command line: exit codes, exact text output, and what is (not) written."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from matrix.cli import run
from tests.conftest import CLAIMS_A, EXPORT_QUOTE, PIVOT_FILES, SEED_A, SPACE_QUOTE, c, claims_yaml, write_project

Cli = Callable[..., tuple[int, str, str]]
ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def cli(capsys: pytest.CaptureFixture[str]) -> Cli:
    """Run the real entry point in-process: (exit code, stdout, stderr)."""

    def invoke(*args: str | Path) -> tuple[int, str, str]:
        with pytest.raises(SystemExit) as done:
            run([str(a) for a in args])
        out, err = capsys.readouterr()
        return int(done.value.code or 0), out, err

    return invoke


def spreadsheet_rows(out: str) -> list[dict[str, str]]:
    """The rows of `export --format csv` (the spreadsheet variant), which starts with the BOM."""
    assert out.startswith("\ufeff") and not out.startswith("\ufeff\ufeff")
    return list(csv.DictReader(io.StringIO(out.removeprefix("\ufeff"))))


def inputs_of(root: Path) -> dict[Path, bytes]:
    """Every file under root but the cache, with its bytes."""
    return {p: p.read_bytes() for p in root.rglob("*") if p.is_file() and ".cache" not in p.parts}


def broken(tmp_path: Path) -> Path:
    return write_project(tmp_path, {"claims/a.yaml": CLAIMS_A.replace("stance: divergence", "stance: divergance")})


def test_validate_clean_exit_0(cli: Cli, tmp_path: Path) -> None:
    code, out, _ = cli("validate", "--root", write_project(tmp_path, {}))
    assert (code, out) == (0, "valid: 2 claims in 2 files: 0 errors, 0 warnings\n")


def test_validate_text_format_exact(cli: Cli, tmp_path: Path) -> None:
    code, out, _ = cli("validate", "--root", broken(tmp_path), "--format", "text")
    assert code == 1
    assert out.splitlines() == [
        "claims/a.yaml:10:13: error unknown-stance: stance 'divergance' is not one of: convergence, divergence (did you mean 'divergence'?)",
        "invalid: 2 claims in 2 files: 1 error, 0 warnings",
    ]


def test_validate_json(cli: Cli, tmp_path: Path) -> None:
    code, out, _ = cli("validate", "--root", broken(tmp_path), "--format", "json")
    payload = json.loads(out)
    assert code == 1
    assert (payload["valid"], payload["errors"], payload["claims"]) == (False, 1, 2)
    assert payload["problems"][0] | {"message": "", "hint": ""} == {
        "file": "claims/a.yaml",
        "line": 10,
        "column": 13,
        "level": "error",
        "code": "unknown-stance",
        "subject": "a-1",
        "message": "",
        "hint": "",
    }


def test_strict_fails_on_warnings(cli: Cli, tmp_path: Path) -> None:
    root = write_project(tmp_path, {"claims/b.yaml": None})  # no CFR source: two unused-vocabulary warnings
    assert cli("validate", "--root", root)[0] == 0
    code, out, _ = cli("validate", "--root", root, "--strict", "--format", "text")
    assert code == 1
    assert (
        out.splitlines()[-1]
        == "invalid: 1 claim in 1 file: 0 errors, 2 warnings (--strict: warnings count as failures)"
    )


def test_usage_errors_exit_2(cli: Cli, tmp_path: Path) -> None:
    assert cli("validate", "--root", tmp_path / "missing")[0] == 2
    assert cli("validate", "--format", "xml", "--root", write_project(tmp_path, {}))[0] == 2
    assert cli("frobnicate")[0] == 2
    code, _, err = cli("summary", "--root", write_project(tmp_path, {}), "--topic", "spcae")
    assert code == 2 and "did you mean 'space'?" in err


def test_rich_table_escapes_markup(cli: Cli, tmp_path: Path) -> None:
    root = write_project(
        tmp_path, {"claims/a.yaml": CLAIMS_A.replace("stance: divergence", "stance: '[bold red]x[/]'")}
    )
    code, out, _ = cli("validate", "--root", root)
    assert code == 1
    assert "[bold red]x[/]" in out
    assert "\x1b" not in out


def test_build_writes_workbook_and_summary(cli: Cli, tmp_path: Path) -> None:
    root = write_project(tmp_path, PIVOT_FILES)
    code, out, _ = cli("build", "--root", root)
    assert code == 0
    assert (root / "output" / "claims-matrix.xlsx").is_file()
    assert out.splitlines()[-1] == f"wrote {root / 'output' / 'claims-matrix.xlsx'} (8 claims, 0 warnings)"
    assert "Stance" in out


def test_failed_build_leaves_existing_workbook_untouched(cli: Cli, tmp_path: Path) -> None:
    root = write_project(tmp_path, {})
    out = tmp_path / "book.xlsx"
    assert cli("build", "--root", root, "--out", out, "-q")[0] == 0
    before = out.read_bytes()
    write_project(tmp_path, {"claims/a.yaml": CLAIMS_A.replace("stance: divergence", "stance: divergance")})
    code, stdout, err = cli("build", "--root", root, "--out", out)
    assert code == 1
    assert "unknown-stance" in err and "nothing was written" in err
    assert stdout == ""
    assert out.read_bytes() == before
    assert sorted(os.listdir(tmp_path)) == [".cache", "book.xlsx", "claims", "seeds"]


@pytest.mark.parametrize(
    "out, message",
    [
        ("claims/a.yaml", "must end in .xlsx"),
        ("seeds", "must end in .xlsx"),
        ("nowhere/book.xlsx", "does not exist"),
        ("dir.xlsx", "is a folder"),
    ],
)
def test_build_refuses_bad_out(cli: Cli, tmp_path: Path, out: str, message: str) -> None:
    root = write_project(tmp_path, {})
    (root / "dir.xlsx").mkdir()
    before = inputs_of(root)
    code, _, err = cli("build", "--root", root, "--out", root / out)
    assert code == 2
    assert message in err
    assert inputs_of(root) == before


@pytest.mark.parametrize("through_link", [False, True], ids=["the-file", "a-link-to-it"])
def test_export_refuses_an_input_as_out(cli: Cli, tmp_path: Path, through_link: bool) -> None:
    # a source text may have any name: one ending in .csv is an input that --out could hit
    claims = CLAIMS_A.replace("text: seeds/a.txt", "text: seeds/a.csv")
    root = write_project(tmp_path / "p", {"claims/a.yaml": claims, "seeds/a.csv": SEED_A})
    out = root / "seeds" / "a.csv"
    if through_link:
        out = tmp_path / "link.csv"
        out.symlink_to(root / "seeds" / "a.csv")
    before = inputs_of(root)
    code, _, err = cli("export", "--root", root, "--format", "csv", "--out", out)
    assert code == 2 and "is one of the input files" in err
    assert inputs_of(root) == before


def test_export_csv_and_json(cli: Cli, tmp_path: Path) -> None:
    root = write_project(tmp_path, PIVOT_FILES)
    code, out, _ = cli("export", "--root", root, "--format", "csv", "--perspective", "CFR")
    rows = spreadsheet_rows(out)
    assert code == 0
    assert [r["id"] for r in rows] == ["b1", "b2", "b3", "b4"]
    assert rows[0]["quote_at"] == "seeds/b.txt:2:1"
    code, out, _ = cli("export", "--root", root, "--format", "json", "--actor", "US")
    records = json.loads(out)
    assert [(r["id"], r["approach"], r["note"]) for r in records] == [
        ("a2", "unilateral", None),
        ("b1", "unilateral", None),
    ]
    target = tmp_path / "claims.json"
    assert cli("export", "--root", root, "--format", "json", "--out", target)[0] == 0
    assert json.loads(target.read_text()) == json.loads(cli("export", "--root", root, "--format", "json")[1])


TWO_PASSAGES = {
    **PIVOT_FILES,
    "claims/c.yaml": claims_yaml(
        "src-c", "CFR", "seeds/a.txt", [{"id": "c1", "topic": "space", "stance": "convergence"}]
    )
    + f"    quotes:\n      - {SPACE_QUOTE}\n      - {EXPORT_QUOTE}\n",
}


def test_export_shows_every_passage(cli: Cli, tmp_path: Path) -> None:
    root = write_project(tmp_path, TWO_PASSAGES)
    code, out, _ = cli("export", "--root", root, "--format", "csv", "--source", "src-c")
    assert code == 0
    (row,) = spreadsheet_rows(out)
    assert (row["id"], row["quote"], row["quote_at"]) == (
        "c1",
        f"{SPACE_QUOTE} \u2026 \u00b6 {EXPORT_QUOTE}",
        "seeds/a.txt:3:1",
    )
    assert "quotes" not in row  # the CSV keeps its columns
    code, out, _ = cli("export", "--root", root, "--format", "json", "--source", "src-c")
    (record,) = json.loads(out)
    assert record["quotes"] == [SPACE_QUOTE, EXPORT_QUOTE]
    assert record["quotes_at"] == ["seeds/a.txt:3:1", "seeds/a.txt:2:1"]
    assert record["quote"] == f"{SPACE_QUOTE} \u2026 \u00b6 {EXPORT_QUOTE}"


def test_export_per_passage(cli: Cli, tmp_path: Path) -> None:
    root = write_project(tmp_path, TWO_PASSAGES)
    code, out, _ = cli("export", "--root", root, "--format", "csv", "--per", "passage", "--perspective", "CFR")
    assert code == 0
    rows = spreadsheet_rows(out)
    assert [(r["claim"], r["location"]) for r in rows] == [
        ("b1", "seeds/b.txt:2:1"),
        ("b2", "seeds/b.txt:2:1"),
        ("b3", "seeds/b.txt:3:1"),
        ("b4", "seeds/b.txt:3:1"),
        ("c1", "seeds/a.txt:3:1"),
        ("c1", "seeds/a.txt:2:1"),
    ]
    assert list(rows[0]) == ["claim", "source", "perspective", "topic", "stance", "location", "passage"]
    assert rows[-1]["passage"] == EXPORT_QUOTE
    code, out, _ = cli("export", "--root", root, "--format", "json", "--per", "passage", "--source", "src-c")
    assert [(r["claim"], r["passage"]) for r in json.loads(out)] == [("c1", SPACE_QUOTE), ("c1", EXPORT_QUOTE)]
    assert cli("export", "--root", root, "--format", "json", "--per", "word")[0] == 2


def test_count_sources(cli: Cli, tmp_path: Path) -> None:
    root = write_project(tmp_path, PIVOT_FILES)
    code, out, _ = cli("summary", "--root", root, "--format", "json", "--count", "sources")
    data = json.loads(out)
    assert code == 0 and data["count"] == "sources"
    first = data["stance"][0]
    assert (first["topic"], first["perspective"], first["convergence"], first["divergence"], first["sources"]) == (
        "export-controls",
        "US-India",
        1,
        1,
        1,
    )
    code, out, _ = cli("summary", "--root", root, "--count", "sources", "--width", "100")
    assert code == 0 and "Stance: +convergence/-divergence sources" in out
    code, out, _ = cli("build", "--root", root, "--count", "sources", "-q")
    assert code == 0
    assert cli("summary", "--root", root, "--count", "documents")[0] == 2


def test_summary_json_numbers(cli: Cli, tmp_path: Path) -> None:
    code, out, _ = cli("summary", "--root", write_project(tmp_path, PIVOT_FILES), "--format", "json")
    data = json.loads(out)
    assert code == 0
    assert [(t["perspective"], t["convergence"], t["divergence"]) for t in data["totals"]] == [
        ("US-India", 3, 1),
        ("CFR", 1, 3),
    ]
    assert data["contrasts"][0]["topic"] == "export-controls" and data["contrasts"][0]["opposite"] is True


def test_every_command_has_help_and_is_in_the_readme(cli: Cli) -> None:
    from matrix.cli import main

    readme = (ROOT / "README.md").read_text()
    for command in main.commands:
        code, out, _ = cli(command, "--help")
        assert code == 0 and ("--root" in out or command == "init")  # init's DIR is the project it starts
        assert f"claims-matrix {command}" in readme


def test_determinism_byte_identical(cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = write_project(tmp_path, PIVOT_FILES)
    first, second = tmp_path / "one.xlsx", tmp_path / "two.xlsx"
    assert cli("build", "--root", root, "--out", first, "-q")[0] == 0
    assert cli("build", "--root", root, "--out", second, "-q")[0] == 0
    assert first.read_bytes() == second.read_bytes()
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    assert cli("build", "--root", root, "--out", second, "-q")[0] == 0
    assert first.read_bytes() != second.read_bytes()


def test_child_processes_give_the_same_bytes(cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import matrix.files.workers

    root = write_project(tmp_path, PIVOT_FILES)
    alone, shared = tmp_path / "alone.xlsx", tmp_path / "shared.xlsx"
    assert cli("build", "--root", root, "--out", alone, "-q", "--no-cache")[0] == 0
    monkeypatch.setattr(
        matrix.files.workers, "PARALLEL_WEIGHT", 1
    )  # parse, quotes, coverage and Claims rows in children
    monkeypatch.setattr(matrix.files.workers.os, "cpu_count", lambda: 2)
    assert cli("build", "--root", root, "--out", shared, "-q", "--no-cache")[0] == 0
    assert alone.read_bytes() == shared.read_bytes()


@pytest.mark.parametrize("children", [False, True], ids=["alone", "with-children"])
def test_full_disk_is_a_clear_error_and_keeps_old_file(
    cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, children: bool
) -> None:
    import errno

    import matrix.files.workers
    import matrix.workbook.rows

    root = write_project(tmp_path, PIVOT_FILES)
    out = tmp_path / "book.xlsx"
    out.write_bytes(b"previous workbook")
    if children:  # the Claims rows are rendered by a child, which hits the full disk
        monkeypatch.setattr(matrix.files.workers, "PARALLEL_WEIGHT", 1)
        monkeypatch.setattr(matrix.files.workers.os, "cpu_count", lambda: 2)

    def full(*args: object, **kwargs: object) -> int:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(matrix.workbook.rows.StreamedRows, "render", full)
    code, _, err = cli("build", "--root", root, "--out", out, "-q")
    assert code == 1
    assert f"cannot write '{out}': No space left on device" in err and "Traceback" not in err
    assert out.read_bytes() == b"previous workbook"
    assert sorted(p.name for p in tmp_path.iterdir()) == [".cache", "book.xlsx", "claims", "seeds"]


def test_injected_failure_mid_save_keeps_old_file(cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from openpyxl.writer.excel import ExcelWriter

    root = write_project(tmp_path, PIVOT_FILES)
    out = tmp_path / "book.xlsx"
    assert cli("build", "--root", root, "--out", out, "-q")[0] == 0
    digest = hashlib.sha256(out.read_bytes()).hexdigest()
    real = ExcelWriter.write_worksheet

    def interrupted(self: ExcelWriter, ws: object) -> None:
        real(self, ws)
        raise KeyboardInterrupt  # as if Ctrl-C arrived half way through the sheets

    monkeypatch.setattr(ExcelWriter, "write_worksheet", interrupted)
    code, _, err = cli("build", "--root", root, "--out", out, "-q")
    assert code == 130 and "interrupted" in err
    assert hashlib.sha256(out.read_bytes()).hexdigest() == digest
    assert sorted(os.listdir(tmp_path)) == [".cache", "book.xlsx", "claims", "seeds"]


def test_no_traceback_for_internal_errors_without_debug(
    cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import matrix.cli

    def boom(*args: object, **options: object) -> None:
        raise RuntimeError("boom \x1b[31m\x00")

    monkeypatch.setattr(matrix.cli, "check", boom)
    code, _, err = cli("validate", "--root", write_project(tmp_path, {}))
    assert code == 1
    assert "internal error: RuntimeError: boom \\u001b[31m\\u0000" in err and "Traceback" not in err
    assert "\x1b" not in err and "\x00" not in err
    with pytest.raises(RuntimeError):
        run(["--debug", "validate", "--root", str(tmp_path)])


def test_python_dash_m_and_console_script(tmp_path: Path) -> None:
    root = write_project(tmp_path, {})
    module = subprocess.run(
        [sys.executable, "-m", "matrix", "validate", "--root", root, "--format", "text"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert (module.returncode, module.stdout) == (0, "valid: 2 claims in 2 files: 0 errors, 0 warnings\n")
    script = Path(sys.executable).parent / "claims-matrix"
    if script.exists():
        result = subprocess.run(
            [script, "validate", "--root", root, "--format", "text"], capture_output=True, text=True, check=False
        )
        assert (result.returncode, result.stdout) == (module.returncode, module.stdout)


def test_validate_path_does_not_import_pandas_or_openpyxl(tmp_path: Path) -> None:
    root = write_project(tmp_path, {})
    probe = (
        "import sys\n"
        "from matrix.cli import run\n"
        "try:\n"
        f"    run(['validate', '--root', {str(root)!r}, '--format', 'text'])\n"
        "except SystemExit:\n"
        "    pass\n"
        "print(sorted(m for m in ('pandas', 'openpyxl', 'numpy') if m in sys.modules))\n"
    )
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert result.stdout.splitlines()[-1] == "[]"


def test_max_file_size_option(cli: Cli, tmp_path: Path) -> None:
    root = write_project(tmp_path, {})
    code, out, _ = cli("validate", "--root", root, "--format", "text", "--max-file-size", "0.0001")
    assert code == 1
    assert [line.split(":")[0] + ":" + line.split(": ")[1].split(" ")[1] for line in out.splitlines()[:-1]] == [
        "claims/a.yaml:file-too-large",
        "claims/b.yaml:file-too-large",
        "claims/codebook.yaml:file-too-large",
    ]


def _previous_workbook(tmp_path: Path) -> tuple[Path, Path]:
    """A project under tmp_path/p, and tmp_path/book.xlsx holding an earlier workbook."""
    out = tmp_path / "book.xlsx"
    out.write_bytes(b"previous workbook")
    return write_project(tmp_path / "p", PIVOT_FILES), out


def _build_program(prelude: str, root: Path, out: Path, *options: str) -> str:
    """A Python program that, after `prelude` (its patches), runs `claims-matrix build` as the
    console script does: it leaves with os._exit, no atexit clean-up."""
    argv = ["claims-matrix", "build", "--root", str(root), "--out", str(out), "-q", *options]
    return f"{prelude}import sys\nfrom matrix.cli import run\nsys.argv = {argv!r}\nrun()\n"


@pytest.mark.parametrize("children", [False, True], ids=["alone", "with-children"])
def test_sigterm_mid_build_leaves_old_workbook_and_no_temporaries(tmp_path: Path, children: bool) -> None:
    import signal
    import time

    root, out = _previous_workbook(tmp_path)
    sharing = (
        "import os, time, matrix.files.workers as w, matrix.workbook.rows as b; w.PARALLEL_WEIGHT = 1; os.cpu_count = lambda: 2\n"
        "render = b.StreamedRows.render\n"
        "b.StreamedRows.render = lambda *a: (time.sleep(60), render(*a))[1]\n"  # a child still at work
        if children
        else ""
    )
    slow = _build_program(
        f"{sharing}import time, openpyxl.writer.excel as x\n"
        "real = x.ExcelWriter.write_worksheet\n"
        "def slow(self, ws):\n"
        "    real(self, ws)\n"
        "    time.sleep(30)\n"
        "x.ExcelWriter.write_worksheet = slow\n",
        root,
        out,
        "--no-cache",
    )
    process = subprocess.Popen([sys.executable, "-c", slow], stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and not list(tmp_path.glob(".~claims-matrix-*")):
        time.sleep(0.05)
    assert list(tmp_path.glob(".~claims-matrix-*")), "the build never started writing"
    process.send_signal(signal.SIGTERM)
    _, err = process.communicate(timeout=30)
    assert process.returncode == 130 and "interrupted" in err and "Traceback" not in err
    assert out.read_bytes() == b"previous workbook"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["book.xlsx", "p"]
    survivors = [p for p in Path("/proc").glob("[0-9]*") if _cmdline(p) == process.args]
    assert survivors == []  # no forked child goes on working after the build is gone


@pytest.mark.parametrize("hiding", ["ValueError('zip closed with a member open')", "OSError(5, 'I/O error')"])
def test_an_error_in_the_clean_up_of_an_interrupt_does_not_hide_it(tmp_path: Path, hiding: str) -> None:
    """An interrupt that lands where a clean-up then fails (zipfile's close with a member still
    open, say) is reported as the interrupt, exit 130: not as an internal error or a write error."""
    root, out = _previous_workbook(tmp_path)
    script = _build_program(
        "import openpyxl.writer.excel as x\n"
        "def interrupted(self, ws):\n"
        "    try:\n"
        "        raise KeyboardInterrupt\n"
        "    finally:\n"
        f"        raise {hiding}\n"
        "x.ExcelWriter.write_worksheet = interrupted\n",
        root,
        out,
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=False)
    assert (done.returncode, done.stderr) == (130, "interrupted\n")
    assert out.read_bytes() == b"previous workbook"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["book.xlsx", "p"]


def _cmdline(proc: Path) -> list[str]:
    try:
        return proc.joinpath("cmdline").read_bytes().decode(errors="replace").split("\0")[:-1]
    except OSError:
        return []


def _build_on(stderr_is_terminal: bool, root: Path, out: Path, term: str = "xterm", setup: str = "") -> tuple[str, str]:
    """A real `build` process (every bar forced by a threshold of 0; `setup` run first), its
    stderr a pseudo-terminal or a pipe: (stdout, stderr)."""
    import select

    snippet = (
        f"{setup}import sys, matrix.terminal as t\n"
        "t.PROGRESS_MIN_ITEMS = 0\n"
        "from matrix.cli import run\n"
        f"sys.argv = ['claims-matrix', 'build', '--root', {str(root)!r}, '--out', {str(out)!r}, '-q']\n"
        "run()\n"
    )
    env = {**os.environ, "TERM": term}
    env.pop("NO_COLOR", None)
    if not stderr_is_terminal:
        done = subprocess.run(
            [sys.executable, "-c", snippet], check=True, capture_output=True, text=True, env=env, timeout=60
        )
        return done.stdout, done.stderr
    master, slave = os.openpty()
    process = subprocess.Popen([sys.executable, "-c", snippet], stdout=subprocess.PIPE, stderr=slave, env=env)
    os.close(slave)
    seen = b""
    while True:
        ready, _, _ = select.select([master], [], [], 60)
        try:
            chunk = os.read(master, 65536) if ready else b""
        except OSError:  # the process closed the terminal
            chunk = b""
        if not chunk:
            break
        seen += chunk
    os.close(master)
    stdout = process.communicate(timeout=60)[0].decode()
    return stdout, seen.decode(errors="replace")


def test_progress_bars_on_a_terminal_only(tmp_path: Path) -> None:
    root = write_project(tmp_path / "p", PIVOT_FILES)
    out = tmp_path / "book.xlsx"
    stdout, terminal = _build_on(True, root, out)
    assert "reading claims" in terminal and "writing workbook" in terminal
    assert stdout.startswith("wrote ") and "reading claims" not in stdout
    stdout, piped = _build_on(False, root, out)
    assert piped == "" and stdout.startswith("wrote ")
    _, dumb = _build_on(True, root, out, term="dumb")
    assert "reading claims" not in dumb and "writing workbook" not in dumb


FORMULA_NOTES = ['=HYPERLINK("http://x.test","click")', "+1+2", "-3+4", "@SUM(A1)", "plain note"]


def test_export_csv_neutralises_formulas_raw_and_json_keep_them(cli: Cli, tmp_path: Path) -> None:
    """OWASP's CSV-injection advice: a text cell starting with = + - @ gets a leading ' in
    CSV; `--raw` and JSON keep the text as typed."""
    notes = "".join(f"    note: {json.dumps(n)}\n" for n in FORMULA_NOTES[:1])
    claims = (
        CLAIMS_A
        + notes
        + "".join(
            f"  - id: a-{i}\n    topic: space\n    stance: convergence\n    note: {json.dumps(n)}\n"
            "    quote: Both governments agree to expand civil space cooperation together.\n"
            for i, n in enumerate(FORMULA_NOTES[1:], start=2)
        )
    )
    root = write_project(tmp_path, {"claims/a.yaml": claims, "seeds/a.txt": SEED_A})
    code, out, _ = cli("export", "--root", root, "--format", "csv", "--source", "src-a")
    assert code == 0
    rows = spreadsheet_rows(out)
    assert [r["note"] for r in rows] == ["'" + n for n in FORMULA_NOTES[:4]] + ["plain note"]
    assert rows[0]["id"] == "a-1" and rows[0]["quote"].startswith("The United States")
    code, out, _ = cli("export", "--root", root, "--format", "csv", "--source", "src-a", "--raw")
    assert code == 0 and [r["note"] for r in csv.DictReader(io.StringIO(out))] == FORMULA_NOTES
    for extra in ([], ["--raw"]):
        code, out, _ = cli("export", "--root", root, "--format", "json", "--source", "src-a", *extra)
        assert code == 0 and [r["note"] for r in json.loads(out)] == FORMULA_NOTES


@pytest.mark.parametrize("children", [False, True], ids=["alone", "with-children"])
def test_workbook_progress_bar_advances_to_its_total(tmp_path: Path, children: bool) -> None:
    import re

    claims = [c(f"a{i}", "space", "convergence") for i in range(3000)]
    root = write_project(tmp_path / "p", {"claims/a.yaml": claims_yaml("src-a", "US-India", "seeds/a.txt", claims)})
    sharing = "import os, matrix.files.workers as w; w.PARALLEL_WEIGHT = 1; os.cpu_count = lambda: 2\n"
    stdout, terminal = _build_on(True, root, tmp_path / "book.xlsx", setup=sharing if children else "")
    assert stdout.startswith("wrote ") and "(3001 claims" in stdout
    plain = re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", terminal)
    shown = [(int(done), int(total)) for done, total in re.findall(r"writing workbook.*?(\d+)/(\d+)", plain)]
    assert shown, terminal
    assert {total for _, total in shown} == {6002}  # the rows of Claims and of Evidence
    assert [done for done, _ in shown] == sorted(done for done, _ in shown)  # never backwards
    assert shown[-1] == (6002, 6002)  # ends complete


@pytest.mark.parametrize("command", [["build", "--out", "book.xlsx"], ["summary"], ["coverage"]])
def test_a_reader_that_stops_early_is_no_failure(tmp_path: Path, command: list[str]) -> None:
    """`claims-matrix build 2>&1 | head -0`: the closed pipe ends the run quietly with exit 0
    (rich alone would exit 1)."""
    root = write_project(tmp_path, PIVOT_FILES)
    read, write = os.pipe()
    process = subprocess.Popen(
        [sys.executable, "-m", "matrix", *command, "--root", str(root)],
        stdout=write,
        stderr=write,
        cwd=tmp_path,
        env={**os.environ, "COLUMNS": "40"},
    )
    os.close(write)
    os.close(read)  # the reader has gone before a line is written: every write meets a closed pipe
    assert process.wait(timeout=60) == 0
    if command[0] == "build":
        assert (tmp_path / "book.xlsx").stat().st_size > 0  # written before the summary was printed
