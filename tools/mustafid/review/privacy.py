"""The data subject's rights and the retention rule, on sealed records (records/sealing.py, store/vault.py):
erase (a PDPL destruction request), export (the subject's own copy, the 30-day answer), the retention sweep, and
re-wrapping every request's keys when the roster's recipients change. None of them rewrites git history.

Erasure destroys the request's keys in the vault (crypto-shredding: every copy of its ciphertext, in history,
clones and git backups, is then noise), those of what it received later (review/addenda.py) with them, and its
documents and sealed answers, and is itself recorded without personal data: a
commit on ``refs/heads/mustafid-erasures`` (never merged, not a request branch) adding
``erasures/<id>.yml`` — the record id, form, who, when, the reason's code and what was destroyed — signed like
any action. Answers kept for a legal period (a field whose own ``retention_days`` is longer than the form's,
e.g. financial evidence) are kept under their own key until that period ends, and the erasure says so.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from mustafid.config.association import Association
from mustafid.core.errors import NotFound, UserError
from mustafid.core.period import riyadh_today
from mustafid.forms.load import load_forms
from mustafid.records.format import dump_record, parse_record
from mustafid.records.sealing import LEGAL, is_sealed, open_record
from mustafid.review.addenda import open_document, recipients, sealed_blobs, with_answers
from mustafid.review.forges.local import LocalForge
from mustafid.review.queries import find
from mustafid.store import docrefs
from mustafid.store.documents import DocumentStore
from mustafid.store.vault_http import open_vault

LOG = "mustafid-erasures"
REASONS = ("subject-request", "consent-withdrawn", "retention", "unlawful")


def locate(forge: LocalForge, rid: str) -> tuple[str, dict[str, Any]]:
    """(path, record) of a request: its branch while open, else main."""
    try:
        _b, _t, path, record = find(forge, rid)
        return path, record
    except NotFound:
        pass
    names = forge.git("ls-tree", "-r", "--name-only", f"refs/heads/{forge.main}", "--", "submissions/").decode()
    path = next((p for p in names.splitlines() if p.endswith(f"/{rid}.yml")), "")
    if not path:
        raise NotFound(f"لا يوجد طلب برقم {rid}", f"no request {rid}")
    return path, parse_record(forge.git("show", f"refs/heads/{forge.main}:{path}").decode())


def legal_until(assoc: Association, record: Mapping[str, Any]) -> dt.date | None:
    """The end of the legal period of the answers kept longest, or None when the form keeps none apart."""
    form = load_forms(assoc).get(str(record.get("form")))
    if form is None:
        return None
    days = [f.retention_days for _p, f in form.walk() if f.sealed and f.retention_days
            and f.retention_days > form.retention_days]
    if not days:
        return None
    return dt.datetime.fromisoformat(str(record["submitted_at"])).date() + dt.timedelta(days=max(days))


def erase(assoc: Association, forge: LocalForge, rid: str, actor: str, reason: str, ids: list[Any],
          today: dt.date | None = None) -> dict[str, Any]:
    """Destroy a request's keys (except answers still within a legal period) and documents; record it."""
    if reason not in REASONS:
        raise UserError(f"سبب الإتلاف واحد من: {', '.join(REASONS)}", f"the reason is one of: {', '.join(REASONS)}")
    today = today or riyadh_today()
    _path, record = locate(forge, rid)
    vault, documents = open_vault(forge), DocumentStore.beside(forge)
    until = legal_until(assoc, record)
    keep = [LEGAL] if until and until > today else []
    if keep and not ids:
        raise UserError("في الطلب إجابات تحفظ لمدة نظامية: يلزم مفتاحك لإعادة تغليفها وحدها (--key)",
                        "the request holds answers kept for a legal period: your key is needed to wrap them "
                        "again alone (--key)")
    destroyed = vault.destroy(rid, keep=keep, identities=ids, recipients=recipients(assoc))
    removed = sum(documents.remove(str(d["sha256"])) for d in record.get("documents") or [])
    answers = sum(documents.remove(sha) for sha in sealed_blobs(record))
    ref = f"refs/mustafid/documents/{rid}"
    if forge.git("rev-parse", "--verify", "-q", ref, check=False).strip():
        forge.git("update-ref", "-d", ref)
    entry = {"record": rid, "form": record.get("form"), "by": actor,
             "at": dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat(), "reason": reason,
             "destroyed": destroyed or ["none left"], "documents_removed": removed,
             "kept_until": until.isoformat() if keep and until else None}
    if answers:
        entry["answers_removed"] = answers
    _log(forge, rid, entry, actor)
    return entry


