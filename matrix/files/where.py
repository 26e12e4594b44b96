"""Where a project's files are, as one value, in every form a project takes: a folder, a git
revision held in memory, another coder's claims read over this project's codebook and texts."""

from __future__ import annotations

import contextlib
from dataclasses import dataclass, replace
from pathlib import Path

from matrix.files.loading import CLAIMS_DIR, CODEBOOK, MAX_FILE_BYTES, Snapshot


@dataclass(frozen=True)
class ProjectFiles:
    """Where the loader finds a project's files, and how much of one it reads.

    `root` is the project folder; with a `snapshot` (a git revision, `revisions.checkout`) its
    files are read from memory as they were, not from the folder. `claims` is the folder of
    claims files (default root/claims), `codebook` the codebook (default root's, or the
    snapshot's; a path given is read from disk), `texts` a second folder for the source texts
    that are not under the root (or in the snapshot). `cache_root` is the project whose cache
    serves (default: root), so that every version read in one run shares one cache;
    `max_bytes` the largest YAML file read."""

    root: Path
    snapshot: Snapshot | None = None
    claims: Path | None = None
    codebook: Path | None = None
    texts: Path | None = None
    cache_root: Path | None = None
    max_bytes: int = MAX_FILE_BYTES

    @classmethod
    def at(cls, where: ProjectFiles | Path | str) -> ProjectFiles:
        """`where` as it is, or the project in the folder `where`."""
        return where if isinstance(where, ProjectFiles) else cls(Path(where))

    @property
    def cache_of(self) -> Path:
        """The folder whose cache serves this project."""
        return self.cache_root or self.root

    def coding(self, folder: Path, snapshot: Snapshot | None = None) -> ProjectFiles:
        """Another coder's coding of this project, in `folder` (a project folder with claims/
        inside, or a folder of claims files) or in `snapshot` (a git revision of this project,
        held in memory). A project is read as one, its texts looked for in it first and then
        under this root; a folder of claims files is read as part of this project (their texts
        under this root). Either way their codebook is theirs if they have one, else this
        project's; this project's cache serves."""
        own = self.root / CODEBOOK
        shared = replace(self, snapshot=None, claims=None, texts=self.root, cache_root=self.cache_of)
        if snapshot is not None:
            return replace(
                shared, root=self.root, snapshot=snapshot, codebook=None if CODEBOOK in snapshot.files else own
            )
        if (folder / CLAIMS_DIR).is_dir():
            theirs = folder / CODEBOOK
            return replace(shared, root=folder, codebook=None if theirs.is_file() else own)
        with contextlib.suppress(ValueError, OSError):  # inside the root: named relative to it
            folder = self.root / folder.resolve().relative_to(self.root.resolve())
        theirs = folder / "codebook.yaml"
        return replace(shared, claims=folder, codebook=theirs if theirs.is_file() else own, texts=None)
