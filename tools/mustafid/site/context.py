"""What the Markdown pages can say about the association: the Jinja values of every content page.

One ``content/`` serves every association. Its pages are Jinja2 templates rendered with the association in
context, so a value such as the promised decision period is typed once, in ``association.yml``. Sentences whose
wording differs between associations come from the association's ``policy:`` entries (``POLICY_KEYS``).
Both engines take their values from here: the mkdocs plugin renders with ``render_markdown``, the macros-style
adapter (``site/macros.py``) hands ``page_context`` to the engine's own Jinja with the same delimiters.
"""

from __future__ import annotations

import html
import posixpath
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import jinja2

from mustafid.config.association import Association, Phone, load_association
from mustafid.core.errors import ConfigError, Problem
from mustafid.core.plural import DAY, count
from mustafid.core.text import T, arabic_digits
from mustafid.forms.messages import addressed, gender_of
from mustafid.forms.model import FormDef
from mustafid.site.tree import GeneratedPage

# Sentences of the policy that each association words its own way (see the two seeds). Required ones must be
# in every association.yml; optional ones appear only where the association's policy has them.
POLICY_KEYS: dict[str, T] = {
    "title": T("عنوان السياسة", "the policy's title"),
    "introduction_title": T("عنوان المقدمة (تمهيد أو مقدمة)", "the introduction's heading"),
    "goal_access": T("الهدف التفصيلي الأول (تقدير حاجة المستفيد...)",
                     "the first detailed goal (assessing the beneficiary's need...)"),
    "practice_evaluation": T("ممارسة نشر ثقافة تقييم الخدمة",
                             "the practice of spreading the culture of evaluating the service"),
    "procedure_lead": T("جملة تقديم إجراءات التعامل مع المستفيد", "the sentence that introduces the service procedure"),
    "procedure_verify": T("خطوة التأكد من صحة البيانات", "the step of confirming the data are correct"),
    "board_name_header": T("عنوان عمود الاسم في جدول الاعتماد", "the name column's heading in the approval table"),
    "board_position_header": T("عنوان عمود المنصب في جدول الاعتماد",
                               "the position column's heading in the approval table"),
}
OPTIONAL_POLICY_KEYS = ("basmala", "approval_lead")

# The seven channels of the seeds' policy, in the seeds' own words (association.schema.yml lists the ids).
CHANNEL_LABELS: dict[str, T] = {
    "interview": T("المقابلة", "Interview"),
    "phone": T("الاتصالات الهاتفية", "Phone calls"),
    "social_media": T("وسائل التواصل الاجتماعي", "Social media"),
    "letter": T("الخطابات", "Letters"),
    "aid_request_service": T("خدمات طلب المساعدة", "Aid request services"),
    "volunteering_service": T("خدمة التطوع", "The volunteering service"),
    "website": T("الموقع الإلكتروني للجمعية", "The association's website"),
}
SOCIAL_NAMES: dict[str, T] = {
    "instagram": T("إنستغرام", "Instagram"), "x": T("إكس (تويتر)", "X (Twitter)"),
    "twitter": T("إكس (تويتر)", "X (Twitter)"), "snapchat": T("سناب شات", "Snapchat"),
    "youtube": T("يوتيوب", "YouTube"), "tiktok": T("تيك توك", "TikTok"), "linkedin": T("لينكدإن", "LinkedIn"),
    "facebook": T("فيسبوك", "Facebook"), "whatsapp": T("واتساب", "WhatsApp"),
}

# Jinja's own comment tag {# #} would swallow Markdown's heading ids ("## Title {#anchor}"): both engines are
# configured with these instead.
COMMENT_TAGS = ("{##", "##}")


def social_name(network: str, lang: str) -> str:
    return SOCIAL_NAMES.get(network, T(network, network))(lang)


def check_policy_entries(assoc: Association) -> list[Problem]:
    """Every required ``policy:`` sentence missing from association.yml, all at once."""
    file = str(assoc.config_path)
    return [Problem(file, f"policy.{key}",
                    f"جملة السياسة «{key}» مفقودة: أضِف {what.ar} بنص سياسة الجمعية (ar و en)",
                    f"policy sentence '{key}' is missing: add {what.en} in the association's own words (ar and en)")
            for key, what in POLICY_KEYS.items() if key not in assoc.policy]


def load_site_association(folder: Path, ar: str = "نصوص السياسة الخاصة بالجمعية ناقصة في association.yml",
                          en: str = "association.yml lacks some of the association's own policy sentences",
                          ) -> Association:
    """association.yml with every policy sentence the pages need; ConfigError listing every problem."""
    assoc = load_association(folder)
    problems = check_policy_entries(assoc)
    if problems:
        raise ConfigError(ar, en, problems)
    return assoc


def ltr(text: object) -> str:
    """Numbers, e-mails, handles and ids keep their left-to-right order inside Arabic text."""
    return f'<span dir="ltr">{html.escape(str(text))}</span>'


@dataclass
class PageLinks:
    """Relative links from the page being rendered, so the same Markdown works under / and /en/."""

    page_src_uri: str  # relative to the language folder, e.g. "guides/apply.md"

    def __call__(self, target_src_uri: str) -> str:
        return posixpath.relpath(target_src_uri, posixpath.dirname(self.page_src_uri) or ".")


