"""The README's console examples, executed: the README cannot drift from the tool.

In every ```console block, a line `$ COMMAND  # comment` is a command and the lines after it,
up to the next `$`, are its output as shown. `claims-matrix …` commands run for real, as a
subprocess in a copy of the shipped project, and their output must match line for line (a line
`...` stands for any number of lines; trailing spaces are ignored). `make build` runs the build
step the Makefile runs (`python -m matrix build --out output/claims-matrix.xlsx`); other set-up
commands (`make test`, `pip install`, …) are not run and may show no output.
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"


def console_examples(readme: str) -> list[tuple[int, str, list[str]]]:
    """(line number, command, shown output lines) of every command in a console block."""
    examples: list[tuple[int, str, list[str]]] = []
    inside = False
    for number, line in enumerate(readme.splitlines(), 1):
        if line.startswith("```"):
            inside = line.strip() == "```console"
            continue
        if not inside:
            continue
        if line.startswith("$ "):
            command = re.sub(r"\s+#.*$", "", line[2:]).strip()
            examples.append((number, command, []))
        elif examples:
            examples[-1][2].append(line.rstrip())
    return examples


def matches(shown: list[str], actual: list[str]) -> bool:
    """`shown` equals `actual`, where a line `...` stands for any number of lines."""
    if not shown:
        return not actual
    if shown[0] == "...":
        return any(matches(shown[1:], actual[i:]) for i in range(len(actual) + 1))
    return bool(actual) and shown[0] == actual[0] and matches(shown[1:], actual[1:])


OWN_PROJECT = "## Start your own project"


def own_project_lines(readme: str) -> range:
    """The line numbers (1-based) of the "Start your own project" section: its examples run
    one after the other in an empty folder (see test_start_your_own_project), not in the
    shipped project."""
    lines = readme.splitlines()
    start = lines.index(OWN_PROJECT) + 1
    end = next((n for n in range(start, len(lines)) if lines[n].startswith("## ")), len(lines))
    return range(start, end + 1)


_TEXT = README.read_text(encoding="utf-8")
EXAMPLES = [e for e in console_examples(_TEXT) if e[0] not in own_project_lines(_TEXT)]
RUN = [e for e in EXAMPLES if e[1].startswith(("claims-matrix ", "make build"))]
SETUP = [e for e in EXAMPLES if e not in RUN]


@pytest.fixture(scope="module")
def shipped(tmp_path_factory: pytest.TempPathFactory) -> Path:
    copy = tmp_path_factory.mktemp("shipped")
    for folder in ("claims", "seeds"):
        shutil.copytree(ROOT / folder, copy / folder)
    (copy / "output").mkdir()
    return copy


def _run(command: str, cwd: Path) -> list[str]:
    args = (
        ["build", "--out", "output/claims-matrix.xlsx"]
        if command.startswith("make build")
        else shlex.split(command)[1:]
    )
    env = {**os.environ, "COLUMNS": "80", "NO_COLOR": "1", "TERM": "dumb"}
    done = subprocess.run(
        [sys.executable, "-m", "matrix", *args], cwd=cwd, capture_output=True, text=True, env=env, check=False
    )
    return [line.rstrip() for line in (done.stdout + done.stderr).splitlines()]


def test_the_readme_has_console_examples_to_run() -> None:
    assert len(RUN) >= 4


@pytest.mark.parametrize(("line", "command", "shown"), RUN, ids=[f"README:{e[0]} {e[1]}" for e in RUN])
def test_console_example_output_matches(line: int, command: str, shown: list[str], shipped: Path) -> None:
    actual = _run(command, shipped)
    assert matches(shown, actual), "README.md:{} `{}` prints:\n{}".format(line, command, "\n".join(actual))


@pytest.mark.parametrize(("line", "command", "shown"), SETUP, ids=[f"README:{e[0]} {e[1]}" for e in SETUP])
def test_setup_commands_show_no_output(line: int, command: str, shown: list[str]) -> None:
    assert shown == [], f"README.md:{line}: '{command}' is not run by the tests, so it may not show output"


def test_validate_text_example_is_what_the_tool_prints(tmp_path: Path) -> None:
    """The `validate --format text` illustration: the test project with one mistyped stance."""
    from tests.conftest import CLAIMS_A, write_project

    text = README.read_text(encoding="utf-8")
    block = text.split("`validate --format text` prints one line per problem", 1)[1].split("```")[1]
    shown = [line for line in block.splitlines()[1:] if line]
    write_project(tmp_path, {"claims/a.yaml": CLAIMS_A.replace("stance: divergence", "stance: divergance")})
    done = subprocess.run(
        [sys.executable, "-m", "matrix", "validate", "--format", "text"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 1
    assert done.stdout.splitlines() == shown


def update(readme: Path = README) -> None:
    """Rewrite the shown output of every run example that leaves nothing out (no `...` line),
    after a deliberate change: `python -m tests.test_readme`. Review the diff before committing."""
    import tempfile

    lines = readme.read_text(encoding="utf-8").splitlines()
    with tempfile.TemporaryDirectory() as folder:
        copy = Path(folder)
        for name in ("claims", "seeds"):
            shutil.copytree(ROOT / name, copy / name)
        (copy / "output").mkdir()
        own = own_project_lines("\n".join(lines))
        for number, command, shown in reversed(console_examples("\n".join(lines))):
            if "..." in shown or not command.startswith(("claims-matrix ", "make build")) or number in own:
                continue
            lines[number : number + len(shown)] = _run(command, copy)
    readme.write_text("\n".join(lines) + "\n", encoding="utf-8")


if __name__ == "__main__":
    update()


def test_matches_wildcards() -> None:
    assert matches(["a", "...", "d"], ["a", "b", "c", "d"])
    assert matches(["...", "d"], ["d"])
    assert not matches(["a", "...", "d"], ["a", "b"])
    assert not matches(["a"], ["a", "b"])


def own_project_steps(readme: str) -> list[tuple[int, str, str, list[str]]]:
    """The walk-through's steps in order: (line, "run", command, shown output) for each console
    command; (line, "file" or "append", path, content lines) for a block under an HTML comment
    `<!-- file: PATH -->` (written) or `<!-- append: PATH -->` (added to the end of PATH)."""
    lines = readme.splitlines()
    section = own_project_lines(readme)
    steps: list[tuple[int, str, str, list[str]]] = []
    pending: tuple[str, str] | None = None
    block: str | None = None
    for number in section:
        line = lines[number - 1] if number <= len(lines) else ""
        comment = re.fullmatch(r"<!-- (file|append): (\S+) -->", line.strip())
        if block is None and comment:
            pending = (comment[1], comment[2])
        elif block is None and line.startswith("```"):
            block = line.strip()[3:]
            if pending is not None:
                steps.append((number, pending[0], pending[1], []))
            elif block == "console":
                steps.append((number, "console", "", []))
        elif line.startswith("```"):
            block, pending = None, None
        elif block is not None and steps and steps[-1][0] < number and pending is not None:
            steps[-1][3].append(line)
        elif block == "console" and line.startswith("$ "):
            steps.append((number, "run", re.sub(r"\s+#.*$", "", line[2:]).strip(), []))
        elif block == "console" and steps and steps[-1][1] == "run":
            steps[-1][3].append(line.rstrip())
    return [step for step in steps if step[1] != "console"]


def test_start_your_own_project(tmp_path: Path) -> None:
    """The walk-through, from an empty folder to a workbook, runs as written."""
    steps = own_project_steps(README.read_text(encoding="utf-8"))
    assert [kind for _, kind, _, _ in steps].count("run") >= 5
    cwd = tmp_path
    for line, kind, what, content in steps:
        if kind == "file":
            (tmp_path / what).write_text("\n".join(content) + "\n", encoding="utf-8")
        elif kind == "append":
            with (tmp_path / what).open("a", encoding="utf-8") as handle:
                handle.write("\n".join(content) + "\n")
        elif what.startswith("cd "):
            cwd = cwd / what[3:]
            assert content == [], f"README.md:{line}: cd shows no output"
        else:
            assert what.startswith("claims-matrix "), f"README.md:{line}: only claims-matrix and cd are run"
            actual = _run(what, cwd)
            assert matches(content, actual), "README.md:{} `{}` prints:\n{}".format(line, what, "\n".join(actual))
    assert (tmp_path / "study" / "output" / "claims-matrix.xlsx").is_file()


def python_examples(readme: str) -> list[tuple[int, str]]:
    """(line number of the fence, text) of every ```pycon or ```python block."""
    blocks: list[tuple[int, str]] = []
    lines = readme.splitlines()
    for number, line in enumerate(lines, 1):
        if line.strip() in ("```pycon", "```python"):
            end = next(n for n in range(number, len(lines)) if lines[n].startswith("```"))
            blocks.append((number, "\n".join(lines[number:end]) + "\n"))
    return blocks


PYTHON = python_examples(_TEXT)


def test_the_readme_shows_the_python_api() -> None:
    assert PYTHON, "README: a ```pycon block with the Python API"
    assert any("import matrix" in text and "to_frame(" in text for _, text in PYTHON)


@pytest.mark.parametrize(("line", "text"), PYTHON, ids=[f"README:{line}" for line, _ in PYTHON])
def test_python_example_runs_as_shown(line: int, text: str, shipped: Path) -> None:
    """Each block, run in a fresh interpreter in a copy of the shipped project: a ```pycon
    block as a doctest (every output as shown), a ```python block as a script."""
    if text.lstrip().startswith(">>>"):
        program = (
            "import doctest, sys\n"
            "text = sys.stdin.read()\n"
            "test = doctest.DocTestParser().get_doctest(text, {}, 'README', 'README.md', 0)\n"
            "runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)\n"
            "runner.run(test)\n"
            "sys.exit(1 if runner.failures else 0)\n"
        )
    else:
        program = "import sys\nexec(compile(sys.stdin.read(), 'README', 'exec'))\n"
    done = subprocess.run(
        [sys.executable, "-c", program], input=text, capture_output=True, text=True, cwd=shipped, check=False
    )
    assert done.returncode == 0, f"README.md:{line}\n{done.stdout}\n{done.stderr}"
