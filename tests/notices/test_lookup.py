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
