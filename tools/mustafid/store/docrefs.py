"""Documents travel to the reviewers who need them on a ref of their own, outside every branch's history.

Why this transport (README, "Decisions"): a request's documents are one small commit on
``refs/mustafid/documents/<record-id>``, its tree holding each file under its SHA-256. The ref is pushed with the
request's branch and fetched only when someone opens that request (`mustafid show ID --documents DIR`): no
default refspec fetches ``refs/mustafid/*``, so a clone carries no scan it never asked for, `main`'s history
stays records only, and erasing a request's documents is deleting one ref on the remote (and, once personal data
is encrypted with a key per request, destroying that key makes every copy unreadable, backups included). Git LFS
would need an LFS server beside the forge and keeps objects for ever; an object store would be a second system
with its own credentials. Git refs reuse the forge's permissions and the atomic push of the shared repository.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

from mustafid.core.errors import UserError
from mustafid.store.documents import DocumentStore
from mustafid.store.git import GitStore
from mustafid.store.refs import ZERO
from mustafid.store.sync import DOCUMENTS


def ref_of(record_id: str) -> str:
    return f"{DOCUMENTS}{record_id}"


def _tip(store: GitStore, record_id: str) -> tuple[str, str] | None:
    out = store.git("rev-parse", "--verify", "-q", f"{ref_of(record_id)}^{{commit}}", check=False).strip()
    if not out:
        return None
    tree = store.git("rev-parse", f"{out.decode()}^{{tree}}").decode().strip()
    return out.decode(), tree


def held(store: GitStore, record_id: str) -> set[str]:
    """The SHA-256 names the request's documents ref holds."""
    tip = _tip(store, record_id)
    if tip is None:
        return set()
    return set(store.git("ls-tree", "--name-only", tip[0]).decode().split())


def publish(store: GitStore, documents: DocumentStore, record_id: str, shas: Iterable[str]) -> str | None:
    """Add the request's documents (from the document store) to its ref; the new tip, or None when the ref
    already held them all. A document the store does not hold is an error naming it: never a silent gap."""
    wanted = sorted(set(shas))
    have = held(store, record_id)
    missing = [s for s in wanted if s not in have]
    if not missing:
        return None
    for sha in missing:
        if not documents.has(sha):
            raise UserError(f"المستند {sha[:12]}… غير موجود في مخزن المستندات على هذا الجهاز",
                            f"document {sha[:12]}… is not in this machine's document store")
    tip = _tip(store, record_id)
    tree = store.tree_with(tip[1] if tip else None, {sha: documents.get(sha) for sha in missing})
    message = f"Documents of {record_id}\n\nMustafid-Record: {record_id}\n"
    commit = store.write_commit(tree, [tip[0]] if tip else [], message)
    if not store.update_ref(ref_of(record_id), commit, tip[0] if tip else ZERO, "mustafid: documents"):
        raise UserError("تغيّر مرجع المستندات أثناء الحفظ: أعد المحاولة",
                        f"the documents ref of {record_id} moved while saving: try again")
    return commit


def _safe(name: str) -> str:
    keep = "".join(c if c.isalnum() or c in "._-" else "_" for c in name)
    return keep.strip("._") or "document"


def read(store: GitStore, documents: DocumentStore, record_id: str, sha: str) -> bytes | None:
    """A blob of the request by its SHA-256 (a document, or a sealed answer sent later): from the local
    document store, else from its documents ref (then kept in the store); None when neither holds it."""
    if documents.has(sha):
        return documents.get(sha)
    got = store.git("cat-file", "blob", f"{ref_of(record_id)}:{sha}", check=False)
    if not got or hashlib.sha256(got).hexdigest() != sha:
        return None
    documents.put(got)
    return got


def export(store: GitStore, documents: DocumentStore, record: Mapping[str, Any], out_dir: Path) -> list[Path]:
    """Write every document of `record` into `out_dir` as `<field>-<n>-<name>`, each checked against the SHA-256
    the record lists; read from the local document store, else from the request's documents ref (and kept in
    the store). A document found nowhere is an error that says where to look."""
    entries: Sequence[Mapping[str, Any]] = record.get("documents") or []
    rid = str(record.get("id"))
    out_dir.mkdir(parents=True, exist_ok=True)
    written, counts = [], dict[str, int]()
    for entry in entries:
        sha = str(entry.get("sha256", ""))
        got = read(store, documents, rid, sha)
        if got is None:
            raise UserError(f"المستند «{entry.get('name')}» للطلب {rid} غير موجود هنا ولا في المستودع المشترك",
                            f"document '{entry.get('name')}' of {rid} is neither here nor on the shared "
                            "repository's documents ref: ask the intake machine's admin to run `mustafid sync`")
        content = got
        if hashlib.sha256(content).hexdigest() != sha:
            raise UserError(f"المستند «{entry.get('name')}» تالف: لا يطابق بصمته", f"document '{entry.get('name')}' "
                            "does not match its SHA-256: it is damaged")
        field = str(entry.get("field", "document")).replace(".", "_")
        counts[field] = counts.get(field, 0) + 1
        target = out_dir / f"{_safe(field)}-{counts[field]}-{_safe(str(entry.get('name', '')))}"
        target.write_bytes(content)
        written.append(target)
    return written
