"""The pre-commit hook other repositories use: project-wide, running `claims-matrix validate`."""

from __future__ import annotations

from pathlib import Path

from matrix.files.yamltree import MappingNode, Scalar, SequenceNode, parse_tree

ROOT = Path(__file__).resolve().parent.parent


def test_the_hook_validates_the_whole_project() -> None:
    root, problems = parse_tree((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"), ".pre-commit-hooks.yaml")
    assert problems == []
    assert isinstance(root, SequenceNode)
    (hook,) = root.items
    assert isinstance(hook, MappingNode)
    fields = {key.value: value.value for key, value in hook.items if isinstance(value, Scalar)}
    assert fields["id"] == "claims-matrix-validate"
    assert fields["entry"] == "claims-matrix validate"
    assert fields["language"] == "python"
    assert fields["pass_filenames"] == "false"  # the project as a whole, not the changed files one by one
    # the entry point is the one the package installs
    assert 'claims-matrix = "matrix.cli:run"' in (ROOT / "pyproject.toml").read_text(encoding="utf-8")
