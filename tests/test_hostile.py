"""Hostile input for the commands that write, read a named file or compare versions: init,
add-source, import, report, schema, build, diff, agree; the rules behind them (`paths`,
`files`, `FiniteRange`, `periods`), each tested once where it lives and then on every command."""

from __future__ import annotations

import datetime as dt
import io
import os
import signal
import stat
import subprocess
import zipfile
from collections.abc import Iterator
from pathlib import Path

import click
import openpyxl
import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from matrix import check
from matrix.authoring.starter import starter_files
from matrix.cli import FiniteRange, PathType, main, run
from matrix.files.paths import OutputRefused, atomic_output, writable
from matrix.files.reading import Unreadable, read_limited
from matrix.time.periods import Period, calendar_periods, parse_date, parse_span, windows
from matrix.workbook import reading
from tests.conftest import CLAIMS_A, CLAIMS_B, SEED_A, write_project

Result = tuple[int, str, str]
_CHECKS = [HealthCheck.function_scoped_fixture, HealthCheck.too_slow]
FEW = settings(settings.default, max_examples=25, deadline=None, suppress_health_check=_CHECKS)


def _invoke(args: list[str], capsys: pytest.CaptureFixture[str]) -> Result:
    with pytest.raises(SystemExit) as done:
        run(args)
    out, err = capsys.readouterr()
    code = int(done.value.code or 0)
    assert "Traceback" not in err and "internal error" not in err, err
    return code, out, err


@pytest.fixture
def alarm() -> Iterator[None]:
    """Fail (instead of hanging) a test that blocks for 20 s: a named pipe read would."""

    def hung(signum: int, frame: object) -> None:
        raise TimeoutError("blocked")

    previous = signal.signal(signal.SIGALRM, hung)
    signal.alarm(20)
    yield
    signal.alarm(0)
    signal.signal(signal.SIGALRM, previous)


@pytest.fixture
def project(tmp_path: Path) -> Path:
    return write_project(tmp_path / "p", {})


def _snapshot(folder: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(folder)): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and not p.is_symlink() and ".cache" not in p.parts
    }


# --- the write rule (matrix/paths.py) ---------------------------------------------------


@pytest.mark.parametrize("mode", [0o600, 0o640, 0o444 | 0o200, 0o755])
def test_atomic_output_keeps_the_replaced_files_permissions(tmp_path: Path, mode: int) -> None:
    out = tmp_path / "f.txt"
    out.write_text("old")
    out.chmod(mode)
    with atomic_output(out) as handle:
        handle.write(b"new")
    assert out.read_text() == "new"
    assert stat.S_IMODE(out.stat().st_mode) == mode


def test_atomic_output_gives_a_new_file_0644(tmp_path: Path) -> None:
    with atomic_output(tmp_path / "new.txt") as handle:
        handle.write(b"x")
    assert stat.S_IMODE((tmp_path / "new.txt").stat().st_mode) == 0o644


def test_writable_refuses_read_only_files_and_folders_by_their_mode(tmp_path: Path) -> None:
    (tmp_path / "ro.txt").write_text("x")
    (tmp_path / "ro.txt").chmod(0o444)
    (tmp_path / "locked").mkdir()
    (tmp_path / "locked").chmod(0o555)
    try:
        with pytest.raises(OutputRefused, match="read-only"):
            writable(tmp_path / "ro.txt", tmp_path)
        with pytest.raises(OutputRefused, match="read-only"):
            writable(tmp_path / "locked" / "x.txt", tmp_path)
    finally:
        (tmp_path / "locked").chmod(0o755)


def test_writable_follows_a_link_inside_the_project_and_refuses_one_out(tmp_path: Path) -> None:
    root, outside = tmp_path / "p", tmp_path / "outside.html"
    root.mkdir()
    outside.write_text("keep")
    (root / "real.html").write_text("x")
    (root / "in.html").symlink_to("real.html")
    (root / "out.html").symlink_to(outside)
    (root / "dir").symlink_to(tmp_path)
    assert writable(root / "in.html", root) == (root / "real.html").resolve()
    for name in ("out.html", "dir/x.html"):
        with pytest.raises(OutputRefused, match="leads out of the project"):
            writable(root / name, root)
    (root / "broken.html").symlink_to("nowhere.html")
    with pytest.raises(OutputRefused, match="broken"):
        writable(root / "broken.html", root)


@pytest.mark.parametrize(
    ("command", "default"),
    [
        ("report", "output/claims-matrix.html"),
        ("schema", "claims/claims.schema.json"),
        ("build", "output/claims-matrix.xlsx"),
    ],
)
@pytest.mark.parametrize("suffix", [".txt", ".html", ".json", ".xlsx"])
def test_a_default_output_linked_out_of_the_project_is_never_written_through(
    project: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], command: str, default: str, suffix: str
) -> None:
    outside = tmp_path / f"outside{suffix}"
    outside.write_text("the user's file")
    link = project / default
    link.parent.mkdir(exist_ok=True)
    link.symlink_to(outside)
    code, _, err = _invoke([command, "--root", str(project)], capsys)
    assert code == 2 and "Error" in err
    assert outside.read_text() == "the user's file"
    assert link.is_symlink()


