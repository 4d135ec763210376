"""validate_input: web-form fields in, normalised typed answers and problems out."""

from __future__ import annotations

import datetime as dt
import random
from pathlib import Path
from typing import Any

import pytest

from mustafid.core.errors import ConfigError
from mustafid.forms.load import load_forms_dir
from mustafid.forms.model import FormDef
from mustafid.forms.validation import FileInfo, check_data, to_raw, validate_input
from mustafid.records.fastcheck import data_ok
from tests.forms.factory import make_valid, raw_answers

TODAY = dt.date(2026, 11, 23)


def _codes(problems: list[Any]) -> dict[str, str]:
    return {p.path: p.code for p in problems}


def _base(form: FormDef, seed: int = 3, **want: Any) -> dict[str, Any]:
    rng = random.Random(seed)
    for _ in range(500):
        raw = raw_answers(form, rng)
        data, problems = validate_input(form, raw, require_declaration=False, today=TODAY)
        if not problems and all(data.get(k) == v for k, v in want.items()):
            return raw
    raise AssertionError(want)


def test_arabic_digits_and_bidi_are_normalised(ajaa_forms: dict[str, FormDef]) -> None:
    form = ajaa_forms["support-request"]
    raw = _base(form, housing="owned")
    raw.update(national_id="\u200f١٠٠٠٠٠٠٠٠٨", mobile="٠٥٠ ١٢٣ ٤٥٦٧", first_name="  نـورة\u200b ")
    data, problems = validate_input(form, raw, require_declaration=False, today=TODAY)
    assert problems == []
    assert data["national_id"] == "1000000008" and data["mobile"] == "+966501234567"
    assert data["first_name"] == "نـورة"  # tatweel is kept in names (only identifiers drop it)


def test_relevance_drops_answers_that_do_not_apply_and_requires_those_that_do(ajaa_forms: dict[str, FormDef]) -> None:
    form = ajaa_forms["support-request"]
    raw = _base(form, housing="owned")
    data, _ = validate_input(form, {**raw, "monthly_rent": "1500"}, require_declaration=False, today=TODAY)
    assert "monthly_rent" not in data
    _, problems = validate_input(form, {**raw, "housing": "rented", "monthly_rent": ""}, require_declaration=False,
                                 today=TODAY)
    assert _codes(problems).get("monthly_rent") == "required"


def test_filtered_city_list(ajaa_forms: dict[str, FormDef]) -> None:
    form = ajaa_forms["support-request"]
    raw = _base(form)
    _, problems = validate_input(form, {**raw, "region": "hail", "city": "jeddah"}, require_declaration=False,
                                 today=TODAY)
    assert _codes(problems)["city"] == "filtered_choice"
    _, problems = validate_input(form, {**raw, "region": "makkah", "city": "jeddah"}, require_declaration=False,
                                 today=TODAY)
    assert "city" not in _codes(problems)


def test_repeat_groups_count_and_empty_rows(ajaa_forms: dict[str, FormDef]) -> None:
    form = ajaa_forms["support-request"]
    raw = {k: v for k, v in _base(form).items() if not k.startswith("family.")}
    rows = {"family_count": "2", "family.0.name": "سارة", "family.0.relationship": "daughter", "family.0.age": "١٢",
            "family.1.name": "", "family.1.relationship": "", "family.1.age": "",   # an empty row the page rendered
            "family.2.name": "فهد", "family.2.relationship": "son", "family.2.age": "9"}
    data, problems = validate_input(form, {**raw, **rows}, require_declaration=False, today=TODAY)
    assert problems == [] and [m["name"] for m in data["family"]] == ["سارة", "فهد"] and data["family"][0]["age"] == 12
    _, problems = validate_input(form, {**raw, **rows, "family_count": "3"}, require_declaration=False, today=TODAY)
    assert _codes(problems)["family"] == "count_mismatch"
    _, problems = validate_input(form, {**raw, **rows, "family.2.national_id": "1000000000"}, require_declaration=False,
                                 today=TODAY)
    assert _codes(problems)["family.1.national_id"] == "national_id_checksum"  # renumbered after the empty row


def test_calculated_total_income(ajaa_forms: dict[str, FormDef]) -> None:
    form = ajaa_forms["support-request"]
    raw = _base(form)
    raw.update({"income_sources": ["salary", "citizen_account"], "salary": "3,000", "citizen_account": "٥٠٠٫٥٠"})
    data, problems = validate_input(form, raw, require_declaration=False, today=TODAY)
    assert problems == [] and data["total_income"] == 3500.5


def test_cross_field_rule(ajaa_forms: dict[str, FormDef]) -> None:
    form = ajaa_forms["new-beneficiary"]
    raw = _base(form)
    _, problems = validate_input(form, {**raw, "category": "widow", "marital_status": "married"},
                                 require_declaration=False, today=TODAY)
    assert _codes(problems)["marital_status"] == "widow_is_widowed"


def test_constraint_with_its_message(ajaa_forms: dict[str, FormDef]) -> None:
    form = ajaa_forms["support-request"]
    _, problems = validate_input(form, {**_base(form), "iban_holder_confirm": "لا"}, require_declaration=False,
                                 today=TODAY)
    (p,) = [p for p in problems if p.path == "iban_holder_confirm"]
    assert p.code == "constraint" and "باسم مقدم الطلب" in p.ar


def test_declaration_and_consent_are_required(ajaa_forms: dict[str, FormDef]) -> None:
    form = ajaa_forms["support-request"]
    _, problems = validate_input(form, _base(form), today=TODAY)
    assert _codes(problems) == {"declaration.confirmed": "declaration", "declaration.consent": "consent"}
    _, problems = validate_input(form, {**_base(form), "_declaration": "yes", "_consent": "yes"}, today=TODAY)
    assert problems == []