@dataclass
class SiteContext:
    """What a content page can use in Jinja: ``{{ name }}``, ``{{ period_wording }}``, ``{{ phone_links }}``..."""

    assoc: Association
    lang: str
    form_pages: Sequence[GeneratedPage] = field(default_factory=list)  # pages.generated_pages() for this language

    def t(self, value: T | None) -> str:
        return value(self.lang) if value is not None else ""

    def addressed(self, value: T) -> str:
        """A form definition's text in the page's language, addressing the reader as the form pages do."""
        return addressed(value.ar, gender_of(self.assoc)) if self.lang == "ar" else value.en

    def phone_link(self, phone: Phone) -> str:
        return f'<a href="tel:{phone.number}" dir="ltr">{html.escape(phone.display)}</a>'

    def email_link(self) -> str:
        e = self.assoc.email
        return f'<a href="mailto:{html.escape(e)}" dir="ltr">{html.escape(e)}</a>' if e else ""

    def website_link(self) -> str:
        w = self.assoc.website
        if not w:
            return ""
        shown = re.sub(r"^https?://", "", w).rstrip("/")
        return f'<a href="{html.escape(w)}" dir="ltr">{html.escape(shown)}</a>'

    def social_links(self) -> list[str]:
        return [f'{social_name(s["network"], self.lang)}: '
                f'<a href="{html.escape(s["url"])}" dir="ltr">@{html.escape(s["handle"])}</a>'
                for s in self.assoc.social]

    def forms(self) -> dict[str, FormDef]:
        """The association's form definitions by id (for ``required_documents`` and ``forms`` in pages)."""
        from mustafid.forms.load import load_forms

        return load_forms(self.assoc)

    def required_documents(self, form_id: str) -> list[str]:
        """What to bring for a form, in the page's language: each file field's ``document`` label (its label
        when it has none), in the form's order. Empty when the association has no such form."""
        form = self.forms().get(form_id)
        return [self.addressed(d.label) for d in form.documents] if form is not None else []

    def number(self, n: int) -> str:
        return arabic_digits(n) if self.lang == "ar" else str(n)

    def you(self, masculine: str, feminine: str) -> str:
        """The word that addresses the reader, in the association's gender (association.yml
        ``address_applicant_as``): ``{{ you("احتفظ", "احتفظي") }}`` is the feminine on a women's association's
        Arabic pages and the masculine everywhere else (English pages have one form and need no call)."""
        return feminine if self.lang == "ar" and gender_of(self.assoc) == "feminine" else masculine

    def as_dict(self, page_src_uri: str) -> dict[str, Any]:
        a, lang = self.assoc, self.lang
        policy = {k: v(lang) for k, v in a.policy.items()}
        for key in OPTIONAL_POLICY_KEYS:
            policy.setdefault(key, "")
        return {
            "assoc": a, "lang": lang, "t": self.t, "ltr": ltr, "number": self.number, "link": PageLinks(page_src_uri),
            "you": self.you,
            "name": a.name(lang), "short_name": a.short_name(lang), "city": a.city(lang), "region": a.region(lang),
            "policy": policy, "period": a.decision_period(lang), "period_days": self.number(a.decision_period_days),
            "period_wording": a.decision_period_wording(lang), "referral": a.referral_to_social_research,
            "period_days_words": count(a.decision_period_days, DAY, lang, case="nom"),
            "map_url": str(a.raw.get("contacts", {}).get("map_url") or ""),
            "committee_name": a.committee_name(lang), "licence_number": a.raw.get("licence_number") or "",
            "phones": a.phones, "phone_link": self.phone_link, "email_link": self.email_link(),
            "website_link": self.website_link(), "social_links": self.social_links(),
            "address": self.t(a.address), "opening_hours": self.t(a.opening_hours),
            "channels": [(c, CHANNEL_LABELS[c](lang)) for c in a.channels],
            "staff_tools": [self.t(x) for x in a.staff_tools],
            "board": [(self.number(i), m.name(lang), m.position(lang)) for i, m in enumerate(a.board_members, 1)],
            "approval_statement": a.approval_statement(lang), "approval_year": a.approval_year,
            # the forms themselves (not the list of forms or the receipt page)
            "form_pages": [p for p in self.form_pages
                           if getattr(p, "in_nav", True) and getattr(p, "form_id", None) != ""],
            "forms": {fid: {"title": f.title(lang), "description": self.addressed(f.description),
                            "src_uri": f"forms/{fid}.md"} for fid, f in self.forms().items() if f.audience == "public"},
            "required_documents": self.required_documents,
        }


def page_context(assoc: Association, lang: str, page_src_uri: str,
                 form_pages: Sequence[GeneratedPage] = ()) -> dict[str, Any]:
    """The Jinja values of one content page (``page_src_uri`` relative to its language folder)."""
    return SiteContext(assoc, lang, [p for p in form_pages if p.lang == lang]).as_dict(page_src_uri)


@cache
def markdown_env() -> jinja2.Environment:
    return jinja2.Environment(undefined=jinja2.StrictUndefined, autoescape=False,  # Markdown, not HTML
                              keep_trailing_newline=True,
                              comment_start_string=COMMENT_TAGS[0], comment_end_string=COMMENT_TAGS[1])


def render_markdown(markdown: str, context: dict[str, Any]) -> str:
    """A content page with its values filled in; jinja2.TemplateError (with its line) when it is broken."""
    return markdown_env().from_string(markdown).render(context)

