"""Where a source's text came from and whether it is still the text that was coded.

A source may record its provenance (all three fields optional, so that an unpinned project
validates as before):

- `sha256:` the SHA-256 of the text file's bytes when its claims were coded ("pinned");
  `claims-matrix pin` writes it, and so does `add-source`. A text whose bytes no longer hash
  to it is `seed-changed` (a warning; `--strict` fails on it) at the `sha256:` line: a
  corrected text silently re-anchors every quote, so the quotes want a review and a re-pin.
- `retrieved:` when the text was obtained (a date: YYYY-MM-DD, YYYY-MM or YYYY).
- `archive:` an http(s) address of an archived copy (the Wayback Machine, perma.cc, ...).

`provenance_problems` is the check (a rule of `matrix.rules`; pure). `matrix.authoring.pinning` rewrites a
claims file's `sha256:` line; `corpus.pin_sources` writes the files.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator
from urllib.parse import urlsplit

from matrix.model.problems import Problem, shown
from matrix.model.values import Project, Source
from matrix.time.periods import parse_date

PROVENANCE_FIELDS = ("sha256", "retrieved", "archive")
EMITS = ("invalid-sha256", "invalid-date", "invalid-url", "seed-changed")
SHA256_RE = re.compile(r"^[0-9a-fA-F]{64}$")
SHORT = 12  # hex digits of a hash shown in messages


def sha256_of(data: bytes) -> str:
    """The hex SHA-256 of `data`, as `sha256:` records it (lower case)."""
    return hashlib.sha256(data).hexdigest()


_NOT_IN_ADDRESS = re.compile(r"[\s\"'<>\\`]")


def is_web_address(value: str) -> bool:
    """Whether `value` is an absolute http(s) address with a host, and nothing a page could
    misread around it (white space, quotes, angle brackets, backslashes)."""
    parts = urlsplit(value)
    return parts.scheme in ("http", "https") and bool(parts.netloc) and not _NOT_IN_ADDRESS.search(value)


def invalid_date(source: Source, name: str, hint: str) -> Problem | None:
    """`invalid-date` at the source's date field `name` (published, retrieved) when it is given
    but is not a date (YYYY-MM-DD, YYYY-MM or YYYY); None when it is absent or a date."""
    value: str | None = getattr(source, name)
    if value is None or parse_date(value) is not None:
        return None
    message = f"{name} {shown(value)} is not a date: YYYY-MM-DD, YYYY-MM or YYYY"
    return Problem(source.positions[name], "invalid-date", message, hint, source.id)


def provenance_problems(project: Project) -> Iterator[Problem]:
    """Malformed provenance values, and texts that changed since they were pinned."""
    texts = {f.source.id: project.texts.get(f.file) for f in project.files if f.source is not None}
    for source in project.sources:
        retrieved = "write the day the text was obtained, e.g. 'retrieved: 2025-06-05', or leave it out"
        if (problem := invalid_date(source, "retrieved", retrieved)) is not None:
            yield problem
        if source.archive is not None and not is_web_address(source.archive):
            yield Problem(
                source.positions["archive"],
                "invalid-url",
                f"archive {shown(source.archive)} is not an http(s) address",
                "write the full address of the archived copy, starting with https://",
                source.id,
            )
        if source.sha256 is None:
            continue
        if not SHA256_RE.match(source.sha256):
            yield Problem(
                source.positions["sha256"],
                "invalid-sha256",
                f"sha256 {shown(source.sha256, 80)} is not 64 hexadecimal digits",
                f"run 'claims-matrix pin {source.id}' to write the text's hash, or delete the line",
                source.id,
            )
            continue
        text = texts.get(source.id)
        if text is not None and text.digest and text.digest != source.sha256.lower():
            yield seed_changed(source, text.path, text.digest)


def seed_changed(source: Source, path: str, digest: str) -> Problem:
    pinned = (source.sha256 or "").lower()
    return Problem(
        source.positions["sha256"],
        "seed-changed",
        f"{path} has changed since it was pinned: its bytes hash to {digest[:SHORT]}…, not {pinned[:SHORT]}…",
        f"review the quotes of '{source.id}' against the changed text (a corrected text moves every quote), "
        f"then re-pin it: claims-matrix pin {source.id}",
        source.id,
    )
