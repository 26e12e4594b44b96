"""Golden terminal output at a fixed width, and escaping of user text."""

from __future__ import annotations

import io
import os
from pathlib import Path

import pytest
from rich.console import Console

from matrix import check
from matrix.analysis.pivot import analyse
from matrix.model.problems import Location, Problem, Report
from matrix.terminal import console, problems_view, summary_view, text
from matrix.terminal.summary import ranked_contrasts
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


SHIPPED = Path(__file__).resolve().parent.parent


def _summary_at(width: int, capsys: pytest.CaptureFixture[str]) -> str:
    from matrix.cli import run

    with pytest.raises(SystemExit) as done:
        run(["summary", "--root", str(SHIPPED), "--width", str(width)])
    assert done.value.code in (0, None)
    return capsys.readouterr().out


def _section(rendered: str, heading: str) -> list[str]:
    """The body lines of the table under `heading`: after its rule, up to the blank line."""
    lines = rendered.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith(heading))
    rule = next(i for i in range(start, len(lines)) if lines[i].strip().startswith("─"))
    body = lines[rule + 1 :]
    return body[: next(i for i, line in enumerate(body) if not line.strip())]


def _rows(body: list[str]) -> list[tuple[str, list[str]]]:
    """(topic text, every other token of the row), a row being a line that starts with its
    topic and the lines after it that do not (values on two lines)."""
    rows: list[tuple[str, list[str]]] = []
    for line in body:
        assert line.startswith(" ")
        if line[1] != " ":
            topic, _, rest = line[1:].partition("   ")
            rows.append((topic, rest.split()))
        else:
            rows[-1][1].extend(line.split())
    return rows


def _assert_label(shown: str, label: str) -> None:
    """The label whole, or its beginning and an ellipsis: never a fragment from the middle."""
    assert shown == label or (shown.endswith("…") and len(shown) >= 8 and label.startswith(shown[:-1])), (shown, label)


def test_summary_at_every_width_keeps_topics_and_whole_values(capsys: pytest.CaptureFixture[str]) -> None:
    from matrix.analysis.pivot import summary_numbers

    project, report = check(SHIPPED)
    analysis = analyse(project, report)
    numbers = summary_numbers(analysis)
    labels = [analysis.codebook.label("topics", t) for t in analysis.topics]
    stance: dict[str, list[str]] = {t: [] for t in analysis.topics}
    approach: dict[str, list[str]] = {t: [] for t in analysis.topics}
    voiced = any(v["unspecified_voice"] < v["claims"] for v in numbers["voices"])  # type: ignore[attr-defined]
    for cell in numbers["stance"]:  # type: ignore[attr-defined]
        found = cell["convergence"] is not None
        mark = "°" if found and cell["convergence"] + cell["divergence"] < 3 else ""  # thin evidence
        shown = [f"+{cell['convergence']}/-{cell['divergence']}", f"{cell['net']:+.2f}{mark}"] if found else ["·"]
        voices = next(
            (v for v in numbers["voices"] if (v["topic"], v["perspective"]) == (cell["topic"], cell["perspective"])),  # type: ignore[attr-defined]
            None,
        )
        if (
            voiced and voices is not None
        ):  # the shipped claims code voice: the writer's, marked when resting on forecasts
            shown.append(f"w{voices['writer_voice']}" + ("\u25b2" if voices["rests_on_forecasts"] else ""))
        stance[cell["topic"]] += shown
    for cell in numbers["approach"]:  # type: ignore[attr-defined]
        if cell["unspecified"] is None:
            approach[cell["topic"]].append("·")
        else:
            short = {"unilateral": "uni", "bilateral": "bi", "multilateral": "multi"}.get(cell["dominant"], "tie")
            short = "\u2014" if cell["dominant"] is None else short
            approach[cell["topic"]] += [
                f"{cell['unilateral']}/{cell['bilateral']}/{cell['multilateral']}",
                f"?{cell['unspecified']}",
                short,
            ]
    contrasts = [
        (
            analysis.codebook.label("topics", c.topic),
            [
                c.perspective_a,
                f"{c.net_a:+.2f}",
                c.perspective_b,
                f"{c.net_b:+.2f}",
                f"{c.gap:.2f}{'' if strong else '°'}",
            ],
        )
        for c, strong in ranked_contrasts(analysis)[:5]
    ]
    for width in range(40, 121):
        rendered = _summary_at(width, capsys)
        assert max(len(line) for line in rendered.splitlines()) <= width
        for heading, expected in (("Stance:", stance), ("Approach:", approach)):
            rows = _rows(_section(rendered, heading))
            assert len(rows) == len(labels)
            for (shown, tokens), label, topic in zip(rows, labels, analysis.topics, strict=True):
                _assert_label(shown, label)
                assert sorted(tokens) == sorted(expected[topic]), (width, heading, topic)
        rows = _rows(_section(rendered, "Top contrasts:"))
        assert len(rows) == len(contrasts)
        for (shown, tokens), (label, expected_tokens) in zip(rows, contrasts, strict=True):
            _assert_label(shown, label)
            assert sorted(tokens) == sorted(expected_tokens), (width, label)
        totals = rendered[rendered.index("\nTotals\n") :]
        assert "…" not in totals
        for row in analysis.total_rows():
            assert row.perspective in totals and f"{row.net:+.2f}" in totals
