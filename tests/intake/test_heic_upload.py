"""HEIC, what iPhones photograph in, is accepted on the forms' document fields (issue 16), and checked like the
other types: its ISO base media ``ftyp`` box must be there."""

from __future__ import annotations

from mustafid.config.association import load_association
from mustafid.forms.load import load_forms
from mustafid.forms.validation import check_documents
from mustafid.intake.uploads import Upload, content_problems
from tests.helpers import EXAMPLES

HEIC = b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic" + b"\x00" * 64


def test_a_heic_photo_is_accepted_and_checked() -> None:
    form = load_forms(load_association(EXAMPLES["ajaa"]))["support-request"]
    docs = [{"field": "family_record", "name": "IMG_0042.HEIC", "type": "image/heic", "size": len(HEIC)}]
    assert [p for p in check_documents(form, {}, docs) if p.path == "family_record"] == []
    assert content_problems([Upload("family_record", "IMG_0042.HEIC", "image/heic", HEIC)]) == []
    renamed = content_problems([Upload("family_record", "photo.heic", "image/heic", b"MZ\x90\x00" + b"\x00" * 64)])
    assert [p.code for p in renamed] == ["file_content"]
