"""Debian chromium (playwright) on the real intake server (`mustafid serve`, uvicorn on 127.0.0.1) serving each
seed association's built site: the support request filled and sent with JavaScript off and on (Arabic-Indic
digits in the ID and the phone), the errors in Arabic and English, phone width, tab order, and axe-core on
every form page. Screenshots go to test-artifacts/ (not committed) for a reviewer."""

from __future__ import annotations

import itertools
import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from mustafid.config.association import load_association
from mustafid.forms.load import load_forms
from tests.helpers import EXAMPLES, ROOT, make_association_repo
from tests.site.conftest import BuiltSite

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser-forms")]
ARTIFACTS = ROOT / "test-artifacts"
CHROMIUM = Path("/usr/bin/chromium")
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
         "--disable-sync", "--no-first-run"]
PHONE = {"width": 390, "height": 844}
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
AR_DIGITS = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")

# A complete, valid support request per association, as a person types it: Arabic-Indic digits in the ID, the
# phone and the dates. Files are (name, type, bytes).
COMMON: dict[str, Any] = {
    "first_name": "نورة", "father_name": "عبد الله", "grandfather_name": "محمد", "family_name": "الشمري",
    "national_id": "١٠٠٠٠٠٠٠٠٨", "nationality": "saudi", "birth_date": "١٤٠٠-٠٧-١٥", "gender": "female",
    "mobile": "٠٥٠ ١٢٣ ٤٥٦٧", "district": "النسيم", "income_sources": ["social_security"],
    "social_security": "١٥٠٠", "housing": "owned", "aid_type": ["food"], "urgency": "normal",
    "description": "أحتاج سلة غذائية شهرية لأسرتي لأن الدخل لا يكفي المصاريف الأساسية.",
    "iban": "sa03 8000 0000 6080 1016 7519", "iban_holder_confirm": "yes",
}
VALID: dict[str, dict[str, Any]] = {
    "ajaa": {**COMMON, "marital_status": "widowed", "category": "widow", "region": "hail", "city": "hail",
             "family_count": "٠"},
    "kahatain": {**COMMON, "guardian_relation": "mother", "region": "makkah", "city": "jeddah",
                 "father_death_date": "١٤٤٠-٠٥-١٠", "orphans_count": "١", "orphans.0.name": "سعد عبد الله محمد الشمري",
                 "orphans.0.national_id": "١٢٣٤٥٦٧٨٩٧", "orphans.0.gender": "male",
                 "orphans.0.birth_date": "١٤٣٥-٠٣-٠١", "orphans.0.education": "primary", "orphans.0.health": "healthy"},
}
FILES: dict[str, dict[str, tuple[str, str, bytes]]] = {
    "ajaa": {"id_copy": ("هوية.pdf", "application/pdf", PDF), "family_record": ("سجل.png", "image/png", PNG),
             "income_proof": ("ضمان.pdf", "application/pdf", PDF), "status_deed": ("وفاة.pdf", "application/pdf", PDF)},
    "kahatain": {"id_copy": ("id.pdf", "application/pdf", PDF),
                 "death_certificate": ("death.pdf", "application/pdf", PDF),
                 "family_record": ("family.png", "image/png", PNG)},
}


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    if not CHROMIUM.exists():
        if os.environ.get("MUSTAFID_REQUIRE_BROWSER") == "1":
            pytest.fail("Debian chromium is not installed: tools/setup.sh should have installed it")
        pytest.skip("Debian chromium is not installed (make setup installs it)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=FLAGS)
        yield b
        b.close()


@pytest.fixture(scope="module")
def intakes(sites: dict[str, BuiltSite], tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, str]]:
    """Each association's intake server on 127.0.0.1, over its own fresh records repository."""
    from tests.intake_server import running_intake

    urls: dict[str, str] = {}
    with running_intake(*_repo(tmp_path_factory, "ajaa"), sites["ajaa"].root) as a, \
            running_intake(*_repo(tmp_path_factory, "kahatain"), sites["kahatain"].root) as k:
        urls["ajaa"], urls["kahatain"] = a.url, k.url
        yield urls


