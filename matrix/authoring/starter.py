"""The files of a new project (`claims-matrix init`): pure, names and texts only.

A commented codebook with the given perspectives and actors, two example topics with
descriptions and every cue list; a README for the project's coders; a coding-manual
template; `seeds/README.md`; a `.gitignore` that keeps generated output out of git; the
editor settings that attach the claims schema; and the schema itself.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence

from matrix.authoring.yamlwriter import scalar_lines
from matrix.checks.claims_schema import SCHEMA_FILE, schema_text
from matrix.model.location import Location
from matrix.model.values import Codebook, Entry

CODEBOOK_FILE = "claims/codebook.yaml"
ENTRY_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9-]*$")  # as `validate` checks codebook ids
DEFAULT_PERSPECTIVES = ("perspective-a", "perspective-b")
DEFAULT_ACTORS = ("party-a", "party-b")
STARTER_FOLDERS = ("claims", "seeds", "output")
PROJECT_MARKERS = (CODEBOOK_FILE, "claims", "seeds")
"""A folder holding any of these already holds a project: `init` refuses it."""

EXAMPLE_TOPICS = (
    Entry(
        "trade",
        "Trade and investment",
        "Trade volumes, trade agreements and policy, tariffs, investment and economic partnership.",
        Location(CODEBOOK_FILE),
    ),
    Entry(
        "security",
        "Security and defence cooperation",
        "Joint exercises, defence agreements and equipment, intelligence and counter-terrorism cooperation, "
        "and how each party thinks about threats and alliances.",
        Location(CODEBOOK_FILE),
    ),
)

CUES = {
    "convergence": "[agree, agreed, agreement, shared, share, joint, jointly, together, reaffirm, reaffirmed,\n"
    "                cooperation, cooperate, partnership, common, mutual, consensus, support, commitment]",
    "divergence": "[differ, differs, difference, differences, diverge, divergence, contrast, whereas,\n"
    "               however, despite, far apart, tension, tensions, disagree, disagreement]",
    "unilateral": "[unilateral, unilaterally, alone, domestic, its own, independently, autonomy]",
    "bilateral": "[bilateral, two countries, two sides, both sides, two governments, dialogue, each other]",
    "multilateral": "[multilateral, United Nations, UN, international, global, convention, treaty, treaties,\n"
    "                 forums, institutions]",
    "hedges": "[may, might, could, likely, unlikely, suggests, suggested, expected to, would, possibly,\n"
    "           perhaps, potential, potentially, appears, seems, plans to, proposes, recommends, should]",
    "both-parties": "[both, the two countries, the two sides, the two governments, the two nations, each other,\n"
    "                 jointly, together, mutual]",
}


def id_problems(kind: str, ids: Sequence[str]) -> list[str]:
    """What is wrong with the ids given for `kind` (perspective, actor): malformed, or
    given twice (ignoring case, as `validate` compares them)."""
    problems: list[str] = []
    seen: set[str] = set()
    for entry_id in ids:
        if not ENTRY_ID.match(entry_id):
            problems.append(f"{kind} id {entry_id!r} must be letters, digits and '-', starting with a letter or digit")
        elif entry_id.lower() in seen:
            problems.append(f"{kind} id {entry_id!r} is given twice")
        seen.add(entry_id.lower())
    return problems


def starter_codebook(perspectives: Sequence[str], actors: Sequence[str]) -> Codebook:
    """The codebook `init` writes, as a value (each label is the id until the coder renames it)."""
    at = Location(CODEBOOK_FILE)
    return Codebook(
        tuple(Entry(p, p, None, at) for p in perspectives),
        tuple(Entry(a, a, None, at) for a in actors),
        EXAMPLE_TOPICS,
        require=("voice",),  # offered: the coder deletes the line to let claims leave voice out
    )


def _entry_lines(entry: Entry) -> list[str]:
    lines = scalar_lines("id", entry.id, 4)
    lines[0] = "  - " + lines[0][4:]
    lines += scalar_lines("label", entry.label, 4)
    if entry.description:
        lines += scalar_lines("description", entry.description, 4)
    return lines


def codebook_text(codebook: Codebook) -> str:
    lines = [
        "# The codebook: the vocabularies claims are coded with, in display order.",
        "# Every entry has an id (letters, digits and '-'; claims refer to it) and a label (shown in",
        "# the workbook and the tables); a description is optional (shown in the editor on hover: say",
        "# what the entry includes). The coding manual, claims/README.md, says how each is applied.",
        "# After changing this file run `claims-matrix schema`, so that the editor knows the new ids.",
        "",
        "perspectives:                 # matrix columns: whose sources a claim comes from; a perspective",
        "                              # may add parties: [A, B] (the actors whose relation it measures)",
        "                              # and voice: <whose voice its sources carry, e.g. official sources>",
    ]
    for entry in codebook.perspectives:
        lines += _entry_lines(entry)
    lines += ["", "actors:                       # a claim's optional 'actor': whose position it is"]
    for entry in codebook.actors:
        lines += _entry_lines(entry)
    lines += (
        []
        if not codebook.require
        else [
            "",
            f"require: [{', '.join(codebook.require)}]              # every claim says whose voice it is in: stated, assessment, forecast",
            "                              # or recommendation (delete the line to let claims leave it out)",
        ]
    )
    lines += ["", "topics:                       # matrix rows; each description is the inclusion rule (replace"]
    lines += ["                              # these two examples with your own)"]
    for entry in codebook.topics:
        lines += _entry_lines(entry)
    lines += [
        "",
        "# Cue lists: whole words or phrases, any case. `coverage` ranks uncoded sentences by the",
        "# stance and approach cues they hold; `validate` uses hedges and both-parties for its",
        "# coding-consistency warnings (an empty list turns a check off). Adapt them to your sources.",
        "cues:",
        *(f"  {kind}: {words}" for kind, words in CUES.items()),
    ]
    return "\n".join(lines) + "\n"


def _project_readme(codebook: Codebook) -> str:
    perspectives = ", ".join(f"`{p.id}`" for p in codebook.perspectives)
    return f"""\
