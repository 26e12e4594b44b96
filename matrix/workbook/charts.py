"""Chart titles and axis labels that fit the chart the workbook gives them.

A spreadsheet lays a chart title out in the chart's own width: LibreOffice wraps a title too
wide for it, or cuts it ("Convergence vs divergence per perspectiv"), and neither grows the
chart. So each title gets the largest size, from TITLE_POINTS down to SMALLEST_POINTS, at which
it fits on one line in TITLE_ROOM of the chart's width; one that does not fit even then is
broken between words into two lines (never cut). The width of a text is estimated from its
characters at BOLD_EM, the average width of a bold sans-serif character in ems (DejaVu Sans
Bold, the widest of the fonts LibreOffice and Excel use for charts), so the estimate errs on
the wide side. Axis labels get an explicit size too, so that no application's default decides.
"""

from __future__ import annotations

from openpyxl.chart.axis import _BaseAxis
from openpyxl.chart.text import RichText, Text
from openpyxl.chart.title import Title
from openpyxl.drawing.text import CharacterProperties, Paragraph, ParagraphProperties, RegularTextRun

BOLD_EM = 0.62  # a bold sans-serif character's average width in ems, on the wide side (capitals, digits)
TITLE_ROOM = 0.8  # the share of a chart's width a title may take (the rest: its margins)
TITLE_POINTS, SMALLEST_POINTS = 12, 8
AXIS_POINTS = 9  # tick labels and axis titles
POINTS_PER_CM = 72 / 2.54


def text_points(text: str, size: float) -> float:
    """The estimated width of `text` in bold at `size` points, in points."""
    return len(text) * BOLD_EM * size


def title_lines(text: str, chart_cm: float, largest: int = TITLE_POINTS) -> tuple[tuple[str, ...], int]:
    """The lines of a chart title `chart_cm` wide and their size in points: one line at the
    largest size (at most `largest`) that fits; else two, broken at the space that leaves the
    longer line shortest."""
    room = chart_cm * POINTS_PER_CM * TITLE_ROOM
    candidates: list[tuple[str, ...]] = [(text,)]
    spaces = [i for i, char in enumerate(text) if char == " "]
    if spaces:
        best = min(spaces, key=lambda i: max(i, len(text) - i - 1))
        candidates.append((text[:best], text[best + 1 :]))
    for lines in candidates:
        for size in range(largest, SMALLEST_POINTS - 1, -1):
            if all(text_points(line, size) <= room for line in lines):
                return lines, size
    return candidates[-1], SMALLEST_POINTS


def chart_title(text: str, chart_cm: float, largest: int = TITLE_POINTS) -> Title:
    """A bold chart title that fits a chart `chart_cm` wide (see `title_lines`), not over the plot."""
    lines, size = title_lines(text, chart_cm, largest)
    bold = CharacterProperties(sz=size * 100, b=True)
    paragraphs = [
        Paragraph(pPr=ParagraphProperties(defRPr=bold), r=[RegularTextRun(rPr=bold, t=line)]) for line in lines
    ]
    return Title(tx=Text(rich=RichText(p=paragraphs)), overlay=False)


def axis_labels(axis: _BaseAxis, title: str | None = None, points: int = AXIS_POINTS) -> None:
    """Give `axis` tick labels of `points` points, and `title` (if any) at the same size."""
    plain = CharacterProperties(sz=points * 100)
    axis.txPr = RichText(p=[Paragraph(pPr=ParagraphProperties(defRPr=plain), endParaRPr=plain)])
    if title is not None:
        run = RegularTextRun(rPr=CharacterProperties(sz=points * 100, b=False), t=title)
        paragraph = Paragraph(pPr=ParagraphProperties(defRPr=CharacterProperties(sz=points * 100, b=False)), r=[run])
        axis.title = Title(tx=Text(rich=RichText(p=[paragraph])), overlay=False)
