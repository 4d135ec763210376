"""The association's configuration: association.yml, its schema, and the typed view every module reads.

One association = one folder holding ``association.yml`` and ``forms/`` (the repo root is one; examples/ holds
the two seed associations). The same values feed the published site, the intake, review and the audit.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any, Protocol

from mustafid.config.keys import SigningKey, parse_keys
from mustafid.core.errors import ConfigError, Problem
from mustafid.core.text import T, period_text
from mustafid.core.yamlio import line_of, load_fast, read_text

SCHEMA_PATH = Path(__file__).with_name("association.schema.yml")
CONFIG_NAME = "association.yml"


@cache
def association_schema() -> dict[str, Any]:
    schema: dict[str, Any] = load_fast(SCHEMA_PATH.read_text(encoding="utf-8"))
    return schema


class SchemaError(Protocol):
    """What is read of a jsonschema ``ValidationError`` (the careful validator's report of one problem)."""

    @property
    def validator(self) -> object: ...

    @property
    def message(self) -> str: ...

    @property
    def schema(self) -> Any: ...

    @property
    def instance(self) -> Any: ...

    @property
    def absolute_path(self) -> Sequence[str | int]: ...

    @property
    def context(self) -> Sequence[SchemaError] | None: ...


@dataclass(frozen=True)
class Person:
    id: str
    name: T
    email: str
    role: str = "member"
    github: str | None = None
    keys: tuple[SigningKey, ...] = ()  # SSH signing keys with their validity (config/keys.py)


@dataclass(frozen=True)
class BoardMember:
    name: T
    position: T


@dataclass(frozen=True)
class Phone:
    number: str  # E.164
    kind: str
    label: T | None = None

    @property
    def display(self) -> str:
        """Local display form: 016 538 3555 / 053 898 6446 (always shown inside dir="ltr")."""
        n = self.number.removeprefix("+966")
        if n.startswith("5"):
            return f"0{n[:2]} {n[2:5]} {n[5:]}"
        return f"0{n[:2]} {n[2:5]} {n[5:]}"


@dataclass(frozen=True)
class Association:
    root: Path  # the folder holding association.yml and forms/
    id: str
    name: T
    short_name: T
    region: T
    city: T
    site_url: str
    intake_url: str
    phones: tuple[Phone, ...]
    email: str | None
    website: str | None
    social: tuple[dict[str, str], ...]
    address: T | None
    opening_hours: T | None
    channels: tuple[str, ...]
    board_members: tuple[BoardMember, ...]
    approval_statement: T
    approval_year: int | None
    committee_name: T
    committee_quorum: int
    committee: tuple[Person, ...]
    committee_github_team: str | None
    staff: tuple[Person, ...]
    decision_period_days: int
    decision_period_wording: T
    staff_tools: tuple[T, ...]
    referral_to_social_research: bool
    policy: dict[str, T] = field(default_factory=dict)
    github_repository: str | None = None
    github_api_url: str = "https://api.github.com"
    intake_keys: tuple[SigningKey, ...] = ()
    feedback_answer_days: int = 14           # complaints and suggestions: answered within, else to the board
    notices: dict[str, Any] = field(default_factory=dict)  # senders beside the outbox (notices/config.py)
    raw: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)

    @property
    def address_applicant_as(self) -> str:
        """The grammatical gender the pages address the applicant in: "feminine" for a women's association
        (association.yml's ``address_applicant_as``; masculine, Arabic's default address, when absent)."""
        return str(self.raw.get("address_applicant_as") or "masculine")

    @property
    def forms_dir(self) -> Path:
        return self.root / "forms"

    @property
    def config_path(self) -> Path:
        return self.root / CONFIG_NAME

    @property
    def decision_period(self) -> T:
        return period_text(self.decision_period_days)

    def is_committee_member(self, person_id: str) -> bool:
        return any(p.id == person_id for p in self.committee)

    def is_staff(self, person_id: str) -> bool:
        return any(p.id == person_id for p in self.staff)


def _fix_for(error: SchemaError) -> T | None:
    """The nearest `x-fix` on the failing subschema, else on its parents' schema."""
    for candidate in (error.schema, *(e.schema for e in error.context or ())):
        if isinstance(candidate, dict) and "x-fix" in candidate:
            return T.from_mapping(candidate["x-fix"])
    return None


