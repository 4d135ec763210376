"""The pages speak to the reader in the association's grammatical gender (association.yml
``address_applicant_as``): Ajaa, a women's association, in the feminine on its Arabic pages ("كيف تقدّمين طلبك",
"احتفظي برقم طلبك"), Kahatain in the masculine, as they were written. The content pages say it with ``you`` (a
Jinja function of site/context.py); the theme's own words, the receipt, the status page and the completion page
follow the same setting."""

from __future__ import annotations

import re
import shutil
from pathlib import Path
from typing import Any

import pytest
from ruamel.yaml import YAML

from mustafid.config.association import load_association
from mustafid.notices.lookup import view
from mustafid.site import applicant, pages
from mustafid.site.context import SiteContext, page_context, render_markdown
from mustafid.site.settings import PROJECT_ROOT
from tests.helpers import EXAMPLES
from tests.site.conftest import BuiltSite, parse

AR_CONTENT = PROJECT_ROOT / "content" / "ar"
_WORD = re.compile(r"[\u0621-\u064a\u0640\u064b-\u0652]+")  # a word with its diacritics: "تُستقبل" ≠ "تُستقبَلي"

# Per page, the masculine words of the second person and their feminine forms, every one of them in both seeds'
# built page (the branches only one seed builds are checked by rendering the templates, below).
PAIRS: dict[str, tuple[tuple[str, str], ...]] = {
    "guides/apply": (("تقدّم", "تقدّمين"), ("تحتاجه", "تحتاجينه"), ("فجهّزها", "فجهّزيها"), ("تبدأ", "تبدئي"),
                     ("صوّرها", "صوّريها"), ("أحضرها", "أحضريها"), ("توقّع", "توقّعين"), ("وتكون", "وتكونين"),
                     ("مسؤولاً", "مسؤولة"), ("احتفظ", "احتفظي"), ("اقرأ", "اقرئي")),
    "guides/next": (("استخدم", "استخدمي"),),
    "guides/rights": (("تُستقبل", "تُستقبَلي"), ("تُجاب", "تُجابي"), ("تُعطى", "تُعطَيْ"), ("تعرف", "تعرفي"),
                      ("قيّم", "قيّمي"), ("وأرسل", "وأرسلي"), ("قدّم", "قدّمي"), ("تسحب", "تسحبي"), ("تطلب", "تطلبي"),
                      ("تواصل", "تواصلي")),
    "index.html": (("تجد", "تجدين"), ("تقدّم", "تقدّمين"), ("ابدأ", "ابدئي"), ("تريد", "تريدين"), ("تفعل", "تفعلي")),
    "channels": (("زُر", "زوري"), ("أحضر", "أحضري"), ("اسأل", "اسألي"), ("تواصل", "تواصلي"), ("اذكر", "اذكري"),
                 ("تذكر", "تذكري"), ("ترسل", "ترسلي"), ("قدّمها", "قدّميها"), ("تقدّم", "تقدّمين")),
    "accessibility": (("تصحّحه", "تصحّحينه"), ("ترفعها", "ترفعينها"), ("أخبرنا", "أخبرينا")),
}
# The branches only one seed builds: the referral step (Kahatain), phone numbers (Ajaa), social accounts (Kahatain).
BRANCH_PAIRS = (("تُحال", "تُحالي"), ("اتصل", "اتصلي"), ("تابع", "تابعي"), ("وراسلها", "وراسليها"))
MASCULINE = {m for pairs in PAIRS.values() for m, _ in pairs} | {m for m, _ in BRANCH_PAIRS}
FEMININE = {f for pairs in PAIRS.values() for _, f in pairs} | {f for _, f in BRANCH_PAIRS}


def words(text: str) -> set[str]:
    return set(_WORD.findall(text))


# -- you() ----------------------------------------------------------------------------------------------------
def test_you_gives_the_feminine_on_a_women_association_arabic_pages_only(assocs: dict[str, Any]) -> None:
    assert SiteContext(assocs["ajaa"], "ar").you("احتفظ", "احتفظي") == "احتفظي"
    assert SiteContext(assocs["ajaa"], "en").you("Keep", "-") == "Keep"  # English has one form: the first
    assert SiteContext(assocs["kahatain"], "ar").you("احتفظ", "احتفظي") == "احتفظ"