@pytest.mark.parametrize("command", ["report", "build"])
@pytest.mark.parametrize("shape", ["file", "broken link", "link out", "missing in a read-only project"])
def test_output_folder_a_file_or_a_link_is_a_clear_error(
    project: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], command: str, shape: str
) -> None:
    output = project / "output"
    if shape.startswith("missing"):
        project.chmod(0o555)
        try:
            code, _, err = _invoke([command, "--root", str(project)], capsys)
        finally:
            project.chmod(0o755)
        assert code == 2 and "read-only" in err and not output.exists()
        return
    if shape == "file":
        output.write_text("not a folder")
    elif shape == "broken link":
        output.symlink_to(tmp_path / "nowhere")
    else:
        (tmp_path / "elsewhere").mkdir()
        output.symlink_to(tmp_path / "elsewhere")
    code, _, err = _invoke([command, "--root", str(project)], capsys)
    assert code == 2 and "output" in err
    assert shape != "link out" or list((tmp_path / "elsewhere").iterdir()) == []


@pytest.mark.parametrize(("command", "out"), [("report", "x.html"), ("build", "x.xlsx"), ("export", "x.csv")])
def test_a_read_only_out_file_is_a_usage_error(
    project: Path, capsys: pytest.CaptureFixture[str], command: str, out: str
) -> None:
    target = project / out
    target.write_text("old")
    target.chmod(0o444)
    extra = ["--format", "csv"] if command == "export" else []
    code, _, err = _invoke([command, "--root", str(project), "--out", str(target), *extra], capsys)
    assert code == 2 and "read-only" in err
    assert target.read_text() == "old"


