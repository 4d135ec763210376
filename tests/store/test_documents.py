"""Documents beside the repository: content-addressed, written atomically, never reached by a path."""

from __future__ import annotations

from pathlib import Path

from mustafid.store.documents import DocumentStore


def test_documents_are_content_addressed(tmp_path: Path) -> None:
    docs = DocumentStore(tmp_path / "docs")
    sha = docs.put(b"%PDF-1.4 scan")
    assert docs.put(b"%PDF-1.4 scan") == sha and docs.get(sha) == b"%PDF-1.4 scan"
    assert docs.path(sha).parent.name == sha[:2]
    assert not docs.has("../../etc/passwd") and not docs.has("0" * 64)
