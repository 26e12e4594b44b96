"""The HTML brief: escaped, self-contained, deterministic; read back from a real headless Chromium."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import unicodedata
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest

from matrix.analysis.matrices import Contrast, StanceCell, Total
from matrix.analysis.palette import HATCH, THIN_MARK, net_colour, signed
from matrix.brief import OFFLINE_CHROMIUM, Brief, EvidenceClaim, Passage, render_brief
from matrix.model.location import Location
from matrix.model.values import Memo, Memos

CHROMIUM = shutil.which("chromium") or ("/usr/bin/chromium" if Path("/usr/bin/chromium").exists() else None)
HOSTILE = (
    '<script>alert("x")</script>',
    '"><img src=x onerror=alert(1)>',
    "</style><style>body{background:url(//evil.example/x)}</style>",
    "{{ 7*7 }} {% if 1 %}jinja{% endif %}",
    "&amp; ' \" `",
    "javascript:alert(1)",
)


def _numbers(stance: list[tuple[str, str, int, int, float, float, int]]) -> dict[str, Any]:
    """The numbers of a Brief: these stance cells, one contrast and two totals."""
    return {
        "stance": {(t, p): StanceCell(c, d, n, w, s) for t, p, c, d, n, w, s in stance},
        "claims": sum(c + d for _, _, c, d, _, _, _ in stance),
        "contrasts": (Contrast("t1", "p1", 1.0, 1, "p2", -0.6, 5, 1.6, True),),
        "totals": (Total("p1", 1, 4, 4, 0, 1.0), Total("p2", 1, 5, 1, 4, -0.6)),
    }


def hostile_brief() -> Brief:
    evil = " ".join(HOSTILE)
    claim = EvidenceClaim(
        id=HOSTILE[0],
        source=HOSTILE[1],
        stance="divergence",
        passages=(Passage(evil, HOSTILE[2]), Passage(HOSTILE[3], "")),
        approach=HOSTILE[5],
        actor=HOSTILE[4],
        at=HOSTILE[2],
    )
    memo = Memo("t1", "p2", evil, (HOSTILE[0], HOSTILE[1]), Location("claims/memos.yaml", 2, 5))
    across = Memo("t1", None, HOSTILE[3], (), Location("claims/memos.yaml", 8, 5))
    return Brief(
        **_numbers([("t1", "p1", 1, 0, 1.0, 1.0, 1), ("t1", "p2", 1, 4, -0.6, -0.4, 1)]),
        topics=(("t1", evil), ("t2", HOSTILE[1])),
        perspectives=(("p1", HOSTILE[2]), ("p2", HOSTILE[0])),
        evidence={("t1", "p2"): (claim,)},
        memos=Memos((memo, across)),
        sources={HOSTILE[1]: evil, "src-web": "Web", "src-js": "Script"},
        title=HOSTILE[0],
        stamp=HOSTILE[0],
        urls={"src-web": "https://example.org/a?b=c&d=e", "src-js": HOSTILE[5]},
    )


class _Tags(HTMLParser):
    """Every start tag with its attributes, and the text of <style> elements."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.styles: list[str] = []
        self.text: list[str] = []
        self._in_style = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        self._in_style = tag == "style"

    def handle_endtag(self, tag: str) -> None:
        self._in_style = False

    def handle_data(self, data: str) -> None:
        (self.styles if self._in_style else self.text).append(data)


def tags_of(html: str) -> _Tags:
    parser = _Tags()
    parser.feed(html)
    parser.close()
    return parser


ALLOWED_TAGS = {
    "html", "head", "meta", "title", "style", "body", "header", "main", "section", "footer", "h1", "h2", "h3",
    "p", "div", "span", "strong", "a", "table", "thead", "tbody", "tr", "th", "td", "details", "summary",
    "ol", "ul", "li", "blockquote", "br", "code", "caption",
}  # fmt: skip
RESOURCE = re.compile(r"url\s*\(|@import|https?:|//", re.IGNORECASE)


