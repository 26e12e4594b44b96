"""The shape of matrix/: packages by job, arrows pointing down, one home per library and per term.

Read from the source with `ast` (nothing is imported), so that a new module is held to the
same rules the day it is written.
"""

from __future__ import annotations

import ast
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "matrix"

# Lower layers first: a module may import its own package and the packages of lower layers,
# never a higher layer, nor another package of its own layer (the outputs do not lean on
# each other). `matrix` itself (the Python API, `python -m matrix`) is above everything.
LAYERS: tuple[tuple[str, ...], ...] = (
    ("model",),  # values everything shares: locations, problems, terms, the project's values
    ("time",),  # dates, periods, time ranges, counts per period
    ("files",),  # reading (and safely writing) the project's files; the cache; workers
    ("checks",),  # the rules, validation, the pipeline that loads and checks
    ("analysis",),  # the Analysis, coverage, agreement, diff
    ("workbook", "terminal", "brief"),  # the outputs
    ("authoring",),  # init, add-source, import, schema (reads the workbook's Claims sheet)
    ("cli",),  # arguments -> pipeline -> render -> exit code
    ("",),  # matrix/__init__.py (the API) and __main__.py
)
RANK = {package: rank for rank, packages in enumerate(LAYERS) for package in packages}

# each third-party library is imported in one place, a package or one module; sqlite3 in two:
# the cache and a published database (issue 29's `publish`, whose place is authoring/)
HOMES: dict[str, tuple[str, ...]] = {
    "yaml": ("matrix/files/yamltree.py",),
    "sqlite3": ("matrix/files/cache.py", "matrix/authoring/publish/sqlite.py"),
    "pandas": ("matrix/analysis/dataframes.py",),
    "networkx": ("matrix/analysis/network/formats.py",),
    "openpyxl": ("matrix/workbook/",),
    "rich": ("matrix/terminal/",),
    "jinja2": ("matrix/brief/",),
    "click": ("matrix/cli/",),
    "rapidfuzz": ("matrix/files/quotes.py",),
    "lxml": ("matrix/workbook/",),
}


def modules() -> list[Path]:
    return sorted(p for p in PACKAGE.rglob("*.py") if "__pycache__" not in p.parts)


