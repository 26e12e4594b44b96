"""Benchmark of `claims-matrix agree` on two codings of 10,000 claims (target: at most 3 s).

The first coding is bench/generate.py's project; the second (`coder-b/claims/`, a project
folder with no texts of its own, so its `text:` paths resolve against the first project's
root) is a deterministic recoding of it: about 15% of topics changed, 8% of stances flipped,
10% of confidences changed, 5% of claims dropped and 5% of passages cut by three words.
`agree` runs once to fill the cache, then the median of three warm runs is reported.

Part of `make bench`. Usage: python bench/agree.py [CLAIMS]   (default: 10000)
"""

from __future__ import annotations

import random
import re
import shutil
import statistics
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from generate import TOPICS, generate
from run import CLI, OUT, timed

TARGET_SECONDS = 3.0


def recode(text: str, rng: random.Random) -> str:
    """One claims file as a second coder might have coded it (see the module docstring)."""
    head, _, body = text.partition("claims:\n")
    claims = re.split(r"(?m)^(?=  - id: )", body)
    kept = []
    for claim in claims:
        if not claim or rng.random() < 0.05:
            continue
        if rng.random() < 0.15:
            claim = re.sub(r"(?m)^    topic: .*$", f"    topic: {rng.choice(TOPICS)}", claim)
        if rng.random() < 0.08:
            claim = re.sub(
                r"(?m)^    stance: (\w+)$",
                lambda m: "    stance: " + ("divergence" if m.group(1) == "convergence" else "convergence"),
                claim,
            )
        if rng.random() < 0.10:
            claim = re.sub(r"(?m)^    confidence: .*$", f"    confidence: {rng.choice(['low', 'high'])}", claim)
        if rng.random() < 0.05:
            claim = re.sub(r"(?m)^(      )(\S+ \S+ \S+ )(.*\S.*)$", r"\1\3", claim, count=1)
        kept.append(claim)
    return head + "claims:\n" + "".join(kept)


def codings(size: int) -> tuple[Path, Path]:
    root = OUT / f"agree-{size}"
    other = root / "coder-b"
    if not (other / "claims").is_dir():
        generate(root, size)
        (other / "claims").mkdir(parents=True)
        rng = random.Random(14)
        for path in sorted((root / "claims").glob("source-*.yaml")):
            (other / "claims" / path.name).write_text(recode(path.read_text(), rng))
    shutil.rmtree(root / ".cache", ignore_errors=True)
    return root, other


def main() -> None:
    size = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000
    OUT.mkdir(exist_ok=True)
    root, other = codings(size)
    command = [*CLI, "agree", str(other), "--root", str(root), "--format", "json"]
    cold = timed(command)
    warm = [timed(command) for _ in range(3)]
    median = statistics.median(run[0] for run in warm)
    peak = max(run[1] for run in warm)
    print(f"agree, {size:,} claims per coding: cold (writes the cache) {cold[0]:.2f} s / {cold[1]:.0f} MB;")
    print(f"warm {median:.2f} s / {peak:.0f} MB (median of 3)")
    ok = median <= TARGET_SECONDS
    print(f"- [{'x' if ok else ' '}] agree on two {size:,}-claim codings <= {TARGET_SECONDS:.0f} s ({median:.2f} s)")


if __name__ == "__main__":
    main()
