"""Deterministic synthetic claims projects for the benchmark.

`generate(root, claims)` writes a project with `claims` claims, 100 per source file, each
source with a ~20 KB text of generated prose from which the quotes are drawn verbatim, and
about 2% deliberate problems that warn but do not stop a build (short and ambiguous quotes);
`short` is the share of claims given a short quote (default 1%; 0.3 gives about 30,000
warnings at 100,000 claims).
"""

from __future__ import annotations

import random
import shutil
import sys
from pathlib import Path

CLAIMS_PER_SOURCE = 100
TEXT_BYTES = 20_000
TOPICS = [f"topic-{i:02d}" for i in range(16)]
PERSPECTIVES = ["US-India", "India-Russia", "CFR"]
ACTORS = ["US", "India", "Russia"]
WORDS = [
    "security",
    "cooperation",
    "partnership",
    "strategic",
    "defense",
    "trade",
    "terrorism",
    "bilateral",
    "multilateral",
    "agreement",
    "dialogue",
    "framework",
    "regional",
    "global",
    "India",
    "Russia",
    "United",
    "States",
    "export",
    "controls",
    "technology",
    "space",
    "energy",
    "maritime",
    "intelligence",
    "sharing",
    "border",
    "financing",
    "cyber",
    "norms",
    "autonomy",
    "deterrence",
    "interoperability",
    "sanctions",
    "convention",
    "treaty",
    "alliance",
    "summit",
    "ministers",
    "officials",
    "policy",
    "priorities",
    "differences",
    "convergence",
    "divergence",
    "approach",
    "commitment",
    "pledge",
    "exercises",
]


def _text(rng: random.Random) -> str:
    sentences, size = [], 0
    while size < TEXT_BYTES:
        words = [rng.choice(WORDS) for _ in range(rng.randint(12, 30))]
        sentence = " ".join(words).capitalize() + "."
        sentences.append(sentence)
        size += len(sentence) + 1
    paragraphs = [" ".join(sentences[i : i + 6]) for i in range(0, len(sentences), 6)]
    return "\n\n".join(paragraphs) + "\n"


def _quote(rng: random.Random, text: str) -> tuple[str, int]:
    """A run of words inside one paragraph of `text`, and that paragraph's index (claims take
    their topic from it, so that claims quoting one sentence share a topic: no split-topic)."""
    paragraphs = text.split("\n\n")
    index = rng.randrange(len(paragraphs))
    words = paragraphs[index].split()
    start = rng.randrange(0, max(1, len(words) - 16))
    return " ".join(words[start : start + rng.randint(8, 16)]), index


def generate(root: Path, claims: int, seed: int = 7, short: float = 0.01) -> Path:
    if root.exists():
        shutil.rmtree(root)
    (root / "claims").mkdir(parents=True)
    (root / "seeds").mkdir()
    codebook = ["perspectives:"] + [f"  - {{id: {p}, label: {p} sources}}" for p in PERSPECTIVES]
    codebook += ["actors:"] + [f"  - {{id: {a}, label: {a}}}" for a in ACTORS]
    codebook += ["topics:"] + [f"  - {{id: {t}, label: Topic {t[-2:]}, description: Generated topic.}}" for t in TOPICS]
    (root / "claims" / "codebook.yaml").write_text("\n".join(codebook) + "\n")
    rng = random.Random(seed)
    for s in range(claims // CLAIMS_PER_SOURCE):
        source_id = f"source-{s:05d}"
        text = _text(rng)
        (root / "seeds" / f"{source_id}.txt").write_text(text)
        lines = [
            "source:",
            f"  id: {source_id}",
            f'  title: "Generated source {s}"',
            "  publisher: Benchmark Institute",
            f"  published: 2025-{1 + s % 12:02d}-{1 + s % 28:02d}",
            f"  perspective: {PERSPECTIVES[s % 3]}",
            f"  text: seeds/{source_id}.txt",
            "claims:",
        ]
        for c in range(CLAIMS_PER_SOURCE):
            quote, paragraph = _quote(rng, text)
            roll = rng.random()
            rng.choice(TOPICS)  # drawn as before, so that the rest of the project stays the same
            topic = TOPICS[paragraph % len(TOPICS)]  # one per paragraph: claims quoting a sentence share it
            if roll < short:
                quote = " ".join(quote.split()[:4])  # short (and likely ambiguous): warnings
            lines += [
                f"  - id: {source_id}-claim-{c:03d}",
                f"    topic: {topic}",
                f"    stance: {'convergence' if rng.random() < 0.6 else 'divergence'}",
            ]
            if rng.random() < 0.7:
                lines.append(f"    approach: {rng.choice(['unilateral', 'bilateral', 'multilateral'])}")
            if rng.random() < 0.4:
                lines.append(f"    actor: {rng.choice(ACTORS)}")
            if rng.random() < 0.5:
                lines.append(f"    confidence: {rng.choice(['low', 'medium', 'high'])}")
            lines += ["    quote: >-", f"      {quote}"]
            if rng.random() < 0.3:
                lines.append("    note: A generated analyst note about this claim.")
        (root / "claims" / f"{source_id}.yaml").write_text("\n".join(lines) + "\n")
    return root


if __name__ == "__main__":
    generate(Path(sys.argv[1]), int(sys.argv[2]), short=float(sys.argv[3]) if len(sys.argv) > 3 else 0.01)
