"""`mustafid submit --channel interview` of the long support request, answered as a person at the terminal
answers: a real subprocess on pipes, each prompt read until the process waits at the input marker, and each
question answered from what it says (its label, its numbered choices), with the answers taken from an example
record. Nothing here knows the order of the questions."""

from __future__ import annotations

import codecs
import datetime as dt
import hashlib
import os
import queue
import re
import subprocess
import sys
import threading
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from mustafid.config.association import load_association
from mustafid.core.normalize import normalize_digits
from mustafid.core.text import arabic_digits
from mustafid.forms.load import load_forms
from mustafid.forms.model import Field, FormDef
from mustafid.forms.validators import Invalid, hijri_of, national_id
from mustafid.forms.widgets import ADDRESS_LABELS, UI
from mustafid.staff.prompts import TEXT
from tests.helpers import make_association_repo
from tests.intake.util import example_record, fake_pdf, refs
from tests.staff.util import STAFF, new_submission

PROMPT = "> "          # Interview.line() writes this, without a line break, before it reads an answer
READ_TIMEOUT = 60.0    # a prompt that never comes fails the test instead of hanging it
FORM = "support-request"
GROUPS = {"ajaa": "family", "kahatain": "orphans"}
ITEM_RE = re.compile(r"^— (.+) (\S+) —$")
PAGE_RE = re.compile(r"^== (.+) ==$")


class Terminal:
    """The interview's pipes: everything written is kept in ``transcript``; ``block()`` returns what was
    written since the last answer, once the process waits at the prompt (None when it has ended)."""

    def __init__(self, argv: list[str], cwd: Path, stderr: Path) -> None:
        env = {k: v for k, v in os.environ.items() if not k.startswith("MUSTAFID_")}
        env["MUSTAFID_ACTOR"] = STAFF
        self.err = stderr.open("wb")
        self.proc = subprocess.Popen(argv, cwd=cwd, env=env, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     stderr=self.err)
        self.chunks: queue.Queue[bytes] = queue.Queue()
        self.reader = threading.Thread(target=self._pump, daemon=True)
        self.reader.start()
        self.decoder = codecs.getincrementaldecoder("utf-8")()
        self.transcript = ""
        self.ended = False

    def _pump(self) -> None:
        assert self.proc.stdout is not None
        fd = self.proc.stdout.fileno()
        while chunk := os.read(fd, 65536):
            self.chunks.put(chunk)
        self.chunks.put(b"")

    def block(self) -> str | None:
        start = len(self.transcript)
        while not self.transcript.endswith(PROMPT) or len(self.transcript) == start:
            if self.ended:
                return None
            try:
                chunk = self.chunks.get(timeout=READ_TIMEOUT)
            except queue.Empty:
                pytest.fail(f"no prompt within {READ_TIMEOUT:.0f}s; the screen ends with:\n{self.transcript[-1500:]}")
            if chunk == b"":
                self.ended = True
                self.transcript += self.decoder.decode(b"", final=True)
                return None
            self.transcript += self.decoder.decode(chunk)
        return self.transcript[start:]

    def answer(self, text: str) -> None:
        assert self.proc.stdin is not None
        self.transcript += text  # as a terminal would echo it (the command prints the line break)
        self.proc.stdin.write(text.encode("utf-8") + b"\n")
        self.proc.stdin.flush()

    def close(self, kill: bool = False) -> int:
        """The exit code, once the process has ended (killed first when the test gave up on it)."""
        try:
            if kill:
                self.proc.kill()
            assert self.proc.stdin is not None
            self.proc.stdin.close()
            return self.proc.wait(timeout=READ_TIMEOUT)
        finally:
            if self.proc.poll() is None:
                self.proc.kill()
                self.proc.wait()
            self.err.close()


