"""The form, check-your-answers and receipt fragments of every public form of both seed associations, in
both languages, read back with html.parser: labels, ids, escaping, the error summary, relevance, repeat rows."""

from __future__ import annotations

import dataclasses
import json
import re
from collections import Counter
from typing import Any

import pytest

from mustafid.core.errors import Problem
from mustafid.forms.load import load_forms
from mustafid.forms.messages import addressed
from mustafid.forms.naming import name_problems
from mustafid.forms.validation import validate_input
from mustafid.site import pages
from tests.helpers import EXAMPLES
from tests.site.conftest import Doc, Element, parse

LANGS = ("ar", "en")
CASES = [(a, f, lang) for a in sorted(EXAMPLES) for f in ("support-request", "new-beneficiary", "satisfaction-survey",
                                                          "suggestion-or-complaint", "volunteering") for lang in LANGS]
HOSTILE = '<script>alert("x")</script>"><img src=x onerror=alert(1)>&amp;'


def live(doc: Doc) -> list[Element]:
    """Elements on the page (not inside a repeat group's <template>)."""
    return [e for e in doc.elements if e.tag != "template" and e.inside("template") is None]


def controls(doc: Doc) -> list[Element]:
    return [e for e in live(doc) if e.tag in ("input", "select", "textarea") and e.attrs.get("type") != "hidden"]


def form_of(assocs: dict[str, Any], name: str, form_id: str) -> Any:
    return load_forms(assocs[name])[form_id]


@pytest.mark.parametrize(("assoc", "form_id", "lang"), CASES)
def test_every_control_has_a_label_and_ids_are_unique(assocs: dict[str, Any], assoc: str, form_id: str,
                                                       lang: str) -> None:
    form = form_of(assocs, assoc, form_id)
    doc = parse(pages.form_fragment(assocs[assoc], form, lang))
    ids = [e.attrs["id"] for e in live(doc) if "id" in e.attrs]
    assert [i for i, n in Counter(ids).items() if n > 1] == []
    labels = {e.attrs.get("for") for e in live(doc) if e.tag == "label"}
    found = controls(doc)
    assert found
    for c in found:
        assert c.attrs.get("id") in labels, f"{c.tag} name={c.attrs.get('name')} has no <label for>"
        label = next(e for e in live(doc) if e.tag == "label" and e.attrs.get("for") == c.attrs["id"])
        assert label.text.strip(), f"empty label for {c.attrs['id']}"
    # every question of the definition is on the page, named as the POST contract says
    names = {c.attrs.get("name") for c in found}
    for path, f in form.walk():
        if f.type in ("note", "calculated", "repeat") or "*" in path:
            continue
        want = f"{path}.building" if f.type == "national_address" else path
        assert want in names, f"no control for {path}"
    # radios and checkboxes sit in a fieldset whose legend is the question
    for c in found:
        if c.attrs.get("type") == "radio" or (
                c.attrs.get("type") == "checkbox" and not c.attrs["name"].startswith("_")):
            fs = c.inside("fieldset")
            assert fs is not None and any(e.tag == "legend" and e.parents and e.parents[-1] is fs for e in doc.elements)
    # the form posts to the intake with the multipart body the documents need, and works without the browser's checks
    form_el = doc.find("form")[0]
    assert form_el.attrs["action"] == f"/submit/{form_id}" and form_el.attrs["method"] == "post"
    assert form_el.attrs["enctype"] == "multipart/form-data" and "novalidate" in form_el.attrs
    assert doc.find("input", name="_lang")[0].attrs["value"] == lang
    submit = doc.find("button", cls="mf-button", name="_step")
    assert submit and submit[-1].attrs["value"] == "check"