def _repo(factory: pytest.TempPathFactory, name: str) -> tuple[Path, Path]:
    repo = make_association_repo(factory.mktemp(name), name)
    return repo, repo


def new_page(browser: Any, *, js: bool = True, viewport: dict[str, int] = PHONE) -> Any:
    ctx = browser.new_context(viewport=viewport, device_scale_factor=1, java_script_enabled=js)
    page = ctx.new_page()
    page.set_default_timeout(15_000)
    return page


def shot(page: Any, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def reveal(page: Any, selector: str) -> None:
    """With JavaScript on, the form shows one step at a time: open the step that holds ``selector`` the way an
    error-summary link does (the Next/Back buttons themselves are tested in test_browser_steps.py)."""
    page.locator(selector).first.evaluate("e => window.mustafidShowStep && window.mustafidShowStep(e)")


def fill(page: Any, values: dict[str, Any], files: dict[str, tuple[str, str, bytes]]) -> None:
    for name, value in values.items():
        reveal(page, f'form.mf-form [name="{name}"]')
        el = page.locator(f'form.mf-form [name="{name}"]').first
        kind = el.evaluate("e => e.tagName + ':' + (e.type || '')")
        if kind.startswith("SELECT"):
            el.select_option(value)
        elif kind.endswith(":radio"):
            page.locator(f'input[name="{name}"][value="{value}"]').check()
        elif kind.endswith(":checkbox"):
            for v in value:
                page.locator(f'input[name="{name}"][value="{v}"]').check()
        else:
            el.fill(value)
    for name, (fname, ftype, content) in files.items():
        reveal(page, f'input[name="{name}"]')
        page.set_input_files(f'input[name="{name}"]', files=[{"name": fname, "mimeType": ftype, "buffer": content}])
    reveal(page, "#f-declaration")
    page.check("#f-declaration")
    if page.locator("#f-consent").count():
        page.check("#f-consent")


def no_horizontal_overflow(page: Any) -> None:
    widths = page.evaluate("[document.documentElement.scrollWidth, document.documentElement.clientWidth]")
    assert widths[0] <= widths[1], f"horizontal scroll at {PHONE['width']} px on {page.url}: {widths}"


def send_and_confirm(page: Any, assoc: str, lang: str, tag: str) -> str:
    """From a filled form: continue, check the answers page, send; return the reference on the receipt."""
    page.click("form.mf-form button.mf-button[name=_step][value=check]")
    page.wait_for_selector("#mf-check-title")
    assert page.locator(".mf-error-summary").count() == 0
    text = page.locator(".mf-check").inner_text()
    assert "+966501234567" in text  # the phone as stored, whatever digits were typed
    assert ("هوية.pdf" if assoc == "ajaa" else "id.pdf") in text  # the documents, by name
    no_horizontal_overflow(page)
    shot(page, f"{assoc}-{lang}-{tag}-check")
    page.click(".mf-check button.mf-button[value=confirm]")
    page.wait_for_selector("#mf-ref")
    ref = page.locator("#mf-ref").inner_text().strip()
    assert re.fullmatch(r"[0-9]{4}-[0-9]{4}-[0-9]{4}", ref)  # digits only: read aloud in Arabic
    assert "/forms/receipt/?ref=" in page.url
    a = load_association(EXAMPLES[assoc])
    due = page.locator(".mf-due").inner_text()
    days = a.decision_period_days
    assert ("هـ" in due and "م" in due) if lang == "ar" else ("AH" in due)
    period = page.locator(".mf-receipt").inner_text()
    assert (str(days).translate(AR_DIGITS) if lang == "ar" else str(days)) in period
    no_horizontal_overflow(page)
    shot(page, f"{assoc}-{lang}-{tag}-receipt")
    return ref


@pytest.mark.parametrize("assoc", sorted(EXAMPLES))
def test_arabic_request_without_javascript(browser: Any, intakes: dict[str, str], assoc: str) -> None:
    page = new_page(browser, js=False)
    page.goto(intakes[assoc] + "/forms/support-request/")
    assert page.evaluate("document.body.dir") == "rtl"
    no_horizontal_overflow(page)
    shot(page, f"{assoc}-ar-form-nojs")
    # a calculated answer says where it will be worked out
    assert page.locator('output[data-calc="total_income"]').inner_text() == "يُحسب من إجاباتك عند مراجعتها"
    values = dict(VALID[assoc])
    if assoc == "kahatain":  # the orphans' rows: one is on the page already (the group's minimum)
        assert page.locator("[data-item]").count() == 1
    fill(page, values, FILES[assoc])
    if assoc == "ajaa":
        # "add a family member" without JavaScript: the intake answers with the form and one more row
        assert page.locator(".mf-items > [data-item]").count() == 1
        page.click("button[name=_add][value=family]")
        page.wait_for_selector('[data-item="family.1"]')
        assert page.input_value("#f-first_name") == "نورة"  # re-filled
        page.click('button[name=_remove][value="family.1"]')
        page.wait_for_selector('[data-item="family.0"]')
        assert page.locator('[data-item="family.1"]').count() == 0
        fill(page, {}, FILES[assoc])  # a browser never re-fills file inputs: choose the files again
    ref = send_and_confirm(page, assoc, "ar", "nojs")
    assert page.locator(".mf-copy").is_hidden()  # the copy button needs the script
    page.context.close()
    assert ref


@pytest.mark.parametrize("assoc", sorted(EXAMPLES))
def test_arabic_request_with_javascript(browser: Any, intakes: dict[str, str], assoc: str) -> None:
    page = new_page(browser)
    page.goto(intakes[assoc] + "/forms/support-request/")
    shot(page, f"{assoc}-ar-form")
    # relevance: the rent and the amount appear only when they apply
    reveal(page, 'input[name="housing"]')
    assert page.locator('[data-field="monthly_rent"]').is_hidden()
    page.check('input[name="housing"][value="rented"]')
    assert page.locator('[data-field="monthly_rent"]').is_visible()
    page.check('input[name="housing"][value="owned"]')
    assert page.locator('[data-field="monthly_rent"]').is_hidden()
    assert page.locator("#f-monthly_rent").is_disabled()  # a hidden question sends nothing
    # the city list follows the region
    reveal(page, "#f-region")
    page.select_option("#f-region", VALID[assoc]["region"])
    cities = page.eval_on_selector_all("#f-city option", "os => os.map(o => o.value).filter(Boolean)")
    assert VALID[assoc]["city"] in cities and ("riyadh" not in cities)
    # checks as you go, in the server's words: a wrong ID is marked when the field is left, and cleared
    page.fill("#f-national_id", "١٠٠٠٠٠٠٠٠٠")
    page.focus("#f-mobile")
    error = page.wait_for_selector("#f-national_id-error")
    assert "خانة التحقق" in error.inner_text() and error.inner_text().startswith("خطأ:")
    assert page.get_attribute("#f-national_id", "aria-invalid") == "true"
    assert page.locator("#f-mobile-error").count() == 0  # not touched yet: not marked
    page.fill("#f-national_id", VALID[assoc]["national_id"])
    page.focus("#f-first_name")
    page.wait_for_selector("#f-national_id-error", state="detached")
    # repeat rows without a reload: the count field adds them, "remove" takes one away
    if assoc == "ajaa":
        reveal(page, "#f-family_count")
        page.fill("#f-family_count", "٢")
        page.locator("#f-family_count").evaluate("e => e.blur()")
        page.wait_for_selector('[data-item="family.1"]')
        assert page.locator('[data-field="family"]').is_visible()
        page.click('[data-item="family.0"] .mf-remove')
        assert page.locator(".mf-items > [data-item]").count() == 1
        assert page.locator('[data-item="family.0"] .mf-item__title').inner_text() == "فرد ١"
    # the total income is shown as the server works it out with each check, Arabic-Indic digits typed
    fill(page, VALID[assoc], FILES[assoc])
    reveal(page, "#f-first_name")
    page.focus("#f-first_name")
    reveal(page, 'output[data-calc="total_income"]')
    total = page.locator('output[data-calc="total_income"]')
    for _ in range(100):  # the page's policy forbids a string predicate (no eval): poll the text
        if total.inner_text() == "1500":
            break
        page.wait_for_timeout(50)
    assert total.inner_text() == "1500"
    if assoc == "ajaa":
        assert page.locator('[data-field="family"]').is_hidden()  # the count is 0 again
    reveal(page, "#f-declaration")
    ref = send_and_confirm(page, assoc, "ar", "js")
    assert page.locator(".mf-copy").is_visible()
    page.context.close()
    assert ref


@pytest.mark.parametrize(("assoc", "lang"), [("ajaa", "ar"), ("ajaa", "en"), ("kahatain", "ar"), ("kahatain", "en")])
@pytest.mark.parametrize("js", [False, True], ids=["nojs", "js"])
def test_errors_summary_and_inline(browser: Any, intakes: dict[str, str], assoc: str, lang: str, js: bool) -> None:
    page = new_page(browser, js=js)
    prefix = "" if lang == "ar" else "/en"
    page.goto(intakes[assoc] + prefix + "/forms/support-request/")
    page.fill("#f-national_id", "١٠٠٠٠٠٠٠٠٠")
    page.fill("#f-mobile", "٠٥٢١٢٣٤٥٦٧")
    reveal(page, "#f-declaration")  # with JavaScript, straight to the last step: the intake checks it all
    with page.expect_response(lambda r: "/submit/support-request" in r.url) as answer:
        page.click("form.mf-form button.mf-button[name=_step][value=check]")
    assert answer.value.status == 422
    page.wait_for_selector("#mf-error-summary")
    assert page.title().startswith("خطأ: " if lang == "ar" else "Error: ")
    summary = page.locator("#mf-error-summary")
    assert summary.locator("h2").inner_text() == ("يوجد خطأ" if lang == "ar" else "There is a problem")
    links = summary.locator("a")
    assert links.count() >= 10
    for i in range(links.count()):
        link = links.nth(i)
        target = link.get_attribute("href")[1:]
        assert page.locator(f"#{target}").count() == 1
        # the inline message of that field says the same words, after a hidden "Error:"
        wrapper = page.locator(f"#{target}").locator(  # the question's wrapper (#q-<field id>)
            "xpath=ancestor-or-self::*[contains(@class,'mf-part') or contains(@class,'mf-field')][1]")
        inline = wrapper.locator(".mf-error").first.inner_text()
        assert link.inner_text().strip() in inline
    id_error = page.locator("#f-national_id-error").inner_text()
    assert id_error.startswith("خطأ:" if lang == "ar" else "Error:")
    assert ("خانة التحقق" if lang == "ar" else "check digit") in id_error
    if js:  # the summary takes the focus, and its links move it to the field
        assert page.evaluate("document.activeElement.id") == "mf-error-summary"
        summary.locator('a[href="#q-f-mobile"]').click()
        assert page.evaluate("document.activeElement.id") == "f-mobile"
    assert page.input_value("#f-national_id") == "١٠٠٠٠٠٠٠٠٠"  # re-filled as typed
    no_horizontal_overflow(page)
    shot(page, f"{assoc}-{lang}-errors-{'js' if js else 'nojs'}")
    page.context.close()


@pytest.mark.parametrize("assoc", sorted(EXAMPLES))
def test_english_request(browser: Any, intakes: dict[str, str], assoc: str) -> None:
    page = new_page(browser)
    page.goto(intakes[assoc] + "/en/forms/support-request/")
    assert page.evaluate("document.body.dir") == "ltr"
    shot(page, f"{assoc}-en-form")
    fill(page, VALID[assoc], FILES[assoc])
    send_and_confirm(page, assoc, "en", "js")
    assert "/en/forms/receipt/" in page.url
    assert page.locator(".mf-panel h2").inner_text() == "Your request was received"
    page.context.close()


def form_urls(assoc: str) -> list[str]:
    forms = [f for f in load_forms(load_association(EXAMPLES[assoc])).values() if f.audience == "public"]
    return [f"{prefix}/forms/{f.id}/" for f in forms for prefix in ("", "/en")]


def run_axe(page: Any) -> list[dict[str, Any]]:
    if not AXE.is_file():
        pytest.fail("axe-core is not installed: run `npm ci` (tools/setup.sh does)")
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("axe.run(document, {resultTypes: ['violations']})")
    return [{"id": v["id"], "impact": v["impact"], "nodes": [n["target"] for n in v["nodes"]][:5]}
            for v in result["violations"] if v["impact"] in ("serious", "critical")]


@pytest.mark.parametrize("assoc", sorted(EXAMPLES))
def test_axe_and_phone_width_on_every_form_page(browser: Any, intakes: dict[str, str], assoc: str) -> None:
    page = new_page(browser)
    found: dict[str, list[dict[str, Any]]] = {}
    for url in [*form_urls(assoc), "/forms/receipt/", "/en/forms/receipt/", "/forms/"]:
        page.goto(intakes[assoc] + url)
        no_horizontal_overflow(page)
        labels = page.evaluate("[...document.querySelectorAll('.mf-form input:not([type=hidden]), .mf-form select, "
                               ".mf-form textarea')].filter(e => !e.labels || !e.labels.length).map(e => e.name)")
        assert labels == [], f"{url}: controls without a label: {labels}"
        if violations := run_axe(page):
            found[url] = violations
    # the error state and the check page of the support request too
    for lang in ("", "/en"):
        page.goto(intakes[assoc] + lang + "/forms/support-request/")
        reveal(page, "#f-declaration")
        page.click("form.mf-form button.mf-button[name=_step][value=check]")
        page.wait_for_selector("#mf-error-summary")
        if violations := run_axe(page):
            found[lang + "/forms/support-request/ (errors)"] = violations
    assert found == {}, f"axe-core: serious or critical violations: {found}"
    page.context.close()


@pytest.mark.parametrize("js", [False, True], ids=["nojs", "js"])
def test_tab_order_follows_the_visual_right_to_left_order(browser: Any, intakes: dict[str, str], js: bool) -> None:
    page = new_page(browser, js=js, viewport={"width": 1280, "height": 900})
    page.goto(intakes["ajaa"] + "/forms/support-request/")
    page.focus("#f-first_name")
    boxes = []
    for _ in range(45):
        box = page.evaluate("""(() => { const e = document.activeElement; const r = e.getBoundingClientRect();
            return {id: e.id || e.name || e.tagName, top: r.top + scrollY, bottom: r.bottom + scrollY,
                    left: r.left, right: r.right, inForm: !!e.closest('.mf-form')}; })()""")
        if not box["inForm"]:
            break
        boxes.append(box)
        page.keyboard.press("Tab")
    # the whole form without JavaScript; with it, the first step (its questions, then "Next")
    assert len(boxes) >= (30 if not js else 12), boxes[-1]
    for a, b in itertools.pairwise(boxes):
        same_line = b["top"] < a["bottom"] and a["top"] < b["bottom"]
        if same_line:  # side by side: the next is to the left (right to left)
            assert b["right"] <= a["left"] + 1, f"{a['id']} -> {b['id']} goes left to right"
        else:          # otherwise: further down the page
            assert b["top"] >= a["bottom"] - 1, f"{a['id']} -> {b['id']} goes back up the page"
    page.context.close()