def assert_self_contained(html: str) -> None:
    """No element, attribute or style that could run code or fetch anything."""
    page = tags_of(html)
    assert {tag for tag, _ in page.tags} <= ALLOWED_TAGS
    assert len(page.styles) == 1 and not RESOURCE.search(page.styles[0])
    for tag, attrs in page.tags:
        assert not any(name.startswith("on") for name in attrs), (tag, attrs)
        assert "src" not in attrs
        href = attrs.get("href")
        if tag == "a" and attrs.get("class") == "archive":  # a source's archived copy: a plain link
            assert href is not None and re.match(r"https?://[^\s\"'<>]+$", href), (tag, attrs)
            assert attrs.get("rel") == "noopener noreferrer", (tag, attrs)
        else:  # within the page, or a source's own http(s) address
            assert href is None or href.startswith("#") or re.match(r"https?://[^\s]+$", href), (tag, attrs)
        style = attrs.get("style")
        assert style is None or re.fullmatch(r"background-color:#[0-9A-F]{6}", style), (tag, attrs)


def test_every_user_string_is_escaped() -> None:
    html = render_brief(hostile_brief())
    assert_self_contained(html)
    assert (
        "<script" not in html and "<img" not in html and "onerror=alert" not in html.replace("onerror=alert(1)&gt;", "")
    )
    assert html.count("<style>") == 1 and "</style><style>" not in html
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in html
    assert "{{ 7*7 }}" in html and "49" not in html  # data is never a template
    text = "".join(tags_of(html).text)
    for value in HOSTILE:  # each shows as the text it is
        assert value in text


def test_the_page_is_deterministic_and_self_contained() -> None:
    brief = hostile_brief()
    html = render_brief(brief)
    assert html == render_brief(brief)
    assert "Content-Security-Policy" in html and "default-src 'none'" in html


def cells_of(html: str) -> dict[tuple[str, str], tuple[str, str]]:
    """(topic, perspective) -> (the cell's text, its style) for every stance matrix cell."""
    cells: dict[tuple[str, str], tuple[str, str]] = {}
    pattern = re.compile(
        r'<td class="([^"]*)"(?: style="([^"]*)")? data-topic="([^"]*)" data-perspective="([^"]*)"[^>]*>(.*?)</td>',
        re.DOTALL,
    )
    for match in pattern.finditer(html):
        text = re.sub(r"<[^>]+>", " ", match.group(5))
        text = " ".join(text.split()).replace(f" {THIN_MARK}", THIN_MARK)
        cells[(match.group(3), match.group(4))] = (text, match.group(2) or "")
    return cells


def test_cells_show_every_number_with_the_workbook_colours_and_thin_marks() -> None:
    brief = hostile_brief()
    cells = cells_of(render_brief(brief))
    assert set(cells) == {("t1", "p1"), ("t1", "p2"), ("t2", "p1"), ("t2", "p2")}
    text, style = cells[("t1", "p1")]  # one claim: thin
    assert style == f"background-color:#{net_colour(1.0)}"  # thin: its own hue, hatched by its class
    assert text.startswith(f"+1.00{THIN_MARK}") and "+1 / -0" in text and "w +1.00" in text
    text, style = cells[("t1", "p2")]  # five claims: full colour, no mark
    assert style == f"background-color:#{net_colour(-0.6)}"
    assert THIN_MARK not in text and text.startswith("-0.60") and "+1 / -4" in text and "w -0.40" in text
    assert cells[("t2", "p1")] == ("·", "")


def test_memos_and_evidence_are_on_the_page() -> None:
    html = render_brief(hostile_brief())
    assert "<details open>\n<summary>Evidence: 1 claim</summary>" in html
    assert '<a href="https://example.org/a?b=c&amp;d=e" rel="noreferrer">' in html
    assert 'href="javascript' not in html  # a source's address that is not http(s) is no link
    assert f"repeating-linear-gradient(-45deg, #{HATCH}b3 0 1px" in html and 'class="cell thin"' in html
    assert html.count('class="memo"') == 2
    assert 'href="#claim--&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;"' in html  # a cited claim links to it
    assert "(not found)" in html  # the second cited id has no claim