@dataclass
class Applicant:
    """Answers an interview from an example record's data, question by question, from what the screen shows."""

    form: FormDef
    lang: str
    data: Mapping[str, Any]
    documents: Mapping[str, Path | list[Path]]  # file field → the file (or files) to give
    refuse_once: Mapping[str, str] = field(default_factory=dict)  # path → a wrong answer given first
    change: Mapping[str, Any] = field(default_factory=dict)  # at the summary: new answers, the first one's number typed
    changed: bool = False
    group: Field | None = None
    index: int = 0
    heading: Field | None = None
    asked: list[str] = field(default_factory=list)    # paths in the order asked
    given: dict[str, Path | list[Path]] = field(default_factory=dict)  # documents given: field → file(s)
    pending: list[Path] = field(default_factory=list)  # the rest of a document of several files

    def __post_init__(self) -> None:
        self.top = self._labels(self.form.fields)
        self.items = {self.t(f.item_label or f.label): f for _, f in self.form.walk() if f.type == "repeat"}
        self.parts = {self.t(label): part for part, label in ADDRESS_LABELS.items()}
        self.required = " " + self.t(UI["required"])
        self.declarations = {self.t(self.form.declaration.confirm)}
        if self.form.declaration.consent:
            self.declarations.add(self.t(self.form.declaration.consent))

    def t(self, text: Any) -> str:
        return str(text(self.lang))

    def _labels(self, fields: tuple[Field, ...]) -> dict[str, Field]:
        out = {self.t(f.label): f for f in fields if f.type != "note"}
        assert len(out) == len([f for f in fields if f.type != "note"]), "labels must tell the questions apart"
        return out

    def digits(self, text: str | int) -> str:
        return arabic_digits(text) if self.lang == "ar" else str(text)

    # -- reading the screen --------------------------------------------------------------------------------------

    def reply(self, block: str) -> str:
        lines = block.split("\n")
        assert lines[-1] == PROMPT, lines[-1]
        lines = lines[:-1]
        for line in lines:
            if PAGE_RE.match(line):
                self.group = None
            elif (m := ITEM_RE.match(line)) and m.group(1) in self.items:
                self.group, self.index = self.items[m.group(1)], int(normalize_digits(m.group(2))) - 1
            elif line and not line.startswith(" "):
                self.heading = self.field_of(line.removesuffix(self.required))
        last = lines[-1] if lines else ""
        if self.heading is not None and self.heading.type == "national_address" and last.startswith("  "):
            part = self.parts[last.strip().removesuffix(self.required.strip()).strip()]
            return self.say(f"address.{part}", str((self.data.get("address") or {}).get(part, "")))
        if last.strip() == self.t(TEXT["another_file"]):
            return str(self.pending.pop(0)) if self.pending else ""
        text = next(line for line in reversed(lines) if line and not line.startswith(" "))
        if text == self.t(TEXT["change"]):
            return self.change_one(lines)
        if text in self.declarations:
            return self.choose(lines, self.t(UI["yes"]))
        if self.heading is None:
            raise AssertionError(f"a question the test does not know: {text!r}")
        return self.question(self.heading, lines)

    def change_one(self, lines: list[str]) -> str:
        """At the summary: the number shown beside the question to change (once), then Enter to go on."""
        if not self.change or self.changed:
            return ""
        self.changed = True
        first = next(iter(self.change))
        label = re.escape(self.t(self.top[next(k for k, f in self.top.items() if f.id == first)].label))
        number = next(m.group(1) for line in lines if (m := re.match(rf"^(\S+)\.  {label}: ", line)))
        self.data = {**self.data, **self.change}  # asked again, the question gets the new answer
        for key, value in self.change.items():
            if value is None:
                self.data.pop(key)
        return number

    def field_of(self, line: str) -> Field | None:
        """The field a heading names: in the repeat item being asked first, then the whole form (None for the
        other unindented lines: titles, notes, "how many")."""
        if self.group is not None:
            inner = self._labels(self.group.fields)
            if line in inner:
                return inner[line]
        return self.top.get(line)

    def path(self, f: Field) -> str:
        if self.group is not None and f in self.group.fields:
            return f"{self.group.id}.{self.index}.{f.id}"
        return f.id

    def value(self, path: str) -> Any:
        node: Any = self.data
        for part in path.split("."):
            if isinstance(node, list):
                node = node[int(part)] if int(part) < len(node) else {}
            else:
                node = node.get(part) if isinstance(node, Mapping) else None
        return node

    def say(self, path: str, text: str) -> str:
        if path in self.refuse_once and path not in self.asked:
            text = self.refuse_once[path]
        self.asked.append(path)
        return text

    @staticmethod
    def numbered(lines: list[str]) -> dict[str, str]:
        """The choices shown, label → the number shown beside it."""
        return {label: n for line in lines
                for n, label in re.findall(r"(\S+)\. (.+?)(?=\s{3}\S+\. |$)", line.strip())}

    def choose(self, lines: list[str], *labels: str) -> str:
        """In Arabic the numbers shown beside the labels; in English the labels themselves, as typed."""
        shown = self.numbered(lines)
        assert all(label in shown for label in labels), (labels, shown)
        if self.lang == "ar":
            return "، ".join(shown[label] for label in labels)
        return ", ".join(label.lower() for label in labels)

    def question(self, f: Field, lines: list[str]) -> str:
        path = self.path(f)
        v = self.value(path)
        if f.type == "repeat":  # asked how many only when no count field gave it
            assert self.t(TEXT["how_many"].format(item=self.t(f.item_label or f.label))) in lines
            return self.say(path, self.digits(len(v or [])))
        if f.type == "file":
            doc = self.documents.get(path)
            if doc is not None:
                self.given[path] = doc
            if isinstance(doc, list):
                self.pending = list(doc[1:])
                doc = doc[0]
            return self.say(path, str(doc) if doc else "")
        if v is None:
            return self.say(path, "")
        if f.type == "choice":
            return self.say(path, self.choose(lines, self.form.choice_label(f.choices or "", str(v), self.lang)))
        if f.type == "multi_choice":
            return self.say(path, self.choose(lines, *(self.form.choice_label(f.choices or "", str(x), self.lang)
                                                       for x in v)))
        if f.type == "yes_no":
            return self.say(path, self.choose(lines, self.t(UI["yes"] if v else UI["no"])))
        if f.type == "phone":  # as people say it: the local form
            return self.say(path, self.digits("0" + str(v).removeprefix("+966")))
        if f.type in ("integer", "money", "national_id"):
            return self.say(path, self.digits(v))
        if f.type == "date" and f.calendar == "hijri" and self.lang == "ar":
            try:  # a Hijri date is typed as Hijri where the Umm al-Qura tables reach, else as Gregorian
                return self.say(path, self.digits(hijri_of(dt.date.fromisoformat(v))))
            except OverflowError:
                return self.say(path, self.digits(v))
        return self.say(path, str(v))


