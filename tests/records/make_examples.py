"""Regenerate tests/examples/{valid,invalid}/ (run by hand: `.venv/bin/python -m tests.records.make_examples`).

Valid examples come from the factory (answers that went through validate_input). Each invalid example is a
valid one with one thing broken, and its first lines say what it must produce:
    # expect: <problem code> <field path>
    # check-jsonschema: reject | accept | skip   (whether the exported schema alone can see it)
"""

from __future__ import annotations

import copy
import datetime as dt
import random
import shutil
from collections.abc import Callable
from typing import Any

from mustafid.config.association import load_association
from mustafid.forms.load import load_forms
from mustafid.records.format import dump_record, record_path
from tests.forms.factory import make_valid
from tests.helpers import EXAMPLES, ROOT

OUT = ROOT / "tests" / "examples"
WHEN = dt.datetime(2026, 3, 10, 9, 30, tzinfo=dt.timezone(dt.timedelta(hours=3)))




def _find(assoc: str, form_id: str, need: Callable[[dict[str, Any]], bool],
          seed: int = 1) -> tuple[Any, dict[str, Any]]:
    a = load_association(EXAMPLES[assoc])
    form = load_forms(a)[form_id]
    rng = random.Random(seed)
    for _ in range(2000):
        rec = make_valid(form, rng, a.id, when=WHEN)
        if need(rec["data"]):
            return form, rec
    raise AssertionError(f"no {form_id} record with the wanted answers")


def write_valid() -> None:
    for assoc in ("ajaa", "kahatain"):
        a = load_association(EXAMPLES[assoc])
        for form_id, form in sorted(load_forms(a).items()):
            rng = random.Random(f"{assoc}-{form_id}")
            for channel in ("web", "interview"):
                rec = make_valid(form, rng, a.id, channel=channel)
                rel = record_path(form.id, rec["submitted_at"], rec["id"])
                path = OUT / "valid" / assoc / rel
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_text(dump_record(rec, rel), encoding="utf-8")


def _write(assoc: str, name: str, code: str, path: str, schema: str, text: str, rel: str | None = None) -> None:
    target = OUT / "invalid" / assoc / (rel or f"{name}.yml")
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(f"# expect: {code} {path}\n# check-jsonschema: {schema}\n{text}", encoding="utf-8")


def _bump_last(digits: str) -> str:
    """The same number with its last digit one more (9 -> 0): a check digit that no longer matches."""
    return digits[:-1] + str((int(digits[-1]) + 1) % 10)


