"""The steps of a web submission as plain functions: what the HTTP routes call, and a test or a tool could.

A post is the form page's (docs/architecture.md, no JavaScript needed): ``_step`` = edit | check | confirm,
``_add``/``_remove`` for repeat groups; without ``_step`` it is a direct submission (staff tools, scripts),
validated and written at once. Each step answers with what to show: the form again (``Refill``), the
check-your-answers page (``Review``) or the record written (``Accepted``); a post that cannot be read raises
``Refused``. Logs hold form ids, record ids and problem codes: never a value that was typed.
"""

from __future__ import annotations

import logging
import re
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from mustafid.core.errors import Problem, UserError
from mustafid.core.normalize import small_int
from mustafid.forms.model import FormDef, display_value
from mustafid.forms.validation import FileInfo
from mustafid.intake.messages import MSG
from mustafid.intake.posted import FormShape, Post, Refused
from mustafid.intake.service import Accepted, Intake, Invalid
from mustafid.intake.stash import Stash
from mustafid.intake.uploads import Document, Upload, content_problems, files_by_field
from mustafid.records.format import parse_record, parse_record_id
from mustafid.review.forges.local import LocalForge
from mustafid.store.git import PREFIX

log = logging.getLogger(__name__)

RECEIPT_FIELDS = ("id", "form", "form_version", "channel", "submitted_at", "submitted_at_hijri", "status")


@dataclass(frozen=True)
class Refill:
    """The form page again, filled with ``answers``: with ``problems`` (422) or after an edit (200).
    ``submitted``: the answers were sent to be written (confirm or direct), not only checked or edited."""

    answers: dict[str, Any]
    problems: list[Problem]
    docs: list[Document]
    submitted: bool = False

    @property
    def status(self) -> int:
        return 422 if self.problems else 200


@dataclass(frozen=True)
class Review:
    """Check your answers: the answers as typed, as understood (``data``) and the documents now held."""

    answers: dict[str, Any]
    data: dict[str, Any]
    docs: list[Document]


Outcome = Refill | Review | Accepted


Holding = list[tuple[Document, Upload | None]]  # each kept document, and its file while the stash holds it


def holding(intake: Intake, stash: Stash, shape: FormShape, tokens: Sequence[str]) -> tuple[Holding, bool]:
    """The kept documents the tokens name (each with its stash file, or None once it is in the document store),
    and whether any token named one no longer held (expired, forged, another form's, or deleted)."""
    out: Holding = []
    lost = False
    for t in tokens:
        got = stash.hold(t)
        if got is None or got[0]["field"] not in shape.files or (
                got[1] is None and not intake.documents.has(got[0]["sha256"])):
            lost = True
            continue
        out.append(got)
    return out, lost


def held(intake: Intake, stash: Stash, shape: FormShape, tokens: Sequence[str]) -> tuple[list[Document], bool]:
    """The kept documents the tokens name, and whether any token named one no longer held."""
    pairs, lost = holding(intake, stash, shape, tokens)
    return [d for d, _ in pairs], lost


def _stash_expired(shape: FormShape) -> Problem:
    return Problem("", next(iter(shape.files), "_stash"), MSG["stash"].ar, MSG["stash"].en, None, "stash_expired")


def _codes(problems: Sequence[Problem]) -> str:
    return ",".join(sorted({p.code or "?" for p in problems}))


def submit(intake: Intake, stash: Stash, shape: FormShape, post: Post) -> Outcome:
    """One post of the form page (or a direct submission), answered by the step it names."""
    form = shape.form
    if post.one("_hp"):
        log.info("refused form=%s reason=honeypot", form.id)
        raise Refused("honeypot", MSG["honeypot"])
    step = post.one("_step")
    answers = post.answers()
    pairs, lost = holding(intake, stash, shape, post.tokens)
    docs = [d for d, _ in pairs]
    add, remove = post.one("_add"), post.one("_remove")
    if add or remove:
        return Refill(repeat_edit(form, answers, add, remove), [], docs)
    if step == "edit":
        return Refill(answers, [], docs)
    if step == "check":
        return check(intake, stash, shape, post, answers, docs, lost)
    if step not in ("", "confirm"):
        raise Refused("bad_step", MSG["broken"])
    return confirm(intake, shape, post, answers, pairs, lost)


def check(intake: Intake, stash: Stash, shape: FormShape, post: Post, answers: dict[str, Any],
          docs: list[Document], lost: bool) -> Refill | Review:
    """The check step: every problem, or the documents stored (kept for confirm) and the answers to review."""
    form = shape.form
    data, problems = intake.check(form, answers, post.lang, files_by_field(post.uploads, docs))
    problems += content_problems(post.uploads)
    if lost:
        problems.append(_stash_expired(shape))
    if problems:
        log.info("invalid form=%s step=check problems=%s", form.id, _codes(problems))
        return Refill(answers, problems, docs)
    return Review(answers, data, docs + [stash.keep(u) for u in post.uploads])