def test_schema_keeps_the_permissions_of_the_schema_it_replaces(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    schema = project / "claims" / "claims.schema.json"
    schema.write_text("{}")
    schema.chmod(0o600)
    code, _, _ = _invoke(["schema", "--root", str(project)], capsys)
    assert code == 0 and schema.read_text() != "{}"
    assert stat.S_IMODE(schema.stat().st_mode) == 0o600


def test_schema_refuses_a_codebook_that_validate_rejects(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    codebook = project / "claims" / "codebook.yaml"
    codebook.write_text(codebook.read_text().replace("id: space", "id: Export-Controls"))
    code, _, err = _invoke(["schema", "--root", str(project)], capsys)
    assert code == 1 and "duplicate-id" in err
    assert not (project / "claims" / "claims.schema.json").exists()


# --- the read rule (matrix/files.py) ------------------------------------------------------


def test_read_limited_refuses_a_named_pipe_at_once(tmp_path: Path, alarm: None) -> None:
    os.mkfifo(tmp_path / "pipe")
    with pytest.raises(Unreadable, match="not a regular file"):
        read_limited(tmp_path / "pipe", 100)


def test_read_limited_judges_the_size_before_reading(tmp_path: Path) -> None:
    huge = tmp_path / "huge.txt"
    with huge.open("wb") as handle:
        handle.truncate(1 << 30)  # sparse: a gigabyte that takes no disk, and would take seconds to read
    with pytest.raises(Unreadable) as refused:
        read_limited(huge, 1 << 20)
    assert refused.value.code == "file-too-large"


@FEW
@given(size=st.integers(0, 3000), limit=st.integers(0, 3000))
def test_read_limited_reads_exactly_the_files_within_the_limit(tmp_path: Path, size: int, limit: int) -> None:
    path = tmp_path / "f.bin"
    path.write_bytes(b"x" * size)
    if size <= limit:
        assert read_limited(path, limit) == b"x" * size
    else:
        with pytest.raises(Unreadable):
            read_limited(path, limit)


# --- numbers and paths on every command ---------------------------------------------------


def _options_of(kind: type) -> list[tuple[str, str]]:
    return [
        (name, param.opts[0] if param.opts[0].startswith("-") else param.name or "")
        for name, command in sorted(main.commands.items())
        for param in command.params
        if isinstance(param.type, kind)
    ]


def test_every_fractional_option_is_a_finite_range() -> None:
    floats = [
        (name, param)
        for name, command in main.commands.items()
        for param in command.params
        if isinstance(param.type, click.types.FloatParamType)
    ]
    assert floats
    assert [(name, p.name) for name, p in floats if not isinstance(p.type, FiniteRange)] == []


FLOATS = [(c, o) for c, o in _options_of(FiniteRange)]
_ARGS = {"agree": ["{root}"]}


@pytest.mark.parametrize(("command", "option"), FLOATS)
@pytest.mark.parametrize("value", ["nan", "NaN", "inf", "-inf", "1e308", "1e999", "-1e999"])
def test_every_float_option_takes_only_finite_numbers(
    project: Path, capsys: pytest.CaptureFixture[str], command: str, option: str, value: str
) -> None:
    args = [a.replace("{root}", str(project)) for a in _ARGS.get(command, [])]
    code, _, err = _invoke([command, *args, "--root", str(project), option, value], capsys)
    assert code == 2 and option in err


PATHS = _options_of(PathType) + [(c, "--root") for c in sorted(main.commands) if c != "init"]
_PATH_ARGS = {
    "add-source": ["{text}", "--id", "src-n", "--perspective", "CFR", "--title", "T", "--publisher", "P"],
    "import": ["{table}"],
    "init": ["{tmp}/new"],
    "agree": ["{root}"],
}


@pytest.mark.parametrize(("command", "option"), PATHS)
@pytest.mark.parametrize("bad", ["a\x00b", "x" * 300, "d/" * 2100])
def test_every_path_refuses_a_nul_or_an_overlong_name_as_a_usage_error(
    project: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], command: str, option: str, bad: str
) -> None:
    (tmp_path / "t.txt").write_text(SEED_A)
    (tmp_path / "t.csv").write_text("id,source,topic,stance,quote\n")
    places = {
        "{text}": str(tmp_path / "t.txt"),
        "{table}": str(tmp_path / "t.csv"),
        "{tmp}": str(tmp_path),
        "{root}": str(project),
    }
    args = []
    for arg in _PATH_ARGS.get(command, []):
        for key, value in places.items():
            arg = arg.replace(key, value)
        args.append(arg)
    if option.startswith("--"):
        args += [option, bad]
    else:  # the command's first argument
        args[0] = bad
    if option != "--root" and command != "init":
        args += ["--root", str(project)]
    before = _snapshot(project)
    code, _, err = _invoke([command, *args], capsys)
    assert code == 2, err
    assert _snapshot(project) == before


# --- init ---------------------------------------------------------------------------------


def test_init_refuses_a_folder_that_holds_files_and_writes_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "mine"
    folder.mkdir()
    (folder / "README.md").write_text("my own readme")
    code, _, err = _invoke(["init", str(folder)], capsys)
    assert code == 1 and "--existing" in err
    assert sorted(p.name for p in folder.iterdir()) == ["README.md"]
    assert (folder / "README.md").read_text() == "my own readme"


@FEW
@given(
    kept=st.sets(st.sampled_from(sorted(n for n in starter_files() if not n.startswith(("claims/", "seeds/"))))),
    others=st.sets(st.sampled_from(["notes.md", "data.csv", ".editorconfig", "output/old.xlsx"])),
)
def test_init_existing_keeps_every_file_already_there(tmp_path: Path, kept: set[str], others: set[str]) -> None:
    folder = tmp_path / f"f{len(list(tmp_path.iterdir()))}"
    folder.mkdir()
    mine = {name: f"mine: {name}" for name in (*kept, *others)}
    for name, text in mine.items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_text(text)
    if mine:
        with pytest.raises(SystemExit) as refused:
            run(["init", str(folder)])
        assert refused.value.code == 1
    with pytest.raises(SystemExit) as done:
        run(["init", str(folder), "--existing"])
    assert done.value.code == 0
    for name, text in mine.items():
        assert (folder / name).read_text() == text
    for name in starter_files():
        assert (folder / name).is_file()


def test_init_under_a_file_or_a_read_only_folder_is_a_clear_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "afile").write_text("x")
    code, _, err = _invoke(["init", str(tmp_path / "afile" / "sub")], capsys)
    assert code == 1 and "not a folder" in err
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(0o555)
    try:
        code, _, err = _invoke(["init", str(locked / "p")], capsys)
        assert code == 1 and "read-only" in err
        assert list(locked.iterdir()) == []
    finally:
        locked.chmod(0o755)


