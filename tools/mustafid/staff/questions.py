"""The interview's questions: the session's answers so far and the asking of each question, one at a time.

Each answer goes into the same raw fields the web form posts and is re-checked at once by the intake's own
checks (``Intake.check``): a problem with that answer is said in the chosen language and the question asked
again. The order of the questions, the summary and the declaration are staff/interview.py's.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from mustafid.core.errors import Problem
from mustafid.core.normalize import match_key, normalize_digits, small_int
from mustafid.core.text import T, arabic_digits
from mustafid.forms.conditions import evaluate
from mustafid.forms.model import Choice, Field, FormDef
from mustafid.forms.validators import ADDRESS_PARTS, ADDRESS_REQUIRED
from mustafid.forms.widgets import ADDRESS_LABELS, REPEAT_CAP, UI
from mustafid.intake.service import Intake
from mustafid.intake.uploads import Upload, content_problems, files_by_field
from mustafid.staff.answers import NO_SUCH_FILE, read_upload
from mustafid.staff.prompts import TEXT, EndOfInput

_SEPARATORS = str.maketrans({"،": ",", "؛": ",", ";": ","})  # between the numbers of a multiple choice


@dataclass
class Questions:
    """The session: the answers so far (as the web form posts them), their check, and asking each question."""

    intake: Intake
    form: FormDef
    lang: str
    read: Callable[[], str | None]        # one line without its line break; None at the end of input
    write: Callable[[str], None]          # one line of output
    prompt: Callable[[str], None] = lambda _: None  # the "> " before an answer (no line break)
    raw: dict[str, Any] = field(default_factory=dict)
    uploads: dict[str, list[Upload]] = field(default_factory=dict)  # field -> its files, in the order given
    data: dict[str, Any] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)

    def all_uploads(self) -> list[Upload]:
        return [u for files in self.uploads.values() for u in files]

    def t(self, text: T) -> str:
        return text(self.lang)

    def num(self, n: int) -> str:
        return arabic_digits(n) if self.lang == "ar" else str(n)

    def line(self) -> str:
        self.prompt("> ")
        got = self.read()
        if got is None:
            raise EndOfInput()
        return got.strip()

    def check(self) -> None:
        """Re-run the intake's checks on the answers so far (no declaration yet)."""
        self.data, self.problems = self.intake.check(self.form, self.raw, self.lang, files_by_field(self.all_uploads()),
                                                     require_declaration=False)
        self.problems += content_problems(self.all_uploads())

    def problems_at(self, key: str) -> list[Problem]:
        """This answer's own problems. Cross-field rules and count checks wait for the end: they may name
        answers not asked yet."""
        later = {r.id for r in self.form.rules} | {"count_mismatch"}
        return [p for p in self.problems if (p.path == key or p.path.startswith(key + ".")) and p.code not in later]

    def item(self, prefix: str) -> dict[str, Any] | None:
        """The typed repeat item a prefix like ``family.2.`` points at ({} while it holds no answer yet)."""
        if not prefix:
            return None
        parts = prefix.rstrip(".").split(".")
        node: Any = self.data
        for name, index in zip(parts[::2], parts[1::2], strict=False):
            items = node.get(name) if isinstance(node, Mapping) else None
            if not isinstance(items, list) or int(index) >= len(items):
                return {}
            node = items[int(index)]
        return node if isinstance(node, dict) else {}

    # -- walking the definition ------------------------------------------------------------------------------

    def fields(self, fields: Sequence[Field], prefix: str) -> None:
        for f in fields:
            key = prefix + f.id
            if not evaluate(f.relevant, self.data, self.item(prefix)):
                self.forget(key)
                continue
            if f.type == "note":
                self.write(self.t(f.text or f.label))
            elif f.type == "calculated":
                continue
            else:
                self.ask_field(f, key)

    def ask_field(self, f: Field, key: str) -> None:
        if f.type == "repeat":
            self.repeat(f, key)
        elif f.type == "national_address":
            self.address(f, key)
        elif f.type == "file":
            self.file(f, key)
        else:
            self.question(f, key)

    def forget(self, key: str) -> bool:
        """Drop an answer (and its parts); True if there was one."""
        gone = [k for k in self.raw if k == key or k.startswith(key + ".")]
        for k in gone:
            del self.raw[k]
        return bool(gone)

    def heading(self, f: Field) -> None:
        req = " " + self.t(UI["required"]) if f.required else ""
        self.write(f"{self.t(f.label)}{req}")
        if f.hint:
            self.write(f"  ({self.t(f.hint)})")

    def retry(self, key: str) -> bool:
        """Check again; say this answer's problems and return True when it must be asked again."""
        self.check()
        mine = self.problems_at(key)
        for p in mine:
            self.write(f"  ✗ {p.ar if self.lang == 'ar' else p.en}")
        return bool(mine)

    # -- one question ----------------------------------------------------------------------------------------

    def options(self, f: Field, prefix: str) -> list[Choice]:
        choices = list(self.form.choices.get(f.choices or "", ()))
        if f.choice_filter:
            item = self.item(prefix) or {}
            parent = item.get(f.choice_filter, self.data.get(f.choice_filter))
            if parent is not None:
                choices = [c for c in choices if c.attrs.get(f.choice_filter) == str(parent)]
        return choices

    def pick(self, choices: Sequence[Choice], answer: str) -> str:
        """The value for a number, a value or a label; anything else is passed on for validation to refuse."""
        n = small_int(answer)
        if n is not None and 1 <= n <= len(choices):
            return choices[n - 1].value
        key = match_key(answer)
        for c in choices:
            if answer == c.value or key in (match_key(c.label.ar), match_key(c.label.en)):
                return c.value
        return answer

    def question(self, f: Field, key: str) -> None:
        prefix = key[: len(key) - len(f.id)]
        while True:
            self.heading(f)
            choices: list[Choice] = []
            if f.type in ("choice", "multi_choice"):
                choices = self.options(f, prefix)
                for i, c in enumerate(choices, 1):
                    self.write(f"  {self.num(i)}. {self.t(c.label)}")
                self.write("  " + self.t(TEXT["pick_many" if f.type == "multi_choice" else "pick"]))
            elif f.type == "yes_no":
                self.write(f"  {self.num(1)}. {self.t(UI['yes'])}   {self.num(2)}. {self.t(UI['no'])}")
            elif f.type == "date" and not f.hint:  # as on the page: the field's own hint, else its calendar's
                self.write("  (" + self.t(UI["date_gregorian" if f.calendar == "gregorian" else "date_hijri"]) + ")")
            answer = self.line()
            value: str | list[str]
            if f.type == "multi_choice":
                value = [self.pick(choices, a.strip()) for a in answer.translate(_SEPARATORS).split(",") if a.strip()]
            elif f.type == "choice" and answer:
                value = self.pick(choices, answer)
            elif f.type == "yes_no" and answer:
                value = {"1": "yes", "2": "no"}.get(normalize_digits(answer), answer)
            else:
                value = answer
            self.forget(key)
            if value:
                self.raw[key] = value
            if not self.retry(key):
                return

    def address(self, f: Field, key: str) -> None:
        self.heading(f)
        for part in ADDRESS_PARTS:
            k = f"{key}.{part}"
            skipped = False
            while True:
                req = " " + self.t(UI["required"]) if f.required and part in ADDRESS_REQUIRED else ""
                self.write(f"  {self.t(ADDRESS_LABELS[part])}{req}")
                answer = self.line()
                self.raw.pop(k, None)
                if answer:
                    self.raw[k] = answer
                elif skipped:
                    # The parts already typed make this one required, and there is no going back to clear them:
                    # an applicant who knows only part of an optional address would be stuck here.
                    self.forget(key)
                    self.check()
                    return
                if not self.retry(k):
                    break
                if not answer and not f.required:
                    skipped = True
                    self.write("  " + self.t(TEXT["drop_address"]))

    def file(self, f: Field, key: str) -> None:
        if self.uploads.get(key) and not self.problems_at(key):  # given with --document
            self.heading(f)
            for u in self.uploads[key]:
                self.write("  " + self.t(TEXT["attached"].format(name=u.name)))
            return
        while True:
            self.heading(f)
            self.write("  " + self.t(UI["files"].format(types=", ".join(f.accept), mb=f.max_size_mb)))
            self.write("  " + self.t(TEXT["file"]))
            self.uploads.pop(key, None)
            got: list[Upload] = []
            while True:  # one path, or for a document of several files one path a line until Enter
                answer = self.line()
                if not answer:
                    break
                path = Path(answer).expanduser()
                if not path.is_file():
                    self.write(f"  ✗ {self.t(NO_SUCH_FILE)}")
                    continue
                got.append(read_upload(self.form, key, path))
                if not f.multiple:
                    break
                self.write("  " + self.t(TEXT["another_file"]))
            if got:
                self.uploads[key] = got
            if not self.retry(key):
                return

    def repeat(self, f: Field, key: str) -> None:
        item = self.t(f.item_label or f.label)
        lo = max(f.min_items, 1 if f.required else 0)
        hi = min(f.max_items if f.max_items is not None else REPEAT_CAP, REPEAT_CAP)
        count = self.data.get(f.count_from) if f.count_from else None
        self.write(f"{self.t(f.label)}")
        if not isinstance(count, int) or isinstance(count, bool):
            while True:
                self.write(self.t(TEXT["how_many"].format(item=item)))
                n = small_int(self.line())
                if n is not None and lo <= n <= hi:
                    count = n
                    break
                self.write("  ✗ " + self.t(TEXT["how_many_bad"].format(min=self.num(lo), max=self.num(hi))))
        self.forget(key)
        index = 0
        for n in range(1, min(count, REPEAT_CAP) + 1):
            self.write(self.t(TEXT["item"].format(item=item, n=self.num(n))))
            prefix = f"{key}.{index}."
            self.fields(f.fields, prefix)
            # An item left empty is not an item (the intake drops it too): the next one takes its place.
            if any(k.startswith(prefix) for k in self.raw):
                index += 1
        self.check()