@pytest.mark.parametrize(("assoc", "form_id", "lang"), CASES)
def test_relevance_conditions_are_on_the_page(assocs: dict[str, Any], assoc: str, form_id: str, lang: str) -> None:
    form = form_of(assocs, assoc, form_id)
    doc = parse(pages.form_fragment(assocs[assoc], form, lang))
    on_page = {e.attrs["data-field"]: e for e in live(doc) if "data-field" in e.attrs}
    for path, f in form.walk():
        if f.type == "calculated":
            continue
        shown = path.replace("*", "0")
        if "*" in path and shown not in on_page:
            continue  # a repeat group rendered with no row (min 0): its template holds the field
        el = on_page[shown]
        if f.relevant is None:
            assert "data-relevant" not in el.attrs
        else:
            assert json.loads(el.attrs["data-relevant"]) == f.relevant
            # without the script, the page says when to answer
            hint = next(e for e in live(doc) if e.has_class("mf-when") and el in e.parents)
            asked = addressed("أجب عن هذا فقط إذا", assocs[assoc].address_applicant_as)  # ajaa: "أجيبي"
            assert hint.text.startswith(asked if lang == "ar" else "Answer this only if")


def test_relevance_in_words(assocs: dict[str, Any]) -> None:
    form = form_of(assocs, "ajaa", "support-request")
    doc = parse(pages.form_fragment(assocs["ajaa"], form, "ar"))
    rent = next(e for e in live(doc) if e.has_class("mf-when") and e.inside("div") and "monthly_rent" in str(
        [p.attrs.get("data-field") for p in e.parents]))
    # Ajaa, a women's association, addresses the applicant in the feminine
    assert rent.text == "أجيبي عن هذا فقط إذا كانت إجابتك عن «نوع السكن»: إيجار (عقد إيجار)."
    en = parse(pages.form_fragment(assocs["ajaa"], form, "en"))
    amount = next(e for e in live(en)
                  if e.has_class("mf-when") and any(p.attrs.get("data-field") == "amount" for p in e.parents))
    assert amount.text == "Answer this only if you chose 'Cash aid' for 'Type of help asked for'."
    # "answered, and not 'no income'": the page words it as people would
    proof = next(e for e in live(doc)
                 if e.has_class("mf-when") and any(p.attrs.get("data-field") == "income_proof" for p in e.parents))
    assert proof.text == "أجيبي عن هذا فقط إذا لم تختاري «لا يوجد دخل» في «مصادر الدخل»."
    proof_en = next(e for e in live(en)
                    if e.has_class("mf-when") and any(p.attrs.get("data-field") == "income_proof" for p in e.parents))
    assert proof_en.text == "Answer this only if you did not choose 'No income' for 'Sources of income'."


@pytest.mark.parametrize("lang", LANGS)
def test_refilled_values_stay_text(assocs: dict[str, Any], lang: str) -> None:
    assoc = assocs["ajaa"]
    form = form_of(assocs, "ajaa", "support-request")
    raw = {"first_name": HOSTILE, "description": HOSTILE + "\nسطر ثانٍ", "district": "حي «النسيم»",
           "family.0.name": HOSTILE, "national_id": "١٠٠٠٠٠٠٠٠٨", "aid_type": ["cash", "rent"], "region": "hail",
           "city": "baqaa", "gender": "female", "iban_holder_confirm": "yes", "address.building": "١٢٣٤"}
    html = pages.form_fragment(assoc, form, lang, raw)
    assert "<script>" not in html and "<img" not in html
    doc = parse(html)
    assert doc.by_id("f-first_name").attrs["value"] == HOSTILE
    assert doc.by_id("f-description").text == HOSTILE + "\nسطر ثانٍ"
    assert doc.by_id("f-family-0-name").attrs["value"] == HOSTILE
    assert doc.by_id("f-national_id").attrs["value"] == "١٠٠٠٠٠٠٠٠٨"  # re-filled as typed
    assert doc.by_id("f-address-building").attrs["value"] == "١٢٣٤"
    checked = {(e.attrs["name"], e.attrs["value"]) for e in live(doc) if e.tag == "input" and "checked" in e.attrs}
    assert {("aid_type", "cash"), ("aid_type", "rent"), ("gender", "female"), ("iban_holder_confirm", "yes")} <= checked
    assert ("aid_type", "food") not in checked
    selected = {(e.parents[-1].attrs.get("name") or e.parents[-2].attrs.get("name"), e.attrs["value"])
                for e in live(doc) if e.tag == "option" and "selected" in e.attrs}
    assert selected == {("region", "hail"), ("city", "baqaa")}
    # check your answers: the same answers as text and as hidden inputs
    data, _ = validate_input(form, raw)
    check = pages.check_fragment(assoc, form, lang, raw, data, {})
    assert "<script>" not in check and "<img" not in check
    cdoc = parse(check)
    hidden = [(e.attrs["name"], e.attrs["value"]) for e in cdoc.find("input", type="hidden")]
    assert ("first_name", HOSTILE) in hidden and ("aid_type", "cash") in hidden and ("aid_type", "rent") in hidden
    assert any(HOSTILE in e.text for e in cdoc.find("dd"))


