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


EXAMPLES = console_examples(README.read_text(encoding="utf-8"))
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
    # the README's examples take no quoted arguments
    args = ["build", "--out", "output/claims-matrix.xlsx"] if command.startswith("make build") else command.split()[1:]
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
        for number, command, shown in reversed(console_examples("\n".join(lines))):
            if "..." in shown or not command.startswith(("claims-matrix ", "make build")):
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
