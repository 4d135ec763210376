"""A multipart body read as it streams in: file parts hashed on the way and kept in memory while the body's
files fit ``FILE_MEMORY`` (a form's usual scans), then written to a file of the request's spool folder; text
parts kept in memory within a budget. What a request holds in memory is bounded by the two budgets and one
chunk, whatever the size of its documents. (Why memory first: a folder and a file created and deleted for every
request is what the intake's file system paid most for; on ext4 every file created after many deletions scans
the inodes deleted in the last minute.)

Every way a body can be wrong is a bilingual refusal (``Refusal``), never the parser's own English text: a
part without a name, a text answer over ``TEXT_PART_LIMIT``, more text than ``TEXT_LIMIT``, more than
``MAX_FIELDS`` answers or ``MAX_FILES`` files, broken framing, and a body that ends before its closing
boundary (the parser would silently drop a last part cut off: a truncated upload is refused as a whole).
"""

from __future__ import annotations

import codecs
import hashlib
import itertools
from collections.abc import AsyncIterator
from pathlib import Path
from typing import IO

from python_multipart.exceptions import FormParserError
from python_multipart.multipart import MultipartParser, parse_options_header

from mustafid.intake.messages import MSG
from mustafid.intake.uploads import HEAD, Spooled, Upload
from mustafid.intake.web.middleware import Refusal

TEXT_PART_LIMIT = 256_000  # one text answer
TEXT_LIMIT = 1_000_000     # all text answers of one body, like a form without documents
MAX_FIELDS = 2000
MAX_FILES = 20
FILE_MEMORY = 1 << 20      # the bytes of one body's files kept in memory before they are spooled to disk


def broken(code: str = "broken_multipart") -> Refusal:
    return Refusal(400, MSG["broken"], code)


class _Part:
    def __init__(self) -> None:
        self.header_name = bytearray()
        self.header_value = bytearray()
        self.disposition = b""
        self.ctype = b""
        self.name = ""
        self.filename: str | None = None
        self.data = bytearray()
        self.file: IO[bytes] | None = None
        self.path: Path | None = None
        self.hash = hashlib.sha256()
        self.size = 0
        self.head = b""


class StreamedMultipart:
    """One body's parse: ``await parse(stream)`` gives its (name, text or spooled Upload) pairs in order."""

    def __init__(self, content_type: str, spool: Path) -> None:
        _, params = parse_options_header(content_type)
        boundary = params.get(b"boundary")
        if not boundary:
            raise broken()
        charset = params.get(b"charset", b"utf-8").decode("latin-1")
        try:
            self.charset = codecs.lookup(charset).name
        except LookupError:
            self.charset = "utf-8"
        self.boundary, self.spool = boundary, spool
        self.items: list[tuple[str, str | Upload]] = []
        self.part = _Part()
        self.fields = self.files = self.text = 0
        self.ended = False
        self.counter = itertools.count()
        self.in_memory = 0  # the bytes of file parts held in memory so far

    def _decode(self, raw: bytes) -> str:
        try:
            return raw.decode(self.charset)
        except UnicodeDecodeError:
            raise broken("broken_body") from None

    # parser callbacks

    def on_part_begin(self) -> None:
        self.part = _Part()

    def on_header_field(self, data: bytes, start: int, end: int) -> None:
        self.part.header_name += data[start:end]
        if len(self.part.header_name) > 200:
            raise broken()

    def on_header_value(self, data: bytes, start: int, end: int) -> None:
        self.part.header_value += data[start:end]
        if len(self.part.header_value) > 4000:
            raise broken()

    def on_header_end(self) -> None:
        name = bytes(self.part.header_name).lower()
        if name == b"content-disposition":
            self.part.disposition = bytes(self.part.header_value)
        elif name == b"content-type":
            self.part.ctype = bytes(self.part.header_value)
        self.part.header_name, self.part.header_value = bytearray(), bytearray()

    def on_headers_finished(self) -> None:
        part = self.part
        _, options = parse_options_header(part.disposition)
        if b"name" not in options:
            raise broken()
        part.name = self._decode(options[b"name"])
        if b"filename" in options:
            self.files += 1
            if self.files > MAX_FILES:
                raise Refusal(413, MSG["too_many_parts"], "too_many_files")
            part.filename = self._decode(options[b"filename"])
        else:
            self.fields += 1
            if self.fields > MAX_FIELDS:
                raise Refusal(413, MSG["too_many_parts"], "too_many_fields")

    def on_part_data(self, data: bytes, start: int, end: int) -> None:
        part, chunk = self.part, data[start:end]
        if part.filename is not None:
            self._file_data(part, chunk)
            return
        self.text += len(chunk)
        if len(part.data) + len(chunk) > TEXT_PART_LIMIT:
            raise Refusal(413, MSG["part_too_large"].format(kb=TEXT_PART_LIMIT // 1000), "part_too_large")
        if self.text > TEXT_LIMIT:
            raise Refusal(413, MSG["too_large"].format(mb=TEXT_LIMIT // 1_000_000), "too_large")
        part.data += chunk

    def _file_data(self, part: _Part, chunk: bytes) -> None:
        """A file part's chunk: held in memory while the body's files fit FILE_MEMORY, else on disk (the bytes
        held so far written first), hashed either way."""
        if part.file is None and self.in_memory + len(chunk) > FILE_MEMORY:
            self.spool.mkdir(parents=True, exist_ok=True)
            part.path = self.spool / f"part-{next(self.counter)}"
            part.file = part.path.open("wb")
            part.file.write(part.data)
            self.in_memory -= len(part.data)
            part.data = bytearray()
        if part.file is not None:
            part.file.write(chunk)
        else:
            part.data += chunk
            self.in_memory += len(chunk)
        part.hash.update(chunk)
        if len(part.head) < HEAD:
            part.head = (part.head + chunk)[:HEAD]
        part.size += len(chunk)

    def on_part_end(self) -> None:
        part = self.part
        if part.filename is None:
            self.items.append((part.name, self._decode(bytes(part.data))))
            return
        ctype = self._decode(part.ctype).split(";")[0].strip()
        if part.file is None:  # held in memory
            self.items.append((part.name, Upload(part.name, part.filename, ctype, bytes(part.data),
                                                 digest=part.hash.hexdigest())))
            return
        part.file.close()
        part.file = None
        assert part.path is not None
        spooled = Spooled(part.path, part.size, part.hash.hexdigest(), part.head)
        self.items.append((part.name, Upload(part.name, part.filename, ctype, spooled=spooled)))

    def on_end(self) -> None:
        self.ended = True

    async def parse(self, stream: AsyncIterator[bytes]) -> list[tuple[str, str | Upload]]:
        parser = MultipartParser(self.boundary, {
            "on_part_begin": self.on_part_begin, "on_part_data": self.on_part_data,
            "on_part_end": self.on_part_end, "on_header_field": self.on_header_field,
            "on_header_value": self.on_header_value, "on_header_end": self.on_header_end,
            "on_headers_finished": self.on_headers_finished, "on_end": self.on_end})
        try:
            async for chunk in stream:
                if chunk and not self.ended:
                    parser.write(chunk)
            parser.finalize()
        except FormParserError:
            raise broken() from None
        finally:
            if self.part.file is not None:
                self.part.file.close()
        if not self.ended:
            raise broken()
        return self.items


async def read_multipart(content_type: str, stream: AsyncIterator[bytes],
                         spool: Path) -> list[tuple[str, str | Upload]]:
    """The body's parts in order, file parts past the memory budget spooled under ``spool`` (the caller removes
    that folder)."""
    return await StreamedMultipart(content_type, spool).parse(stream)