def name_of(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def package_of(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 and (PACKAGE / parts[1]).is_dir() else ""


def imports(path: Path, typing: bool = True) -> list[tuple[int, str, tuple[str, ...]]]:
    """(line, module, names) of every import in `path`, those under `if TYPE_CHECKING:` too
    unless not `typing` (they import nothing when the program runs)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    skipped: set[int] = set()
    if not typing:
        for node in ast.walk(tree):
            if isinstance(node, ast.If) and ast.unparse(node.test) in ("TYPE_CHECKING", "typing.TYPE_CHECKING"):
                skipped.update(id(inner) for statement in node.body for inner in ast.walk(statement))
    found = []
    for node in ast.walk(tree):
        if id(node) in skipped:
            continue
        if isinstance(node, ast.Import):
            found.extend((node.lineno, alias.name, ()) for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.append((node.lineno, node.module, tuple(alias.name for alias in node.names)))
    return found


def internal(path: Path) -> list[tuple[int, str]]:
    """(line, module) of every import of one of matrix's modules (`from matrix.x import y`
    names module `matrix.x.y` when y is a module)."""
    found = []
    for line, module, names in imports(path):
        if module != "matrix" and not module.startswith("matrix."):
            continue
        targets = [f"{module}.{n}" for n in names if name_path(f"{module}.{n}") is not None]
        found.extend((line, target) for target in targets or [module])
    return found


def name_path(module: str) -> Path | None:
    base = ROOT / module.replace(".", "/")
    return next((p for p in (base.with_suffix(".py"), base / "__init__.py") if p.exists()), None)


def test_at_most_twelve_entries_at_the_top() -> None:
    entries = sorted(p.name for p in PACKAGE.iterdir() if p.name != "__pycache__")
    assert len(entries) <= 12, entries
    assert {p.name for p in PACKAGE.iterdir() if p.is_dir() and p.name != "__pycache__"} == set(RANK) - {""}


def test_a_package_never_imports_one_above_it_or_beside_it() -> None:
    wrong = []
    for path in modules():
        source = package_of(name_of(path))
        for line, target in internal(path):
            destination = package_of(target)
            if destination == source:
                continue
            if RANK[destination] >= RANK[source]:
                wrong.append(f"{path.relative_to(ROOT)}:{line}: {source or 'matrix'} imports {target}")
    assert wrong == []


def test_no_two_modules_import_each_other() -> None:
    """No cycle between modules (a package's __init__, which gathers its modules, aside)."""
    plain = {name_of(p): p for p in modules() if p.name != "__init__.py"}
    graph = {name: {t for _, t in internal(path) if t in plain and t != name} for name, path in plain.items()}

    def reaches(start: str, goal: str, seen: set[str]) -> bool:
        for step in graph[start]:
            if step == goal:
                return True
            if step not in seen:
                seen.add(step)
                if reaches(step, goal, seen):
                    return True
        return False

    assert sorted(m for m in graph if reaches(m, m, set())) == []


def test_no_private_name_is_imported_from_another_file() -> None:
    wrong = [
        f"{path.relative_to(ROOT)}:{line}: {module}.{name}"
        for path in modules()
        for line, module, names in imports(path)
        if module.startswith("matrix")
        for name in names
        if name.startswith("_") and not name.startswith("__")
    ]
    assert wrong == []


def test_each_library_has_one_home() -> None:
    wrong = []
    for path in modules():
        relative = path.relative_to(ROOT).as_posix()
        for line, module, _ in imports(path, typing=False):
            homes = HOMES.get(module.split(".")[0])
            if homes is not None and not relative.startswith(homes):
                wrong.append(f"{relative}:{line}: {module} (its home is {' or '.join(homes)})")
    assert wrong == []


# the terms matrix/model/terms.py defines once: their values must not be written out elsewhere
STRAY = {
    "the passage separator": re.compile(r"\\u2026 \\u00b6|\u2026 \u00b6"),
    "the spreadsheet cell limit": re.compile(r"\b32_?767\b"),
    "the formula prefixes": re.compile(r"""\(\s*["']=["'],\s*["']\+["'],\s*["']-["'],\s*["']@["']"""),
    "the stances": re.compile(r"""\(\s*["']convergence["'],\s*["']divergence["']\s*\)"""),
    "the approaches": re.compile(r"""\(\s*["']unilateral["'],\s*["']bilateral["'],\s*["']multilateral["']\s*\)"""),
    "the counting units": re.compile(r"""\(\s*["']claims["'],\s*["']sources["']\s*\)"""),
    "the version": re.compile(r"""["']0\.1\.0["']"""),
}


@pytest.mark.parametrize("term", sorted(STRAY))
def test_each_shared_term_is_defined_once(term: str) -> None:
    found = [
        f"{path.relative_to(ROOT)}:{source[: m.start()].count(chr(10)) + 1}"
        for path in modules()
        if path != PACKAGE / "model" / "terms.py"
        for source in [path.read_text(encoding="utf-8")]
        for m in STRAY[term].finditer(source)
    ]
    assert found == [], f"{term} written out again (import it from matrix.model.terms)"


COMMANDS = {
    "validate": ["validate"],
    "summary": ["summary", "--format", "json"],
    "report": ["report", "--out", "{tmp}/brief.html"],
    "diff": ["diff", "{root}", "{root}"],
    "agree": ["agree", "{root}/claims/second-coder", "--format", "json"],
}


@pytest.fixture(scope="module")
def shipped(tmp_path_factory: pytest.TempPathFactory) -> Path:
    import shutil

    from tests.conftest import let_the_second_coding_leave_out_voice

    copy = tmp_path_factory.mktemp("shipped")
    for folder in ("claims", "seeds"):
        shutil.copytree(ROOT / folder, copy / folder)
    let_the_second_coding_leave_out_voice(copy)
    return copy


@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_pandas_is_not_imported_by(command: str, shipped: Path, tmp_path: Path) -> None:
    """`python -X importtime` lists every module a process imports: pandas serves the Python
    API, not the commands."""
    argv = [a.format(root=shipped, tmp=tmp_path) for a in COMMANDS[command]]
    done = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "matrix", argv[0], "--root", str(shipped), *argv[1:]],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    imported = {line.rsplit("|", 1)[-1].strip().split(".")[0] for line in done.stderr.splitlines() if "|" in line}
    assert "matrix" in imported
    assert "pandas" not in imported and "numpy" not in imported


def test_the_pipeline_takes_its_options_as_values() -> None:
    """Where the files are is one value (ProjectFiles), so the entry points stay small."""
    import inspect

    from matrix.checks.pipeline import check, load_project

    assert len(inspect.signature(check).parameters) <= 4
    assert len(inspect.signature(load_project).parameters) <= 4


def test_analyse_takes_its_options_as_one_value() -> None:
    """Filters, unit, time range and periods are one AnalysisOptions: `analyse(project, report, options)`."""
    import inspect

    from matrix.analysis.pivot import analyse

    assert list(inspect.signature(analyse).parameters) == ["project", "report", "options"]


@pytest.mark.parametrize(
    ("counting", "home"),
    [({"timeline", "project_timeline"}, "time"), ({"matrix_views"}, "analysis/network")],
)
def test_the_periods_and_the_networks_are_counted_once_in_the_analysis(counting: set[str], home: str) -> None:
    """Claims are counted per period (`Analysis.timeline`) and the Network sheet's and the
    brief's signed matrices worked out (`Analysis.network_views`) by the Analysis alone: no
    output counts them again from the project (`home` holds the counting itself)."""
    callers = set()
    for path in modules():
        if path.relative_to(PACKAGE).as_posix().startswith(home + "/"):
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call):
                called = node.func.id if isinstance(node.func, ast.Name) else getattr(node.func, "attr", None)
                if called in counting:
                    callers.add(path.relative_to(ROOT).as_posix())
    assert callers == {"matrix/analysis/pivot.py"}