@pytest.mark.parametrize(("name", "expected"), [("ajaa", "كيف تقدّمين طلبك"), ("kahatain", "كيف تقدّم طلبك")])
def test_you_in_a_page(assocs: dict[str, Any], name: str, expected: str) -> None:
    md = '# كيف {{ you("تقدّم", "تقدّمين") }} طلبك'
    assert render_markdown(md, page_context(assocs[name], "ar", "guides/apply.md")) == f"# {expected}"


def test_the_setting_decides_not_the_association(tmp_path: Path) -> None:
    """Kahatain's file turned to the feminine gets the feminine; without the key, the masculine (Arabic's default)."""
    folder = tmp_path / "assoc"
    shutil.copytree(EXAMPLES["kahatain"], folder, symlinks=True)
    yaml = YAML()
    config = folder / "association.yml"
    data = yaml.load(config.read_text(encoding="utf-8"))
    data["address_applicant_as"] = "feminine"
    with config.open("w", encoding="utf-8") as fh:
        yaml.dump(data, fh)
    assert SiteContext(load_association(folder), "ar").you("اكتب", "اكتبي") == "اكتبي"
    del data["address_applicant_as"]
    with config.open("w", encoding="utf-8") as fh:
        yaml.dump(data, fh)
    assert SiteContext(load_association(folder), "ar").you("اكتب", "اكتبي") == "اكتب"


# -- the built sites -------------------------------------------------------------------------------------------
@pytest.mark.parametrize("page", sorted(PAIRS))
def test_each_seed_reads_its_own_address(sites: dict[str, BuiltSite], page: str) -> None:
    ajaa, kahatain = (words(sites[n].page(page).article) for n in ("ajaa", "kahatain"))
    masculine, feminine = {m for m, _ in PAIRS[page]}, {f for _, f in PAIRS[page]}
    assert feminine <= ajaa, sorted(feminine - ajaa)
    assert not masculine & ajaa, sorted(masculine & ajaa)
    assert masculine <= kahatain, sorted(masculine - kahatain)
    assert not feminine & kahatain, sorted(feminine & kahatain)


def test_the_guides_title_in_the_nav_and_the_links(sites: dict[str, BuiltSite]) -> None:
    """The page's title comes from its rendered heading: the nav of every page and the channels page's link say it."""
    for name, title in (("ajaa", "كيف تقدّمين طلبك"), ("kahatain", "كيف تقدّم طلبك")):
        policy = sites[name].page("policy")
        assert title in [t.strip() for t in policy.all_text]
        assert title in sites[name].page("channels").article


def _variants(assoc: Any, page: str, phones: Any) -> list[str]:
    """The page rendered with every branch on and off: referral, phones, social accounts, address and hours."""
    ctx = page_context(assoc, "ar", page)
    md = (AR_CONTENT / page).read_text(encoding="utf-8")
    on = {"referral": True, "social_links": ["إنستغرام: @x"], "address": "حي الروضة", "opening_hours": "٨-٢",
          "email_link": "<a>x</a>", "website_link": "<a>x</a>", "phones": phones}
    off = {"referral": False, "social_links": [], "phones": [], "address": "", "opening_hours": "", "email_link": "",
           "website_link": ""}
    return [render_markdown(md, {**ctx, **over}) for over in (on, off)]


def test_every_branch_of_every_arabic_page(assocs: dict[str, Any]) -> None:
    rendered = {name: " ".join(text for page in sorted(p.relative_to(AR_CONTENT).as_posix()
                                                       for p in AR_CONTENT.rglob("*.md"))
                               for text in _variants(assocs[name], page, assocs["ajaa"].phones))
                for name in ("ajaa", "kahatain")}
    ajaa, kahatain = words(rendered["ajaa"]), words(rendered["kahatain"])
    assert not MASCULINE & ajaa, sorted(MASCULINE & ajaa)
    assert not FEMININE & kahatain, sorted(FEMININE & kahatain)
    assert {f for _, f in BRANCH_PAIRS} <= ajaa and {m for m, _ in BRANCH_PAIRS} <= kahatain