def interview(repo: Path, tmp_path: Path, name: str, lang: str, refuse_once: Mapping[str, str] = {},
              data: Mapping[str, Any] | None = None, documents: Mapping[str, list[Path]] = {},
              args: Sequence[str] = (), change: Mapping[str, Any] = {}) -> tuple[Applicant, Terminal, int]:
    """Run the interview to its end with the example record's answers (or ``data``); (applicant, terminal,
    exit code)."""
    rec = example_record(name, FORM)
    form = load_forms(load_association(repo))[FORM]
    docs: dict[str, Path | list[Path]] = {}
    for i, d in enumerate(rec.get("documents") or []):
        path = tmp_path / f"{d['field']}.pdf"
        path.write_bytes(fake_pdf(i))
        docs[d["field"]] = path
    docs.update(documents)
    who = Applicant(form, lang, rec["data"] if data is None else data, docs, refuse_once, change)
    argv = [sys.executable, "-m", "mustafid", "submit", "--form", FORM, "--channel", "interview", *args]
    term = Terminal(argv + (["--lang", lang] if lang != "ar" else []), repo, tmp_path / "stderr.txt")
    try:
        for _ in range(500):
            block = term.block()
            if block is None:
                break
            term.answer(who.reply(block))
        else:
            pytest.fail("the interview never ends")
    except BaseException:
        term.close(kill=True)
        raise
    return who, term, term.close()


def wrong_check_digit(number: str) -> str:
    return number[:-1] + str((int(number[-1]) + 1) % 10)


