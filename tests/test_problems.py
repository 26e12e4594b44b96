"""The code catalogue, the codes each step declares, the codes each step's source names, and
the README's table of codes agree. `python tests/test_problems.py` regenerates the table."""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest

from matrix.authoring import importing
from matrix.checks import claims_schema, consistency, provenance, rules
from matrix.files import loading, memos, schema, tables, yamltree
from matrix.model.problems import CODES, codes_table, with_codes_table

README = Path(__file__).resolve().parent.parent / "README.md"
STEPS = {yamltree: yamltree.EMITS, schema: schema.EMITS, loading: loading.EMITS, consistency: consistency.EMITS}
STEPS |= {claims_schema: claims_schema.EMITS, importing: importing.EMITS, tables: tables.EMITS, memos: memos.EMITS}
STEPS |= {provenance: provenance.EMITS}


def named_codes(module: object) -> set[str]:
    """The catalogue codes a module's source names as a string literal."""
    source = Path(str(getattr(module, "__file__", ""))).read_text(encoding="utf-8")
    return {code for code in CODES if re.search(rf"[\"']{re.escape(code)}[\"']", source)}


def test_every_catalogue_code_is_declared_by_a_step_or_rule() -> None:
    declared = {code for codes in STEPS.values() for code in codes}
    declared |= {code for rule in (*rules.RULES, *rules.FILE_RULES) for code in rule.codes}
    assert declared == set(CODES)


@pytest.mark.parametrize("module", list(STEPS), ids=lambda m: m.__name__)
def test_a_step_declares_the_codes_it_names(module: object) -> None:
    assert set(STEPS[module]) == named_codes(module)  # type: ignore[index]


def test_the_rules_declare_the_codes_they_name() -> None:
    declared = {code for rule in (*rules.RULES, *rules.FILE_RULES) for code in rule.codes}
    assert declared == named_codes(rules) | set(consistency.EMITS) | set(provenance.EMITS)


def test_readme_table_is_the_catalogue() -> None:
    readme = README.read_text(encoding="utf-8")
    assert with_codes_table(readme) == readme, "run: python tests/test_problems.py"
    assert codes_table().count("\n| `") == len(CODES)


if __name__ == "__main__":
    README.write_text(with_codes_table(README.read_text(encoding="utf-8")), encoding="utf-8")
    sys.exit(0)