def _problem(file: str, doc: Any, error: SchemaError) -> Problem:
    path = list(error.absolute_path)
    key = ".".join(str(p) for p in path) or "(top)"
    line = line_of(doc, path)
    fix = _fix_for(error)
    v = error.validator
    if v == "required":
        missing = str(error.message).split("'")[1] if "'" in str(error.message) else "?"
        sub = error.schema.get("properties", {}).get(missing, {}) if isinstance(error.schema, dict) else {}
        sub_fix = sub.get("x-fix") if isinstance(sub, dict) else None
        if isinstance(sub, dict) and "$ref" in sub:
            sub_fix = sub_fix or association_schema()["$defs"][sub["$ref"].split("/")[-1]].get("x-fix")
        hint = T.from_mapping(sub_fix) if sub_fix else T("أضِف قيمته", "add its value")
        key = f"{key}.{missing}" if path else missing
        return Problem(file, key, f"المفتاح «{missing}» مفقود: {hint.ar}", f"key '{missing}' is missing: {hint.en}",
                       line)
    if v == "additionalProperties":
        extra = ", ".join(sorted(set(error.instance) - set(error.schema.get("properties", {}))))
        return Problem(file, key, f"مفتاح غير معروف: {extra} — احذفه أو صحّح اسمه",
                       f"unknown key: {extra} — remove it or correct its name", line)
    if fix is None:
        fix = T("قيمة غير صالحة", "invalid value")
    got = json.dumps(error.instance, ensure_ascii=False)
    if len(got) > 60:
        got = got[:57] + "..."
    return Problem(file, key, f"{fix.ar} (القيمة الحالية: {got})", f"{fix.en} (found: {got})", line)


@cache
def _quick_validator() -> Any:
    """jsonschema-rs on the same schema: a yes/no in a millisecond (the Python validator's import alone takes
    40 ms of every command's start). Formats are annotations in draft 2020-12 for both validators."""
    import jsonschema_rs

    return jsonschema_rs.Draft202012Validator(association_schema(), validate_formats=False)


def check_association(data: Any, file: str, doc: Any = None) -> list[Problem]:
    """Every problem in an association config, schema and cross-field rules, all at once."""
    if not _quick_validator().is_valid(data):
        # The careful validator, for its messages: only when something is wrong (it has no type stubs here).
        import jsonschema

        validator = jsonschema.Draft202012Validator(association_schema())
        problems = [_problem(file, doc, e) for e in sorted(validator.iter_errors(data),
                                                           key=lambda e: list(map(str, e.absolute_path)))]
    else:
        problems = []
    if problems or not isinstance(data, dict):
        return problems
    committee = data["committee"]
    if committee["quorum"] > len(committee["members"]):
        problems.append(Problem(file, "committee.quorum",
                                f"النصاب ({committee['quorum']}) أكبر من عدد أعضاء اللجنة "
                                f"({len(committee['members'])}): خفّضه أو أضِف أعضاء",
                                f"quorum ({committee['quorum']}) is larger than the committee "
                                f"({len(committee['members'])} members): lower it or add members",
                                line_of(doc, ["committee", "quorum"])))
    seen: dict[str, str] = {}
    for group in ("committee", "staff"):
        people = committee["members"] if group == "committee" else data["staff"]
        for i, p in enumerate(people):
            if p["id"] in seen and seen[p["id"]] == group:
                problems.append(Problem(file, f"{group}.{i}.id", f"المعرّف «{p['id']}» مكرر: اجعل لكل شخص معرّفاً واحداً",
                                        f"id '{p['id']}' is used twice: give each person one id",
                                        line_of(doc, [group, i, "id"])))
            seen[p["id"]] = group
    return problems


def load_association(path: str | Path = ".") -> Association:
    """Load and validate ``association.yml`` (path to the file or to its folder). Raises ConfigError listing every
    problem."""
    p = Path(path)
    cfg = p / CONFIG_NAME if p.is_dir() else p
    file = str(cfg)
    if not cfg.is_file():
        raise ConfigError(f"لم يُعثر على ملف إعداد الجمعية {file}: مرّر --association بمجلد الجمعية",
                          f"association config {file} not found: pass --association with the association's folder")
    # Every command reads the config: a Rust YAML loader and jsonschema-rs first, in a few milliseconds. The
    # careful round-trip read (lines for the messages) only when that finds anything wrong.
    try:
        text = read_text(cfg)
    except (UnicodeDecodeError, ValueError) as exc:
        raise ConfigError("ملف إعداد الجمعية ليس نصاً مقروءاً", "the association config is not readable text",
                          [Problem(file, "", "احفظ الملف بترميز UTF-8",
                                   f"save the file as UTF-8 text ({exc})".splitlines()[0], None)]) from None
    data = _quick_read(text)
    if data is None or check_association(data, file):
        data = _careful_read(text, file)
    return _build(cfg.parent.resolve(), data)


