"""`mustafid submit` without a file: the form asked question by question in the terminal, in Arabic or English,
from the same definitions as the web page (titles, labels, hints, choices, relevance, repeat groups).

The interview walks the pages (each question: staff/questions.py), then asks again what only the whole request
shows to be wrong, shows the numbered summary where any answer can be changed, and ends with the declaration.
Nothing is written here; the caller passes the result to ``Intake.accept``. Input is read line by line through
``read`` (None at the end of input), so a pipe works as well as a terminal.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from mustafid.core.normalize import normalize_digits, small_int
from mustafid.core.vocab import is_yes
from mustafid.forms import messages as M
from mustafid.forms.conditions import evaluate
from mustafid.forms.model import Field
from mustafid.forms.validation import CONSENT_FIELD, DECLARATION_FIELD
from mustafid.forms.widgets import UI
from mustafid.intake.uploads import Upload
from mustafid.staff.prompts import TEXT
from mustafid.staff.questions import Questions


class Interview(Questions):
    """The whole interview: ``Interview(intake, form, lang, read, write, prompt, uploads=...).run()``."""

    def run(self) -> tuple[dict[str, Any], list[Upload]]:
        """Ask everything; return (raw fields, uploads) ready for ``Intake.accept``."""
        t = self.t
        self.write(t(TEXT["start"].format(title=self.form.title(self.lang))))
        self.check()
        for page in self.form.pages:
            self.write("")
            self.write(f"== {t(page.title)} ==")
            if page.intro:
                self.write(t(page.intro))
            self.fields(page.fields, "")
        self.correct_remaining()
        while self.change():  # the summary, and any answer changed, until the staff member goes on
            pass
        self.declaration()
        return dict(self.raw), self.all_uploads()


    # -- the end ---------------------------------------------------------------------------------------------

    def targets(self) -> Iterator[tuple[Field, str]]:
        """The questions to ask again for the remaining problems (a rule's own field and those it names)."""
        seen: set[str] = set()
        rules = {r.id: r for r in self.form.rules}
        for p in self.problems:
            paths = [p.path]
            if p.code in rules:
                paths += _condition_fields(rules[p.code].when) + _condition_fields(rules[p.code].check)
            for path in paths:
                key, f = path, self.form.field(path)
                if f is None and "." in path:  # a part of a national address
                    key = path.rsplit(".", 1)[0]
                    f = self.form.field(key)
                if f is not None and key not in seen:
                    seen.add(key)
                    yield f, key

    def correct_remaining(self) -> None:
        """Problems only the whole request shows (cross-field rules, a question that became required): ask
        those questions again until none is left; what cannot be asked is left for ``accept`` to report."""
        self.check()
        while self.problems:
            self.write("")
            self.write(self.t(TEXT["fix"]))
            for p in self.problems:
                self.write(f"  ✗ {p.ar if self.lang == 'ar' else p.en}")
            targets = list(self.targets())
            if not targets:
                return
            for f, key in targets:
                self.ask_field(f, key)
            self.check()

    def summary(self) -> list[tuple[Field, str]]:
        """The answers, each question numbered (a group's items under its number); returns what the numbers
        stand for."""
        self.write("")
        self.write(f"== {self.t(TEXT['summary'])} ==")
        numbered: list[tuple[Field, str]] = []
        for f in self.form.fields:
            if f.type == "note" or not evaluate(f.relevant, self.data, None):
                continue
            if f.type == "calculated":  # shown, not numbered: it follows from the other answers
                for label, answer in self.answer_rows(f):
                    self.write(f"    {label}: {answer}")
                continue
            rows = self.answer_rows(f) or [(self.t(f.label), "—")]
            numbered.append((f, f.id))
            mark = f"{self.num(len(numbered))}."
            for i, (label, answer) in enumerate(rows):
                self.write(f"{mark if i == 0 else ' ' * len(mark)}  {label}: {answer}")
        return numbered

    def answer_rows(self, f: Field) -> list[tuple[str, str]]:
        """(label, answer) lines of one top-level question as the summary shows it; none while unanswered."""
        if f.type == "file":
            files = self.uploads.get(f.id) or []
            names = ("، " if self.lang == "ar" else ", ").join(u.name for u in files)
            return [(self.t(f.label), names)] if files else []
        return self.form.summary({f.id: self.data[f.id]}, self.lang) if f.id in self.data else []

    def change(self) -> bool:
        """Show the summary and ask whether to change an answer; True when one was changed (show it again)."""
        numbered = self.summary()
        while True:
            self.write(self.t(TEXT["change"]))
            answer = self.line()
            if not answer:
                return False
            n = small_int(answer)
            if n is not None and 1 <= n <= len(numbered):
                break
            self.write(f"  ✗ {self.t(TEXT['change_bad'])}")
        f, key = numbered[n - 1]
        self.write("")
        if f.type in ("file", "repeat", "national_address"):  # asked afresh: the old answer goes first
            self.forget(key)
            self.uploads.pop(key, None)
        self.ask_field(f, key)
        self.check()
        self.reconsider()
        self.correct_remaining()
        return True

    def reconsider(self) -> None:
        """After a changed answer other questions may apply, or no longer: drop those that do not (with their
        documents), ask the required ones now missing."""
        for g in self.form.fields:
            if not evaluate(g.relevant, self.data, None):
                if not (self.forget(g.id) | bool(self.uploads.pop(g.id, None))):
                    continue
            elif g.required and g.type not in ("note", "calculated") and g.id not in self.data \
                    and g.id not in self.uploads:
                self.ask_field(g, g.id)
            else:
                continue
            self.check()  # only after a change: what applies next depends on it

    def declaration(self) -> None:
        self.write("")
        self.write(f"== {self.t(TEXT['declaration'])} ==")
        asks = [(DECLARATION_FIELD, self.form.declaration.confirm, M.DECLARATION)]
        if self.form.asks_personal_data:
            asks.append((CONSENT_FIELD, self.form.declaration.consent or M.CONSENT, M.CONSENT))
        for name, text, refusal in asks:
            while True:
                self.write(self.t(TEXT["agree"]))
                self.write(self.t(text))
                self.write(f"  {self.num(1)}. {self.t(UI['yes'])}   {self.num(2)}. {self.t(UI['no'])}")
                if is_yes(normalize_digits(self.line())):
                    self.raw[name] = "yes"
                    break
                self.write(f"  ✗ {self.t(refusal)}")


def _condition_fields(cond: Any) -> list[str]:
    if isinstance(cond, Mapping):
        return ([str(cond["field"])] if isinstance(cond.get("field"), str) and cond["field"] != "." else []) + \
            [x for v in cond.values() for x in _condition_fields(v)]
    if isinstance(cond, list):
        return [x for v in cond for x in _condition_fields(v)]
    return []
