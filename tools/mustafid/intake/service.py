"""From raw answers (a web form's POST or a staff entry) to one durable record on its own branch.

The web intake (intake.py) and `mustafid submit` both call ``Intake.accept``: one validation, one record
format, one store. A submission is either committed whole (``Accepted``) or not at all (``Invalid`` with every
problem, or a StoreError); there is no third outcome.
"""

from __future__ import annotations

import hashlib
import re
import threading
import time
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from mustafid.core.errors import Problem, UserError
from mustafid.core.text import T
from mustafid.core.vocab import CHANNELS
from mustafid.forms.load import load_forms
from mustafid.forms.model import FormDef
from mustafid.forms.validation import FileInfo, validate_input
from mustafid.records.format import dump_record, make_record, new_record_id, parse_record, record_path
from mustafid.review import lifecycle
from mustafid.review.forges.local import LocalForge
from mustafid.store.git import PREFIX, DocumentStore, RefExists

# C0/C1 control characters other than tab and line breaks: nobody types them; they hide or corrupt text.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
CONTROL_CHARS = T("النص يحوي رموز تحكم غير مرئية: احذفه واكتبه من جديد",
                  "the text holds invisible control characters: delete it and type it again")
FILE_NOT_WHAT_IT_SAYS = T("محتوى الملف لا يطابق نوعه ({ext}): أرفق الملف الأصلي",
                          "the file's content does not match its type ({ext}): attach the original file")
DUPLICATE = "possible_duplicate"

# What a file's first bytes must be for the types forms accept (a renamed executable is not a scan).
_MAGIC: dict[str, tuple[bytes, ...]] = {
    "pdf": (b"%PDF-",), "png": (b"\x89PNG\r\n\x1a\n",), "jpg": (b"\xff\xd8\xff",), "jpeg": (b"\xff\xd8\xff",),
    "gif": (b"GIF87a", b"GIF89a"), "webp": (b"RIFF",),
}


class Invalid(UserError):
    """The answers have problems; nothing was written."""

    def __init__(self, problems: Sequence[Problem]) -> None:
        super().__init__("لم يُحفظ الطلب: صحّح ما يلي ثم أرسله من جديد",
                         "the request was not saved: correct the following and send it again", list(problems))


class UnknownForm(UserError):
    def __init__(self, form_id: str) -> None:
        super().__init__(f"لا يوجد نموذج باسم «{form_id[:60]}» لدى الجمعية: اختر نموذجاً من صفحة النماذج",
                         f"the association has no form called '{form_id[:60]}': choose one from the forms page")


@dataclass(frozen=True)
class Upload:
    """A document as received: which file field, its name as sent, its declared type and its bytes."""

    field: str
    name: str
    type: str
    content: bytes

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.content).hexdigest()


@dataclass(frozen=True)
class Accepted:
    record: dict[str, Any]
    path: str
    commit: str

    @property
    def id(self) -> str:
        return str(self.record["id"])

    @property
    def branch(self) -> str:
        return PREFIX + self.id


def safe_filename(name: str) -> str:
    """A file name fit to show and store: its last path part, no control or invisible characters, ≤ 100 chars.
    It is never used as a path (documents are stored by their SHA-256)."""
    name = unicodedata.normalize("NFC", name or "").replace("\\", "/").rsplit("/", 1)[-1]
    name = _CONTROL.sub("", name).strip().lstrip(".") or "document"
    if len(name) > 100:
        stem, dot, ext = name.rpartition(".")
        name = (stem[: 95 - len(ext)] + dot + ext) if dot and len(ext) <= 8 else name[:100]
    return name


def control_problems(form: FormDef, raw: Mapping[str, Any]) -> list[Problem]:
    out = []
    for key, value in raw.items():
        values = value if isinstance(value, list) else [value]
        if any(isinstance(v, str) and _CONTROL.search(v) for v in values):
            out.append(Problem("", key, CONTROL_CHARS.ar, CONTROL_CHARS.en, None, "control_characters"))
    return out