def problems_of(form: Any, raw: dict[str, Any]) -> list[Problem]:
    return validate_input(form, raw)[1]


@pytest.mark.parametrize(("assoc", "form_id", "lang"), CASES)
def test_error_summary_links_to_each_field_with_the_inline_message(assocs: dict[str, Any], assoc: str, form_id: str,
                                                                    lang: str) -> None:
    form = form_of(assocs, assoc, form_id)
    raw: dict[str, Any] = {"national_id": "1000000000", "mobile": "0521234567", "iban": "SA00", "email": "x@",
                           "address.building": "12", "family_count": "2", "family.0.age": "كثير", "orphans_count": "1",
                           "orphans.0.national_id": "2000000007", "hours_per_week": "99", "aid_type": ["cash"],
                           "amount": "-5", "request_ref": "???"}
    problems = problems_of(form, raw)
    assert problems
    html = pages.form_fragment(assocs[assoc], form, lang, raw, problems)
    doc = parse(html)
    summary = doc.by_id("mf-error-summary")
    assert summary is not None and summary.attrs["role"] == "alert" and summary.attrs["tabindex"] == "-1"
    assert doc.by_id("mf-error-summary-title").text == ("يوجد خطأ" if lang == "ar" else "There is a problem")
    links = [e for e in doc.elements if e.tag == "a" and summary in e.parents]
    assert len(links) == len(problems)
    prefix = "خطأ:" if lang == "ar" else "Error:"
    inline: Counter[tuple[str, str]] = Counter()
    for err in (e for e in live(doc) if e.has_class("mf-error")):
        wrapper = next(p for p in reversed(err.parents) if p.has_class("mf-field") or p.has_class("mf-part"))
        hidden = [e for e in doc.elements if e.has_class("mf-visually-hidden") and err in e.parents]
        assert hidden and all(h.text == prefix for h in hidden)
        for msg in err.text.split(prefix)[1:]:
            inline[(wrapper.attrs["data-field"], msg.strip())] += 1
        target = err.attrs["id"].removesuffix("-error")
        described = doc.by_id(target)
        if (described is not None and described.tag in ("input", "select", "textarea")
                and described.attrs.get("type") not in ("radio", "checkbox")):
            assert err.attrs["id"] in described.attrs["aria-describedby"].split()
            assert described.attrs.get("aria-invalid") == "true"
    linked: Counter[tuple[str, str]] = Counter()
    for a in links:
        target = doc.by_id(a.attrs["href"].removeprefix("#"))
        assert target is not None, f"the summary links to {a.attrs['href']}, which is not on the page"
        wrapper = target if "data-field" in target.attrs else next(
            p for p in reversed(target.parents) if p.has_class("mf-field") or p.has_class("mf-part"))
        linked[(wrapper.attrs["data-field"], a.text.strip())] += 1
    assert linked == inline, "the inline messages are not the summary's"
    # each message names its question (forms/naming.py), in the association's grammatical gender
    named = name_problems(form, problems, assocs[assoc].address_applicant_as)
    msgs = [(p.ar if lang == "ar" else p.en) for p in named]
    assert sorted(m for _, m in linked.elements()) == sorted(msgs)
    for p, n in zip(problems, named, strict=True):
        if p.code == "required" and p.ar == "هذا الحقل مطلوب":
            assert (n.ar if lang == "ar" else n.en) not in ("هذا الحقل مطلوب", "this field is required")


