"""File parts are held in memory while a body's files fit FILE_MEMORY, and spooled to disk past it, intact
either way (intake/web/multipart.py)."""

from __future__ import annotations

import asyncio
import hashlib
import os
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest

from mustafid.intake.uploads import Upload
from mustafid.intake.web import multipart
from mustafid.intake.web.multipart import FILE_MEMORY, read_multipart


def _body(files: list[tuple[str, bytes]]) -> tuple[str, bytes]:
    req = httpx.Request("POST", "http://127.0.0.1/", data={"name": "نورة"},
                        files=[(field, (f"{field}.pdf", content, "application/pdf")) for field, content in files])
    return req.headers["content-type"], req.read()


async def _chunks(body: bytes, size: int = 65536) -> AsyncIterator[bytes]:
    for i in range(0, len(body), size):
        yield body[i:i + size]


def _parse(files: list[tuple[str, bytes]], spool: Path) -> dict[str, str | Upload]:
    ctype, body = _body(files)
    return dict(asyncio.run(read_multipart(ctype, _chunks(body), spool)))


def test_small_files_stay_in_memory(tmp_path: Path) -> None:
    docs = [(f"doc{i}", os.urandom(20_000)) for i in range(6)]
    got = _parse(docs, tmp_path / "spool")
    assert got["name"] == "نورة"
    for field, content in docs:
        up = got[field]
        assert isinstance(up, Upload) and up.spooled is None
        assert up.content == content and up.sha256 == hashlib.sha256(content).hexdigest() and up.size == len(content)
    assert not (tmp_path / "spool").exists()  # no folder made, none to delete


def test_files_past_the_budget_go_to_disk_intact(tmp_path: Path) -> None:
    small, big = os.urandom(100_000), os.urandom(FILE_MEMORY + 12_345)
    got = _parse([("a", small), ("b", big), ("c", small[:5000])], tmp_path / "spool")
    a, b, c = got["a"], got["b"], got["c"]
    assert isinstance(a, Upload) and isinstance(b, Upload) and isinstance(c, Upload)
    assert a.spooled is None and a.content == small
    assert b.spooled is not None and b.spooled.path.read_bytes() == big  # the bytes held so far written first
    assert b.sha256 == hashlib.sha256(big).hexdigest() and b.size == len(big) and b.head == big[:len(b.head)]
    assert c.content == small[:5000]


def test_memory_held_never_exceeds_the_budget(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[int] = []
    original = multipart.StreamedMultipart.on_part_data

    def watched(self: multipart.StreamedMultipart, data: bytes, start: int, end: int) -> None:
        original(self, data, start, end)
        seen.append(self.in_memory)

    monkeypatch.setattr(multipart.StreamedMultipart, "on_part_data", watched)
    docs = [(f"d{i}", os.urandom(300_000)) for i in range(8)]  # 2.4 MB of files
    got = _parse(docs, tmp_path / "spool")
    assert max(seen) <= FILE_MEMORY
    uploads = [got[f] for f, _ in docs]
    assert all(isinstance(up, Upload) for up in uploads)
    assert sum(1 for up in uploads if isinstance(up, Upload) and up.spooled is not None) >= 5
    for up, (_field, content) in zip(uploads, docs, strict=True):
        assert isinstance(up, Upload)
        assert (up.spooled.path.read_bytes() if up.spooled else up.content) == content
