"""How every sheet prints: landscape, one page wide (as many tall as needed), narrow margins,
its header rows atop every page, a header and a footer (the sheet, page n of N, the inputs'
revision), and on the wide reference sheets a print area of their reading columns.

The widths of the sheets are chosen for paper: at one page wide on US Letter landscape (the
narrower of Letter and A4), no printed text is under 7 points (tests/test_libreoffice.py
measures LibreOffice's PDF of the shipped workbook)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from openpyxl.utils import get_column_letter
from openpyxl.worksheet.page import PageMargins

MARGINS = PageMargins(left=0.4, right=0.4, top=0.65, bottom=0.65, header=0.25, footer=0.25)

PRINTED_UP_TO = {"Claims": "Quote", "Evidence": "Passage", "Sources": "Perspective"}
"""The last column each wide reference sheet prints (the rest are for the screen and scripts)."""


def print_fit(ws: Any, titles: str | None) -> None:
    """Print landscape, fit to one page wide (as many tall as needed), `titles` rows atop every page."""
    ws.page_setup.orientation = "landscape"
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_margins = MARGINS
    if titles:
        ws.print_title_rows = titles


def _escaped(text: str) -> str:
    return text.replace("&", "&&")  # '&' starts a code in header and footer text


def page_furniture(ws: Any, title: str, stamp: str = "") -> None:
    """The header (the workbook's `title`, the sheet's name) and footer (the sheet, page n of
    N, the inputs' `stamp`) of every printed page of `ws`."""
    for header, footer in ((ws.oddHeader, ws.oddFooter), (ws.evenHeader, ws.evenFooter)):
        header.left.text = _escaped(title)
        header.right.text = "&A"
        footer.left.text = "&A"
        footer.center.text = "Page &P of &N"
        footer.right.text = _escaped(stamp)


def print_area(ws: Any, headers: Sequence[str], rows: int) -> None:
    """Print `ws` (a table of `headers` over `rows` rows, header row included) up to its
    PRINTED_UP_TO column, when it has one."""
    last = PRINTED_UP_TO.get(ws.title)
    if last is not None and last in headers:
        ws.print_area = f"A1:{get_column_letter(list(headers).index(last) + 1)}{max(rows, 1)}"