def test_init_undoes_what_it_wrote_when_a_write_fails(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    import matrix.authoring.corpus

    written: list[Path] = []
    real = matrix.authoring.corpus.write_file

    def fail_third(path: Path, data: bytes, root: Path | None = None) -> None:
        if len(written) == 2:
            raise OSError(28, "No space left on device")
        real(path, data, root)
        written.append(path)

    monkeypatch.setattr(matrix.authoring.corpus, "write_file", fail_third)
    code, _, err = _invoke(["init", str(tmp_path / "new")], capsys)
    assert code == 1 and "No space left" in err
    assert not (tmp_path / "new").exists()


# --- add-source ----------------------------------------------------------------------------

ADD = ["--id", "src-n", "--perspective", "CFR", "--title", "T", "--publisher", "P"]


def test_add_source_refuses_a_named_pipe_at_once(
    project: Path, capsys: pytest.CaptureFixture[str], alarm: None
) -> None:
    os.mkfifo(project / "pipe.txt")
    code, _, err = _invoke(["add-source", str(project / "pipe.txt"), *ADD, "--root", str(project)], capsys)
    assert code == 1 and "not a regular file" in err
    assert not (project / "claims" / "src-n.yaml").exists()


def test_add_source_refuses_a_text_over_the_limit_from_its_size(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    huge = project / "huge.txt"
    with huge.open("wb") as handle:
        handle.truncate(1 << 30)
    code, _, err = _invoke(["add-source", str(huge), *ADD, "--root", str(project)], capsys)
    assert code == 1 and "limit" in err


@pytest.mark.parametrize(
    "case", ["long id", "seeds a file", "claims read-only", "seeds read-only", "claims file a link out"]
)
def test_add_source_writes_nothing_when_it_cannot_write_everything(
    project: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], case: str
) -> None:
    (tmp_path / "new.txt").write_text(SEED_A)
    args = ["add-source", str(tmp_path / "new.txt"), *ADD, "--root", str(project)]
    if case == "long id":
        args[args.index("src-n")] = "a" * 300
    elif case == "seeds a file":
        for text in (project / "seeds").iterdir():
            text.unlink()
        (project / "seeds").rmdir()
        (project / "seeds").write_text("x")
    elif case == "claims file a link out":
        (project / "claims" / "src-n.yaml").symlink_to(tmp_path / "elsewhere.yaml")
    else:
        (project / case.split()[0]).chmod(0o555)
    before = _snapshot(project)
    try:
        code, _, err = _invoke(args, capsys)
    finally:
        for folder in ("claims", "seeds"):
            if (project / folder).is_dir():
                (project / folder).chmod(0o755)
    assert code == 1 and "nothing was written" in err
    assert _snapshot(project) == before
    assert not (tmp_path / "elsewhere.yaml").exists()


def test_add_source_removes_the_copied_text_when_the_claims_file_fails(
    project: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    import matrix.authoring.corpus

    real = matrix.authoring.corpus.write_file

    def fail_claims(path: Path, data: bytes, root: Path | None = None) -> None:
        if path.suffix == ".yaml":
            raise OSError(28, "No space left on device")
        real(path, data, root)

    monkeypatch.setattr(matrix.authoring.corpus, "write_file", fail_claims)
    (tmp_path / "new.txt").write_text(SEED_A + "more\n")
    before = _snapshot(project)
    code, _, err = _invoke(["add-source", str(tmp_path / "new.txt"), *ADD, "--root", str(project)], capsys)
    assert code == 1 and "No space left" in err
    assert _snapshot(project) == before


# --- import: the workbook judged before loading --------------------------------------------


def _workbook(edit: dict[str, bytes] | None = None, dimension: str | None = None, cells: bytes = b"") -> bytes:
    """A small Claims workbook, with parts replaced (`edit`), a dimension and extra cells put in."""
    wb = openpyxl.Workbook()
    sheet = wb.active
    assert sheet is not None
    sheet.title = "Claims"
    sheet.append(["id", "source", "topic", "stance", "quote"])
    sheet.append(["a-1", "src-a", "export-controls", "divergence", CLAIMS_A.split("quote: ")[1].strip()])
    buffer = io.BytesIO()
    wb.save(buffer)
    source = zipfile.ZipFile(io.BytesIO(buffer.getvalue()))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for info in source.infolist():
            data = source.read(info.filename)
            if info.filename == "xl/worksheets/sheet1.xml":
                data = data.replace(b"</sheetData>", cells + b"</sheetData>")
                if dimension is not None:
                    data = data.replace(b'<dimension ref="A1:E2"/>', dimension.encode())
            data = (edit or {}).get(info.filename, data)
            archive.writestr(info.filename, data)
    return out.getvalue()


SHEET = "xl/worksheets/sheet1.xml"
FAR = b'<row r="1048576"><c r="XFD1048576" t="inlineStr"><is><t>x</t></is></c></row>'


def _sheet_xml() -> bytes:
    return zipfile.ZipFile(io.BytesIO(_workbook())).read(SHEET)


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("far cell, declared", lambda: _workbook(dimension='<dimension ref="A1:XFD1048576"/>', cells=FAR)),
        ("far cell, no dimension", lambda: _workbook(dimension="", cells=FAR)),
        ("far cell, a lying dimension", lambda: _workbook(cells=FAR)),
        ("row past the sheet", lambda: _workbook(dimension="", cells=FAR.replace(b"1048576", b"99999999999"))),
        ("truncated sheet", lambda: _workbook({SHEET: _sheet_xml()[:300]})),
        ("sheet not XML", lambda: _workbook({SHEET: b"this is not XML"})),
        ("entities", lambda: _workbook({SHEET: b'<!DOCTYPE w [<!ENTITY a "aaaa">]>' + _sheet_xml()})),
        (
            "entities after a long comment",
            lambda: _workbook({SHEET: b"<!--" + b"x" * 70_000 + b'--><!DOCTYPE w [<!ENTITY a "a">]>' + _sheet_xml()}),
        ),
        (
            "entities in the workbook part",
            lambda: _workbook({"xl/workbook.xml": b'<!DOCTYPE w [<!ENTITY a "a">]><workbook/>'}),
        ),
        (
            "an external entity",
            lambda: _workbook(
                {
                    SHEET: b'<!DOCTYPE w [<!ENTITY e SYSTEM "file:///etc/passwd">]>'
                    + _sheet_xml().replace(b"<t>a-1</t>", b"<t>&e;</t>")
                }
            ),
        ),
        ("not a zip", lambda: b"PK\x03\x04 not really"),
        ("empty file", lambda: b""),
    ],
)
def test_a_hostile_workbook_is_a_clear_problem(
    project: Path, capsys: pytest.CaptureFixture[str], name: str, data: object
) -> None:
    table = project.parent / "t.xlsx"
    table.write_bytes(data())  # type: ignore[operator]
    before = _snapshot(project)
    code, _, err = _invoke(["import", str(table), "--root", str(project), "--write"], capsys)
    assert code == 1 and "import-unreadable" in err
    assert "root:" not in err  # nothing of /etc/passwd
    assert _snapshot(project) == before


