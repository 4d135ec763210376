"""A form-pages provider for the plugin's hook test (the real one is mustafid.pages, written elsewhere).

It has the contract of ``pages.generated_pages(assoc)``: objects with lang, src_uri, markdown and title.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class GeneratedPage:
    lang: str
    src_uri: str
    markdown: str
    title: str
    in_nav: bool = True


def generated_pages(_assoc: Any) -> list[GeneratedPage]:
    # braces of the page's own (e.g. a script's template) must reach the site untouched
    form = '<form method="post" action="/submit/support-request"><input name="name"></form><p>{{ kept }}</p>'
    return [
        GeneratedPage("ar", "forms/support-request.md",
                      f"# طلب دعم\n\n<!--mustafid:form-->{form}<!--/mustafid:form-->\n", "طلب دعم"),
        GeneratedPage("en", "forms/support-request.md",
                      f"# Support request\n\n<!--mustafid:form-->{form}<!--/mustafid:form-->\n", "Support request"),
        GeneratedPage("ar", "forms/receipt.md", "# الإيصال\n", "الإيصال", in_nav=False),
        GeneratedPage("en", "forms/receipt.md", "# Receipt\n", "Receipt", in_nav=False),
    ]
