"""Golden terminal output at a fixed width, and escaping of user text."""

from __future__ import annotations

import io
import os
from pathlib import Path

import pytest
from rich.console import Console

from matrix import check
from matrix.pivot import analyse
from matrix.problems import Location, Problem, Report
from matrix.terminal import console, problems_view, summary_view, text
from tests.conftest import PIVOT_FILES, write_project

GOLDEN = Path(__file__).parent / "golden"


def render(renderable: object, width: int) -> str:
    recorder = Console(record=True, width=width, file=io.StringIO(), color_system=None, highlight=False)
    recorder.print(renderable)
    return "\n".join(line.rstrip() for line in recorder.export_text().splitlines()) + "\n"


def test_summary_golden_100_columns(tmp_path: Path) -> None:
    project, report = check(write_project(tmp_path, PIVOT_FILES))
    rendered = render(summary_view(analyse(project, report)), 100)
    golden = GOLDEN / "summary-100.txt"
    if os.environ.get("UPDATE_GOLDEN"):
        golden.write_text(rendered)
    assert rendered == golden.read_text()


def test_shipped_summary_fits_80_columns() -> None:
    root = Path(__file__).resolve().parent.parent
    project, report = check(root)
    rendered = render(summary_view(analyse(project, report)), 80)
    assert max(len(line) for line in rendered.splitlines()) <= 80
    assert "Counter-terrorism cooperation" in rendered


@pytest.mark.parametrize(
    "hostile", ["\x1b[31mred\x1b[0m", "[bold]markup[/bold]", "bell\x07", "rtl\u202eevil", "a\u200bb"]
)
def test_user_text_is_escaped(hostile: str) -> None:
    problem = Problem(
        Location("claims/a.yaml", 3, 1), "unknown-topic", f"topic {hostile}", hint=hostile, subject=hostile
    )
    buffer = io.StringIO()
    console(buffer, width=100, color=True).print(problems_view(Report((problem,)), False, 1, 1))
    out = buffer.getvalue()
    for raw in ("\x07", "\u202e", "\u200b"):
        assert raw not in out
    assert "\x1b[31m" not in out
    if hostile.startswith("["):
        assert hostile in out


def test_plain_without_tty_or_with_no_color(monkeypatch: pytest.MonkeyPatch) -> None:
    buffer = io.StringIO()
    console(buffer).print(text("x", "bold red"))
    assert buffer.getvalue() == "x\n"
    monkeypatch.setenv("NO_COLOR", "1")

    class Tty(io.StringIO):
        def isatty(self) -> bool:
            return True

    tty = Tty()
    console(tty).print(text("x", "bold red"))
    assert tty.getvalue() == "x\n"
