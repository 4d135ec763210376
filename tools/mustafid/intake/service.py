"""From raw answers (a web form's POST or a staff entry) to one durable record on its own branch.

The web intake (intake.web) and `mustafid submit` both call ``Intake.accept``: one validation, one record
format, one store. A submission is either committed whole (``Accepted``) or not at all (``Invalid`` with every
problem, or a StoreError); there is no third outcome.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from mustafid.config.association import Association
from mustafid.core.errors import Problem, UserError
from mustafid.core.text import T
from mustafid.core.vocab import CHANNELS, DUPLICATE, INCOMPLETE
from mustafid.forms.load import load_forms
from mustafid.forms.model import FormDef
from mustafid.forms.validation import FileInfo, validate_input
from mustafid.intake.duplicates import DuplicateIndex, applicant_id_path
from mustafid.intake.sealed import Sealer, keyed_hash, sealer_for
from mustafid.intake.uploads import CONTROL, Upload, content_problems, document, files_by_field, safe_filename
from mustafid.records.format import dump_record, make_record, new_record_id, record_path
from mustafid.review.forges.local import LocalForge
from mustafid.store.documents import DocumentStore
from mustafid.store.durable import batch
from mustafid.store.errors import RefExists
from mustafid.store.git import PREFIX
from mustafid.store.vault import Vault
from mustafid.store.vault_http import open_vault

CONTROL_CHARS = T("النص يحوي رموز تحكم غير مرئية: احذفه واكتبه من جديد",
                  "the text holds invisible control characters: delete it and type it again")
ID_DRAWS = 8  # record ids drawn before giving up (a clash is 1 in 34 billion)


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


def control_problems(raw: Mapping[str, Any]) -> list[Problem]:
    """A problem for each answer holding control characters (they are dropped before validation)."""
    out = []
    for key, value in raw.items():
        values = value if isinstance(value, list) else [value]
        if any(isinstance(v, str) and CONTROL.search(v) for v in values):
            out.append(Problem("", key, CONTROL_CHARS.ar, CONTROL_CHARS.en, None, "control_characters"))
    return out


@dataclass
class Intake:
    """The association's forms, its store and documents: what the web intake and `mustafid submit` share."""

    assoc: Association
    store: LocalForge
    documents: DocumentStore
    forms: dict[str, FormDef] = field(default_factory=dict)
    vault: Vault | None = None
    duplicates: DuplicateIndex = field(init=False)
    sealer: Sealer | None = field(init=False)
    _link_secret: bytes | None = field(init=False, default=None)

    def __post_init__(self) -> None:
        if not self.forms:
            self.forms = load_forms(self.assoc)
        if self.vault is None:
            self.vault = open_vault(self.store, fsync=self.documents.fsync)
        self.sealer = sealer_for(self.assoc, self.documents, self.vault)
        self.duplicates = DuplicateIndex(self.store, self.forms, secret=self.vault.dedupe_secret())

    def form(self, form_id: str) -> FormDef:
        form = self.forms.get(form_id)
        if form is None:
            raise UnknownForm(form_id)
        return form

    def check(self, form: FormDef, raw: Mapping[str, Any], lang: str = "ar",
              files: Mapping[str, Sequence[FileInfo]] | None = None,
              require_declaration: bool = True) -> tuple[dict[str, Any], list[Problem]]:
        """Normalised answers and every problem with them (nothing is written)."""
        problems = control_problems(raw)
        bad = {p.path for p in problems}
        clean = {k: v for k, v in raw.items() if k not in bad}
        data, more = validate_input(form, clean, lang, files=files, require_declaration=require_declaration)
        return data, problems + [p for p in more if p.path not in bad]

    def accept(self, form_id: str, raw: Mapping[str, Any], *, channel: str = "web", actor: str = "web",
               lang: str = "ar", uploads: Sequence[Upload] = (), stashed: Sequence[Mapping[str, Any]] = (),
               require_declaration: bool = True, later: Sequence[str] = ()) -> Accepted:
        """Validate, store the documents, write the record on ``submission/<id>``; raise ``Invalid`` with every
        problem (and write nothing) when the answers are not acceptable.

        ``stashed`` are documents already in the document store (uploaded at the check step): dicts with
        field, name, type, size, sha256.
        """
        form = self.form(form_id)
        if channel not in CHANNELS:
            raise UserError(f"قناة غير معروفة «{channel}»: المتاح {', '.join(CHANNELS)}",
                            f"unknown channel '{channel}': use one of {', '.join(CHANNELS)}")
        docs = [dataclasses.replace(u, name=safe_filename(u.name)).document() for u in uploads]
        docs += [document(d) for d in stashed if self.documents.has(str(d["sha256"]))]
        data, problems = self.check(form, raw, lang, files_by_field(docs=docs), require_declaration)
        problems += content_problems(uploads)
        problems = [p for p in problems if not (p.code == "file_required" and p.path in later)]  # staff: for later
        if problems:
            raise Invalid(problems)
        # the documents, the vault keys and the record's objects: one flush, before the ref (store/durable.py)
        with batch():
            keys = self.sealer.keys(form) if self.sealer else None
            if self.sealer and keys:  # encrypted with the request's key, durable before the record that names them
                contents = {u.sha256: u.content or (u.spooled.path.read_bytes() if u.spooled else b"") for u in uploads}
                docs = self.sealer.documents_sealed(keys, docs, contents)  # type: ignore[assignment]
            else:
                for u in uploads:  # durable before the record that names them
                    u.store_in(self.documents)
            nid_path = applicant_id_path(form)
            nid = data.get(nid_path) if nid_path else None
            consent = require_declaration  # validate_input refused a missing consent where the form asks one
            with self.duplicates.claim(form, data) as claim:  # checked and written under one lock, across processes
                dups = claim.dups
                for _ in range(ID_DRAWS):
                    rid = new_record_id()
                    record = make_record(form, data, association=self.assoc.id, channel=channel, consent=consent,
                                         documents=docs, record_id=rid, flags=[DUPLICATE] if dups else [],
                                         duplicate_of=dups, lang=lang)
                    if missing := sorted(set(later) & {d.field for d in form.documents if not any(
                            x["field"] == d.field for x in docs)}):
                        record["flags"].append(INCOMPLETE)
                        record["missing_documents"] = missing
                    path = record_path(form.id, record["submitted_at"], rid)
                    written = record
                    if self.sealer and keys:
                        record["lookup"] = self._lookup(record, nid)
                        if not record["lookup"]:
                            del record["lookup"]
                        written = self.sealer.record_sealed(form, record, keys)
                    try:
                        commit = self.store.create_submission(rid, {path: dump_record(written, path).encode()},
                                                              self.message(record, actor))
                    except RefExists:
                        if self.sealer:
                            self.sealer.forget(rid)
                        continue  # an id drawn twice (1 in 34 billion): draw another
                    except BaseException:
                        if self.sealer:
                            self.sealer.forget(rid)  # not written: nothing of it stays
                        raise
                    claim.added(PREFIX + rid, commit, record)
                    return Accepted(record, path, commit)
        raise UserError("تعذّر إيجاد رقم طلب غير مستخدم", "could not find an unused request number")

    def _lookup(self, record: Mapping[str, Any], nid: Any) -> dict[str, str]:
        """What a sealed record keeps to be found without a key: the keyed hash of the applicant's national ID
        (duplicates, with the vault's secret) and of its id and mobile's last four digits (the status lookup,
        with the lookup's secret: notices/lookup.py)."""
        from mustafid.notices.links import link_secret
        from mustafid.notices.lookup import mobile_lookup

        out = {"applicant": keyed_hash(self.duplicates.secret, nid)} if isinstance(nid, str) and nid else {}
        if self._link_secret is None:
            self._link_secret = link_secret(self.store.common_dir)
        mobile = mobile_lookup(self._link_secret, record)
        if mobile:
            out["mobile"] = mobile
        return out

    @staticmethod
    def message(record: Mapping[str, Any], actor: str) -> str:
        from mustafid.review.trailers import message

        return message("Receive", record, None, actor)