def files_by_field(uploads: Sequence[Upload] = (), docs: Sequence[Mapping[str, Any]] = ()) -> dict[str, list[FileInfo]]:
    """What validation sees of the documents, by file field: stored ones (record or stash entries) first, then
    the files just received."""
    out: dict[str, list[FileInfo]] = {}
    for d in docs:
        out.setdefault(d["field"], []).append(FileInfo(d["name"], d["type"], int(d["size"]), d["sha256"]))
    for u in uploads:
        out.setdefault(u.field, []).append(FileInfo(u.name, u.type, len(u.content), u.sha256))
    return out


def content_problems(uploads: Sequence[Upload]) -> list[Problem]:
    out = []
    for u in uploads:
        ext = u.name.rsplit(".", 1)[-1].lower() if "." in u.name else ""
        magic = _MAGIC.get(ext)
        if magic and not u.content.startswith(magic):
            m = FILE_NOT_WHAT_IT_SAYS.format(ext=ext)
            out.append(Problem("", u.field, m.ar, m.en, None, "file_content"))
    return out


def applicant_id_path(form: FormDef) -> str | None:
    """The applicant's national ID: the form's first national-ID field outside any repeat group."""
    return next((p for p, f in form.walk() if f.type == "national_id" and "." not in p), None)


class DuplicateIndex:
    """Open requests by (form, applicant's national ID), to flag a second open request of the same form.

    Held in memory only (the IDs are personal data: never written to disk or logs here). Built from the open
    submission branches, then kept current from our own writes at once and, by a background thread every
    ``REFRESH_SECONDS``, from what other writers (another server process, `mustafid submit`, a decision that
    closed a request) changed meanwhile. Reading those records never happens on a request's path.
    """

    REFRESH_SECONDS = 2.0

    def __init__(self, store: LocalForge, forms: Mapping[str, FormDef]) -> None:
        self.store, self.forms = store, forms
        self.lock = threading.Lock()
        self.tips: dict[str, str] = {}
        self.keys: dict[str, tuple[str, str]] = {}   # branch -> (form, key)
        self.open: dict[tuple[str, str], set[str]] = {}
        self.checked = 0.0

    @staticmethod
    def key(national_id: str) -> str:
        return hashlib.sha256(national_id.encode()).hexdigest()

    def _forget(self, branch: str) -> None:
        k = self.keys.pop(branch, None)
        if k:
            self.open.get(k, set()).discard(branch[len(PREFIX):])

    def refresh(self) -> None:
        """Catch up with branches created, moved or deleted by other writers. The git reads and the parsing
        happen outside the lock; only applying the result holds it."""
        with self.lock:
            known = dict(self.tips)
        tips = self.store.branches()
        changed = {b: t for b, t in tips.items() if known.get(b) != t}
        parsed: dict[str, dict[str, Any] | None] = dict.fromkeys(changed)
        if changed:
            paths = self.store.record_paths(changed)
            order = [b for b in changed if b in paths]
            for b, blob in zip(order, self.store.read_many([f"{changed[b]}:{paths[b]}" for b in order])):
                try:
                    parsed[b] = parse_record(blob.decode("utf-8")) if blob is not None else None
                except (ValueError, UnicodeDecodeError):
                    parsed[b] = None
        with self.lock:
            for b in set(self.tips) - set(tips):
                self._forget(b)
                self.tips.pop(b, None)
            for b, rec in parsed.items():
                if self.tips.get(b) not in (known.get(b), changed[b]):
                    continue  # moved again by our own write meanwhile: that one is newer
                self.tips[b] = changed[b]
                self._forget(b)
                if rec is not None:
                    self._add(b, rec)
            self.checked = time.monotonic()

    def _add(self, branch: str, rec: Mapping[str, Any]) -> None:
        form = self.forms.get(str(rec.get("form")))
        if form is None or rec.get("status") not in lifecycle.OPEN:
            return
        path = applicant_id_path(form)
        nid = (rec.get("data") or {}).get(path) if path else None
        if not isinstance(nid, str) or not nid:
            return
        k = (form.id, self.key(nid))
        self.keys[branch] = k
        self.open.setdefault(k, set()).add(branch[len(PREFIX):])

    def open_ids(self, form: FormDef, data: Mapping[str, Any]) -> list[str]:
        path = applicant_id_path(form)
        nid = data.get(path) if path else None
        if not isinstance(nid, str) or not nid:
            return []
        if not self.checked:
            self.refresh()
        with self.lock:
            return sorted(self.open.get((form.id, self.key(nid)), ()))

    def start_background(self) -> None:
        """Build the index now and keep it current from a daemon thread (the web intake; the CLI refreshes
        once per run)."""
        import threading as _t

        def loop() -> None:
            while True:
                try:
                    self.refresh()
                except Exception:
                    pass
                time.sleep(self.REFRESH_SECONDS)

        _t.Thread(target=loop, name="mustafid-duplicates", daemon=True).start()

    def added(self, branch: str, tip: str, rec: Mapping[str, Any]) -> None:
        with self.lock:
            self.tips[branch] = tip
            self._add(branch, rec)


