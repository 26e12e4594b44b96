"""The archive: a workbook written to a temporary file beside the target, zipped with fixed
timestamps and permissions, and moved into place only when complete (`write_sheets`)."""

from __future__ import annotations

import contextlib
import datetime
import os
import tempfile
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import IO, Any

from openpyxl import Workbook
from openpyxl.writer.excel import ExcelWriter

from matrix.files.paths import atomic_output, build_time, remove_stale_temporaries
from matrix.files.workers import Background
from matrix.workbook.printing import page_furniture
from matrix.workbook.rows import StreamedRows

ROW_BYTES = 800  # about the XML of one Claims row, to judge whether rendering them is worth a child process


class Prerendered:
    """A sheet's streamed rows, rendered to an anonymous temporary file by a forked child
    while this process builds the rest of the workbook (the file is shared by descriptor).

    Progress (`copy`'s `advance`) counts the rows twice over, as half-steps: once rendered,
    once deflated into the archive; it adds up to exactly the number of rows."""

    def __init__(self, rows: StreamedRows, stack: contextlib.ExitStack, counted: bool = True) -> None:
        self.count = rows.count
        self.counted = counted  # told to the progress display
        self.hyperlinks = b""  # the rows' <hyperlinks>, made with them (`copy`)
        self.file = stack.enter_context(tempfile.TemporaryFile())  # noqa: SIM115 - closed by `stack`
        self.on_rendered: Callable[[int], None] = lambda n: None  # rendering here: told as it goes

        def work() -> tuple[int, bytes]:  # the values, their XML and links, all made by the child
            return rows.render(self.file, done=lambda n: self.on_rendered(n)), rows.hyperlinks()

        self.job = stack.enter_context(Background(work, ROW_BYTES * rows.count))
        self.half_steps = 0  # rows rendered + rows deflated
        self.advance: Callable[[int], None] = lambda n: None

    def _step(self, half_steps: int) -> None:
        before = self.half_steps // 2
        self.half_steps = min(self.half_steps + half_steps, 2 * self.count)
        self.advance(self.half_steps // 2 - before)

    def _watch_child(self) -> None:
        """Until the child is done, count the rows it has rendered so far in the shared file
        (complete `</row>` tags, read with pread: the file offset it writes at is shared)."""
        scanned = 0
        while not self.job.ready(0.1):
            data = os.pread(self.file.fileno(), 1 << 22, scanned)
            last = data.rfind(b"</row>")
            if last >= 0:
                self._step(data.count(b"</row>", 0, last + 6))
                scanned += last + 6

    def copy(self, target: IO[bytes], advance: Callable[[int], None]) -> None:
        self.advance = advance
        self.on_rendered = self._step
        self._watch_child()
        rows, self.hyperlinks = self.job.result()
        self._step(self.count - self.half_steps)  # rendered: the first half complete
        size = self.file.seek(0, os.SEEK_END)
        self.file.seek(0)
        done = 0
        while chunk := self.file.read(1 << 22):
            target.write(chunk)
            done, before = done + len(chunk), done
            self._step(rows * done // size - rows * before // size)
        self._step(2 * self.count - self.half_steps)  # and no row left to count


class _FixedTimeZip(zipfile.ZipFile):
    """A zip whose every entry has the same timestamp and permissions."""

    def __init__(
        self,
        file: IO[bytes],
        when: datetime.datetime,
        streamed: dict[str, Prerendered],
        advance: Callable[[int], None],
    ) -> None:
        # level 1: a third of the time of the default level, for a file a fifth larger
        super().__init__(file, "w", zipfile.ZIP_DEFLATED, allowZip64=True, compresslevel=1)
        self.stamp = when.timetuple()[:6]
        self.streamed = streamed  # archive name -> rows to add to that sheet
        self.advance = advance

    def _info(self, name: str) -> zipfile.ZipInfo:
        info = zipfile.ZipInfo(name, date_time=self.stamp)
        info.compress_type = zipfile.ZIP_DEFLATED
        for attribute in ("compress_level", "_compresslevel"):  # Python 3.13+, and before
            with contextlib.suppress(AttributeError):
                setattr(info, attribute, 1)
        info.external_attr = 0o600 << 16
        return info

    def writestr(self, zinfo_or_arcname: Any, data: Any, compress_type: Any = None, compresslevel: Any = None) -> None:
        if isinstance(zinfo_or_arcname, str):
            zinfo_or_arcname = self._info(zinfo_or_arcname)
        super().writestr(zinfo_or_arcname, data, compress_type, compresslevel)

    def write(self, filename: Any, arcname: Any = None, compress_type: Any = None, compresslevel: Any = None) -> None:
        name = arcname or os.path.basename(filename)
        with open(filename, "rb") as source, self.open(self._info(name), "w") as target:
            streamed = self.streamed.get(name)
            if streamed is None:
                while chunk := source.read(1 << 20):
                    target.write(chunk)
                return
            # openpyxl wrote the header row only: add the streamed rows before </sheetData>
            head, tail = source.read().split(b"</sheetData>", 1)
            target.write(head)
            streamed.copy(target, self.advance if streamed.counted else lambda n: None)
            target.write(b"</sheetData>" + _with_hyperlinks(tail, streamed.hyperlinks))


def _with_hyperlinks(tail: bytes, hyperlinks: bytes) -> bytes:
    """A sheet's XML after `</sheetData>` with the streamed rows' `<hyperlinks>` where the
    schema puts them: before the print options, page margins, page setup or table parts."""
    if not hyperlinks:
        return tail
    for follower in (b"<printOptions", b"<pageMargins", b"<pageSetup", b"<tableParts"):
        at = tail.find(follower)
        if at >= 0:
            return tail[:at] + hyperlinks + tail[at:]
    return hyperlinks + tail


def save(
    wb: Workbook,
    out: Path,
    when: datetime.datetime,
    streamed: dict[str, Prerendered],
    advance: Callable[[int], None] = lambda n: None,
) -> None:
    """Write `wb` to `out` atomically and reproducibly, adding `streamed` rows by sheet title."""
    by_part = {f"xl/worksheets/sheet{wb.sheetnames.index(title) + 1}.xml": rows for title, rows in streamed.items()}
    if out.parent.is_dir():
        remove_stale_temporaries(out.parent)
    with atomic_output(out) as handle, _FixedTimeZip(handle, when, by_part, advance) as archive:
        ExcelWriter(wb, archive).write_data()


def discard(wb: Workbook) -> None:
    """Close the streams of a half-written write-only workbook quietly (else they complain at exit)."""
    for ws in wb.worksheets:
        writer = getattr(ws, "_writer", None)
        for stream in (getattr(ws, "_rows", None), getattr(writer, "xf", None)):
            if stream is not None:
                with contextlib.suppress(Exception):
                    stream.close()


Fill = Callable[[Workbook, contextlib.ExitStack], dict[str, Prerendered]]


def write_sheets(
    out: Path, title: str, fill: Fill, advance: Callable[[int], None] = lambda n: None, stamp: str = ""
) -> None:
    """Write a workbook to `out` atomically and reproducibly: `fill(wb, stack)` adds its sheets
    to the write-only `wb` in order and returns the rows streamed into them by sheet title
    (their child processes live as long as `stack`); `advance(n)`: n more streamed rows written.
    Every sheet's printed pages carry `title`, the sheet's name, page n of N and `stamp`."""
    when = build_time()
    wb = Workbook(write_only=True)
    wb.properties.creator = "claims-matrix"
    wb.properties.lastModifiedBy = "claims-matrix"
    wb.properties.title = title
    wb.properties.created = wb.properties.modified = when.replace(tzinfo=None)
    try:
        with contextlib.ExitStack() as stack:
            streamed = fill(wb, stack)
            for ws in wb.worksheets:
                page_furniture(ws, title, stamp)
            save(wb, out, when, streamed, advance)
    except BaseException:
        discard(wb)
        raise
