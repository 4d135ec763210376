"""The bilingual site of one association: what the Markdown pages can say about it, and the build itself.

One ``mkdocs.yml`` and one ``content/`` serve every association. The pages are Jinja2 templates rendered at
build time with the association in context (by ``mkdocs_plugin.MustafidPlugin``), so a value such as the
promised decision period is typed once, in ``association.yml``. Sentences whose wording differs between
associations come from the association's ``policy:`` entries (``POLICY_KEYS``).
"""

from __future__ import annotations

import html
import posixpath
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from mustafid.config.association import Association
from mustafid.core.errors import ConfigError, Problem, UserError
from mustafid.core.text import T, arabic_digits

# Repository root: mkdocs.yml and content/ live there (tools/mustafid/site.py -> ../../).
PROJECT_ROOT = Path(__file__).resolve().with_name("project")  # the mkdocs.yml and content/ every association shares
STATIC_DIR = Path(__file__).with_name("static")

# Sentences of the policy that each association words its own way (see the two seeds). Required ones must be
# in every association.yml; optional ones appear only where the association's policy has them.
POLICY_KEYS: dict[str, T] = {
    "title": T("عنوان السياسة", "the policy's title"),
    "introduction_title": T("عنوان المقدمة (تمهيد أو مقدمة)", "the introduction's heading"),
    "goal_access": T("الهدف التفصيلي الأول (تقدير حاجة المستفيد...)", "the first detailed goal (assessing the beneficiary's need...)"),
    "practice_evaluation": T("ممارسة نشر ثقافة تقييم الخدمة", "the practice of spreading the culture of evaluating the service"),
    "procedure_lead": T("جملة تقديم إجراءات التعامل مع المستفيد", "the sentence that introduces the service procedure"),
    "procedure_verify": T("خطوة التأكد من صحة البيانات", "the step of confirming the data are correct"),
    "board_name_header": T("عنوان عمود الاسم في جدول الاعتماد", "the name column's heading in the approval table"),
    "board_position_header": T("عنوان عمود المنصب في جدول الاعتماد", "the position column's heading in the approval table"),
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
    "instagram": T("إنستغرام", "Instagram"), "x": T("إكس (تويتر)", "X (Twitter)"), "twitter": T("إكس (تويتر)", "X (Twitter)"),
    "snapchat": T("سناب شات", "Snapchat"), "youtube": T("يوتيوب", "YouTube"), "tiktok": T("تيك توك", "TikTok"),
    "linkedin": T("لينكدإن", "LinkedIn"), "facebook": T("فيسبوك", "Facebook"), "whatsapp": T("واتساب", "WhatsApp"),
}

# Harakat, Quranic marks, superscript alef and tatweel: stripped from the search index so that a search typed
# without them (as people type) finds text written with them, and the other way round.
TASHKEEL = re.compile("[\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06dc\u06df-\u06e8\u06ea-\u06ed\u0640]")


def strip_tashkeel(text: str) -> str:
    return TASHKEEL.sub("", text)


def check_policy_entries(assoc: Association) -> list[Problem]:
    """Every required ``policy:`` sentence missing from association.yml, all at once."""
    file = str(assoc.config_path)
    return [Problem(file, f"policy.{key}",
                    f"جملة السياسة «{key}» مفقودة: أضِف {what.ar} بنص سياسة الجمعية (ar و en)",
                    f"policy sentence '{key}' is missing: add {what.en} in the association's own words (ar and en)")
            for key, what in POLICY_KEYS.items() if key not in assoc.policy]


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
    form_pages: list[Any] = field(default_factory=list)  # pages.generated_pages() items for this language

    def t(self, value: T | None) -> str:
        return value(self.lang) if value is not None else ""

    def phone_link(self, phone: Any) -> str:
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
        out = []
        for s in self.assoc.social:
            net = SOCIAL_NAMES.get(s["network"], T(s["network"], s["network"]))(self.lang)
            out.append(f'{net}: <a href="{html.escape(s["url"])}" dir="ltr">@{html.escape(s["handle"])}</a>')
        return out

    def forms(self) -> dict[str, Any]:
        """The association's form definitions by id (for ``required_documents`` and ``forms`` in pages)."""
        from mustafid.forms.load import load_forms

        return load_forms(self.assoc)

    def required_documents(self, form_id: str) -> list[str]:
        """What to bring for a form, in the page's language: each file field's ``document`` label (its label
        when it has none), in the form's order. Empty when the association has no such form."""
        form = self.forms().get(form_id)
        return [d.label(self.lang) for d in form.documents] if form is not None else []

    def number(self, n: int) -> str:
        return arabic_digits(n) if self.lang == "ar" else str(n)

    def as_dict(self, page_src_uri: str) -> dict[str, Any]:
        a, lang = self.assoc, self.lang
        policy = {k: v(lang) for k, v in a.policy.items()}
        for key in OPTIONAL_POLICY_KEYS:
            policy.setdefault(key, "")
        return {
            "assoc": a, "lang": lang, "t": self.t, "ltr": ltr, "number": self.number, "link": PageLinks(page_src_uri),
            "name": a.name(lang), "short_name": a.short_name(lang), "city": a.city(lang), "region": a.region(lang),
            "policy": policy, "period": a.decision_period(lang), "period_days": self.number(a.decision_period_days),
            "period_wording": a.decision_period_wording(lang), "referral": a.referral_to_social_research,
            "committee_name": a.committee_name(lang), "licence_number": a.raw.get("licence_number") or "",
            "phones": a.phones, "phone_link": self.phone_link, "email_link": self.email_link(),
            "website_link": self.website_link(), "social_links": self.social_links(),
            "address": self.t(a.address), "opening_hours": self.t(a.opening_hours),
            "channels": [(c, CHANNEL_LABELS[c](lang)) for c in a.channels],
            "staff_tools": [self.t(x) for x in a.staff_tools],
            "board": [(self.number(i), m.name(lang), m.position(lang)) for i, m in enumerate(a.board_members, 1)],
            "approval_statement": a.approval_statement(lang), "approval_year": a.approval_year,
            # the forms themselves (not the list of forms or the receipt page)
            "form_pages": [p for p in self.form_pages if getattr(p, "in_nav", True) and getattr(p, "form_id", None) != ""],
            "forms": {fid: {"title": f.title(lang), "description": f.description(lang), "src_uri": f"forms/{fid}.md"}
                      for fid, f in self.forms().items() if f.audience == "public"},
            "required_documents": self.required_documents,
        }


