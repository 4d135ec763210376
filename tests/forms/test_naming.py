"""Problems as the applicant reads them: named questions (GOV.UK), rows, and the association's gender."""

from __future__ import annotations

from typing import Any

import pytest

from mustafid.config.association import load_association
from mustafid.core.errors import Problem
from mustafid.forms.load import load_forms
from mustafid.forms.messages import FEMININE_WORDS, addressed
from mustafid.forms.naming import name_problems
from mustafid.forms.validation import validate_input
from mustafid.site import pages
from tests.helpers import EXAMPLES


@pytest.fixture(scope="module")
def assocs() -> dict[str, Any]:
    return {name: load_association(path) for name, path in EXAMPLES.items()}


def named(assoc: Any, raw: dict[str, Any]) -> dict[str, Problem]:
    form = load_forms(assoc)["support-request"]
    _, problems = validate_input(form, raw, files={})
    return {p.path: p for p in name_problems(form, problems, assoc.address_applicant_as)}


def test_a_missing_answer_names_its_question_in_both_languages(assocs: dict[str, Any]) -> None:
    k = named(assocs["kahatain"], {})
    assert (k["father_name"].ar, k["father_name"].en) == ("اكتب اسم الأب", "Enter father's name")
    assert (k["gender"].ar, k["gender"].en) == ("اختر الجنس", "Choose gender")
    assert k["iban_holder_confirm"].ar.startswith("اختر «نعم» أو «لا» في «")
    assert k["id_copy"].ar.startswith("أرفق ") and k["id_copy"].en.startswith("Attach ")
    # a definition's own message that names the question already is kept as written
    assert k["mobile"].ar == "أدخل رقم الجوال لنتواصل معك"


def test_a_women_association_addresses_the_applicant_in_the_feminine(assocs: dict[str, Any]) -> None:
    assert assocs["ajaa"].address_applicant_as == "feminine"
    assert assocs["kahatain"].address_applicant_as == "masculine"
    a = named(assocs["ajaa"], {"national_id": "1000000000"})
    assert a["father_name"].ar == "اكتبي اسم الأب" and a["gender"].ar == "اختاري الجنس"
    assert a["mobile"].ar == "أدخلي رقم الجوال لنتواصل معك"
    assert "راجعي الأرقام" in a["national_id"].ar and a["national_id"].ar.startswith("رقم الهوية")


def test_other_problems_are_prefixed_with_the_question_and_the_row(assocs: dict[str, Any]) -> None:
    a = named(assocs["ajaa"], {"description": "قصير", "family_count": "2", "family.0.name": "x",
                                   "family.1.name": "y"})
    assert a["description"].ar == "وصف الحالة والحاجة: النص أقصر من ٢٠ حرفاً"
    assert a["description"].en.endswith(": the text is shorter than 20 characters")
    assert a["family.1.relationship"].ar == "اختاري صلة القرابة (فرد ٢)"
    assert a["family.1.relationship"].en.endswith("(member 2)")


def test_addressed_turns_whole_words_only() -> None:
    assert addressed("اكتب رقماً صحيحاً، وتحقق منه", "feminine") == "اكتبي رقماً صحيحاً، وتحققي منه"
    assert addressed("خانة التحقق لا تطابق", "feminine") == "خانة التحقق لا تطابق"  # a noun stays
    assert addressed("اكتب", "masculine") == "اكتب"


def test_an_ambiguous_word_is_turned_only_in_the_phrase_that_settles_it() -> None:
    assert addressed("قبل أن تبدأ", "feminine") == "قبل أن تبدئي"
    assert addressed("٢٤ خانة تبدأ بـ SA", "feminine") == "٢٤ خانة تبدأ بـ SA"  # "it begins": not the reader
    assert addressed("لم ترفق مستندات", "feminine") == "لم ترفقي مستندات"
    assert addressed("لم ترفقي مستندات", "feminine") == "لم ترفقي مستندات"  # already feminine: left alone
    assert addressed("الحساب باسم مقدم الطلب نفسه", "feminine") == "الحساب باسم مقدمة الطلب نفسها"
    assert addressed("الحساب لمقدم الطلب نفسه", "feminine") == "الحساب لمقدمة الطلب نفسها"  # a clinging "ل"
    assert addressed("تأكد منهما وأعد المحاولة", "feminine") == "تأكدي منهما وأعيدي المحاولة"


@pytest.mark.parametrize("form_id", ["support-request", "new-beneficiary", "satisfaction-survey",
                                     "suggestion-or-complaint", "volunteering"])
def test_one_address_on_a_whole_form_page(assocs: dict[str, Any], form_id: str) -> None:
    """Ajaa's pages never say a masculine imperative the catalogue knows; Kahatain's never a feminine one."""
    import re

    words = lambda html: set(re.findall(r"[\u0621-\u064a\u064b-\u0652]+", re.sub(r"<[^>]+>", " ", html)))  # noqa: E731
    for name, wrong in (("ajaa", set(FEMININE_WORDS) - set(FEMININE_WORDS.values())),
                        ("kahatain", set(FEMININE_WORDS.values()) - set(FEMININE_WORDS))):
        assoc = assocs[name]
        form = load_forms(assoc)[form_id]
        _, problems = validate_input(form, {})
        html = pages.form_fragment(assoc, form, "ar") + pages.form_fragment(assoc, form, "ar", {}, problems)
        found = words(html) & wrong
        assert not found, f"{name}/{form_id}: {sorted(found)}"