def test_files(ajaa_forms: dict[str, FormDef]) -> None:
    form = ajaa_forms["suggestion-or-complaint"]
    raw = {**_base(form), "_declaration": "yes", "_consent": "yes"}
    big = FileInfo("scan.pdf", "application/pdf", 9_000_000, "0" * 64)
    exe = FileInfo("x.exe", "application/octet-stream", 10, "0" * 64)
    _, problems = validate_input(form, raw, files={"attachment": [big, exe]}, today=TODAY)
    assert {p.code for p in problems} == {"file_count", "file_size", "file_type"}


def test_required_message_of_its_own(ajaa_forms: dict[str, FormDef]) -> None:
    form = ajaa_forms["support-request"]
    _, problems = validate_input(form, {**_base(form), "mobile": ""}, require_declaration=False, today=TODAY)
    (p,) = [p for p in problems if p.path == "mobile"]
    assert p.code == "required" and "لنتواصل معك" in p.ar


@pytest.mark.parametrize("seed", range(12))
def test_generated_records_round_trip_and_fast_check_agrees(seed: int,
                                                            all_forms: dict[str, dict[str, FormDef]]) -> None:
    rng = random.Random(seed)
    for assoc, forms in all_forms.items():
        for form in forms.values():
            rec = make_valid(form, rng, assoc)
            day = dt.date.fromisoformat(rec["submitted_at"][:10])
            assert check_data(form, rec["data"], day, rec["documents"]) == []
            assert data_ok(form, rec["data"], day, rec["documents"])
            again, problems = validate_input(form, to_raw(form, rec["data"]), require_declaration=False, today=day)
            assert problems == [] and again == rec["data"]
            # Break one answer at random: if check_data finds a problem, the fast check must not say "clean".
            data = dict(rec["data"])
            key = rng.choice(sorted(data))
            data[key] = rng.choice(["", "x", 0, -1, 10**9, True, [], "1000000000", "+966521234567", "2026-02-30"])
            if check_data(form, data, day, rec["documents"]):
                assert not data_ok(form, data, day, rec["documents"])


@pytest.mark.parametrize("assoc,form_id", [("ajaa", "support-request"), ("ajaa", "new-beneficiary"),
                                           ("kahatain", "new-beneficiary")])
def test_proof_of_income_follows_the_income_answer(assoc: str, form_id: str,
                                                   all_forms: dict[str, dict[str, FormDef]]) -> None:
    """'No income' asks for no proof of income; any source does; and 'no income' cannot sit beside a source.
    (The definitions once said {not_in: [none]} of this multi-choice list, which is true even for [none].)"""
    form = all_forms[assoc][form_id]
    pdf = FileInfo("a.pdf", "application/pdf", 1000, "0" * 64)
    files = {p: [pdf] for p, f in form.walk() if f.type == "file" and "*" not in p and p != "income_proof"}
    money = ("salary", "social_security", "citizen_account", "pension", "family_support")
    raw = {k: v for k, v in _base(form).items() if k not in money}

    def problems(**answers: Any) -> dict[str, str]:
        _, found = validate_input(form, {**raw, **answers}, files=files, require_declaration=False, today=TODAY)
        return _codes(found)

    none = problems(income_sources=["none"])
    assert "income_proof" not in none and "income_sources" not in none, none
    salary = problems(income_sources=["salary"], salary="4000")
    assert salary.get("income_proof") == "file_required", salary
    both = problems(income_sources=["none", "salary"], salary="4000")
    assert both.get("income_sources") == "constraint", both


def test_definitions_refuse_list_comparisons_that_never_match(tmp_path: Path) -> None:
    d = tmp_path / "forms"
    d.mkdir()
    (d / "f.yml").write_text("""\
form: f
version: 1
title: {ar: ع, en: t}
description: {ar: و, en: d}
declaration: {confirm: declaration_feedback}
pages:
  - id: p
    title: {ar: ص, en: p}
    fields:
      - {id: kinds, type: multi_choice, choices: aid_type, label: {ar: أ, en: a}}
      - {id: one, type: choice, choices: aid_type, label: {ar: ب, en: b}}
      - {id: x, type: text, label: {ar: س, en: x}, relevant: {field: kinds, not_in: [cash]}}
      - {id: y, type: text, label: {ar: ص, en: y}, relevant: {all: [{not: {field: kinds, equals: cash}}]}}
      - {id: z, type: text, label: {ar: ز, en: z}, relevant: {field: one, includes: cash}}
      - {id: w, type: text, label: {ar: و, en: w},
         relevant: {any: [{field: kinds, includes: cash}, {field: kinds, equals: [food]}]}}
""", encoding="utf-8")
    with pytest.raises(ConfigError) as exc:
        load_forms_dir(d)
    msgs = [p.en for p in exc.value.problems]
    assert any(m.startswith("x:") and "use includes" in m for m in msgs), msgs
    assert any(m.startswith("y:") and "use includes" in m for m in msgs), msgs
    assert any(m.startswith("z:") and "multi-choice fields only" in m for m in msgs), msgs
    assert not any(m.startswith("w:") for m in msgs), msgs
    assert all(p.ar for p in exc.value.problems)


def test_far_too_many_digits_is_said_as_too_large_not_as_not_digits(ajaa_forms: dict[str, FormDef]) -> None:
    form = ajaa_forms["support-request"]
    for typed in ("1" * 16, "١" * 10_000):
        _, problems = validate_input(form, {**_base(form), "family_count": typed}, require_declaration=False,
                                     today=TODAY)
        (p,) = [p for p in problems if p.path == "family_count"]
        assert p.code == "max" and "الحد الأعلى" in p.ar, (p.ar, p.en)