def test_a_zip_bomb_is_refused_from_the_zip_directory(monkeypatch: pytest.MonkeyPatch) -> None:
    bomb = io.BytesIO()
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(SHEET, b" " * (5 * 1024 * 1024))  # 5 MB of blanks: some 5 KB packed
    problem = reading.archive_problem(bomb.getvalue(), "bomb.xlsx")
    assert problem is not None and "zip bomb" in problem.message
    monkeypatch.setattr(reading, "MAX_UNPACKED", 1000)
    problem = reading.archive_problem(_workbook(), "big.xlsx")
    assert problem is not None and "unpacks to" in problem.message


def test_openpyxl_parses_the_sheets_with_defusedxml() -> None:
    assert openpyxl.DEFUSEDXML is True


def test_a_workbook_that_is_a_named_pipe_is_refused_at_once(
    project: Path, capsys: pytest.CaptureFixture[str], alarm: None
) -> None:
    os.mkfifo(project.parent / "t.xlsx")
    code, _, err = _invoke(["import", str(project.parent / "t.xlsx"), "--root", str(project)], capsys)
    assert code == 1 and "not a regular file" in err


# --- import: what it writes -----------------------------------------------------------------

HEADER = "id,source,topic,stance,quote\n"
QUOTE_A = "The United States and India differ sharply on export controls policy."
QUOTE_B = "India favors bilateral initiatives over multilateral ones in space"


def _import(project: Path, table: str, capsys: pytest.CaptureFixture[str], *extra: str) -> Result:
    (project.parent / "t.csv").write_text(table)
    return _invoke(["import", str(project.parent / "t.csv"), "--root", str(project), *extra], capsys)