def shipped_brief(root: Path) -> Brief:
    """The shipped project's brief, as `claims-matrix report` writes it."""
    from matrix.analysis.pivot import analyse
    from matrix.brief import brief_of
    from matrix.checks.pipeline import check

    project, report = check(root)
    return brief_of(analyse(project, report), project)


def chromium(page: Path, tmp: Path) -> tuple[str, list[str]]:
    """The DOM Chromium renders from `page`, and the URLs the page asked the network for
    (the browser's own background requests, whose initiator is no origin, left out). Run in
    a network namespace of its own where possible, so that nothing can leave the machine."""
    assert CHROMIUM is not None
    log = tmp / "net-log.json"
    isolate = ["unshare", "--net"] if _can_unshare() else []
    flags = [*OFFLINE_CHROMIUM, f"--user-data-dir={tmp / 'profile'}", f"--log-net-log={log}", "--dump-dom"]
    done = subprocess.run(
        [*isolate, CHROMIUM, *flags, page.as_uri()], capture_output=True, text=True, timeout=120, check=False
    )
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout, list(_page_requests(json.loads(log.read_text())))


def _can_unshare() -> bool:
    return (
        shutil.which("unshare") is not None
        and subprocess.run(["unshare", "--net", "true"], check=False).returncode == 0
    )


def _page_requests(log: dict[str, object]) -> Iterator[str]:
    constants: object = log["constants"]
    assert isinstance(constants, dict)
    start = constants["logEventTypes"]["URL_REQUEST_START_JOB"]
    events: object = log["events"]
    assert isinstance(events, list)
    for event in events:
        params = event.get("params", {})
        if event["type"] == start and "url" in params and params.get("initiator") != "not an origin":
            yield params["url"]


needs_chromium = pytest.mark.skipif(CHROMIUM is None, reason="chromium is not installed (apt-get install chromium)")


@needs_chromium
def test_the_request_detector_sees_a_page_that_fetches(tmp_path: Path) -> None:
    page = tmp_path / "fetches.html"
    page.write_text('<p>x</p><img src="http://example.invalid/pixel.png">', encoding="utf-8")
    _, requests = chromium(page, tmp_path)
    assert requests == ["http://example.invalid/pixel.png"]


@needs_chromium
def test_chromium_renders_every_stance_number_and_fetches_nothing(tmp_path: Path) -> None:
    root = Path(__file__).resolve().parent.parent
    brief = shipped_brief(root)
    page = tmp_path / "brief.html"
    page.write_text(render_brief(brief), encoding="utf-8")
    dom, requests = chromium(page, tmp_path)
    assert requests == []
    assert_self_contained(dom)
    cells = cells_of(dom)
    keys = [(t, p) for t, _ in brief.topics for p, _ in brief.perspectives]
    assert len(cells) == len(keys)
    for key in keys:
        text, _ = cells[key]
        cell = brief.stance.get(key)
        if cell is None:
            assert text == "·"
            continue
        numbers = re.findall(r"\d+(?:\.\d+)?", text)
        net, weighted = signed(cell.net), signed(cell.weighted)
        voices = brief.voices[key]  # the shipped claims code voice: the writer's share, and the mark
        assert numbers == [
            net.lstrip("+-"),
            str(cell.convergence),
            str(cell.divergence),
            weighted.lstrip("+-"),
            str(voices.writer),
        ]
        assert ("\u25b2" in text) == voices.rests_on_forecasts
        assert text.startswith(net) and f"w {weighted}" in text
        assert (THIN_MARK in text) == (cell.convergence + cell.divergence < 3)
    evidence = sum(1 for cell in brief.evidence.values() if cell)
    assert dom.count("<details open=") == evidence == len(brief.stance)
    assert dom.count('class="memo"') == len(brief.memos.entries) > 0
    for memo in brief.memos.entries:  # every summary, and a link to every claim it cites
        assert memo.text in dom
        assert all(f'href="#claim--{claim}"' in dom for claim in memo.claims)