def write_invalid() -> None:
    _, base = _find("ajaa", "support-request", lambda d: d.get("housing") == "owned" and "total_income" in d
                            and d.get("family") and d.get("region") == "hail")

    def dump(rec: dict[str, Any]) -> str:
        return dump_record(rec, "submissions/x/2026/03/x.yml")

    def mutated(fn: Callable[[dict[str, Any]], None], rec: dict[str, Any] = base) -> dict[str, Any]:
        r = copy.deepcopy(rec)
        fn(r)
        return r

    text = dump(base)
    _write("ajaa", "broken-yaml", "yaml", "-", "reject", text.replace("data:\n", "data: [\n", 1))
    _write("ajaa", "duplicate-key", "duplicate_key", "-", "reject",
           text.replace('status: "received"\n', 'status: "received"\nstatus: "approved"\n', 1))
    _write("ajaa", "python-tag", "yaml_tag", "flags", "reject",
           text.replace("flags: []", 'flags: !!python/object/apply:os.system ["true"]', 1))
    _write("ajaa", "alias", "alias", "-", "skip", text.replace("flags: []", "flags: &a []",
                                                               1).replace("duplicate_of: []", "duplicate_of: *a", 1))
    _write("ajaa", "unknown-form", "unknown_form", "form", "skip", text.replace('form: "support-request"',
                                                                                'form: "loan-request"', 1))
    _write("ajaa", "wrong-form-version", "form_version", "form_version", "reject", text.replace("form_version: 1",
                                                                                                "form_version: 7", 1))
    _write("ajaa", "unquoted-mobile", "unquoted", "data.mobile", "reject",
           text.replace(f'mobile: "{base["data"]["mobile"]}"', "mobile: 0" + base["data"]["mobile"][4:], 1))
    _write("ajaa", "national-id-luhn", "national_id_checksum", "data.national_id", "accept",
           dump(mutated(lambda r: r["data"].update(national_id=_bump_last(r["data"]["national_id"])))))
    _write("ajaa", "iban-checksum", "iban_checksum", "data.iban", "accept",
           dump(mutated(lambda r: r["data"].update(iban=_bump_last(r["data"]["iban"])))))
    _write("ajaa", "mobile-052", "mobile", "data.mobile", "accept",
           dump(mutated(lambda r: r["data"].update(mobile="+966521234567"))))
    _write("ajaa", "mobile-not-e164", "schema", "data.mobile", "reject",
           dump(mutated(lambda r: r["data"].update(mobile="0501234567"))))
    _write("ajaa", "date-does-not-exist", "date", "data.birth_date", "accept",
           dump(mutated(lambda r: r["data"].update(birth_date="1987-02-30"))))
    _write("ajaa", "family-count-mismatch", "count_mismatch", "data.family", "accept",
           dump(mutated(lambda r: r["data"].update(family_count=r["data"]["family_count"] + 1))))
    _write("ajaa", "missing-required", "schema", "data.district", "reject",
           dump(mutated(lambda r: r["data"].pop("district"))))
    _write("ajaa", "answer-that-does-not-apply", "schema", "data.monthly_rent", "reject",
           dump(mutated(lambda r: r["data"].update(monthly_rent=1200))))
    _write("ajaa", "calculated-mismatch", "calculated", "data.total_income", "accept",
           dump(mutated(lambda r: r["data"].update(total_income=r["data"]["total_income"] + 100))))
    _write("ajaa", "city-outside-region", "filtered_choice", "data.city", "accept",
           dump(mutated(lambda r: r["data"].update(city="jeddah"))))
    _write("ajaa", "bidi-in-name", "not_canonical", "data.first_name", "accept",
           dump(mutated(lambda r: r["data"].update(first_name="\u202e" + r["data"]["first_name"]))))
    _write("ajaa", "unknown-answer-key", "schema", "data", "reject",
           dump(mutated(lambda r: r["data"].update(favourite_colour="blue"))))
    _write("ajaa", "record-id-check-symbol", "record_id", "id", "accept",
           text.replace(f'id: "{base["id"]}"', f'id: "{base["id"][:-1]}{"0" if base["id"][-1] != "0" else "1"}"', 1))
    _write("ajaa", "missing-document", "file_required", "documents (id_copy)", "accept",
           dump(mutated(lambda r: r.update(documents=[d for d in r["documents"] if d["field"] != "id_copy"]))))
    _write("ajaa", "no-consent", "schema", "declaration.consent", "reject",
           dump(mutated(lambda r: r["declaration"].update(consent=False))))
    _write("ajaa", "bad-status", "schema", "status", "reject", text.replace('status: "received"', 'status: "lost"', 1))
    moved = mutated(lambda _: None)
    _write("ajaa", "wrong-path", "wrong_path", "-", "accept", dump(moved),
           rel=f"submissions/support-request/2025/01/{moved['id']}.yml")
    nb_form, nb = _find("ajaa", "new-beneficiary", lambda d: d.get("category") == "widow")
    _write("ajaa", "rule-widow-marital-status", "widow_is_widowed", "data.marital_status", "accept",
           dump(mutated(lambda r: r["data"].update(marital_status="married"), nb), nb_form))
    k_form, k = _find("kahatain", "new-beneficiary",
                      lambda d: d.get("guardian_relation") == "mother" and len(d["orphans"]) >= 2)
    _write("kahatain", "orphans-count-mismatch", "count_mismatch", "data.orphans", "accept",
           dump(mutated(lambda r: r["data"].update(orphans_count=r["data"]["orphans_count"] - 1), k), k_form))
    _write("kahatain", "rule-mother-is-female", "mother_is_female", "data.gender", "accept",
           dump(mutated(lambda r: r["data"].update(gender="male"), k), k_form))
    _write("kahatain", "orphan-id-luhn", "national_id_checksum", "data.orphans.1.national_id", "accept",
           dump(mutated(lambda r: r["data"]["orphans"][1].update(national_id="1000000000"), k), k_form))


if __name__ == "__main__":
    shutil.rmtree(OUT, ignore_errors=True)
    write_valid()
    write_invalid()
    print(sorted(str(p.relative_to(OUT)) for p in OUT.rglob("*.yml")))
