"""Time each stage of the pipeline in this process: `python bench/stages.py ROOT OUT [naive]`.

Prints one JSON object: per stage, the wall time in seconds and the peak RSS (MB) reached
by the end of that stage (the process's high-water mark, so it only grows). The naive
variant does the same work the straightforward way: each file goes through PyYAML's
pure-Python SafeLoader (`yaml.compose`, which keeps line and column) into the same typed
objects and checks, in one process, and the workbook is written with pandas'
DataFrame.to_excel (openpyxl engine, normal mode).
"""

from __future__ import annotations

import gc
import json
import resource
import sys
import time
from pathlib import Path

T0 = time.perf_counter()


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    root, out = Path(sys.argv[1]), Path(sys.argv[2])
    naive = len(sys.argv) > 3 and sys.argv[3] == "naive"
    gc.disable()  # as the CLI does
    stages: dict[str, dict[str, float]] = {}
    clock = time.perf_counter()

    def done(stage: str) -> None:
        nonlocal clock
        now = time.perf_counter()
        stages[stage] = {"seconds": round(now - clock, 3), "peak_mb": round(peak_mb(), 1)}
        clock = now

    import yaml

    from matrix.checks.pipeline import load_project, locate_quotes, quotes_cache
    from matrix.checks.validation import validate
    from matrix.files import yamltree

    if naive:
        from matrix.files import loading, workers

        workers.PARALLEL_WEIGHT = 1 << 62  # one process

        def naive_tree(text: str, file: str, max_depth: int = 4) -> tuple[yamltree.Node | None, list]:
            def convert(node: yaml.Node) -> yamltree.Node:
                where = yamltree.Location(file, node.start_mark.line + 1, node.start_mark.column + 1)
                if isinstance(node, yaml.MappingNode):
                    return yamltree.MappingNode(tuple((convert(k), convert(v)) for k, v in node.value), where)  # type: ignore[misc]
                if isinstance(node, yaml.SequenceNode):
                    return yamltree.SequenceNode(tuple(convert(v) for v in node.value), where)
                return yamltree.Scalar(node.value, where, node.style is None)

            root = yaml.compose(text, Loader=yaml.SafeLoader)
            return (None if root is None else convert(root)), []

        loading.parse_tree = naive_tree  # type: ignore[assignment]
    done("import")
    project = load_project(root)
    done("load")
    report = validate(project, locate_quotes(project, quotes_cache(None)))
    done("validate")
    from matrix.analysis.pivot import analyse

    if not naive:  # as the CLI does: the Coverage sheet's figures are worked out meanwhile
        from matrix.analysis.coverage import coverage_in_background
        from matrix.workbook import COVERAGE_ROWS

        covering = coverage_in_background(project, report, (), COVERAGE_ROWS)
    analysis = analyse(project, report)
    done("pivot")
    if naive:
        from dataclasses import asdict

        import pandas as pd

        with pd.ExcelWriter(out, engine="openpyxl") as writer:
            analysis.to_frame("cells").to_excel(writer, sheet_name="Stance", index=False)
            pd.DataFrame([asdict(c) for c in analysis.contrasts]).to_excel(writer, sheet_name="Contrasts")
            analysis.to_frame("claims").to_excel(writer, sheet_name="Claims", index=False)
            pd.DataFrame.from_dict(dict(analysis.source_rows()), orient="index").to_excel(writer, sheet_name="Sources")
    else:
        from matrix.workbook import write_workbook

        write_workbook(analysis, report, project, out, covered=covering.result)
    done("write")
    stages["total"] = {"seconds": round(time.perf_counter() - T0, 3), "peak_mb": round(peak_mb(), 1)}
    print(json.dumps({"claims": len(project.claims), "errors": report.errors, "stages": stages}))


if __name__ == "__main__":
    main()
