"""The form pages as a beneficiary meets them on a cheap phone (issue 16): Debian chromium at 360 px, both
languages, with and without JavaScript, on the real intake server of each seed association.

Error messages that name the question and a tap on one that leaves the label below the sticky header; "Change"
on the check page that keeps the answer; steps with progress; the draft kept on the device; photos made smaller
in the browser; the receipt on one A4 page with the reference in both digit sets."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from mustafid.config.association import load_association
from mustafid.forms.load import load_forms
from mustafid.forms.messages import addressed
from tests.helpers import EXAMPLES, ROOT
from tests.site import test_browser_forms as _forms
from tests.site.conftest import BuiltSite
from tests.site.test_browser_forms import FILES, VALID, fill, new_page, reveal, run_axe, shot

browser = _forms.browser  # the same fixtures: chromium, and each association's intake on 127.0.0.1
intakes = _forms.intakes

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser-beneficiary")]
PHONE_360 = {"width": 360, "height": 740}
BOTH = [("ajaa", "ar"), ("ajaa", "en"), ("kahatain", "ar"), ("kahatain", "en")]
JS = pytest.mark.parametrize("js", [False, True], ids=["nojs", "js"])
REQUIRED_WORDS = ("هذا الحقل مطلوب", "this field is required")


def phone(browser: Any, js: bool) -> Any:
    return new_page(browser, js=js, viewport=PHONE_360)


def url(intakes: dict[str, str], assoc: str, lang: str, path: str = "forms/support-request/") -> str:
    return intakes[assoc] + ("/" if lang == "ar" else "/en/") + path


def until(page: Any, expression: str, tries: int = 100) -> None:
    """Poll ``expression`` (the pages' policy forbids eval, so no string predicate in the page)."""
    for _ in range(tries):
        if page.evaluate(expression):
            return
        page.wait_for_timeout(50)
    raise AssertionError(f"never true: {expression}")


def empty_submit(page: Any) -> None:
    reveal(page, "#f-declaration")
    page.click("form.mf-form button.mf-button[name=_step][value=check]")
    page.wait_for_selector("#mf-error-summary")


def label_below_header(page: Any, field_id: str) -> None:
    """The question's label is on screen, below material's sticky header, not under it."""
    box = page.evaluate("""id => {
        const el = document.getElementById(id);
        const wrapper = el.closest('.mf-part') || el.closest('.mf-field');
        const label = wrapper.querySelector('label, legend');
        const header = document.querySelector('.md-header').getBoundingClientRect();
        const r = label.getBoundingClientRect();
        return {top: r.top, bottom: r.bottom, header: header.bottom, height: innerHeight};
    }""", field_id)
    assert box["top"] >= box["header"] - 1, f"the label of {field_id} is under the sticky header: {box}"
    assert box["bottom"] <= box["height"], f"the label of {field_id} is below the screen: {box}"


@pytest.mark.parametrize(("assoc", "lang"), BOTH)
@JS
def test_errors_name_the_question_and_a_tap_shows_its_label(browser: Any, intakes: dict[str, str], assoc: str,
                                                            lang: str, js: bool) -> None:
    page = phone(browser, js)
    page.goto(url(intakes, assoc, lang))
    empty_submit(page)
    links = page.locator("#mf-error-summary a")
    texts = [links.nth(i).inner_text().strip() for i in range(links.count())]
    assert len(texts) >= 15
    assert not [t for t in texts if t in REQUIRED_WORDS], "a summary link does not name its question"
    feminine = load_association(EXAMPLES[assoc]).address_applicant_as == "feminine"
    first = {("ar", True): "اكتبي الاسم الأول", ("ar", False): "اكتب الاسم الأول"}.get((lang, feminine),
                                                                                    "Enter first name")
    assert first in texts
    inline = page.locator("#f-first_name-error").inner_text()
    assert inline.startswith("خطأ:" if lang == "ar" else "Error:") and first in inline
    # a question far down the page: its label comes into view below the sticky header
    target = "f-district"
    page.locator(f'#mf-error-summary a[href="#q-{target}"]').click()
    page.wait_for_timeout(300)
    label_below_header(page, target)
    if js:
        assert page.evaluate("document.activeElement.id") == target
    shot(page, f"{assoc}-{lang}-360-summary-tap-{'js' if js else 'nojs'}")
    page.context.close()


@pytest.mark.parametrize("lang", ["ar", "en"])
@JS
def test_change_on_the_check_page_keeps_the_chosen_radio(browser: Any, intakes: dict[str, str], lang: str,
                                                          js: bool) -> None:
    page = phone(browser, js)
    page.goto(url(intakes, "ajaa", lang))
    fill(page, VALID["ajaa"], FILES["ajaa"])
    page.click("form.mf-form button.mf-button[name=_step][value=check]")
    page.wait_for_selector("#mf-check-title")
    form = load_forms(load_association(EXAMPLES["ajaa"]))["support-request"]
    gender = next(f for path, f in form.walk() if path == "gender").label(lang)
    row = page.locator(".mf-summary__row").filter(has=page.get_by_text(gender, exact=True)).first
    row.locator("button[value=edit]").click()
    page.wait_for_selector("form.mf-form[data-check-url]")
    assert "#q-f-gender" in page.url  # never the radio's own id: the theme's tabs script acts on that
    assert page.locator('input[name="gender"][value="female"]').is_checked()
    assert page.locator('input[name="gender"]:checked').count() == 1
    assert page.locator("#f-gender").is_visible()
    label_below_header(page, "f-gender")
    page.context.close()


@pytest.mark.parametrize(("assoc", "lang"), BOTH)
def test_steps_with_progress_when_javascript_is_on(browser: Any, intakes: dict[str, str], assoc: str,
                                                   lang: str) -> None:
    page = phone(browser, js=True)
    page.goto(url(intakes, assoc, lang))
    form = load_forms(load_association(EXAMPLES[assoc]))["support-request"]
    steps = len(form.pages) + 1  # the sections, then the declaration
    visible = page.locator(".mf-step:visible")
    assert visible.count() == 1 and visible.first.get_attribute("data-step") == "1"
    progress = visible.first.locator(".mf-progress").inner_text()
    assert progress == (f"الخطوة ١ من {str(steps).translate(str.maketrans('0123456789', '٠١٢٣٤٥٦٧٨٩'))}"
                        if lang == "ar" else f"Step 1 of {steps}")
    assert page.locator(".mf-final").is_hidden()  # "continue to check your answers" is the last step's
    # Next with nothing answered: the step's problems, named, and no moving on
    page.locator(".mf-step:visible .mf-next").click()
    page.wait_for_selector("#f-first_name-error")
    # the as-you-type check's words (the intake's /api/check) name the question too, in the association's address
    feminine = load_association(EXAMPLES[assoc]).address_applicant_as == "feminine"
    named = ("اكتبي الاسم الأول" if feminine else "اكتب الاسم الأول") if lang == "ar" else "Enter first name"
    assert named in page.locator("#f-first_name-error").inner_text()
    assert page.locator(".mf-step:visible").first.get_attribute("data-step") == "1"
    assert page.locator(".mf-step:visible .mf-step-status").inner_text().strip()
    assert page.evaluate("document.activeElement.closest('.mf-field--error') !== null")
    # answer the first step, then Next: the second step, its heading focused
    first_step = page.locator(".mf-step[data-step='1']")
    values = {k: v for k, v in VALID[assoc].items()
              if first_step.locator(f'[name="{k}"]').count()}
    for name, value in values.items():
        el = first_step.locator(f'[name="{name}"]').first
        kind = el.evaluate("e => e.tagName + ':' + (e.type || '')")
        if kind.startswith("SELECT"):
            el.select_option(value)
        elif kind.endswith(":radio"):
            first_step.locator(f'input[name="{name}"][value="{value}"]').check()
        elif kind.endswith(":checkbox"):
            for v in value:
                first_step.locator(f'input[name="{name}"][value="{v}"]').check()
        else:
            el.fill(value)
    page.locator(".mf-step:visible .mf-next").click()
    until(page, "document.querySelector('.mf-step[data-step=\"2\"]').dataset.current === 'true'")
    assert page.evaluate("document.activeElement.id") == page.locator(".mf-step[data-step='2'] h2").get_attribute("id")
    page.locator(".mf-step:visible .mf-back").click()
    assert page.locator(".mf-step:visible").first.get_attribute("data-step") == "1"
    assert page.input_value("#f-first_name") == VALID[assoc]["first_name"]
    assert run_axe(page) == []  # the steps' buttons, progress and status
    shot(page, f"{assoc}-{lang}-360-steps")
    page.context.close()


@pytest.mark.parametrize(("assoc", "lang"), BOTH)
def test_without_javascript_one_page_with_before_you_start(browser: Any, intakes: dict[str, str], assoc: str,
                                                           lang: str) -> None:
    page = phone(browser, js=False)
    page.goto(url(intakes, assoc, lang))
    form = load_forms(load_association(EXAMPLES[assoc]))["support-request"]
    assert page.locator(".mf-step:visible").count() == len(form.pages) + 1  # every section, one page
    assert page.locator(".mf-next").count() == 0
    start = page.locator(".mf-start")
    assert start.is_visible()
    docs = [li.strip() for li in start.locator(".mf-start__documents li").all_inner_texts()]
    assert len(docs) == len(form.documents)
    gender = load_association(EXAMPLES[assoc]).address_applicant_as
    assert all((addressed(d.label.ar, gender) if lang == "ar" else d.label.en) in text
               for d, text in zip(form.documents, docs, strict=True))
    assert start.locator(".mf-start__sections li").all_inner_texts() == [p.title(lang) for p in form.pages]
    privacy = page.locator("details.mf-privacy")
    privacy.locator("summary").click()
    assert privacy.locator("a").get_attribute("href").endswith("guides/rights/")
    page.goto(intakes[assoc] + privacy.locator("a").get_attribute("href"))
    assert page.locator("h1").count() == 1
    page.context.close()


@pytest.mark.parametrize("lang", ["ar", "en"])
def test_the_draft_stays_on_the_device_until_the_request_is_sent(browser: Any, intakes: dict[str, str],
                                                                  lang: str) -> None:
    page = phone(browser, js=True)
    posts: list[str] = []
    page.on("request", lambda r: posts.append(r.url) if r.method == "POST" else None)
    page.goto(url(intakes, "ajaa", lang))
    page.fill("#f-first_name", "نورة")
    page.fill("#f-family_name", "الشمري")
    page.check('input[name="gender"][value="female"]')
    reveal(page, "#f-region")
    page.select_option("#f-region", "hail")
    page.select_option("#f-city", "hail")
    page.wait_for_timeout(600)
    draft = json.loads(page.evaluate("localStorage.getItem('mustafid-draft:support-request')"))
    assert ["first_name", "نورة"] in draft["fields"] and ["city", "hail"] in draft["fields"]
    assert not [k for k, _ in draft["fields"] if k.startswith("_")]  # never the declaration or consent
    # nothing was sent to be kept: the only posts are the as-you-type checks, which store nothing
    assert all("/api/check/" in u for u in posts), posts
    page.reload()
    page.wait_for_selector(".mf-draft-note")
    assert page.input_value("#f-first_name") == "نورة"
    assert page.locator('input[name="gender"][value="female"]').is_checked()
    reveal(page, "#f-city")
    assert page.input_value("#f-city") == "hail"  # the filtered list took its value once the region was set
    assert run_axe(page) == []  # the restored-draft note and its button
    shot(page, f"ajaa-{lang}-360-draft")
    # the whole request sent: the receipt forgets the draft
    fill(page, VALID["ajaa"], FILES["ajaa"])
    page.click("form.mf-form button.mf-button[name=_step][value=check]")
    page.wait_for_selector("#mf-check-title")
    assert run_axe(page) == []  # check your answers
    page.click(".mf-check button.mf-button[value=confirm]")
    page.wait_for_selector("#mf-ref")
    assert page.evaluate("localStorage.getItem('mustafid-draft:support-request')") is None
    page.goto(url(intakes, "ajaa", lang))
    assert page.locator(".mf-draft-note").count() == 0 and page.input_value("#f-first_name") == ""
    page.context.close()


def test_the_draft_can_be_cleared(browser: Any, intakes: dict[str, str]) -> None:
    page = phone(browser, js=True)
    page.goto(url(intakes, "kahatain", "ar"))
    page.fill("#f-first_name", "سعد")
    page.wait_for_timeout(600)
    page.reload()
    page.wait_for_selector(".mf-draft-note")
    page.click(".mf-draft-clear")
    page.wait_for_load_state()
    page.wait_for_selector("#f-first_name")
    assert page.evaluate("localStorage.getItem('mustafid-draft:support-request')") is None
    assert page.input_value("#f-first_name") == "" and page.locator(".mf-draft-note").count() == 0
    page.context.close()


BIG_PHOTO = """async (selector) => {
    const c = document.createElement('canvas'); c.width = 4000; c.height = 3000;
    const g = c.getContext('2d'); const img = g.createImageData(4000, 3000);
    for (let i = 0; i < img.data.length; i += 4) {
        const v = (i * 2654435761) >>> 24; img.data[i] = v; img.data[i + 1] = (v * 7) & 255;
        img.data[i + 2] = (v * 13) & 255; img.data[i + 3] = 255;
    }
    g.putImageData(img, 0, 0);
    const blob = await new Promise(r => c.toBlob(r, 'image/jpeg', 0.98));
    const input = document.querySelector(selector);
    const dt = new DataTransfer(); dt.items.add(new File([blob], 'IMG_0042.jpg', {type: 'image/jpeg'}));
    input.files = dt.files;
    input.dispatchEvent(new Event('change', {bubbles: true}));
    return blob.size;
}"""


@pytest.mark.parametrize("lang", ["ar", "en"])
def test_a_big_phone_photo_is_made_smaller_before_upload(browser: Any, intakes: dict[str, str], lang: str) -> None:
    page = phone(browser, js=True)
    page.goto(url(intakes, "ajaa", lang))
    reveal(page, "#f-family_record")
    before = page.evaluate(BIG_PHOTO, "#f-family_record")
    assert before > 5_000_000, before  # more than the 5 MB limit, as a phone camera makes them
    until(page, "(document.querySelector('.mf-photo-status')?.textContent || '').length > 0", tries=200)
    after = page.evaluate("document.querySelector('#f-family_record').files[0].size")
    kind = page.evaluate("document.querySelector('#f-family_record').files[0].type")
    assert after < 1_500_000 and kind == "image/jpeg", (before, after, kind)
    status = page.locator(".mf-photo-status").inner_text()
    assert ("صغّرنا الصورة" if lang == "ar" else "We made the photo") in status
    # and the smaller photo goes through the whole request
    files = {k: v for k, v in FILES["ajaa"].items() if k != "family_record"}
    fill(page, VALID["ajaa"], files)
    page.click("form.mf-form button.mf-button[name=_step][value=check]")
    page.wait_for_selector("#mf-check-title")
    assert "IMG_0042.jpg" in page.locator(".mf-check").inner_text()
    page.context.close()


@pytest.mark.parametrize("lang", ["ar", "en"])
def test_without_javascript_the_size_limit_is_said_and_heic_accepted(browser: Any, intakes: dict[str, str],
                                                                    lang: str) -> None:
    page = phone(browser, js=False)
    page.goto(url(intakes, "ajaa", lang))
    hint = page.locator("#f-family_record-hint").inner_text()
    assert ("الحد الأعلى للملف ٥ ميغابايت" if lang == "ar" else "At most 5 MB a file") in hint
    assert "HEIC" in hint
    accept = page.get_attribute("#f-family_record", "accept")
    assert ".heic" in accept and "image/heic" in accept
    page.context.close()


@pytest.mark.parametrize(("assoc", "lang"), BOTH)
def test_the_receipt_prints_on_one_a4_page_with_the_reference_in_both_digit_sets(
        browser: Any, intakes: dict[str, str], assoc: str, lang: str) -> None:
    page = phone(browser, js=False)
    page.goto(url(intakes, assoc, lang))
    fill(page, VALID[assoc], FILES[assoc])
    page.click("form.mf-form button.mf-button[name=_step][value=check]")
    page.wait_for_selector("#mf-check-title")
    page.click(".mf-check button.mf-button[value=confirm]")
    page.wait_for_selector("#mf-ref")
    ref = page.locator("#mf-ref").inner_text().strip()
    assert re.fullmatch(r"[0-9]{4}-[0-9]{4}-[0-9]{4}", ref)
    if lang == "ar":
        assert page.locator(".mf-ref-ar").inner_text() == ref.translate(str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩"))
    due = page.locator(".mf-receipt").inner_text()
    assert ("سيصلك الرد على طلبك" if lang == "ar" else "You will have an answer") in due
    assert "لا تقل عن" not in due and "not less than" not in due
    # the satisfaction survey and the complaint form, linked and there
    links = page.locator(".mf-feedback a")
    assert links.count() == 2
    hrefs = [links.nth(i).get_attribute("href") for i in range(2)]
    assert any("satisfaction-survey" in h for h in hrefs) and any("suggestion-or-complaint" in h for h in hrefs)
    seen = phone(browser, js=True)  # axe-core runs in the page: the same receipt with JavaScript on
    seen.goto(page.url)
    assert run_axe(seen) == []  # the receipt as the intake writes it, print and copy buttons included
    seen.context.close()
    page.emulate_media(media="print")
    assert page.locator(".md-header").is_hidden() and page.locator(".md-footer").is_hidden()
    assert page.locator(".md-sidebar--primary").is_hidden()
    pdf = page.pdf(format="A4", print_background=True, prefer_css_page_size=True)  # as the print dialog does
    pages = int(re.findall(rb"/Type\s*/Pages\b[^>]*?/Count\s+([0-9]+)", pdf, re.DOTALL)[0])
    assert pages == 1, f"the receipt prints on {pages} A4 pages"
    for h in hrefs:
        assert page.goto(intakes[assoc] + h).status == 200
    page.context.close()


VNU = ROOT / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"


def vnu_errors(paths: list[Path]) -> list[str]:
    """The Nu HTML checker's errors (vnu-jar, package.json) for ``paths``, one line each."""
    java = shutil.which("java")
    if not VNU.is_file() or java is None:
        if os.environ.get("MUSTAFID_REQUIRE_BROWSER") == "1":
            pytest.fail("the Nu HTML checker needs `npm ci` (vnu-jar) and Java")
        pytest.skip("the Nu HTML checker needs `npm ci` (vnu-jar) and Java")
    proc = subprocess.run([java, "-jar", str(VNU), "--errors-only", "--format", "gnu", *map(str, paths)],
                          capture_output=True, text=True, timeout=600, check=False)
    return [line for line in proc.stderr.splitlines() if line.strip()]


def test_every_page_passes_the_nu_html_checker(browser: Any, intakes: dict[str, str], sites: dict[str, BuiltSite],
                                               tmp_path: Path) -> None:
    """Every built page of both associations, and the pages the intake writes (errors, check your answers, the
    receipt), in both languages: no error, and ``dir`` on ``<html>``."""
    paths = [p for site in sites.values() for p in site.html_files()]
    page = phone(browser, js=False)
    for assoc, lang in BOTH:
        page.goto(url(intakes, assoc, lang))
        empty_submit(page)
        (tmp_path / f"{assoc}-{lang}-errors.html").write_text(page.content(), encoding="utf-8")
        page.goto(url(intakes, assoc, lang))
        fill(page, VALID[assoc], FILES[assoc])
        page.click("form.mf-form button.mf-button[name=_step][value=check]")
        page.wait_for_selector("#mf-check-title")
        (tmp_path / f"{assoc}-{lang}-check.html").write_text(page.content(), encoding="utf-8")
        page.click(".mf-check button.mf-button[value=confirm]")
        page.wait_for_selector("#mf-ref")
        (tmp_path / f"{assoc}-{lang}-receipt.html").write_text(page.content(), encoding="utf-8")
    page.context.close()
    paths += sorted(tmp_path.glob("*.html"))
    assert len(paths) > 40
    for p in paths:
        head = p.read_text(encoding="utf-8")[:300]
        assert re.search(r'<html lang="(ar|en)" dir="(rtl|ltr)"', head), f"{p}: no dir on <html>"
    assert vnu_errors(paths) == []