def test_support_request_in_arabic(repo: Path, name: str, tmp_path: Path) -> None:
    rec = example_record(name, FORM)
    group = GROUPS[name]
    bad_id = arabic_digits(wrong_check_digit(rec["data"]["national_id"]))
    before = refs(repo)
    who, term, code = interview(repo, tmp_path, name, "ar", {"national_id": bad_id})
    screen = term.transcript
    assert code == 0, screen[-3000:] + (tmp_path / "stderr.txt").read_text(encoding="utf-8")

    # the refused ID is said with the validator's own Arabic message, then asked again and accepted
    with pytest.raises(Invalid) as refusal:
        national_id(bad_id)
    assert f"  ✗ {refusal.value.message.ar}\n" in screen
    assert who.asked.count("national_id") == 2
    # every item of the repeat group is asked, numbered in Arabic-Indic digits, its count never asked
    gf = who.form.field(group)
    assert gf is not None and gf.item_label is not None
    item = who.t(gf.item_label)
    for n in range(1, len(rec["data"][group]) + 1):
        assert f"— {item} {arabic_digits(n)} —\n" in screen
    assert TEXT["how_many"].ar.split("{")[0] not in screen
    # a member question that applies only under a condition (an orphan's health details, unless healthy) is
    # asked exactly where it applies; Ajaa's member questions all apply (the group itself has the condition)
    conditional = [f for f in gf.fields if f.relevant is not None]
    assert conditional or name == "ajaa"
    for i, member in enumerate(rec["data"][group]):
        for f in conditional:
            assert (f"{group}.{i}.{f.id}" in who.asked) == (f.id in member), (i, f.id)
    # a date question gives one example of how to write it: the field's own hint, else its calendar's
    born = who.form.field("birth_date")
    assert born is not None and born.hint is not None
    assert f"{born.label.ar} (مطلوب)\n  ({born.hint.ar})\n> " in screen
    # nothing left to correct at the end; the check-your-answers summary, then the declaration and consent
    assert who.t(TEXT["fix"]) not in screen
    summary = screen.index("== ملخص الإجابات ==")
    assert screen.index("== الإقرار ==") > summary
    for label, answer in who.form.summary(rec["data"], "ar"):
        assert f"  {label}: {answer}\n" in screen[summary:]
    assert "تم حفظ الطلب | request saved" in screen

    branch, record, message = new_submission(repo, before)  # one branch, one commit, one record; main unmoved
    data = record["data"]
    assert isinstance(data, dict)
    # typed in Arabic-Indic digits and the local form, stored as ASCII, E.164 and ints
    assert data["national_id"] == rec["data"]["national_id"] and data["mobile"].startswith("+9665")
    assert type(data[gf.count_from or ""]) is int
    assert data == rec["data"]
    assert record["channel"] == "interview" and record["status"] == "received"
    assert f"Mustafid-Actor: {STAFF}\n" in message and "Mustafid-Channel: interview\n" in message
    assert record["declaration"] == {"confirmed": True, "consent": True, "at": record["submitted_at"]}
    documents = record["documents"]
    assert isinstance(documents, list)
    docs = {d["field"]: d for d in documents}
    assert len(docs) == len(documents) and set(docs) == set(who.given) and who.given
    for f, path in who.given.items():
        assert docs[f]["name"] == path.name and docs[f]["type"] == "application/pdf"
        assert docs[f]["sha256"] == hashlib.sha256(path.read_bytes()).hexdigest()
        assert f"  {who.t(who.form.field(f).label)}: {path.name}\n" in screen[summary:]  # type: ignore[union-attr]
    assert str(record["id"]) in screen and branch in screen


def test_support_request_in_english(repo: Path, name: str, tmp_path: Path) -> None:
    """Choices typed by their English label, yes/no by the word. Ajaa's family is said to be nobody: the
    family group does not apply and none of its questions is asked; Kahatain's orphans are asked in English."""
    rec = example_record(name, FORM)
    data = dict(rec["data"])
    if name == "ajaa":
        data["family_count"] = 0
        del data["family"]
    before = refs(repo)
    who, term, code = interview(repo, tmp_path, name, "en", data=data)
    screen = term.transcript
    assert code == 0, screen[-3000:] + (tmp_path / "stderr.txt").read_text(encoding="utf-8")
    group = who.form.field(GROUPS[name])
    assert group is not None
    members = [p for p in who.asked if p.startswith(group.id + ".")]
    if name == "ajaa":
        assert not members and group.label.en not in screen
    else:
        assert f"— {group.item_label.en if group.item_label else ''} 2 —\n" in screen and members
    assert "== Summary of the answers ==" in screen and "== Declaration ==" in screen
    _, record, message = new_submission(repo, before)
    assert record["data"] == data and record["channel"] == "interview"
    assert f"Mustafid-Actor: {STAFF}\n" in message


