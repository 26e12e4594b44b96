"""The archive: a workbook written to a temporary file beside the target, zipped with fixed
timestamps and permissions, and moved into place only when complete (`write_sheets`)."""

from __future__ import annotations

import contextlib
import datetime
import os
import tempfile
import zipfile
import zlib
from collections.abc import Callable
from pathlib import Path
from typing import IO, Any

from openpyxl import Workbook
from openpyxl.writer.excel import ExcelWriter

from matrix.files.paths import atomic_output, build_time, remove_stale_temporaries
from matrix.files.workers import Background, shared_counter, worth_sharing
from matrix.workbook.printing import page_furniture
from matrix.workbook.rows import StreamedRows

ROW_BYTES = 800  # about the XML of one Claims row, to judge whether rendering them is worth a child process
LEVEL = 1  # every entry's deflate level: a third of the time of the default level, for a file a fifth larger


def crc32_combine(first: int, second: int, length: int) -> int:
    """The CRC-32 of two byte strings one after the other, from the CRC-32 of each and the
    second's `length` (as zlib's crc32_combine: the first's CRC carried through `length` zero
    bytes by an operator over GF(2) squared once per bit of `length`)."""

    def times(matrix: list[int], vector: int) -> int:
        total, row = 0, 0
        while vector:
            if vector & 1:
                total ^= matrix[row]
            vector >>= 1
            row += 1
        return total

    def square(matrix: list[int]) -> list[int]:
        return [times(matrix, matrix[n]) for n in range(32)]

    operator = [0xEDB88320] + [1 << n for n in range(31)]  # one zero bit
    for _ in range(3):
        operator = square(operator)  # two, four, then eight zero bits: one zero byte
    while length > 0:
        if length & 1:
            first = times(operator, first)
        length >>= 1
        if length:
            operator = square(operator)  # twice as many zero bytes
    return first ^ second


class _Deflating:
    """Bytes written are deflated as the archive deflates its entries (raw, `LEVEL`) into
    `file`, their CRC-32 and size kept; `finish()` ends with a sync flush, so that the bytes
    sit on a byte boundary with no final block: an entry's deflate stream can go on after them."""

    def __init__(self, file: IO[bytes]) -> None:
        self.file = file
        self.crc = 0
        self.size = 0
        self.compressor = zlib.compressobj(LEVEL, zlib.DEFLATED, -15)

    def write(self, data: bytes) -> None:
        self.crc = zlib.crc32(data, self.crc)
        self.size += len(data)
        self.file.write(self.compressor.compress(data))

    def flush(self) -> None:
        """Nothing until `finish`: a flush here would cut the deflate stream."""

    def finish(self) -> None:
        self.file.write(self.compressor.flush(zlib.Z_SYNC_FLUSH))
        self.file.flush()


class Prerendered:
    """A sheet's streamed rows, rendered and deflated to an anonymous temporary file by a
    forked child while this process builds the rest of the workbook (the file is shared by
    descriptor); the archive then copies the deflated bytes into the sheet's entry as they are.

    Progress (`copy`'s `advance`) counts the rows twice over, as half-steps: once rendered
    (told by the child through a shared counter), once copied into the archive; it adds up to
    exactly the number of rows."""

    def __init__(self, rows: StreamedRows, stack: contextlib.ExitStack, counted: bool = True) -> None:
        self.count = rows.count
        self.counted = counted  # told to the progress display
        self.hyperlinks = b""  # the rows' <hyperlinks>, made with them (`copy`)
        self.file = stack.enter_context(tempfile.TemporaryFile())  # noqa: SIM115 - closed by `stack`
        self.on_rendered: Callable[[int], None] = lambda n: None  # rendering here: told as it goes
        weight = ROW_BYTES * rows.count
        self.rendered = shared_counter() if worth_sharing(weight) else None  # rows the child has rendered

        def work() -> tuple[int, int, int, bytes]:  # values, XML (deflated) and links, all made by the child
            deflating = _Deflating(self.file)
            count = rows.render(deflating, done=self._rendered)
            deflating.finish()
            return count, deflating.crc, deflating.size, rows.hyperlinks()

        self.job = stack.enter_context(Background(work, weight))
        self.half_steps = 0  # rows rendered + rows copied
        self.advance: Callable[[int], None] = lambda n: None

    def _rendered(self, rows: int) -> None:
        if self.rendered is not None:
            with self.rendered.get_lock():
                self.rendered.value += rows
        self.on_rendered(rows)

    def _step(self, half_steps: int) -> None:
        before = self.half_steps // 2
        self.half_steps = min(self.half_steps + half_steps, 2 * self.count)
        self.advance(self.half_steps // 2 - before)

    def _watch_child(self) -> None:
        """Until the child is done, step the progress by the rows it says it has rendered."""
        seen = 0
        while not self.job.ready(0.1):
            if self.rendered is not None:
                now = self.rendered.value
                self._step(now - seen)
                seen = now

    def copy(self, target: IO[bytes], advance: Callable[[int], None]) -> None:
        """Add the rows to the entry `target` (a zip entry open for writing, deflating at
        `LEVEL`): its deflate stream is cut at a byte boundary (a sync flush), the rows' deflated
        bytes follow as they are, and a fresh deflate stream goes on after them; its CRC-32
        and size take the rows' in."""
        self.advance = advance
        self.on_rendered = self._step
        self._watch_child()
        rows, crc, size, self.hyperlinks = self.job.result()
        self._step(self.count - self.half_steps)  # rendered: the first half complete
        entry: Any = target  # zipfile's writer of one entry: its compressor, counts and file
        cut = entry._compressor.flush(zlib.Z_SYNC_FLUSH)
        entry._fileobj.write(cut)
        entry._compress_size += len(cut)
        deflated = self.file.seek(0, os.SEEK_END)
        self.file.seek(0)
        done = 0
        while chunk := self.file.read(1 << 22):
            entry._fileobj.write(chunk)
            done, before = done + len(chunk), done
            self._step(rows * done // max(deflated, 1) - rows * before // max(deflated, 1))
        entry._compress_size += deflated
        entry._crc = crc32_combine(entry._crc, crc, size)
        entry._file_size += size
        entry._compressor = zlib.compressobj(LEVEL, zlib.DEFLATED, -15)  # knows nothing of the rows before
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
        super().__init__(file, "w", zipfile.ZIP_DEFLATED, allowZip64=True, compresslevel=LEVEL)
        self.stamp = when.timetuple()[:6]
        self.streamed = streamed  # archive name -> rows to add to that sheet
        self.advance = advance

    def _info(self, name: str) -> zipfile.ZipInfo:
        info = zipfile.ZipInfo(name, date_time=self.stamp)
        info.compress_type = zipfile.ZIP_DEFLATED
        for attribute in ("compress_level", "_compresslevel"):  # Python 3.13+, and before
            with contextlib.suppress(AttributeError):
                setattr(info, attribute, LEVEL)
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