def _quick_read(text: str) -> Any:
    try:
        return load_fast(text)
    except Exception:
        return None


def _careful_read(text: str, file: str) -> dict[str, Any]:
    """The config read with lines (ruamel round-trip); raises ConfigError with every problem."""
    from ruamel.yaml.error import YAMLError

    from mustafid.core.yamlio import load_rt, to_plain

    try:
        doc = load_rt(text)
    except (YAMLError, ValueError) as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else None
        raise ConfigError("ملف إعداد الجمعية ليس YAML صالحاً", "the association config is not valid YAML",
                          [Problem(file, "", "صيغة YAML غير صحيحة: راجع المسافات البادئة والنقطتين",
                                   f"YAML syntax error: {exc}".splitlines()[0], line)]) from None
    data: dict[str, Any] = to_plain(doc)
    problems = check_association(data, file, doc)
    if problems:
        raise ConfigError(f"في ملف إعداد الجمعية {len(problems)} مشكلة، صحّحها ثم أعد المحاولة",
                          f"the association config has {len(problems)} problem(s); fix them and try again", problems)
    return data


def _people(items: list[dict[str, Any]], default_role: str) -> tuple[Person, ...]:
    return tuple(Person(id=i["id"], name=T.from_mapping(i["name"]), email=i["email"], role=i.get("role", default_role),
                        github=i.get("github"), keys=parse_keys(i.get("keys"))) for i in items)


def _opt(v: Any) -> T | None:
    return T.from_mapping(v) if v else None


def _build(root: Path, d: dict[str, Any]) -> Association:
    c = d["contacts"]
    days = d["decision_period_days"]
    # The wording is a template: the period itself is always derived from decision_period_days.
    template = _opt(d.get("decision_period_wording")) or T("خلال {period}", "within {period}")
    period = period_text(days)
    wording = T(template.ar.format(period=period.ar), template.en.format(period=period.en))
    return Association(
        root=root, id=d["id"], name=T.from_mapping(d["name"]), short_name=T.from_mapping(d["short_name"]),
        region=T.from_mapping(d["region"]), city=T.from_mapping(d["city"]), site_url=d["site_url"],
        intake_url=d.get("intake_url", "").rstrip("/"),
        phones=tuple(Phone(p["number"], p["kind"], _opt(p.get("label"))) for p in c["phones"]),
        email=c.get("email"), website=c.get("website"), social=tuple(c.get("social", [])),
        address=_opt(c.get("address")), opening_hours=_opt(c.get("opening_hours")),
        channels=tuple(d["channels"]),
        board_members=tuple(BoardMember(T.from_mapping(m["name"]), T.from_mapping(m["position"]))
                            for m in d["board"]["members"]),
        approval_statement=T.from_mapping(d["board"]["approval"]["statement"]),
        approval_year=d["board"]["approval"].get("year"),
        committee_name=_opt(d["committee"].get("name")) or T("لجنة البحث", "Research committee"),
        committee_quorum=d["committee"]["quorum"], committee=_people(d["committee"]["members"], "member"),
        committee_github_team=d["committee"].get("github_team"),
        staff=_people(d["staff"], "officer"), decision_period_days=days, decision_period_wording=wording,
        staff_tools=tuple(T.from_mapping(t) for t in d["staff_tools"]),
        referral_to_social_research=d["procedure"]["referral_to_social_research"],
        policy={k: T.from_mapping(v) for k, v in d.get("policy", {}).items()},
        github_repository=d.get("github", {}).get("repository"),
        github_api_url=d.get("github", {}).get("api_url", "https://api.github.com"),
        intake_keys=parse_keys(d.get("intake", {}).get("keys")),
        feedback_answer_days=int(d.get("feedback", {}).get("answer_period_days", 14)),
        notices=dict(d.get("notices") or {}),
        raw=d,
    )