def confirm(intake: Intake, shape: FormShape, post: Post, answers: dict[str, Any], pairs: Holding,
            lost: bool) -> Refill | Accepted:
    """The confirm step (or a direct submission): the record written, or every problem and nothing written.
    Documents still in the stash go to the document store with the record. A StoreError goes up: nothing was
    written, the caller says so."""
    form = shape.form
    started = time.perf_counter()
    docs = [d for d, _ in pairs]
    try:
        accepted = intake.accept(form.id, answers, channel="web", actor="web", lang=post.lang,
                                 uploads=post.uploads + [u for _, u in pairs if u is not None],
                                 stashed=[d for d, u in pairs if u is None])
    except Invalid as exc:
        problems = list(exc.problems)
        if lost:
            problems.append(_stash_expired(shape))
        log.info("invalid form=%s step=confirm problems=%s", form.id, _codes(problems))
        return Refill(answers, problems, docs, submitted=True)
    log.info("accepted %s form=%s channel=web duplicate=%s ms=%.1f", accepted.id, form.id,
             bool(accepted.record.get("duplicate_of")), (time.perf_counter() - started) * 1000)
    return accepted


def repeat_edit(form: FormDef, raw: Mapping[str, Any], add: str, remove: str) -> dict[str, Any]:
    """The no-JavaScript "add another" / "remove" of a repeat group: answers with one item more or fewer."""
    out = dict(raw)
    groups = {p: f for p, f in form.walk() if f.type == "repeat" and "*" not in p}
    if add in groups:
        f = groups[add]
        pat = re.compile(re.escape(add) + r"\.([0-9]{1,6})\.")
        n = 1 + max((int(m.group(1)) for k in raw if (m := pat.match(k))), default=-1)
        if f.max_items is None or n < f.max_items:
            first = next((x.id for x in f.fields if x.holds_data), None)
            if first:
                out[f"{add}.{n}.{first}"] = ""
    group, _, index = remove.rpartition(".")
    if group in groups and (i := small_int(index)) is not None:
        pat = re.compile(re.escape(group) + r"\.([0-9]{1,6})\.(.+)$")
        kept: dict[str, Any] = {}
        for k, v in out.items():
            m = pat.match(k)
            if not m:
                kept[k] = v
            elif int(m.group(1)) != i:
                j = int(m.group(1))
                kept[f"{group}.{j - 1 if j > i else j}.{m.group(2)}"] = v
        out = kept
    return out


def typed_so_far(intake: Intake, stash: Stash, shape: FormShape,
                 post: Post) -> tuple[list[Problem], dict[str, str]]:
    """The as-you-type check: the problems of what is typed so far, with the files the page describes and the
    documents already kept, and the calculated answers (a total income) as the check page will show them.
    Nothing is written."""
    form = shape.form
    files: dict[str, list[FileInfo]] = post.described_files()
    for name, infos in files_by_field(docs=held(intake, stash, shape, post.tokens)[0]).items():
        files.setdefault(name, []).extend(infos)
    data, problems = intake.check(form, post.typed_so_far(), post.lang, files)
    calculated = {f.id: display_value(form, f, data[f.id], post.lang) for f in form.fields
                  if f.type == "calculated" and f.id in data}
    return problems, calculated


def find_record(store: LocalForge, rid: str) -> dict[str, Any] | None:
    """The record on ``submission/<rid>``, or None when there is no such branch or no readable record on it."""
    branch = PREFIX + rid
    tip = store.branch_tip(branch)
    if tip is None:
        return None
    path = store.record_paths({branch: tip}).get(branch)
    if path is None:
        return None
    try:
        return parse_record(store.read_file(tip, path).decode("utf-8"))
    except (ValueError, UserError, UnicodeDecodeError):
        return None


def receipt(store: LocalForge, ref: str) -> dict[str, Any] | None:
    """What the confirmation page shows of a request (no personal data: the reference, the form, the dates),
    or None when the reference names none."""
    rid = parse_record_id(ref[:40])
    record = find_record(store, rid) if rid else None
    if record is None:
        return None
    return {k: record.get(k) for k in RECEIPT_FIELDS}


def health(intake: Intake) -> tuple[bool, dict[str, Any]]:
    """Whether the store can be read (main resolves), and the forms loaded."""
    store = intake.store
    ok = store.branch_tip(store.main) is not None
    return ok, {"status": "ok" if ok else "unavailable", "association": intake.assoc.id,
                "forms": sorted(intake.forms), "store": "ok" if ok else f"branch {store.main} not found"}