def test_part_of_an_optional_address_can_be_left_out(tmp_path: Path) -> None:
    """The applicant knows the building number only: the street is refused as a missing part, and a second
    Enter leaves the whole (optional) address out instead of asking for the street for ever."""
    repo = make_association_repo(tmp_path, "ajaa")
    rec = example_record("ajaa", FORM)
    data = dict(rec["data"], address={"building": rec["data"]["address"]["building"]})
    before = refs(repo)
    who, term, code = interview(repo, tmp_path, "ajaa", "ar", data=data)
    assert code == 0, term.transcript[-3000:] + (tmp_path / "stderr.txt").read_text(encoding="utf-8")
    assert [p for p in who.asked if p.startswith("address.")] == ["address.building", "address.street",
                                                                  "address.street"]
    assert term.transcript.count(TEXT["drop_address"].ar) == 1
    _, record, _ = new_submission(repo, before)
    del data["address"]
    assert record["data"] == data


def test_a_document_of_several_files(tmp_path: Path) -> None:
    """Proof of income may be several statements: typed one path a line until Enter, or given as several
    --document arguments for the same field; every file is kept (the last one alone once was)."""
    repo = make_association_repo(tmp_path, "ajaa")
    rec = example_record("ajaa", FORM)
    assert rec["data"]["income_sources"] != ["none"]  # the proof of income is asked
    files = []
    for i in range(3):
        f = tmp_path / f"statement-{i}.pdf"
        f.write_bytes(fake_pdf(20 + i))
        files.append(f)
    before = refs(repo)
    who, term, code = interview(repo, tmp_path, "ajaa", "ar", documents={"income_proof": files[:2]})
    assert code == 0, term.transcript[-3000:] + (tmp_path / "stderr.txt").read_text(encoding="utf-8")
    # "another file?" after each file of a document that takes several, until Enter
    several = [f for f in who.given if (fd := who.form.field(f)) is not None and fd.multiple]
    expect = sum(len(g) if isinstance(g := who.given[f], list) else 1 for f in several)
    assert "income_proof" in several and term.transcript.count(TEXT["another_file"].ar) == expect
    _, record, _ = new_submission(repo, before)
    proofs = [d for d in record["documents"] if d["field"] == "income_proof"]  # type: ignore[union-attr]
    assert [d["sha256"] for d in proofs] == [hashlib.sha256(f.read_bytes()).hexdigest() for f in files[:2]]

    before = refs(repo)
    given = [a for f in files for a in ("--document", f"income_proof={f}")]
    who, term, code = interview(repo, tmp_path, "ajaa", "ar", args=given)
    assert code == 0, term.transcript[-3000:] + (tmp_path / "stderr.txt").read_text(encoding="utf-8")
    assert "income_proof" not in who.asked  # given on the command line: shown, not asked
    for f in files:
        assert TEXT["attached"].ar.format(name=f.name) in term.transcript
    _, record, _ = new_submission(repo, before)
    proofs = [d for d in record["documents"] if d["field"] == "income_proof"]  # type: ignore[union-attr]
    assert [d["name"] for d in proofs] == [f.name for f in files]


def test_an_answer_changed_at_the_summary(repo: Path, name: str, tmp_path: Path) -> None:
    """At the summary the staff member types a question's number, answers it again, sees the summary again
    and goes on. Ajaa's applicant turns out to own her home: the rent and the lease no longer apply and are
    dropped; Kahatain's district is corrected."""
    rec = example_record(name, FORM)
    if name == "ajaa":
        assert rec["data"]["housing"] == "rented" and "monthly_rent" in rec["data"]
        change: dict[str, Any] = {"housing": "owned", "monthly_rent": None}
    else:
        change = {"district": "حي الشوقية"}
    before = refs(repo)
    who, term, code = interview(repo, tmp_path, name, "ar", change=change)
    screen = term.transcript
    assert code == 0, screen[-3000:] + (tmp_path / "stderr.txt").read_text(encoding="utf-8")
    assert who.changed and screen.count("== ملخص الإجابات ==") == 2
    assert screen.count(TEXT["change"].ar) == 2
    _, record, _ = new_submission(repo, before)
    data = record["data"]
    assert isinstance(data, dict)
    want = {k: v for k, v in {**rec["data"], **change}.items() if v is not None}
    assert data == want
    if name == "ajaa":
        assert "lease" not in {d["field"] for d in record["documents"]}
        assert "lease" in {d["field"] for d in rec.get("documents") or []}