def test_import_moving_a_claim_to_another_source_takes_it_out_of_the_old_file(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    seeds = project / "seeds" / "a.txt"
    seeds.write_text(SEED_A + QUOTE_B + "\n")
    code, out, _ = _import(project, HEADER + f"b-1,src-a,space,divergence,{QUOTE_B}\n", capsys, "--write")
    assert code == 0, out
    assert "b-1" in (project / "claims" / "a.yaml").read_text()
    assert "b-1" not in (project / "claims" / "b.yaml").read_text()
    _, report = check(project)
    assert [p.code for p in report.problems if p.code == "duplicate-id"] == []


@FEW
@given(placement=st.lists(st.sampled_from(["src-a", "src-b", None]), min_size=2, max_size=2))
def test_import_puts_each_claim_in_exactly_one_file(tmp_path: Path, placement: list[str | None]) -> None:
    root = write_project(
        tmp_path / f"p{len(list(tmp_path.iterdir()))}",
        {"seeds/a.txt": SEED_A + QUOTE_B + "\n", "seeds/b.txt": QUOTE_A + "\n" + QUOTE_B + "\n"},
    )
    rows = [
        f"{claim},{source},{topic},{stance},{quote}\n"
        for claim, source, topic, stance, quote in (
            ("a-1", placement[0], "export-controls", "divergence", QUOTE_A),
            ("b-1", placement[1], "space", "divergence", QUOTE_B),
        )
        if source is not None
    ]
    (root / "t.csv").write_text(HEADER + "".join(rows))
    with pytest.raises(SystemExit) as done:
        run(["import", str(root / "t.csv"), "--root", str(root), "--write"])
    assert done.value.code == 0
    held = {name: yaml.safe_load((root / "claims" / name).read_text())["claims"] or [] for name in ("a.yaml", "b.yaml")}
    listed = {source for source in placement if source is not None}
    for claim, source, home in (("a-1", placement[0], "src-a"), ("b-1", placement[1], "src-b")):
        where = [name for name, claims in held.items() if claim in [c["id"] for c in claims]]
        if source is not None:  # where the table puts it, and only there
            assert where == [f"{source[-1]}.yaml"], (claim, held)
        else:  # not in the table: kept where it was, unless the table lists that source (then it was removed)
            assert where == ([] if home in listed else [f"{home[-1]}.yaml"]), (claim, held)


def test_import_refuses_a_claims_file_over_the_loaders_limit(
    project: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    import matrix.authoring.corpus

    monkeypatch.setattr(matrix.authoring.corpus.import_plan, "__defaults__", (100,))
    before = _snapshot(project)
    code, out, _ = _import(project, HEADER + f"a-1,src-a,export-controls,convergence,{QUOTE_A}\n", capsys, "--write")
    assert code == 1 and "file-too-large" in out
    assert _snapshot(project) == before


@pytest.mark.parametrize("mode", [0o600, 0o640])
def test_import_write_keeps_permissions(project: Path, capsys: pytest.CaptureFixture[str], mode: int) -> None:
    claims = project / "claims" / "a.yaml"
    claims.chmod(mode)
    code, _, _ = _import(project, HEADER + f"a-1,src-a,export-controls,convergence,{QUOTE_A}\n", capsys, "--write")
    assert code == 0 and "convergence" in claims.read_text()
    assert stat.S_IMODE(claims.stat().st_mode) == mode


@pytest.mark.parametrize("locked", ["file", "folder"])
def test_import_write_refuses_read_only_targets(project: Path, capsys: pytest.CaptureFixture[str], locked: str) -> None:
    target = project / "claims" / "a.yaml" if locked == "file" else project / "claims"
    target.chmod(0o444 if locked == "file" else 0o555)
    before = _snapshot(project)
    try:
        code, _, err = _import(
            project, HEADER + f"a-1,src-a,export-controls,convergence,{QUOTE_A}\n", capsys, "--write"
        )
    finally:
        target.chmod(0o644 if locked == "file" else 0o755)
    assert code == 1 and "read-only" in err
    assert _snapshot(project) == before


@pytest.mark.parametrize(
    "after",
    ["# a comment after the claims list\n", "\n# two comments\n# after it\n", "# before the next key\nnotes: kept\n"],
)
def test_import_write_keeps_a_comment_after_the_claims_list(
    project: Path, capsys: pytest.CaptureFixture[str], after: str
) -> None:
    claims = project / "claims" / "a.yaml"
    claims.write_text(CLAIMS_A + after)
    table = HEADER + f"a-1,src-a,export-controls,convergence,{QUOTE_A}\n"
    _invoke(["validate", "--root", str(project)], capsys) if "notes" not in after else None
    code, out, _ = _import(project, table, capsys, "--write")
    if "notes" in after:  # an unknown key: the file has a problem of its own, and import stops
        assert code == 1
        return
    assert code == 0, out
    text = claims.read_text()
    assert "convergence" in text
    assert text.endswith(after.lstrip("\n")) and text.count("#") == after.count("#")


def test_import_write_puts_files_back_when_a_later_write_fails(
    project: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    import matrix.authoring.corpus

    real, calls = matrix.authoring.corpus.write_file, []

    def fail_second(path: Path, data: bytes, root: Path | None = None) -> None:
        calls.append(path)
        if len(calls) == 2:
            raise OSError(28, "No space left on device")
        real(path, data, root)

    monkeypatch.setattr(matrix.authoring.corpus, "write_file", fail_second)
    (project / "seeds" / "a.txt").write_text(SEED_A + QUOTE_B + "\n")
    before = _snapshot(project)
    table = HEADER + f"a-1,src-a,export-controls,convergence,{QUOTE_A}\nb-1,src-b,space,convergence,{QUOTE_B}\n"
    code, _, err = _import(project, table, capsys, "--write")
    assert code == 1 and "No space left" in err
    assert _snapshot(project) == before


# --- diff and agree: nothing outside a git revision is followed ----------------------------


def _git(root: Path, *args: str) -> None:
    subprocess.run(
        ["git", "-c", "user.email=t@t", "-c", "user.name=t", *args], cwd=root, check=True, capture_output=True
    )


@pytest.mark.parametrize("link", ["absolute", "dotdot", "through a link to the top"])
@pytest.mark.parametrize("command", ["diff", "agree"])
def test_a_link_in_a_git_revision_is_never_followed_out_of_it(
    project: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], link: str, command: str
) -> None:
    secret = tmp_path / "secret.yaml"
    secret.write_text(CLAIMS_B.replace("Source B", "TOP SECRET TITLE"))
    _git(project, "init", "-q")
    if link == "absolute":
        (project / "claims" / "c.yaml").symlink_to(secret)
    elif link == "dotdot":
        (project / "claims" / "c.yaml").symlink_to("../../secret.yaml")
    else:
        (project / "top").symlink_to(".")
        (project / "claims" / "c.yaml").symlink_to("../top/../secret.yaml")
    _git(project, "add", "-A")
    _git(project, "commit", "-qm", "links")
    (project / "claims" / "c.yaml").unlink()  # only the revision has it
    code, out, err = _invoke([command, "git:HEAD", "--root", str(project), "--format", "json"], capsys)
    assert "TOP SECRET" not in out + err
    assert code == 1 and "file-unreadable" in err


# --- dates at the calendar's ends ------------------------------------------------------------


def _dated(root: Path, date: str) -> Path:
    return write_project(
        root, {"claims/a.yaml": CLAIMS_A.replace("  text: seeds/a.txt", f"  text: seeds/a.txt\n  published: {date}")}
    )


@pytest.mark.parametrize("date", ["9999-12-31", "9999-12", "9999", "0001-01-01", "0001"])
@pytest.mark.parametrize(
    "args",
    [
        ["summary", "--by-period"],
        ["summary", "--period", "month"],
        ["summary", "--period", "quarter"],
        ["summary", "--window", "12M", "--step", "5M"],
        ["summary", "--until", "9999-12"],
        ["summary", "--since", "0001", "--until", "9999", "--format", "json"],
        ["build", "-q", "--period", "year"],
        ["build", "-q", "--until", "9999-12-31"],
    ],
)
def test_dates_at_the_ends_of_the_calendar(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], date: str, args: list[str]
) -> None:
    root = _dated(tmp_path / "p", date)
    code, _, err = _invoke([*args, "--root", str(root)], capsys)
    assert code == 0, err


def test_a_mistyped_year_with_monthly_periods_is_a_usage_error_for_build(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = _dated(tmp_path / "p", "0202-06")
    (root / "claims" / "b.yaml").write_text(
        CLAIMS_B.replace("  text: seeds/b.txt", "  text: seeds/b.txt\n  published: 2025-06")
    )
    # a second period for each perspective: the Timeline sheet is written (two perspectives dated in two periods)
    for name, text in (("a.yaml", CLAIMS_A), ("b.yaml", (root / "claims" / "b.yaml").read_text())):
        first = text[text.index("  - id: ") :]
        second = first.replace("  - id: ", "  - id: x", 1) + "    date: 2025-09\n"
        second = second.replace("    quote:", "    accept: {near-duplicate-claims: a test copy}\n    quote:")
        (root / "claims" / name).write_text(
            text.replace("  text: seeds/a.txt", "  text: seeds/a.txt\n  published: 0202-06") + second
            if name == "a.yaml"
            else text + second
        )
    code, _, err = _invoke(["build", "-q", "--period", "month", "--root", str(root)], capsys)
    assert code == 2 and "0202-06" in err
    assert not (root / "output" / "claims-matrix.xlsx").exists()
    code, _, _ = _invoke(["build", "-q", "--root", str(root)], capsys)  # chosen periods: years
    assert code == 0


@pytest.mark.parametrize(
    "digits", ["\u0662\u0660\u0662\u0664", "\uff12\uff10\uff12\uff14", "\u0968\u0966\u0968\u096a-06"]
)
def test_non_ascii_digits_are_not_a_date(tmp_path: Path, capsys: pytest.CaptureFixture[str], digits: str) -> None:
    assert parse_date(digits) is None
    root = _dated(tmp_path / "p", digits)
    code, out, _ = _invoke(["validate", "--root", str(root), "--format", "text"], capsys)
    assert code == 1 and "invalid-date" in out
    code, _, _ = _invoke(["summary", "--since", digits, "--root", str(root)], capsys)
    assert code == 2
    assert parse_span("\u0661M") is None


_DAYS = st.dates(min_value=dt.date(1, 1, 1), max_value=dt.date.max)


@settings(max_examples=300, deadline=None)
@given(first=_DAYS, last=_DAYS, kind=st.sampled_from(["year", "quarter", "month"]))
def test_calendar_periods_cover_every_day_to_the_calendars_ends(first: dt.date, last: dt.date, kind: str) -> None:
    first, last = min(first, last), max(first, last)
    if last.year - first.year > {"month": 200, "quarter": 600}.get(kind, 10_000):  # a few thousand periods at most
        first = max(first, dt.date(last.year - 100, 1, 1))
    periods = calendar_periods(kind, first, last)
    _assert_cover(periods, first, last)


@settings(max_examples=300, deadline=None)
@given(first=_DAYS, last=_DAYS, months=st.integers(1, 120), step=st.integers(1, 120))
def test_windows_end_at_the_calendars_end(first: dt.date, last: dt.date, months: int, step: int) -> None:
    first, last = min(first, last), max(first, last)
    first = max(first, dt.date(max(1, last.year - 40), 1, 1))
    periods = windows(months, step, first, last)
    assert periods and periods[0].start <= first
    if step <= months:
        _assert_cover(periods, first, last)


def _assert_cover(periods: tuple[Period, ...], first: dt.date, last: dt.date) -> None:
    assert periods[0].start <= first and last in periods[-1]
    for day in (first, last, dt.date.max if last == dt.date.max else last):
        assert any(day in p for p in periods)
    assert all(p.start <= p.last for p in periods)


# --- validate --max-problems: errors first ------------------------------------------------


@pytest.mark.parametrize("fmt", ["text", "table", "github"])
def test_a_cut_list_of_problems_shows_the_errors_first(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], fmt: str
) -> None:
    empty = CLAIMS_A.split("claims:")[0] + "claims: []\n"
    root = write_project(
        tmp_path / "p",
        {"claims/a.yaml": empty, "claims/b.yaml": CLAIMS_B.replace("stance: divergence", "stance: divergance")},
    )
    code, out, _ = _invoke(["validate", "--root", str(root), "--format", fmt, "--max-problems", "1"], capsys)
    assert code == 1
    assert "unknown-stance" in out and "source-without-claims" not in out
    assert "more" in out


@pytest.mark.parametrize("shape", ["read-only project", ".cache a link out"])
def test_the_cache_is_never_written_into_a_read_only_project_or_through_a_link(
    project: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], shape: str
) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    if shape == ".cache a link out":
        (project / ".cache").symlink_to(elsewhere)
    else:
        project.chmod(0o555)
    try:
        code, _, _ = _invoke(["validate", "--root", str(project)], capsys)
    finally:
        project.chmod(0o755)
    assert code == 0
    assert list(elsewhere.iterdir()) == []
    assert shape != "read-only project" or not (project / ".cache").exists()