@pytest.mark.parametrize("lang", LANGS)
def test_declaration_and_consent_problems_point_at_their_boxes(assocs: dict[str, Any], lang: str) -> None:
    form = form_of(assocs, "kahatain", "support-request")
    problems = [p for p in problems_of(form, {}) if p.path.startswith("declaration.")]
    assert {p.path for p in problems} == {"declaration.confirmed", "declaration.consent"}
    doc = parse(pages.form_fragment(assocs["kahatain"], form, lang, {}, problems))
    hrefs = [e.attrs["href"] for e in doc.elements if e.tag == "a" and e.inside("div", "mf-error-summary")]
    assert hrefs == ["#q-f-declaration", "#q-f-consent"]  # their wrappers (the label in view, Tab to the box)
    assert doc.by_id("f-declaration").attrs["name"] == "_declaration"
    assert doc.by_id("f-declaration").attrs["value"] == "yes"
    assert doc.by_id("f-consent").attrs["name"] == "_consent"
    assert doc.by_id("f-declaration-error") is not None and doc.by_id("f-consent-error") is not None
    ticked = parse(pages.form_fragment(assocs["kahatain"], form, lang, {"_declaration": "yes"}))
    assert "checked" in ticked.by_id("f-declaration").attrs and "checked" not in ticked.by_id("f-consent").attrs


def test_error_title() -> None:
    assert pages.error_title("طلب دعم", "ar") == "خطأ: طلب دعم"
    assert pages.error_title("Support request", "en") == "Error: Support request"


def test_honeypot_and_input_modes(assocs: dict[str, Any]) -> None:
    form = form_of(assocs, "ajaa", "support-request")
    doc = parse(pages.form_fragment(assocs["ajaa"], form, "ar"))
    hp = doc.by_id("f-hp")
    assert hp.attrs["name"] == "_hp" and hp.attrs["value"] == "" and hp.attrs["tabindex"] == "-1"
    assert hp.attrs["autocomplete"] == "off" and hp.inside("div", "mf-hp").attrs["aria-hidden"] == "true"
    assert "فارغ" in next(e for e in doc.elements if e.tag == "label" and e.attrs.get("for") == "f-hp").text
    nid, phone, iban = doc.by_id("f-national_id"), doc.by_id("f-mobile"), doc.by_id("f-iban")
    assert (nid.attrs["inputmode"], nid.attrs["dir"]) == ("numeric", "ltr")
    # autocomplete "tel" (vnu: "tel-national" is not allowed on this input; the intake normalises +966…)
    assert (phone.attrs["type"], phone.attrs["dir"], phone.attrs["autocomplete"]) == ("tel", "ltr", "tel")
    assert iban.attrs["dir"] == "ltr" and doc.by_id("f-email").attrs["dir"] == "ltr"
    assert doc.by_id("f-first_name").attrs["autocomplete"] == "given-name"
    assert doc.by_id("f-family-0-name").attrs["autocomplete"] == "off"  # a family member is not the applicant
    # documents: the accepted types and the size limit
    id_copy = doc.by_id("f-id_copy")
    assert id_copy.attrs["type"] == "file"
    assert ".pdf" in id_copy.attrs["accept"] and "image/png" in id_copy.attrs["accept"]
    hint = doc.by_id("f-id_copy-hint")
    assert "٥ ميغابايت" in hint.text and "PDF" in hint.text
    assert "multiple" in doc.by_id("f-income_proof").attrs and "multiple" not in id_copy.attrs
    # the city list is grouped by region, for the script to filter and for people without it
    groups = [e.attrs["data-group"] for e in doc.elements
              if e.tag == "optgroup" and e.inside("select").attrs["id"] == "f-city"]
    assert "hail" in groups and "makkah" in groups
    assert doc.by_id("f-city").attrs["data-filter-by"] == "region"


