"""The status lookup as a plain function, in real repositories for both associations: the receipt's code or the
mobile's last four digits (Arabic-Indic digits and any case accepted), one answer (None) for a wrong reference,
a wrong code or a malformed one, and nothing personal in what it returns."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from mustafid.config.association import load_association
from mustafid.notices.lookup import lookup, receipt_code
from mustafid.review import actions
from mustafid.review.forges.local import LocalForge
from mustafid.review.queries import find
from tests.helpers import make_association_repo
from tests.review.util import submit

SECRET = b"s" * 32
AR = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")


@pytest.mark.parametrize("name", ["ajaa", "kahatain"])
def test_lookup(name: str, tmp_path: Path) -> None:
    repo = make_association_repo(tmp_path, name)
    assoc, forge = load_association(repo), LocalForge(repo)
    rid = submit(repo, name)
    mobile = str(find(forge, rid)[3]["data"]["mobile"])
    code = receipt_code(SECRET, rid)
    by_code = lookup(assoc, forge, rid.lower(), code.translate(AR), SECRET, "ar")
    by_mobile = lookup(assoc, forge, rid, mobile[-4:], SECRET, "en")
    assert by_code is not None and by_mobile is not None
    assert by_code.status == "received" and by_code.due is not None and "هـ" in by_code.due[1]
    assert by_mobile.words.startswith("Received") and by_mobile.next
    shown = str(dataclasses.asdict(by_code)) + str(dataclasses.asdict(by_mobile))
    assert mobile not in shown and mobile[-4:] not in shown
    other = "000000" if code != "000000" else "111111"
    wrong_four = "0000" if mobile[-4:] != "0000" else "1111"
    for ref, factor in ((rid, other), (rid, wrong_four), ("ZZZZ-ZZZ0", code), ("nonsense", code), (rid, ""),
                        (rid, code[:5])):
        assert lookup(assoc, forge, ref, factor, SECRET) is None
    actions.request_info(assoc, forge, rid, "staff.officer", "صورة أوضح")
    asked = lookup(assoc, forge, rid, code, SECRET, "en")
    assert asked is not None and asked.status == "needs_info" and "link" in asked.next


def test_a_sealed_record_is_found_by_the_keyed_hash_of_its_mobile(tmp_path: Path) -> None:
    """A sealed record's mobile is ciphertext: the last four digits match its ``lookup.mobile`` (the keyed hash
    of its id and those digits), with the lookup's own secret only, and a hash copied from another request
    never matches (the id is in it)."""
    from mustafid.notices.lookup import mobile_hash
    from mustafid.records.format import dump_record

    repo = make_association_repo(tmp_path, "ajaa")
    assoc, forge = load_association(repo), LocalForge(repo)
    rid, other = submit(repo, "ajaa"), submit(repo, "ajaa")
    last4 = str(find(forge, rid)[3]["data"]["mobile"])[-4:]
    for target, bound_to in ((rid, rid), (other, rid)):  # the second: rid's hash pasted into another request
        branch, tip, path, rec = find(forge, target)
        rec["data"]["mobile"] = "enc:v1:main:AAAA"
        rec["lookup"] = {"mobile": mobile_hash(SECRET, bound_to, last4)}
        forge.commit_on_branch(branch, {path: dump_record(rec, path=path).encode()}, "as sealed", expected_tip=tip)
    found = lookup(assoc, forge, rid, last4.translate(AR), SECRET, "en")
    assert found is not None and found.ref == rid
    wrong = "0000" if last4 != "0000" else "1111"
    assert lookup(assoc, forge, rid, wrong, SECRET) is None
    assert lookup(assoc, forge, rid, last4, b"t" * 32) is None
    assert lookup(assoc, forge, other, last4, SECRET) is None


def test_what_to_do_next_addresses_the_applicant_as_the_association_does() -> None:
    """"Send what was asked" in Ajaa's feminine and Kahatain's masculine; the status itself says what the
    association needs ("تحتاج الجمعية"), which is no address to the applicant and stays as it is."""
    from mustafid.notices.lookup import view
    from tests.helpers import EXAMPLES

    record = {"id": "K7M3-9QXD", "form": "support-request", "submitted_at": "2026-11-23T10:00:00+03:00",
              "status": "needs_info"}
    ajaa, kahatain = (view(load_association(EXAMPLES[n]), record, "ar") for n in ("ajaa", "kahatain"))
    assert ajaa.next == "أرسلي ما طُلب من الرابط الذي وصلك، أو أحضريه إلى الجمعية واذكري رقم طلبك."
    assert kahatain.next == "أرسل ما طُلب من الرابط الذي وصلك، أو أحضره إلى الجمعية واذكر رقم طلبك."
    assert ajaa.words == kahatain.words == "تحتاج الجمعية منك معلومات أو مستندات"
    english = view(load_association(EXAMPLES["ajaa"]), record, "en")
    assert english.next.startswith("Send what was asked for")