# --- a sweep: every command and option with a hostile value ----------------------------------

_HOSTILE_NUMBER = ["nan", "-inf", "1e999", "-1", "99999999999999999999999"]
_HOSTILE_TEXT = ["\x00", "\udcff", "x" * 40_000, "\u202e", ""]
_HOSTILE_PATH = ["{root}/pipe", "{root}/broken", "{root}/linkout", "{root}/ro/x", "{root}/claims"]


def _hostile_value(param: click.Parameter, index: int) -> str | None:
    """One hostile value for `param` (`index` picks which, so the sweep varies them)."""
    if isinstance(param, click.Option) and param.is_flag:
        return None
    if isinstance(param.type, click.Choice):
        return "\udcff"
    if isinstance(param.type, click.types.FloatParamType | click.types.IntParamType):
        return _HOSTILE_NUMBER[index % len(_HOSTILE_NUMBER)]
    if param.name in ("root", "out", "text_path", "table_path", "folder", "others", "old", "new"):
        return _HOSTILE_PATH[index % len(_HOSTILE_PATH)]
    if param.name in ("since", "until", "published"):
        return ["9999-12-31", "0001", "\u0662\u0660\u0662\u0664", "2024-02-30", "99999"][index % 5]
    return _HOSTILE_TEXT[index % len(_HOSTILE_TEXT)]