def test_intake_url_is_the_form_target(assocs: dict[str, Any]) -> None:
    assoc = dataclasses.replace(assocs["ajaa"], intake_url="https://intake.example.org")
    form = form_of(assocs, "ajaa", "support-request")
    f = parse(pages.form_fragment(assoc, form, "ar")).find("form")[0]
    assert f.attrs["action"] == "https://intake.example.org/submit/support-request"
    assert f.attrs["data-check-url"] == "https://intake.example.org/api/check/support-request"
    data = {"first_name": "x"}
    c = parse(pages.check_fragment(assoc, form, "ar", data, data, {})).find("form")[0]
    assert c.attrs["action"] == "https://intake.example.org/submit/support-request"


def test_repeat_rows_without_javascript(assocs: dict[str, Any]) -> None:
    assoc, form = assocs["ajaa"], form_of(assocs, "ajaa", "support-request")
    rows = lambda doc: [e for e in live(doc) if e.has_class("mf-item")]  # noqa: E731
    fresh = parse(pages.form_fragment(assoc, form, "ar"))
    assert [r.attrs["data-item"] for r in rows(fresh)] == ["family.0"]  # one row to fill in
    add = fresh.find("button", name="_add")
    assert [b.attrs["value"] for b in add] == ["family"]
    removes = [b.attrs["value"] for b in fresh.find("button", name="_remove") if b.inside("template") is None]
    assert removes == ["family.0"]
    # the template the script copies
    tpl = [e for e in fresh.elements if e.has_class("mf-item") and e.inside("template")]
    assert [t.attrs["data-item"] for t in tpl] == ["family.__i__"]
    # the rows the answers hold (what the intake sends back after "add": one more, empty)
    three = parse(pages.form_fragment(assoc, form, "ar",
                                      {"family.0.name": "أ", "family.1.name": "ب", "family.2.name": ""}))
    assert [r.attrs["data-item"] for r in rows(three)] == ["family.0", "family.1", "family.2"]
    assert three.by_id("f-family-1-name").attrs["value"] == "ب"
    headings = [e.text for e in live(three) if e.has_class("mf-item__title")]
    assert headings == ["فرد ١", "فرد ٢", "فرد ٣"]
    # the number of members given: that many rows, so the count and the rows agree without the script
    counted = parse(pages.form_fragment(assoc, form, "en", {"family_count": "٤"}))
    assert len(rows(counted)) == 4
    # a group with a minimum (Kahatain's orphans: at least one)
    k = parse(pages.form_fragment(assocs["kahatain"], form_of(assocs, "kahatain", "support-request"), "ar"))
    assert [r.attrs["data-item"] for r in rows(k)] == ["orphans.0"]


def test_documents_held_by_the_intake(assocs: dict[str, Any]) -> None:
    assoc, form = assocs["ajaa"], form_of(assocs, "ajaa", "support-request")
    stash = {"id_copy": [{"token": "tok.abc", "name": "هوية.pdf", "size": 245_000, "type": "application/pdf"}],
             "income_proof": [{"token": "t1", "name": "a.jpg", "size": 1_500_000, "type": "image/jpeg"},
                              {"token": "t2", "name": "b.png", "size": 900, "type": "image/png"}]}
    doc = parse(pages.form_fragment(assoc, form, "en", {}, stash=stash))
    kept = [e for e in live(doc) if e.tag == "input" and e.attrs.get("name", "").startswith("_stash.")]
    assert [(e.attrs["name"], e.attrs["value"], "checked" in e.attrs) for e in kept] == [
        ("_stash.id_copy", "tok.abc", True), ("_stash.income_proof", "t1", True), ("_stash.income_proof", "t2", True)]
    labels = {e.attrs["for"]: e.text for e in doc.elements if e.tag == "label"}
    assert labels[kept[0].attrs["id"]] == "Keep the attached file: هوية.pdf (245 KB)"
    assert labels[kept[1].attrs["id"]].endswith("(1.5 MB)")
    raw = {"first_name": "سارة", "_declaration": "yes", "_consent": "yes", "_step": "check", "_lang": "en"}
    data = {"first_name": "سارة"}
    check = parse(pages.check_fragment(assoc, form, "ar", raw, data, stash))
    hidden = [(e.attrs["name"], e.attrs["value"]) for e in check.find("input", type="hidden")]
    assert ("_stash.id_copy", "tok.abc") in hidden and ("_stash.income_proof", "t2") in hidden
    assert ("_declaration", "yes") in hidden and ("_consent", "yes") in hidden and ("_lang", "ar") in hidden
    assert not any(n == "_step" for n, _ in hidden)
    text = " ".join(e.text for e in check.find("dd"))
    assert "هوية.pdf" in text and "٢٤٥ كيلوبايت" in text and "١٫٥ ميغابايت" in text