@dataclass
class Intake:
    """The association's forms, its store and documents: what the web intake and `mustafid submit` share."""

    assoc: Any
    store: LocalForge
    documents: DocumentStore
    forms: dict[str, FormDef] = field(default_factory=dict)
    duplicates: DuplicateIndex | None = None

    def __post_init__(self) -> None:
        if not self.forms:
            self.forms = load_forms(self.assoc)
        if self.duplicates is None:
            self.duplicates = DuplicateIndex(self.store, self.forms)

    def form(self, form_id: str) -> FormDef:
        form = self.forms.get(form_id)
        if form is None:
            raise UnknownForm(form_id)
        return form

    def check(self, form: FormDef, raw: Mapping[str, Any], lang: str = "ar",
              files: Mapping[str, Sequence[FileInfo]] | None = None,
              require_declaration: bool = True) -> tuple[dict[str, Any], list[Problem]]:
        """Normalised answers and every problem with them (nothing is written)."""
        problems = control_problems(form, raw)
        bad = {p.path for p in problems}
        clean = {k: v for k, v in raw.items() if k not in bad}
        data, more = validate_input(form, clean, lang, files=files, require_declaration=require_declaration)
        return data, problems + [p for p in more if p.path not in bad]

    def accept(self, form_id: str, raw: Mapping[str, Any], *, channel: str = "web", actor: str = "web",
               lang: str = "ar", uploads: Sequence[Upload] = (), stashed: Sequence[Mapping[str, Any]] = (),
               require_declaration: bool = True) -> Accepted:
        """Validate, store the documents, write the record on ``submission/<id>``; raise ``Invalid`` with every
        problem (and write nothing) when the answers are not acceptable.

        ``stashed`` are documents already in the document store (uploaded at the check step): dicts with
        field, name, type, size, sha256.
        """
        form = self.form(form_id)
        if channel not in CHANNELS:
            raise UserError(f"قناة غير معروفة «{channel}»: المتاح {', '.join(CHANNELS)}",
                            f"unknown channel '{channel}': use one of {', '.join(CHANNELS)}")
        docs = [{"field": u.field, "name": safe_filename(u.name), "type": u.type or "application/octet-stream",
                 "size": len(u.content), "sha256": u.sha256} for u in uploads]
        docs += [{k: d[k] for k in ("field", "name", "type", "size", "sha256")} for d in stashed
                 if self.documents.has(str(d["sha256"]))]
        data, problems = self.check(form, raw, lang, files_by_field(docs=docs), require_declaration)
        problems += content_problems(uploads)
        if problems:
            raise Invalid(problems)
        for u in uploads:  # durable before the record that names them
            self.documents.put(u.content)
        assert self.duplicates is not None
        dups = self.duplicates.open_ids(form, data)
        consent = require_declaration  # validate_input refused a missing consent where the form asks one
        for attempt in range(8):
            rid = new_record_id()
            record = make_record(form, data, association=self.assoc.id, channel=channel, consent=consent,
                                 documents=docs, record_id=rid, flags=[DUPLICATE] if dups else [],
                                 duplicate_of=dups)
            path = record_path(form.id, record["submitted_at"], rid)
            text = dump_record(record, form, path)
            try:
                commit = self.store.create_submission(rid, {path: text.encode()}, self.message(record, actor))
            except RefExists:
                continue  # an id drawn twice (1 in 34 billion): draw another
            self.duplicates.added(PREFIX + rid, commit, record)
            return Accepted(record, path, commit)
        raise UserError("تعذّر إيجاد رقم طلب غير مستخدم", "could not find an unused request number")

    @staticmethod
    def message(record: Mapping[str, Any], actor: str) -> str:
        from mustafid.review.actions import message

        return message("Receive", record, None, actor)