def _log(forge: LocalForge, rid: str, entry: Mapping[str, Any], actor: str) -> None:
    import yaml

    text = yaml.safe_dump(dict(entry), allow_unicode=True, sort_keys=False)
    files = {f"erasures/{rid}.yml": text.encode()}
    message = f"Erase {rid}\n\nMustafid-Erased: {rid}\nMustafid-Actor: {actor}\nMustafid-Reason: {entry['reason']}\n"
    if forge.branch_tip(LOG) is None:
        root = forge.write_commit(forge.tree_with(None, files), [], message)
        forge.git("update-ref", f"refs/heads/{LOG}", root, "0" * 40)
    else:
        forge.commit_on_branch(LOG, files, message)


def erasures(forge: LocalForge) -> list[dict[str, Any]]:
    import yaml

    if forge.branch_tip(LOG) is None:
        return []
    names = forge.git("ls-tree", "--name-only", f"refs/heads/{LOG}", "erasures/").decode().split()
    return [yaml.safe_load(forge.git("show", f"refs/heads/{LOG}:{n}")) for n in names]


def export(forge: LocalForge, rid: str, ids: list[Any]) -> tuple[str, dict[str, bytes]]:
    """The data subject's copy: the record in clear (YAML, the answers sent through a completion link with it)
    and its documents in clear, by file name (a second of one name numbered)."""
    _path, record = locate(forge, rid)
    if not is_sealed(record):
        keys: dict[str, bytes] | None = None
    else:
        if not ids:
            raise UserError("النسخة تحتاج مفتاحك لفتح البيانات (--key)",
                            "the copy needs your key to open the data (--key)")
        keys = open_vault(forge).open(rid, ids) or {}
    documents = DocumentStore.beside(forge)

    def read(sha: str) -> bytes | None:
        return docrefs.read(forge, documents, rid, sha)

    clear = with_answers(open_record(record, keys) if keys is not None else dict(record), read, keys)
    clear.pop("lookup", None)
    clear.pop("sealed", None)
    files: dict[str, bytes] = {}
    for d in record.get("documents") or []:
        blob = read(str(d["sha256"]))
        content = open_document(record, d, blob, keys) if blob is not None else None
        if content is not None:
            name, n = str(d["name"]), 1
            while name in files:
                n += 1
                stem, dot, ext = str(d["name"]).rpartition(".")
                name = f"{stem}-{n}{dot}{ext}" if dot else f"{d['name']}-{n}"
            files[name] = content
    return dump_record(clear), files


def rewrap(assoc: Association, forge: LocalForge, ids: list[Any]) -> tuple[int, list[str]]:
    """Every request's keys wrapped again to today's recipients (a member added or removed)."""
    if not ids:
        raise UserError("إعادة التغليف تحتاج مفتاحك (--key)", "re-wrapping needs your key (--key)")
    return open_vault(forge).rewrap(ids, recipients(assoc))


def due(assoc: Association, forge: LocalForge, today: dt.date | None = None) -> list[tuple[str, str]]:
    """(record id, what is due) for every record on main whose retention has run out and whose keys remain."""
    today = today or riyadh_today()
    forms = load_forms(assoc)
    vault = open_vault(forge)
    names = forge.git("ls-tree", "-r", "--name-only", f"refs/heads/{forge.main}", "--", "submissions/").decode()
    out = []
    for path in names.splitlines():
        rid = path.rsplit("/", 1)[-1].removesuffix(".yml")
        classes = vault.classes(rid)
        if not classes:
            continue
        record = parse_record(forge.git("show", f"refs/heads/{forge.main}:{path}").decode())
        form = forms.get(str(record.get("form")))
        if form is None:
            continue
        start = dt.datetime.fromisoformat(str(record["submitted_at"])).date()
        until = legal_until(assoc, record)
        if "main" in classes and start + dt.timedelta(days=form.retention_days) <= today:
            out.append((rid, "all" if not until or until <= today else "main"))
        elif "main" not in classes and until and until <= today:
            out.append((rid, "legal"))
    return out