SWEEP = [
    (name, param.name or "", index)
    for name, command in sorted(main.commands.items())
    for param in command.params
    if param.name != "help"
    for index in range(2)
]
_SWEEP_ARGS = {
    "add-source": ["{root}/t.txt", "--id", "src-n", "--perspective", "CFR", "--title", "T", "--publisher", "P"],
    "import": ["{root}/t.csv"],
    "init": ["{root}/new"],
    "agree": ["{root}"],
}


@pytest.mark.parametrize(("command", "name", "index"), SWEEP, ids=[f"{c} {n} {i}" for c, n, i in SWEEP])
def test_sweep_every_option_with_a_hostile_value(
    project: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], alarm: None, command: str, name: str, index: int
) -> None:
    os.mkfifo(project / "pipe")
    (project / "broken").symlink_to(tmp_path / "nowhere")
    (tmp_path / "outside").write_text("keep")
    (project / "linkout").symlink_to(tmp_path / "outside")
    (project / "ro").mkdir(mode=0o555)
    (project / "t.txt").write_text(SEED_A)
    (project / "t.csv").write_text("id,source,topic,stance,quote\n")
    param = next(p for p in main.commands[command].params if p.name == name)
    value = _hostile_value(param, index)
    args = list(_SWEEP_ARGS.get(command, []))
    if isinstance(param, click.Argument):
        args = [value or "", *args[1:]] if args and param.name != "others" else [*args, value or ""]
    else:
        args += [param.opts[0]] if value is None else [param.opts[0], value]
    if name != "root" and command != "init":
        args += ["--root", "{root}"]
    args = [a.replace("{root}", str(project)) for a in args]
    try:
        code, _, _ = _invoke([command, *args], capsys)
    finally:
        (project / "ro").chmod(0o755)
    assert code in (0, 1, 2)
    assert (tmp_path / "outside").read_text() == "keep"
