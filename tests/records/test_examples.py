"""The example records drive these: every valid one passes, every invalid one gives the problem it names,
and the fast path never calls clean what the careful path finds fault with."""

from __future__ import annotations

from pathlib import Path

import pytest

from mustafid.forms.model import FormDef
from mustafid.records.check import check_file, fast_ok, slow_problems, submissions_rel
from tests.records.examples import EXAMPLE_DIR, association_of, expectation, invalid_examples, valid_examples


def _name(p: Path) -> str:
    return str(p.relative_to(EXAMPLE_DIR))


@pytest.mark.parametrize("path", valid_examples(), ids=_name)
def test_valid_example_has_no_problem(path: Path, all_forms: dict[str, dict[str, FormDef]]) -> None:
    forms = all_forms[association_of(path)]
    text = path.read_text(encoding="utf-8")
    assert slow_problems(text, forms, str(path), association_of(path), submissions_rel(path)) == []
    assert fast_ok(text, forms, association_of(path), submissions_rel(path))


@pytest.mark.parametrize("path", invalid_examples(), ids=_name)
def test_invalid_example_gives_its_problem(path: Path, all_forms: dict[str, dict[str, FormDef]]) -> None:
    code, field, _ = expectation(path)
    forms = all_forms[association_of(path)]
    problems = check_file(path, forms, association_of(path))
    found = {(p.code, p.path or "-") for p in problems}
    assert (code, field) in found, found
    assert all(p.line is not None for p in problems if p.code not in ("too_large", "encoding")), problems
    # The fast path must not call it clean.
    assert not fast_ok(path.read_text(encoding="utf-8"), forms, association_of(path), submissions_rel(path))


@pytest.mark.parametrize("path", invalid_examples(), ids=_name)
def test_messages_never_quote_personal_values(path: Path, all_forms: dict[str, dict[str, FormDef]]) -> None:
    import ryaml

    problems = check_file(path, all_forms[association_of(path)], association_of(path))
    text = path.read_text(encoding="utf-8")
    try:
        data = ryaml.loads(text).get("data", {})
    except Exception:
        return
    secrets = [v for k, v in data.items() if k in ("national_id", "mobile", "iban", "first_name", "family_name")]
    for p in problems:
        for s in secrets:
            assert str(s) not in p.ar + p.en


def test_huge_file_is_one_clear_problem(tmp_path: Path, ajaa_forms: dict[str, FormDef]) -> None:
    path = tmp_path / "huge.yml"
    path.write_text("a: " + "x" * 400_000 + "\n", encoding="utf-8")
    (problem,) = check_file(path, ajaa_forms, "ajaa")
    assert problem.code == "too_large"


def test_not_utf8_is_one_clear_problem(tmp_path: Path, ajaa_forms: dict[str, FormDef]) -> None:
    path = tmp_path / "latin1.yml"
    path.write_bytes("name: \xe9\n".encode("latin-1"))
    (problem,) = check_file(path, ajaa_forms, "ajaa")
    assert problem.code == "encoding"


def test_every_kind_of_bad_file_is_covered() -> None:
    codes = {expectation(p)[0] for p in invalid_examples()}
    assert {"yaml", "duplicate_key", "yaml_tag", "unknown_form", "form_version", "wrong_path", "unquoted",
            "national_id_checksum", "iban_checksum", "count_mismatch", "schema"} <= codes