@pytest.mark.parametrize(("name", "top", "skip"), [("ajaa", "عودي إلى الأعلى", "انتقلي إلى المحتوى"),
                                                   ("kahatain", "عد إلى الأعلى", "انتقل إلى المحتوى")])
def test_the_theme_words_follow_the_association(sites: dict[str, BuiltSite], name: str, top: str, skip: str) -> None:
    shown = [t.strip() for t in sites[name].page("guides/apply").all_text]
    assert top in shown and skip in shown
    html = (sites[name].root / "guides" / "apply" / "index.html").read_text(encoding="utf-8")
    assert ("اختاري اللغة" in html) is (name == "ajaa")
    english = [t.strip() for t in sites[name].page("en/guides/apply").all_text]
    assert "Back to top" in english and "Skip to content" in english  # English keeps the theme's words


# -- the receipt, the status and the completion pages ---------------------------------------------------------
@pytest.mark.parametrize(("name", "other"), [("ajaa", "kahatain"), ("kahatain", "ajaa")])
def test_the_status_page_and_the_receipt(sites: dict[str, BuiltSite], assocs: dict[str, Any], name: str,
                                         other: str) -> None:
    said = {"ajaa": ("اعرضي حالة الطلب", "اكتبي رقم طلبك", "احتفظي بهذا الرقم: تحتاجينه", "(اكتبيه مع رقم طلبك"),
            "kahatain": ("اعرض حالة الطلب", "اكتب رقم طلبك", "احتفظ بهذا الرقم: تحتاجه", "(اكتبه مع رقم طلبك")}
    status = sites[name].page("forms/status").article
    record = {"id": "K7M3-9QXD", "form": "support-request", "submitted_at": "2026-11-23T10:00:00+03:00",
              "status": "received"}
    receipt = pages.receipt_fragment(assocs[name], "ar", record, code="123456")
    look, ask, keep, code = said[name]
    assert look in status and ask in status and keep in receipt and code in receipt
    assert not any(words in status + receipt for words in said[other])


def test_a_complaint_without_a_reply_wanted(assocs: dict[str, Any]) -> None:
    record = {"id": "K7M3-9QXD", "form": "suggestion-or-complaint", "submitted_at": "2026-11-23T10:00:00+03:00",
              "status": "received", "data": {"wants_reply": "no"}}
    ajaa = parse(pages.receipt_fragment(assocs["ajaa"], "ar", record))
    steps = " ".join(e.text for e in ajaa.elements if e.tag == "li")
    assert "لم تطلبي رداً، فلن تتواصل معك الجمعية" in steps  # the association's "تتواصل" is not the reader's
    assert "لم تطلب رداً" in pages.receipt_fragment(assocs["kahatain"], "ar", record)


def test_the_status_answer_and_the_completion_page(assocs: dict[str, Any]) -> None:
    record = {"id": "K7M3-9QXD", "form": "support-request", "submitted_at": "2026-11-23T10:00:00+03:00",
              "status": "needs_info"}
    html = applicant.status_fragment("ar", "/status/", view(assocs["ajaa"], record, "ar"), asked=True,
                                     gender="feminine")
    assert "أرسلي ما طُلب" in html and "اكتبي رقم طلبك" in html
    missing = applicant.status_fragment("ar", "/status/", None, asked=True, gender="feminine")
    assert "تأكدي منهما وأعيدي المحاولة، أو تواصلي مع الجمعية" in missing
    complete = applicant.complete_fragment("ar", "/complete/", "t", "K7M3-9QXD", "أرسل صورة العقد", [], ["x"],
                                           gender="feminine")
    assert "صحّحي ما يلي" in complete and "أرسل صورة العقد" in complete  # staff's note as they wrote it
    assert "صحّح ما يلي" in applicant.complete_fragment("ar", "/complete/", "t", "K7M3-9QXD", "n", [], ["x"])
    assert "تواصلي مع الجمعية واذكري" in applicant.message_fragment("ar", "bad_link", "feminine")
