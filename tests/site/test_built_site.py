"""The form pages in the built sites of both seed associations (mkdocs + static-i18n, the real build): each form
in both languages holds exactly the renderer's fragment between the markers, the receipt page is built but not
listed, the forms' assets load on form pages only, and the service guide's documents are the form's own."""

from __future__ import annotations

import json
from html.parser import HTMLParser
from typing import Any

import pytest

from mustafid.forms.load import load_forms
from mustafid.forms.messages import address_t, gender_of
from mustafid.site import pages
from tests.helpers import EXAMPLES
from tests.site.conftest import BuiltSite

LANGS = ("ar", "en")


def region(text: str) -> str:
    a, b = text.find(pages.FORM_MARK[0]), text.find(pages.FORM_MARK[1])
    assert 0 <= a < b, "the form markers are missing or out of order"
    assert text.count(pages.FORM_MARK[0]) == 1 and text.count(pages.FORM_MARK[1]) == 1
    return text[a + len(pages.FORM_MARK[0]):b].strip()


def page_path(site: BuiltSite, lang: str, rel: str) -> Any:
    return site.root / ("" if lang == "ar" else "en") / rel


@pytest.mark.parametrize("name", sorted(EXAMPLES))
def test_every_form_page_is_built_with_the_renderers_fragment(sites: dict[str, BuiltSite], assocs: dict[str, Any],
                                                              name: str) -> None:
    site, assoc = sites[name], assocs[name]
    forms = [f for f in load_forms(assoc).values() if f.audience == "public"]
    assert len(forms) >= 4
    for lang in LANGS:
        for form in forms:
            path = page_path(site, lang, f"forms/{form.id}/index.html")
            text = path.read_text(encoding="utf-8")
            assert region(text) == pages.form_fragment(assoc, form, lang).strip(), f"{path}: the fragment was altered"
            html = site.page(str(path.parent.relative_to(site.root)) + "/")
            assert html.lang == lang and html.body_dir == ("rtl" if lang == "ar" else "ltr")
            assert f"<title>{form.title(lang)}" in text
            assert "assets/mustafid/forms.css" in text and "assets/mustafid/forms.js" in text
        index = page_path(site, lang, "forms/index.html").read_text(encoding="utf-8")
        for form in forms:
            assert f'href="{form.id}/"' in index and form.title(lang) in index
    for asset in ("forms.css", "forms.js"):
        assert (site.root / "assets" / "mustafid" / asset).is_file()
    home = (site.root / "index.html").read_text(encoding="utf-8")
    assert "forms.js" not in home and "forms.css" not in home  # other pages do not pay for the forms


@pytest.mark.parametrize("name", sorted(EXAMPLES))
def test_the_receipt_page_is_a_shell_for_the_intake(sites: dict[str, BuiltSite], name: str) -> None:
    site = sites[name]
    for lang in LANGS:
        text = page_path(site, lang, "forms/receipt/index.html").read_text(encoding="utf-8")
        assert pages.UI["placeholder"](lang) in region(text)
        assert "forms.js" in text  # the copy button
    home = (site.root / "index.html").read_text(encoding="utf-8")
    assert "forms/receipt/" not in home and "forms/support-request/" in home
    index = json.loads((site.root / "search" / "search_index.json").read_text(encoding="utf-8"))
    assert not [d["location"] for d in index["docs"] if "receipt" in d["location"]]


class _ListItems(HTMLParser):
    """The <li> texts inside <div class="mustafid-documents">."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.depth = 0
        self.items: list[str] = []
        self.in_li = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "div" and ("class", "mustafid-documents") in attrs:
            self.depth = 1
        elif tag == "div" and self.depth:
            self.depth += 1
        elif tag == "li" and self.depth:
            self.items.append("")
            self.in_li = True

    def handle_endtag(self, tag: str) -> None:
        if tag == "div" and self.depth:
            self.depth -= 1
        elif tag == "li":
            self.in_li = False

    def handle_data(self, data: str) -> None:
        if self.in_li and self.depth:
            self.items[-1] += data


@pytest.mark.parametrize("name", sorted(EXAMPLES))
def test_the_guides_documents_are_the_forms_file_fields(sites: dict[str, BuiltSite], assocs: dict[str, Any],
                                                        name: str) -> None:
    form = load_forms(assocs[name])["support-request"]
    files = [f for _, f in form.walk() if f.type == "file"]
    assert len(files) >= 4
    for lang in LANGS:
        reader = _ListItems()
        reader.feed(page_path(sites[name], lang, "guides/apply/index.html").read_text(encoding="utf-8"))
        # worded as the form's own "before you start" box: "لمقدمة الطلب" where the association is a women's
        assert [x.strip() for x in reader.items] == [address_t(f.document or f.label, gender_of(assocs[name]))(lang)
                                                     for f in files]