@pytest.mark.parametrize(("assoc", "lang"), [(a, lang) for a in sorted(EXAMPLES) for lang in LANGS])
def test_check_your_answers(assocs: dict[str, Any], assoc: str, lang: str) -> None:
    form = form_of(assocs, assoc, "support-request")
    raw = {"first_name": "نورة", "aid_type": ["food", "cash"], "amount": "١٥٠٠", "housing": "rented",
           "monthly_rent": "1200", "region": "makkah", "city": "jeddah", "mobile": "٠٥٠١٢٣٤٥٦٧",
           "iban_holder_confirm": "yes", "income_sources": ["salary"], "salary": "3000"}
    data, _ = validate_input(form, raw)
    doc = parse(pages.check_fragment(assocs[assoc], form, lang, raw, data, {}))
    rows = {e.parents[-1]: e for e in doc.elements if e.tag == "dt"}
    answers = {dt.text: next(d for d in doc.elements if d.tag == "dd" and d.has_class("mf-summary__value")
                             and row in d.parents).text for row, dt in rows.items()}
    cash, food = (("مساعدة نقدية", "سلة غذائية") if lang == "ar" else ("Cash aid", "Food basket"))
    aid_label = form.field("aid_type").label(lang)
    assert answers[aid_label] in (f"{cash}، {food}", f"{cash}, {food}")  # list order, in the page's language
    assert answers[form.field("mobile").label(lang)] == "+966501234567"
    assert answers[form.field("city").label(lang)] == ("جدة" if lang == "ar" else "Jeddah")
    # every "Change" goes back to the form at the very field, by a plain submit button
    fragment_ids = {e.attrs["id"] for e in parse(pages.form_fragment(assocs[assoc], form, lang, raw)).elements
                    if "id" in e.attrs}
    changes = [b for b in doc.find("button") if b.attrs.get("value") == "edit"]
    assert changes
    for b in changes:
        assert b.attrs["name"] == "_step" and b.attrs["type"] == "submit"
        action, _, target = b.attrs["formaction"].partition("#")
        assert action == f"/submit/{form.id}" and target in fragment_ids
    confirm = [b for b in doc.find("button", cls="mf-button") if b.attrs.get("value") == "confirm"]
    assert len(confirm) == 1 and confirm[0].attrs["name"] == "_step"
    # the hidden rows carry what was typed, for the confirm step to validate again
    hidden = Counter((e.attrs["name"], e.attrs["value"]) for e in doc.find("input", type="hidden"))
    assert hidden[("amount", "١٥٠٠")] == 1 and hidden[("aid_type", "food")] == 1


def test_field_dom_id() -> None:
    assert pages.field_dom_id("family.0.national_id") == "f-family-0-national_id"
    assert pages.field_dom_id("declaration.confirmed") == pages.field_dom_id("_declaration") == "f-declaration"
    assert pages.field_dom_id("declaration.consent") == "f-consent"
    assert re.fullmatch(r"[A-Za-z][\w-]*", pages.field_dom_id("address.postal_code"))