# Claims

Claims coded from the source texts in `seeds/`, compared across the perspectives {perspectives}
with claims-matrix.

```
claims/codebook.yaml   the vocabularies: perspectives, actors, topics and cue lists
claims/<source>.yaml   one file per source: its metadata and its claims
claims/README.md       the coding manual: how stance, approach, actor and topic are assigned
seeds/<source>.txt     the source texts, verbatim
output/                generated workbooks (not committed)
```

For coders:

1. Add a source: `claims-matrix add-source TEXT.txt --id ID --perspective P --title "..." --publisher "..."`
   copies the text to `seeds/` and writes `claims/ID.yaml` with no claims yet, the text pinned
   by its SHA-256 (`sha256:`; add `--retrieved DATE` and `--archive URL` to record where it came
   from). If a text must change later, review its quotes, then `claims-matrix pin ID`.
2. Find what to code: `claims-matrix coverage --source ID --stubs` prints ready-to-paste claims
   for the sentences most likely to state a position; fill in the topic, confirm the guessed
   stance and approach, and paste them under `claims:`.
3. Check: `claims-matrix validate` (every quote must occur verbatim in its text).
4. Build the workbook: `claims-matrix build` writes `output/claims-matrix.xlsx`.

The claim format (every field, quotes and accepted warnings) is described in the claims-matrix
README, section "Claim format". Code by the coding manual, `claims/README.md`: it is a
template to complete with this project's rules and examples. In VS Code with the YAML extension,
`.vscode/settings.json` attaches `{SCHEMA_FILE}`, so that field names, topics, perspectives
and actors are completed and checked as you type; run `claims-matrix schema` after changing
the codebook.
"""


CODING_MANUAL = """\
# Coding manual

How the claims in this folder are coded. `codebook.yaml` holds the vocabularies (topics, actors,
perspectives) and the cue lists the checks use; every other `*.yaml` file is one source and its
claims (format: the claims-matrix README, "Claim format"). `claims-matrix validate --strict` must
stay clean. Write each rule so that two coders apply it alike; where a case is not covered,
decide it, add the rule here with its example, and recode the sources by it.

## 1. The unit: one claim per position per source
A position is what the source says the parties (or one of them) hold, agree on, differ on or do:
who + about what + which way. A passage that restates a coded position is another passage of the
same claim (`quotes:`), not a new claim.
- Example: (quote two passages of one of your sources that state one position)

## 2. What is not a claim
- (background facts, descriptions of the document, ...)

## 3. Stance
- `convergence`: the parties agree, cooperate or share the position. Example: ...
- `divergence`: they differ, or one holds a position the other does not. Example: ...

## 4. Approach (optional)
- `unilateral`, `bilateral`, `multilateral`: how the position is pursued. Example: ...

## 5. Actor (optional)
Whose position it is, when the passage gives one party's position; none when it names both.

## 6. Topic
One topic per claim, by the codebook's descriptions; when two fit, the narrower one. Examples: ...

## 7. Confidence
`low` for a forecast, recommendation or hedged view; `high` for an explicit, unhedged statement;
otherwise leave the default (`medium`).

## 8. Accepted warnings
List here each `accept:` reason your team allows, with an example.
"""

SEEDS_README = """\
# Source texts

One plain-text file per source, byte for byte as received (`claims-matrix add-source` copies
them here). Claims quote them verbatim; `claims-matrix validate` checks every quote against them,
and warns (`seed-changed`) when a text's bytes no longer match the `sha256:` its claims file pins.
"""

GITIGNORE = """\
# written by claims-matrix: the workbook and the cache are generated from claims/ and seeds/
output/
.cache/
"""


def editor_settings() -> str:
    """`.vscode/settings.json`: the claims schema for every claims file but the codebook and the memos."""
    patterns = ["claims/*.yaml", "claims/*.yml", "!claims/codebook.yaml", "!claims/memos.yaml"]
    return json.dumps({"yaml.schemas": {SCHEMA_FILE: patterns}}, indent=2) + "\n"


def starter_files(perspectives: Sequence[str] = (), actors: Sequence[str] = ()) -> dict[str, str]:
    """Path (relative to the new project's root) -> text of every file `init` writes;
    the defaults stand in for perspectives or actors not given."""
    codebook = starter_codebook(perspectives or DEFAULT_PERSPECTIVES, actors or DEFAULT_ACTORS)
    return {
        "README.md": _project_readme(codebook),
        ".gitignore": GITIGNORE,
        ".vscode/settings.json": editor_settings(),
        CODEBOOK_FILE: codebook_text(codebook),
        "claims/README.md": CODING_MANUAL,
        SCHEMA_FILE: schema_text(codebook),
        "seeds/README.md": SEEDS_README,
    }
