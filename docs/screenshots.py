"""Regenerate the README's pictures from the shipped project (`make screenshots`).

- docs/stance.png: the workbook's Stance sheet as LibreOffice prints it (xlsx -> PDF with one
  page per sheet -> PNG with pdftoppm);
- docs/brief.png and docs/brief-phone.png: the HTML brief in headless Chromium, at a desktop
  and a phone width;
- docs/datasette.png: Datasette browsing the published evidence (`publish --sqlite`): the claims
  of one Stance cell with their facets, served on 127.0.0.1 and shown by headless Chromium.

Needs `soffice` (libreoffice-calc-nogui), `pdftoppm` (poppler-utils) and `chromium`, and
`datasette` (the test extra). Chromium runs with every network lookup mapped to nowhere and, for
the brief, where `unshare` allows, in a network namespace of its own: the brief fetches nothing,
and the browser's own update checks go nowhere (Datasette it reaches on 127.0.0.1, by address).
"""

from __future__ import annotations

import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from matrix.brief import OFFLINE_CHROMIUM

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
WORKBOOK = ROOT / "output" / "claims-matrix.xlsx"
BRIEF = ROOT / "output" / "claims-matrix.html"
DATABASE = ROOT / "output" / "evidence.db"  # with output/metadata.json beside it
# one Stance cell (counter-terrorism x US-India: +11/-1), a few columns, the facets of metadata.json
DATASETTE_PAGE = (
    "/evidence/claims?topic=counter-terrorism&perspective=US-India"
    "&_col=seq&_col=source&_col=stance&_col=confidence&_col=actor&_col=note&_size=6"
)
STANCE_PAGE = 2  # Overview, then Stance: one page per sheet
CHROMIUM_FLAGS = (*OFFLINE_CHROMIUM, "--hide-scrollbars")
TOOLS = {"soffice": "libreoffice-calc-nogui", "pdftoppm": "poppler-utils", "chromium": "chromium"}


def run(*command: str | Path) -> None:
    subprocess.run([str(c) for c in command], check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def stance_png(work: Path) -> Path:
    """The Stance sheet as LibreOffice prints it, cropped to the matrix."""
    export = 'pdf:calc_pdf_Export:{"SinglePageSheets":{"type":"boolean","value":"true"}}'
    profile = f"-env:UserInstallation={(work / 'lo').as_uri()}"
    run("soffice", profile, "--headless", "--convert-to", export, "--outdir", work, WORKBOOK)
    target = DOCS / "stance.png"
    page = str(STANCE_PAGE)
    run(
        "pdftoppm",
        "-png",
        "-scale-to",
        "1100",
        "-f",
        page,
        "-l",
        page,
        "-singlefile",
        work / "claims-matrix.pdf",
        target.with_suffix(""),
    )
    return target


def brief_png(work: Path, name: str, width: int, height: int) -> Path:
    """The brief as Chromium shows it in a window `width` x `height`."""
    isolate = ["unshare", "--net"] if _can_unshare() else []
    target = DOCS / name
    flags = [*CHROMIUM_FLAGS, f"--user-data-dir={work / name}", f"--window-size={width},{height}"]
    run(*isolate, "chromium", *flags, f"--screenshot={target}", BRIEF.as_uri())
    return target


def datasette_png(work: Path, width: int = 1100, height: int = 860) -> Path:
    """Datasette serving the published database on 127.0.0.1, one page as Chromium shows it."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    datasette = Path(sys.executable).parent / "datasette"
    metadata = DATABASE.with_name("metadata.json")
    command = [datasette, "serve", DATABASE, "--metadata", metadata, "--host", "127.0.0.1", "--port", str(port)]
    server = subprocess.Popen([str(c) for c in command], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        base = f"http://127.0.0.1:{port}"
        for _ in range(100):
            try:
                with urllib.request.urlopen(f"{base}/-/versions.json", timeout=1):
                    break
            except OSError:
                time.sleep(0.2)
        target = DOCS / "datasette.png"
        local = [f"{f}, EXCLUDE 127.0.0.1" if f.startswith("--host-resolver-rules=") else f for f in CHROMIUM_FLAGS]
        flags = [*local, f"--user-data-dir={work / 'datasette'}", f"--window-size={width},{height}"]
        run("chromium", *flags, f"--screenshot={target}", base + DATASETTE_PAGE)
        return target
    finally:
        server.terminate()
        server.wait(timeout=10)


def _can_unshare() -> bool:
    return (
        shutil.which("unshare") is not None
        and subprocess.run(["unshare", "--net", "true"], check=False).returncode == 0
    )


def main() -> int:
    missing = [f"{tool} (apt-get install {package})" for tool, package in TOOLS.items() if not shutil.which(tool)]
    if missing:
        print("screenshots need " + ", ".join(missing), file=sys.stderr)
        return 1
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        for path in (
            stance_png(work),
            brief_png(work, "brief.png", 1100, 900),
            brief_png(work, "brief-phone.png", 390, 800),
            datasette_png(work),
        ):
            print(f"wrote {path.relative_to(ROOT)} ({path.stat().st_size:,} bytes)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
