"""The pages the intake answers with: the built site's form pages as shells, the region between the form
markers rendered per request by site.pages (the same renderer the build used); and the built site itself,
served with caching that suits it."""

from __future__ import annotations

import html
import re
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from starlette.responses import Response
from starlette.staticfiles import StaticFiles
from starlette.types import Scope

from mustafid.config.association import Association
from mustafid.core.errors import Problem
from mustafid.core.text import T
from mustafid.forms.model import FormDef
from mustafid.intake.messages import MSG
from mustafid.intake.web.middleware import Refusal, accepts_json, message_page, refusal_response
from mustafid.site import pages

FORM_MARK = ("<!--mustafid:form-->", "<!--/mustafid:form-->")
Held = Mapping[str, list[dict[str, Any]]]  # the documents held, by file field, each with its token


class Pages:
    """Form, check and receipt pages in the built site's shell; the title gets "خطأ: " / "Error: " when
    there are errors. Without a built site, plain bilingual pages."""

    def __init__(self, assoc: Association, site_dir: Path | None) -> None:
        self.assoc, self.site_dir = assoc, site_dir
        self._shells: dict[tuple[str, str], tuple[str, str] | None] = {}

    def shell(self, lang: str, page: str) -> tuple[str, str] | None:
        """The built page's HTML before and after its form region, read once."""
        key = (lang, page)
        if key not in self._shells:
            self._shells[key] = None
            if self.site_dir is not None:
                path = self.site_dir / ("" if lang == "ar" else f"{lang}/") / "forms" / page / "index.html"
                try:
                    text = path.read_text(encoding="utf-8")
                except OSError:
                    text = ""
                a, b = text.find(FORM_MARK[0]), text.find(FORM_MARK[1])
                if 0 <= a < b:
                    self._shells[key] = (text[:a], text[b + len(FORM_MARK[1]):])
        return self._shells[key]

    def page(self, lang: str, page: str, fragment: str, title_prefix: str = "") -> str | None:
        shell = self.shell(lang, page)
        if shell is None:
            return None
        before, after = shell
        if title_prefix:
            before = re.sub(r"<title>", "<title>" + html.escape(title_prefix), before, count=1)
        return before + FORM_MARK[0] + fragment + FORM_MARK[1] + after

    def form(self, form: FormDef, lang: str, raw: Mapping[str, Any], problems: Sequence[Problem],
             stash: Held) -> str:
        fragment = pages.form_fragment(self.assoc, form, lang, raw, problems, stash=stash)
        full = self.page(lang, form.id, fragment, pages.error_title("", lang) if problems else "")
        return full if full is not None else self._basic(form, problems)

    def check(self, form: FormDef, lang: str, raw: Mapping[str, Any], data: Mapping[str, Any],
              stash: Held) -> str:
        full = self.page(lang, form.id, pages.check_fragment(self.assoc, form, lang, raw, data, stash))
        return full if full is not None else self._basic(form, [])

    def receipt(self, lang: str, record: Mapping[str, Any], code: str = "") -> str:
        full = self.page(lang, "receipt", pages.receipt_fragment(self.assoc, lang, record, code))
        if full is not None:
            return full
        ref = T(f"رقم طلبك: {record['id']}", f"Your reference: {record['id']}")
        return message_page(T("تم استلام طلبك", "Your request was received"), ref)

    def _basic(self, form: FormDef, problems: Sequence[Problem]) -> str:
        """Without a built site (an API client, a test of the server alone): the problems as a plain page."""
        items = "".join(f"<li>{html.escape(p.path)}: {html.escape(p.ar)} | {html.escape(p.en)}</li>"
                        for p in problems)
        body = T("صحّح ما يلي", "correct the following") if problems else T("راجع إجاباتك", "check your answers")
        page = message_page(T(form.title.ar, form.title.en), body)
        return page.replace("</main>", f"<ul>{items}</ul></main>", 1)


class SiteFiles(StaticFiles):
    """The built site, with caching that suits it: fingerprinted assets for a year, pages revalidated."""

    async def get_response(self, path: str, scope: Scope) -> Response:
        response = await super().get_response(path, scope)
        accept = next((v.decode("latin-1") for k, v in scope.get("headers", []) if k == b"accept"), "")
        if response.status_code == 404 and accepts_json(accept):  # the site's 404 page is for browsers
            return refusal_response(Refusal(404, MSG["not_found"], "not_found"), wants_json=True)
        if re.search(r"\.[0-9a-f]{8,}\.min\.(?:js|css)$", path) or "/fonts/" in path or path.endswith(".woff2"):
            response.headers["Cache-Control"] = "public, max-age=31536000, immutable"
        elif path.startswith("assets/"):
            response.headers["Cache-Control"] = "public, max-age=3600"
        else:
            response.headers["Cache-Control"] = "no-cache"
        return response
