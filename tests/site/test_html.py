"""Fix-ups of the theme's HTML: the head's hreflang links dropped, the search dialog named where it has no name."""

from __future__ import annotations

from mustafid.site.html import drop_head_alternates, finish_page, name_search_dialog

MATERIAL = ('<html><head><link rel="alternate" href="/en/" hreflang="en"></head><body>'
            '<div class="md-search" data-md-component="search" role="dialog">'
            '<nav class="md-search__options" aria-label="إبحث"></nav></div>'
            '<a href="/en/" hreflang="en" class="md-select__link">English</a></body></html>')


def test_material_search_dialog_is_named_in_the_page_language() -> None:
    page = finish_page(MATERIAL, "ar")
    assert '<div class="md-search" data-md-component="search" role="dialog" aria-label="البحث في الموقع">' in page
    assert '<nav class="md-search__options" aria-label="البحث في الموقع">' in page
    assert 'aria-label="Search the site"' in name_search_dialog(MATERIAL, "en")
    assert '<link rel="alternate"' not in page and 'hreflang="en" class="md-select__link"' in page


def test_a_dialog_with_a_name_is_left_alone() -> None:
    zensical = '<div class="md-search" data-md-component="search" role="dialog" aria-label="إبحث"></div>'
    assert name_search_dialog(zensical, "ar") == zensical
    assert drop_head_alternates("<p>no head</p>") == "<p>no head</p>"
