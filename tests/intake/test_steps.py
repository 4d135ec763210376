"""The submission's steps as plain functions, called without HTTP (what the routes call): a post sorted against
its form, edit / add / remove, check then confirm with kept documents, and the stash's tokens."""

from __future__ import annotations

from pathlib import Path

import pytest

from mustafid.config.association import load_association
from mustafid.intake import steps
from mustafid.intake.posted import FormShape, Post, Refused
from mustafid.intake.service import Accepted, Intake
from mustafid.intake.stash import Stash
from mustafid.intake.uploads import Upload
from mustafid.review.forges.local import LocalForge
from mustafid.store.documents import DocumentStore
from tests.helpers import make_association_repo
from tests.intake.util import luhn_id, refs, valid_post


@pytest.fixture
def intake(tmp_path: Path) -> Intake:
    repo = make_association_repo(tmp_path, "ajaa")
    return Intake(load_association(repo), LocalForge(repo), DocumentStore(tmp_path / "documents"))


def post_of(shape: FormShape, fields: dict, files: list | None = None, **extra: str) -> Post:
    items: list[tuple[str, str | Upload]] = []
    for key, value in {**fields, **extra}.items():
        items += [(key, v) for v in (value if isinstance(value, list) else [value])]
    items += [(field, Upload(field, name, typ, content)) for field, (name, content, typ) in files or []]
    return shape.sort(items)


def test_a_post_is_sorted_against_its_form(intake: Intake) -> None:
    shape = FormShape(intake.form("support-request"))
    post = shape.sort([("first_name", "سارة"), ("income_sources", "pension"), ("income_sources", "zakat"),
                       ("_stash.id_copy", "token"), ("_file.lease", "عقد.pdf|application/pdf|10"),
                       ("id_copy", Upload("id_copy", "../../هوية.pdf", "application/pdf", b"%PDF-1"))])
    assert post.raw == {"first_name": "سارة", "income_sources": ["pension", "zakat"],
                        "_file.lease": "عقد.pdf|application/pdf|10"}
    assert post.tokens == ["token"] and [(u.field, u.name) for u in post.uploads] == [("id_copy", "هوية.pdf")]
    assert post.described_files()["lease"][0].size == 10 and post.lang == "ar"
    for bad in ([("is_admin", "yes")], [("first_name", Upload("first_name", "a.pdf", "", b"%PDF-"))]):
        with pytest.raises(Refused) as refused:
            shape.sort(bad)
        assert refused.value.code == "unknown_fields"


def test_edit_add_and_remove_write_nothing(intake: Intake) -> None:
    shape = FormShape(intake.form("support-request"))
    stash = Stash(b"secret")
    before = refs(intake.store.repo)
    answers = {"family.0.name": "أ", "family.1.name": "ب", "family.2.name": "ج"}
    added = steps.submit(intake, stash, shape, post_of(shape, answers, _add="family"))
    assert isinstance(added, steps.Refill) and added.status == 200
    assert added.answers == {**answers, "family.3.name": ""}
    removed = steps.submit(intake, stash, shape, post_of(shape, answers, _remove="family.1"))
    assert isinstance(removed, steps.Refill) and removed.answers == {"family.0.name": "أ", "family.1.name": "ج"}
    edit = steps.submit(intake, stash, shape, post_of(shape, answers, _step="edit"))
    assert isinstance(edit, steps.Refill) and edit.answers == answers and not edit.problems
    for bad, code in (({"_hp": "http://spam"}, "honeypot"), ({"_step": "delete"}, "bad_step")):
        with pytest.raises(Refused) as refused:
            steps.submit(intake, stash, shape, post_of(shape, answers, **bad))
        assert refused.value.code == code
    assert refs(intake.store.repo) == before


def test_check_keeps_the_documents_and_confirm_writes_the_record(intake: Intake, tmp_path: Path) -> None:
    shape = FormShape(intake.form("support-request"))
    stash = Stash(b"secret", tmp_path / "stash").for_client("198.51.100.7")
    fields, files = valid_post("ajaa", national_id=luhn_id(801), seed=801)
    before = refs(intake.store.repo)
    bad = steps.submit(intake, stash, shape, post_of(shape, {**fields, "national_id": "12"}, files, _step="check"))
    assert isinstance(bad, steps.Refill) and bad.status == 422 and not bad.submitted
    assert "national_id" in {p.path for p in bad.problems}
    review = steps.submit(intake, stash, shape, post_of(shape, fields, files, _step="check"))
    assert isinstance(review, steps.Review) and refs(intake.store.repo) == before
    assert {d["field"] for d in review.docs} == {f for f, _ in files}
    slot = next((tmp_path / "stash").iterdir())
    assert "198.51.100.7" not in slot.name, "the client's address is not on disk"
    assert {p.name for p in slot.iterdir()} == {d["sha256"] for d in review.docs}, "held at the check step"
    assert not any(intake.documents.has(d["sha256"]) for d in review.docs), "not stored before confirm"
    tokens = {f"_stash.{d['field']}": stash.token(d) for d in review.docs}
    done = steps.submit(intake, stash, shape, post_of(shape, {**review.answers, **tokens}, _step="confirm"))
    assert isinstance(done, Accepted) and f"refs/heads/{done.branch}" in refs(intake.store.repo)
    assert [d["sha256"] for d in done.record["documents"]] == [d["sha256"] for d in review.docs]
    assert all(intake.documents.has(d["sha256"]) for d in review.docs), "stored with the record"
    assert steps.receipt(intake.store, done.id) == {k: done.record.get(k) for k in steps.RECEIPT_FIELDS}
    assert steps.receipt(intake.store, "AAAA-AAAA") is None


def test_stash_tokens_are_signed_and_expire() -> None:
    stash = Stash(b"secret")
    doc = {"field": "id_copy", "name": "هوية.pdf", "type": "application/pdf", "size": 10, "sha256": "a" * 64}
    token = stash.token(doc)
    assert stash.read(token) == doc
    assert Stash(b"another").read(token) is None, "signed with the server's secret"
    assert stash.read(token.replace(".", "x.", 1)) is None and stash.read("garbage") is None
    assert stash.read(token, max_age=-1) is None, "too old"
    assert stash.by_field([doc])["id_copy"][0]["token"].count(".") == 1
