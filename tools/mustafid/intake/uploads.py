"""Documents as the intake receives them: their names made fit to show, what validation sees of them, and a
check that a file's first bytes are what its name says.

A document is held either as bytes (`mustafid submit`, tests) or, as the web intake receives it, spooled: streamed
to a file and hashed on the way, so a request's memory does not grow with its documents' size."""

from __future__ import annotations

import hashlib
import os
import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol, TypedDict

from mustafid.core.errors import Problem
from mustafid.core.text import T
from mustafid.forms.validation import FileInfo

# C0/C1 control characters other than tab and line breaks: nobody types them; they hide or corrupt text.
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
# In a file name, also every format character (bidi overrides and isolates such as U+202E, which make
# "invoice\u202efdp.exe" show as "invoiceexe.pdf"; zero-width and letter marks), line and paragraph separators,
# private-use and surrogate code points: none belongs in a name shown to a reviewer.
_NOT_IN_NAMES = frozenset(("Cc", "Cf", "Co", "Cs", "Zl", "Zp"))
HEAD = 16  # the first bytes kept of a spooled file: enough for every type's signature
FILE_NOT_WHAT_IT_SAYS = T("محتوى الملف لا يطابق نوعه ({ext}): أرفق الملف الأصلي",
                          "the file's content does not match its type ({ext}): attach the original file")

# What a file's first bytes must be for the types forms accept (a renamed executable is not a scan).
_MAGIC: dict[str, tuple[bytes, ...]] = {
    "pdf": (b"%PDF-",), "png": (b"\x89PNG\r\n\x1a\n",), "jpg": (b"\xff\xd8\xff",), "jpeg": (b"\xff\xd8\xff",),
    "gif": (b"GIF87a", b"GIF89a"), "webp": (b"RIFF",),
}


class Document(TypedDict):
    """A stored document as a record (and the check page's stash) names it."""

    field: str
    name: str
    type: str
    size: int
    sha256: str


class _Documents(Protocol):
    def put(self, content: bytes) -> str: ...

    def put_file(self, source: Path, sha256: str) -> str: ...


@dataclass(frozen=True)
class Spooled:
    """A document's bytes in a file (written and hashed as they arrived): its size, SHA-256 and first bytes."""

    path: Path
    size: int
    sha256: str
    head: bytes

    @classmethod
    def of_file(cls, path: Path, sha256: str) -> Spooled:
        """A file already named by its SHA-256 (the stash's): its size and first bytes read from disk."""
        with path.open("rb") as fh:
            head = fh.read(HEAD)
            size = os.fstat(fh.fileno()).st_size
        return cls(path, size, sha256, head)


@dataclass(frozen=True)
class Upload:
    """A document as received: which file field, its name as sent, its declared type and its bytes (or the
    file they were spooled to)."""

    field: str
    name: str
    type: str
    content: bytes = b""
    spooled: Spooled | None = None
    digest: str = ""  # the content's SHA-256 when already worked out (the parser hashes as it reads)

    @property
    def size(self) -> int:
        return self.spooled.size if self.spooled else len(self.content)

    @property
    def sha256(self) -> str:
        if self.spooled:
            return self.spooled.sha256
        return self.digest or hashlib.sha256(self.content).hexdigest()

    @property
    def head(self) -> bytes:
        return self.spooled.head if self.spooled else self.content[:HEAD]

    def store_in(self, documents: _Documents) -> str:
        """Put it in the document store (a spooled one without reading it into memory); its SHA-256."""
        if self.spooled is not None:
            return documents.put_file(self.spooled.path, self.spooled.sha256)
        return documents.put(self.content)

    def document(self) -> Document:
        """The record's entry for it (an unnamed type is stored as application/octet-stream)."""
        return {"field": self.field, "name": self.name, "type": self.type or "application/octet-stream",
                "size": self.size, "sha256": self.sha256}


def document(d: Mapping[str, Any]) -> Document:
    """A document entry (of a record or the stash) with exactly its five keys."""
    return {"field": d["field"], "name": d["name"], "type": d["type"], "size": d["size"], "sha256": d["sha256"]}


def safe_filename(name: str) -> str:
    """A file name fit to show and store: its last path part, no control, bidi or invisible characters,
    ≤ 100 chars. It is never used as a path (documents are stored by their SHA-256)."""
    name = unicodedata.normalize("NFC", name or "").replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(c for c in name if unicodedata.category(c) not in _NOT_IN_NAMES)
    name = name.strip().lstrip(".") or "document"
    if len(name) > 100:
        stem, dot, ext = name.rpartition(".")
        name = (stem[: 95 - len(ext)] + dot + ext) if dot and len(ext) <= 8 else name[:100]
    return name


def files_by_field(uploads: Sequence[Upload] = (), docs: Sequence[Mapping[str, Any]] = ()) -> dict[str, list[FileInfo]]:
    """What validation sees of the documents, by file field: stored ones (record or stash entries) first, then
    the files just received."""
    out: dict[str, list[FileInfo]] = {}
    for d in docs:
        out.setdefault(d["field"], []).append(FileInfo(d["name"], d["type"], int(d["size"]), d["sha256"]))
    for u in uploads:
        out.setdefault(u.field, []).append(FileInfo(u.name, u.type, u.size, u.sha256))
    return out


def content_problems(uploads: Sequence[Upload]) -> list[Problem]:
    out = []
    for u in uploads:
        ext = u.name.rsplit(".", 1)[-1].lower() if "." in u.name else ""
        magic = _MAGIC.get(ext)
        # HEIC/HEIF (ISO base media): a box size, then "ftyp" and the brand
        heif_bad = ext in ("heic", "heif") and u.head[4:8] != b"ftyp"
        if (magic and not u.head.startswith(magic)) or heif_bad:
            m = FILE_NOT_WHAT_IT_SAYS.format(ext=ext)
            out.append(Problem("", u.field, m.ar, m.en, None, "file_content"))
    return out