def mkdocs_config_path(assoc_dir: Path) -> Path:
    """The site definition: an association folder may carry its own mkdocs.yml, else the project's."""
    own = assoc_dir / "mkdocs.yml"
    return own if own.is_file() else PROJECT_ROOT / "mkdocs.yml"


def build_site(assoc_dir: Path, out_dir: Path, *, quiet: bool = True,
               progress: Callable[[str], None] | None = None) -> Path:
    """Build the bilingual site of the association in ``assoc_dir`` into ``out_dir``; return ``out_dir``.

    Raises ConfigError (every problem of association.yml, or missing ``policy:`` sentences) and UserError
    (a page without its twin in the other language, a template error naming the page) — both exit 1 in the CLI.
    """
    import logging

    from mkdocs.commands.build import build
    from mkdocs.config import load_config
    from mkdocs.exceptions import Abort, ConfigurationError, PluginError

    from mustafid.config.association import load_association

    assoc = load_association(assoc_dir)  # fails before mkdocs starts, with every problem listed
    problems = check_policy_entries(assoc)
    if problems:
        raise ConfigError("نصوص السياسة الخاصة بالجمعية ناقصة في association.yml",
                          "association.yml lacks some of the association's own policy sentences", problems)
    out_dir = Path(out_dir).resolve()
    cfg_path = mkdocs_config_path(Path(assoc_dir))
    if progress:
        progress(f"{cfg_path} -> {out_dir}")
    levels = {}
    if quiet:  # mkdocs and static-i18n narrate every language build at INFO
        for name in ("mkdocs", "mkdocs.plugins"):
            levels[name] = logging.getLogger(name).level
            logging.getLogger(name).setLevel(logging.WARNING)
    config = None
    try:
        # mkdocs resolves docs_dir against the config file, so the build does not depend on the current folder
        config = load_config(config_file=str(cfg_path), site_dir=str(out_dir))
        plugin = config.plugins["mustafid"]
        plugin.association_dir = Path(assoc_dir).resolve()  # type: ignore[attr-defined]
        plugin.association = assoc  # type: ignore[attr-defined]

        def not_reported_twice(record: logging.LogRecord) -> bool:
            # mkdocs logs a plugin's error before aborting; the UserError below says it once, with the fix
            failure = getattr(plugin, "failure", None)
            msg = record.getMessage()
            return not (record.levelno >= logging.ERROR and (
                (failure and failure in msg) or msg.startswith("Error reading page")))

        # logger filters see only their own logger's records: mkdocs logs build errors on mkdocs.commands.build
        filtered = [logging.getLogger(n) for n in ("mkdocs", "mkdocs.commands.build")]
        for logger in filtered:
            logger.addFilter(not_reported_twice)
        try:
            build(config)
        finally:
            for logger in filtered:
                logger.removeFilter(not_reported_twice)
    except (PluginError, Abort) as exc:
        # mkdocs logs a page's error and raises a bare Abort: the plugin kept the message that says what to fix
        failure = getattr(config.plugins.get("mustafid"), "failure", None) if config is not None else None
        raise UserError("تعذّر بناء الموقع | the site could not be built", str(failure or exc)) from None
    except ConfigurationError as exc:
        raise UserError("إعداد mkdocs غير صالح", "the mkdocs configuration is not valid",
                        [Problem(str(cfg_path), "", str(exc), str(exc))]) from None
    finally:
        for name, level in levels.items():
            logging.getLogger(name).setLevel(level)
    return out_dir
