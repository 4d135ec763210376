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


def test_a_spooled_file_is_put_without_reading_it(tmp_path: Path) -> None:
    """The web intake's uploads are streamed to a file and hashed on the way; put_file links that file into
    place (one inode, nothing read into memory) and leaves the source to its owner."""
    import hashlib

    content = b"%PDF-1.4 " + b"x" * 100_000
    spooled = tmp_path / "incoming" / "part-0"
    spooled.parent.mkdir()
    spooled.write_bytes(content)
    docs = DocumentStore(tmp_path / "docs")
    sha = hashlib.sha256(content).hexdigest()
    assert docs.put_file(spooled, sha) == sha and docs.get(sha) == content
    assert docs.path(sha).stat().st_ino == spooled.stat().st_ino, "linked, not copied"
    spooled.unlink()  # the request's spool folder goes; the document stays
    assert docs.get(sha) == content and docs.put_file(tmp_path / "gone", sha) == sha, "already held: nothing to do"
    assert not [p for p in docs.path(sha).parent.iterdir() if p.name.startswith(".tmp-")]
