"""The form-definition language: both associations' forms load, and bad definitions are refused with every
problem and its line."""

from __future__ import annotations

from pathlib import Path

import pytest

from mustafid.core.errors import ConfigError
from mustafid.forms.json_schema import schema_text
from mustafid.forms.load import load_forms_dir
from mustafid.forms.model import FormDef
from tests.helpers import EXAMPLES

FORMS = {"support-request", "new-beneficiary", "volunteering", "satisfaction-survey", "suggestion-or-complaint"}


def test_five_forms_each(all_forms: dict[str, dict[str, FormDef]]) -> None:
    for forms in all_forms.values():
        assert set(forms) == FORMS


def test_forms_are_per_association(ajaa_forms: dict[str, FormDef], kahatain_forms: dict[str, FormDef]) -> None:
    assert ajaa_forms["support-request"].field("family") is not None
    assert kahatain_forms["support-request"].field("orphans.national_id") is not None
    assert kahatain_forms["new-beneficiary"].field("orphans.0.birth_date") is not None


def test_declaration_and_consent_where_personal_data_is_asked(all_forms: dict[str, dict[str, FormDef]]) -> None:
    for forms in all_forms.values():
        for form in forms.values():
            assert form.declaration.confirm.ar and form.declaration.confirm.en
            if form.asks_personal_data:
                assert form.declaration.consent is not None, form.id
        assert not forms["satisfaction-survey"].asks_personal_data  # anonymous: no consent needed


def test_documents_for_the_service_guide(ajaa_forms: dict[str, FormDef]) -> None:
    docs = {d.field: d for d in ajaa_forms["support-request"].documents}
    assert docs["id_copy"].required and docs["id_copy"].relevant is None
    assert docs["lease"].relevant == {"field": "housing", "equals": "rented"}
    assert "الإيجار" in docs["lease"].label.ar


def test_personal_fields_are_tagged(ajaa_forms: dict[str, FormDef]) -> None:
    personal = set(ajaa_forms["support-request"].personal_fields)
    assert {"national_id", "mobile", "iban", "family.*.national_id", "first_name"} <= personal
    assert "urgency" not in personal


def test_summary_shows_labels_and_choice_words(ajaa_forms: dict[str, FormDef]) -> None:
    form = ajaa_forms["satisfaction-survey"]
    rows = dict(form.summary({"service": "support", "would_recommend": True}, "ar"))
    assert rows["الخدمة التي تلقيتها"] == "الدعم والمساعدات" and rows[form.field("would_recommend").label.ar] == "نعم"



def test_summary_numbers_repeat_items_as_the_page_does(ajaa_forms: dict[str, FormDef]) -> None:
    form = ajaa_forms["support-request"]
    family = form.field("family")
    members = [{"name": "سارة", "relationship": "daughter"}, {"name": "نورة", "relationship": "sister"}]
    item = family.item_label or family.label
    ar = [label for label, _ in form.summary({"family": members}, "ar")]
    en = [label for label, _ in form.summary({"family": members}, "en")]
    assert any(label.startswith(f"{item.ar} ٢ — ") for label in ar), ar
    assert any(label.startswith(f"{item.en} 2 — ") for label in en), en


@pytest.mark.parametrize("assoc", sorted(EXAMPLES))
def test_committed_schemas_are_fresh(assoc: str, all_forms: dict[str, dict[str, FormDef]]) -> None:
    schema_dir = EXAMPLES[assoc] / "forms" / "schema"
    for form_id, form in all_forms[assoc].items():
        assert (schema_dir / f"{form_id}.schema.json").read_text(encoding="utf-8") == schema_text(form), \
            f"run `mustafid schema -a {EXAMPLES[assoc]}`"


def _write(tmp_path: Path, text: str, name: str = "broken-form.yml") -> Path:
    d = tmp_path / "forms"
    d.mkdir(exist_ok=True)
    (d / name).write_text(text, encoding="utf-8")
    return d


def test_every_problem_of_a_bad_definition_with_its_line(tmp_path: Path) -> None:
    d = _write(tmp_path, """\
form: broken-form
version: 0
title: {ar: عنوان}
description: {ar: وصف, en: description}
colour: blue
declaration: {confirm: declaration}
pages:
  - id: p
    title: {ar: ص, en: p}
    fields:
      - {id: age, type: numbr, label: {ar: العمر, en: Age}}
      - {id: city, type: choice, choices: no_such_list, label: {ar: المدينة, en: City}}
      - {id: nid, type: national_id, label: {ar: الهوية, en: ID}, tags: [personal], max_length: 3}
      - {id: x, type: text, label: {ar: س, en: x}, relevant: {field: ghost, equals: 1}}
      - use: no_such_group
""")
    with pytest.raises(ConfigError) as exc:
        load_forms_dir(d)
    got = {(p.path, p.line) for p in exc.value.problems}
    assert ("version", 2) in got
    assert ("title", 3) in got
    assert ("colour", 5) in got
    assert ("pages.0.fields.0.type", 11) in got
    assert ("pages.0.fields.1.choices", 12) in got
    assert ("pages.0.fields.2.max_length", 13) in got
    assert ("pages.0.fields.4.use", 15) in got
    assert any("ghost" in p.en for p in exc.value.problems)
    assert any("consent" in p.en for p in exc.value.problems)  # personal data without PDPL consent
    assert all(p.ar and p.en for p in exc.value.problems)


def test_broken_yaml_definition_is_a_config_error_not_a_traceback(tmp_path: Path) -> None:
    d = _write(tmp_path, "form: [\n")
    with pytest.raises(ConfigError) as exc:
        load_forms_dir(d)
    assert exc.value.problems[0].line == 2


def test_file_name_must_match_form_id(tmp_path: Path) -> None:
    d = _write(tmp_path, """\
form: other
version: 1
title: {ar: ع, en: t}
description: {ar: و, en: d}
declaration: {confirm: declaration_feedback}
pages: [{id: p, title: {ar: ص, en: p}, fields: [{id: a, type: yes_no, label: {ar: أ, en: a}}]}]
""")
    with pytest.raises(ConfigError) as exc:
        load_forms_dir(d)
    assert exc.value.problems[0].path == "form"


def test_reload_after_a_definition_changes(tmp_path: Path) -> None:
    import shutil

    d = tmp_path / "forms"
    shutil.copytree(EXAMPLES["ajaa"] / "forms", d)
    first = load_forms_dir(d)
    assert load_forms_dir(d) is first  # cached
    (d / "volunteering.yml").unlink()
    assert "volunteering" not in load_forms_dir(d)
    assert {first["support-request"]: 1}  # forms are hashable (by identity)