def printed(page: Path, tmp: Path) -> Path:
    """`page` printed to PDF by headless Chromium (no header or footer of its own)."""
    assert CHROMIUM is not None
    pdf = tmp / "printed.pdf"
    isolate = ["unshare", "--net"] if _can_unshare() else []
    flags = [*OFFLINE_CHROMIUM, f"--user-data-dir={tmp / 'print-profile'}", "--no-pdf-header-footer"]
    done = subprocess.run(
        [*isolate, CHROMIUM, *flags, f"--print-to-pdf={pdf}", page.as_uri()],
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    assert done.returncode == 0 and pdf.exists(), done.stderr[-2000:]
    return pdf


def ppm_pixels(path: Path) -> list[tuple[int, int, int]]:
    """The pixels of a binary PPM (P6, 8 bits), as pdftoppm writes them."""
    data = path.read_bytes()
    magic, width, height, depth, pixels = data.split(maxsplit=4)
    assert (magic, depth) == (b"P6", b"255")
    size = int(width) * int(height) * 3
    return [tuple(pixels[i : i + 3]) for i in range(0, size, 3)]  # type: ignore[misc]


def squeezed(text: str) -> str:
    """`text` as pdftotext's output is compared: ligatures undone (NFKC), without white space
    (lines wrap anywhere) or hyphens (it joins a word hyphenated at a line's end)."""
    return "".join(unicodedata.normalize("NFKC", text).replace("-", "").split())


def rgb(colour: str) -> tuple[int, int, int]:
    return int(colour[0:2], 16), int(colour[2:4], 16), int(colour[4:6], 16)


needs_poppler = pytest.mark.skipif(
    shutil.which("pdftotext") is None or shutil.which("pdftoppm") is None, reason="poppler-utils is not installed"
)


@needs_chromium
@needs_poppler
def test_the_printed_brief_holds_every_passage_its_colours_the_stamp_and_the_sources(tmp_path: Path) -> None:
    """Printed from Chromium, every passage is expanded (its location is in the PDF's text),
    the cells keep their colours, and the stamp and the list of sources are there."""
    from dataclasses import replace

    brief = replace(shipped_brief(Path(__file__).resolve().parent.parent), stamp="git 1234abc (2026-12-01)")
    page = tmp_path / "brief.html"
    page.write_text(render_brief(brief), encoding="utf-8")
    pdf = printed(page, tmp_path)
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    flat = squeezed(text)
    locations = [p.location for claims in brief.evidence.values() for c in claims for p in c.passages if p.location]
    assert len(locations) > 150
    missing = [at for at in locations if squeezed(at) not in flat]
    assert missing == []
    passages = [p.text for claims in brief.evidence.values() for c in claims for p in c.passages]
    assert [p for p in passages if squeezed(p) not in flat] == []
    assert squeezed("Inputs: git 1234abc (2026-12-01) · filters: none (all claims)") in flat
    assert all(squeezed(title) in flat for title in brief.sources.values())
    # the first two pages: the key findings come first, the matrix after them
    subprocess.run(["pdftoppm", "-r", "30", "-f", "1", "-l", "2", str(pdf), str(tmp_path / "page")], check=True)
    pixels = [p for image in sorted(tmp_path.glob("page*.ppm")) for p in ppm_pixels(image)]
    for end in (net_colour(-1), net_colour(1)):  # both ends of the scale, printed as fills
        near = [p for p in pixels if max(abs(a - b) for a, b in zip(p, rgb(end), strict=True)) <= 6]
        assert len(near) > 200, (end, len(near))
