"""Checking record files (CI, pre-commit, `mustafid validate`): every problem of every file, never a traceback.

Two paths, one verdict. The fast path (records.canon: the layout Mustafid writes, read in C; then jsonschema-rs
and the intake's own checks, compiled per form) only says "clean"; anything that is not clean, or
not in that layout, is read again by the slow path (ruamel round-trip), which knows lines, duplicate keys, tags
and quoting, and produces the problems. So the figures are those of the fast path and the messages those of the
slow one.
"""

from __future__ import annotations

import datetime as dt
import os
import re
from collections.abc import Mapping
from pathlib import Path, PurePosixPath
from typing import Any

from mustafid.core.errors import Problem
from mustafid.core.vocab import INCOMPLETE
from mustafid.forms.model import FormDef
from mustafid.records.canon import load
from mustafid.records.fastcheck import data_ok
from mustafid.records.format import is_record_id, record_path

MAX_BYTES = 256_000  # a record is a few KB; anything this large is a mistake or an attack
_SCHEMAS: dict[int, tuple[FormDef, Any]] = {}


def _problem(file: str, path: str, ar: str, en: str, line: int | None = None, code: str = "") -> Problem:
    return Problem(file, path, ar, en, line, code)


def _validator(form: FormDef) -> Any:
    import jsonschema_rs

    from mustafid.forms.json_schema import form_json_schema

    # Keyed by the form object: two associations may both have `support-request` version 1, differently.
    hit = _SCHEMAS.get(id(form))
    if hit is None or hit[0] is not form:
        hit = _SCHEMAS[id(form)] = (form, jsonschema_rs.validator_for(form_json_schema(form)))
    return hit[1]


def submissions_rel(path: Path) -> str | None:
    """``submissions/...`` part of a path (where the record claims to live), or None outside submissions/."""
    return _rel(PurePosixPath(path.as_posix()).as_posix())


def _rel(name: str) -> str | None:
    """submissions_rel of a path already in POSIX form (what str() of a Path gives here)."""
    if "submissions" not in name:
        return None
    parts = name.split("/")
    if "submissions" not in parts:
        return None
    i = len(parts) - 1 - parts[::-1].index("submissions")
    return "/".join(parts[i:])


def fast_ok(text: str | bytes, forms: Mapping[str, FormDef], assoc_id: str | None, rel: str | None) -> bool:
    """True only when the record is certainly clean; False means "look closely" (not "invalid"). ``text``: the
    file's text, or its bytes as read (not UTF-8: not clean)."""
    # Only the layout Mustafid writes, where every YAML reader reads the same values (records/canon.py's docstring).
    rec = load(text)
    if rec is None:
        return False
    form_id = rec.get("form")
    form = forms.get(form_id) if isinstance(form_id, str) else None
    if form is None or rec.get("form_version") != form.version or not _validator(form).is_valid(rec):
        return False
    if not is_record_id(rec["id"]) or (assoc_id and rec.get("association") != assoc_id):
        return False
    try:
        when = dt.datetime.fromisoformat(rec["submitted_at"])
    except ValueError:
        return False
    if rel is not None and rel != record_path(form.id, when, rec["id"]):
        return False
    return data_ok(form, rec["data"], when.date(), rec.get("documents") or [])


def record_problems(rec: Any, forms: Mapping[str, FormDef], file: str, assoc_id: str | None, rel: str | None,
                    doc: Any = None) -> list[Problem]:
    """Problems of one loaded record (paths are dotted from the record's top: ``data.family.0.age``)."""
    from mustafid.core.yamlio import line_of
    from mustafid.forms.validation import check_data

    def at(path: str) -> int | None:
        if doc is None or not path:
            return None
        return line_of(doc, [int(p) if p.isdigit() else p for p in path.split(".")])

    if not isinstance(rec, dict):
        return [_problem(file, "", "السجل يجب أن يكون قاموساً (مفاتيح وقيم)",
                         "a record must be a mapping of keys to values", 1, "not_mapping")]
    form_id = rec.get("form")
    form = forms.get(form_id) if isinstance(form_id, str) else None
    if form is None:
        return [_problem(file, "form", f"نموذج غير معروف: النماذج المعروفة {', '.join(sorted(forms))}",
                         f"unknown form: the known forms are {', '.join(sorted(forms))}", at("form"), "unknown_form")]
    out: list[Problem] = []
    if rec.get("form_version") != form.version:
        out.append(_problem(file, "form_version",
                            f"إصدار النموذج في السجل لا يطابق تعريف النموذج (الإصدار {form.version})",
                            f"the record's form version does not match the form definition (version {form.version})",
                            at("form_version"), "form_version"))
        return out
    schema_errors = list(_validator(form).iter_errors(rec))
    for e in schema_errors:
        path = ".".join(str(p) for p in e.instance_path)
        path, ar, en = schema_message(e, path)
        out.append(_problem(file, path, ar, en, at(path), "schema"))
    if not out and not is_record_id(str(rec["id"])):
        out.append(_problem(file, "id", "خانة التحقق في رقم الطلب لا تطابق: لا تغيّر رقم الطلب يدوياً",
                            "the request id's check symbol does not match: never edit an id by hand", at("id"),
                            "record_id"))
    if assoc_id and rec.get("association") != assoc_id:
        out.append(_problem(file, "association", f"السجل لجمعية أخرى: المتوقع {assoc_id}",
                            f"the record belongs to another association: expected {assoc_id}",
                            at("association"), "association"))
    if rel is not None and not out:
        want = record_path(form.id, str(rec["submitted_at"]), str(rec["id"]))
        if rel != want:
            out.append(_problem(file, "", f"السجل في مسار خاطئ: مكانه {want}",
                                f"the record is at the wrong path: it belongs at {want}",
                                1, "wrong_path"))
    if not schema_errors or not any(str(e.instance_path and e.instance_path[0]) == "data" for e in schema_errors):
        try:
            today = dt.datetime.fromisoformat(str(rec.get("submitted_at"))).date()
        except ValueError:
            today = None
        data = rec.get("data")
        if isinstance(data, dict):
            documents = rec.get("documents")
            docs: list[Any] = documents if isinstance(documents, list) else []
            later = set(rec.get("missing_documents") or []) if INCOMPLETE in (rec.get("flags") or []) else set()
            found = check_data(form, data, today, docs)
            if rec.get("sealed"):
                found = _unsealed_problems(form, data, found)
            for p in found:
                if p.code == "file_required" and p.path in later:
                    continue  # left for later at intake by staff: the request is incomplete, not wrong
                path = f"data.{p.path}" if p.path else "data"
                if p.code.startswith("file"):
                    path = f"documents ({p.path})"
                out.append(_problem(file, path, p.ar, p.en, at(f"data.{p.path}"), p.code))
    return out


def _pattern(path: str) -> str:
    return ".".join("*" if part.isdigit() else part for part in path.split("."))


def _unsealed_problems(form: FormDef, data: Mapping[str, Any], found: list[Any]) -> list[Any]:
    """A sealed record read without its key: the problems of answers that need the key to judge are set aside
    (records/sealing.key_dependent), and an answer the form seals that sits here in clear is one."""
    from mustafid.records.sealing import is_sealed_value, key_dependent

    dependent = key_dependent(form)
    kept = [p for p in found if _pattern(p.path) not in dependent]
    sealed = form.sealed_fields

    def visit(node: Any, path: str) -> None:
        if isinstance(node, dict):
            for k, v in node.items():
                sub = f"{path}.{k}" if path else str(k)
                if _pattern(sub) in sealed and not is_sealed_value(v):
                    kept.append(Problem("", sub, "إجابة شخصية بلا تشفير في سجل مشفّر: لا تكتبها بيدك، أعد إدخال الطلب",
                                        "a personal answer in clear in a sealed record: never write one by hand; "
                                        "enter the request again", None, "unsealed"))
                elif isinstance(v, list):
                    for i, item in enumerate(v):
                        visit(item, f"{sub}.{i}")

    visit(data, "")
    return kept


def check_record(record: Any, forms: Mapping[str, FormDef], file: str = "", assoc_id: str | None = None,
                 rel_path: str | None = None) -> list[Problem]:
    """Every problem of a loaded record (lifecycle fields, schema, answers, documents); paths are dotted from
    the record's top (``data.family.0.age``). For files on disk use check_file (lines, YAML)."""
    return record_problems(record, forms, file, assoc_id, rel_path)


_KIND_TEXT = {
    "Required": ("إجابة مطلوبة مفقودة", "a required answer is missing"),
    "AdditionalProperties": ("مفتاح غير معروف في هذا النموذج: احذفه أو صحّح اسمه",
                             "a key this form does not know: remove it or correct its name"),
    "Type": ("نوع القيمة خاطئ (نص بين علامتي تنصيص، أو رقم، أو قائمة)",
             "the value has the wrong type (quoted text, number or list)"),
    "Pattern": ("صيغة القيمة غير صحيحة", "the value is not in the expected format"),
    "Enum": ("قيمة غير مسموحة: اختر من قائمة النموذج", "a value the form does not allow: use one from the form's list"),
    "Constant": ("قيمة غير مسموحة هنا", "a value not allowed here"),
    "Not": ("هذا الحقل لا ينطبق على الإجابات الأخرى: احذفه",
            "this field does not apply given the other answers: remove it"),
    "Minimum": ("القيمة أقل من الحد الأدنى", "the value is below the minimum"),
    "Maximum": ("القيمة أكبر من الحد الأعلى", "the value is above the maximum"),
    "MinLength": ("النص قصير أو فارغ", "the text is too short or empty"),
    "MaxLength": ("النص أطول من المسموح", "the text is longer than allowed"),
    "MinItems": ("عدد العناصر أقل من المطلوب", "fewer items than required"),
    "MaxItems": ("عدد العناصر أكثر من المسموح", "more items than allowed"),
    "UniqueItems": ("عنصر مكرر في القائمة", "an item appears twice in the list"),
}


def schema_message(e: Any, path: str) -> tuple[str, str, str]:
    """(path, ar, en) for a jsonschema-rs error, naming keys but never quoting values (they are personal)."""
    import re as _re

    name = type(e.kind).__name__
    ar, en = _KIND_TEXT.get(name, ("قيمة غير صالحة", "an invalid value"))
    if name == "Required":
        prop = getattr(e.kind, "property", "")
        path = f"{path}.{prop}" if path else str(prop)
    elif name == "Not":
        m = _re.search(r'"required":\["([a-z0-9_]+)"\]', e.message)
        if m:
            path = f"{path}.{m.group(1)}" if path else m.group(1)
    elif name == "AdditionalProperties":
        extra = ", ".join(str(x) for x in getattr(e.kind, "unexpected", []) or [])
        if extra:
            ar, en = f"{ar}: {extra}", f"{en}: {extra}"
    return path, "لا يطابق مخطط النموذج: " + ar, "does not match the form's schema: " + en


def slow_problems(text: str, forms: Mapping[str, FormDef], file: str, assoc_id: str | None,
                  rel: str | None) -> list[Problem]:
    """The careful read: every problem with its line."""
    from ruamel.yaml.error import MarkedYAMLError, YAMLError

    from mustafid.core.yamlio import rt_yaml

    alias_line = _anchor_line(text)
    if alias_line is not None:
        return [_problem(file, "", "المراسي والأسماء المستعارة (& و *) غير مسموحة في السجلات",
                         "anchors and aliases (& and *) are not allowed in records",
                         alias_line, "alias")]
    try:
        doc = rt_yaml().load(text)
    except YAMLError as exc:
        mark = getattr(exc, "problem_mark", None) if isinstance(exc, MarkedYAMLError) else None
        line = mark.line + 1 if mark is not None else None
        if type(exc).__name__ == "DuplicateKeyError":
            return [_problem(file, "", "مفتاح مكرر في السجل: احذف أحدهما", "a key appears twice: remove one of them",
                             line, "duplicate_key")]
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        return [_problem(file, "", "صيغة YAML غير صحيحة: راجع المسافات البادئة وعلامات التنصيص",
                         f"not valid YAML: {first}", line, "yaml")]
    except RecursionError:
        return [_problem(file, "", "السجل متداخل بعمق غير معقول", "the record is nested unreasonably deep",
                         None, "yaml")]
    except ValueError:  # Python refuses to read an integer of more than 4,300 digits
        line = next((i for i, ln in enumerate(text.splitlines(), 1) if re.search(r"[0-9]{4000}", ln)), None)
        return [_problem(file, "", "في السجل رقم طويل على نحو غير معقول (آلاف الخانات): صححه",
                         "the record holds an unreasonably long number (thousands of digits): correct it", line,
                         "yaml")]
    bad = _walk_for_tags(doc, [])
    if bad:
        return [_problem(file, p, "الوسوم (مثل !!python) غير مسموحة في السجلات: احذفها",
                         "YAML tags (like !!python/...) are not allowed in records: remove them", line, "yaml_tag")
                for p, line in bad]
    out = [_problem(file, p, "ضع هذه القيمة بين علامتي تنصيص \"...\" (أرقام الهوية والجوال والتواريخ نصوص دائماً)",
                    "quote this value \"...\" (IDs, phones and dates are always strings)", line, "unquoted")
           for p, line in _walk_unquoted(doc, [])]
    rec = _plain(doc)
    return out + record_problems(rec, forms, file, assoc_id, rel, doc=doc)


def _anchor_line(text: str) -> int | None:
    """The line of the first anchor or alias, found from parser events before anything is built (an alias
    bomb never expands), or None. Syntax errors are left to the load that follows."""
    from ruamel.yaml.error import YAMLError
    from ruamel.yaml.events import AliasEvent

    from mustafid.core.yamlio import rt_yaml

    try:
        for ev in rt_yaml().parse(text):
            if isinstance(ev, AliasEvent) or getattr(ev, "anchor", None):
                return ev.start_mark.line + 1 if ev.start_mark else None
    except YAMLError:
        return None
    return None


_LOOKS_NUMERIC = re.compile(r"^[+]?[0-9][0-9 _:/.T+-]*$")


def _line(node: Any, key: Any) -> int | None:
    try:
        return int((node.lc.key(key) if isinstance(key, str) else node.lc.item(key))[0]) + 1
    except (KeyError, TypeError, AttributeError, IndexError):
        return None


def _children(node: Any) -> list[tuple[Any, Any]]:
    if isinstance(node, dict):
        return list(node.items())
    if isinstance(node, list):
        return list(enumerate(node))
    return []


def _walk_for_tags(node: Any, path: list[str], line: int | None = 1) -> list[tuple[str, int | None]]:
    tag = getattr(getattr(node, "tag", None), "value", None)
    if (tag and not str(tag).startswith("tag:yaml.org,2002:")) or (tag and "python" in str(tag)):
        return [(".".join(path), line)]
    out = []
    for k, v in _children(node):
        out += _walk_for_tags(v, [*path, str(k)], _line(node, k))
    return out


def _walk_unquoted(node: Any, path: list[str]) -> list[tuple[str, int | None]]:
    from ruamel.yaml.scalarstring import ScalarString

    out = []
    for k, v in _children(node):
        p = [*path, str(k)]
        if isinstance(v, (dt.date, dt.datetime)) or \
                (isinstance(v, str) and not isinstance(v, ScalarString) and _LOOKS_NUMERIC.match(v)) or \
                (isinstance(v, int) and not isinstance(v, bool) and str(p[-1]) in _STRING_KEYS):
            out.append((".".join(p), _line(node, k)))
        else:
            out += _walk_unquoted(v, p)
    return out


_STRING_KEYS = {"id", "national_id", "mobile", "phone", "iban", "postal_code", "building", "additional"}


def _plain(node: Any) -> Any:
    if isinstance(node, dict):
        return {str(k): _plain(v) for k, v in node.items()}
    if isinstance(node, list):
        return [_plain(v) for v in node]
    if isinstance(node, bool):
        return bool(node)
    if isinstance(node, int):
        return int(node)
    if isinstance(node, float):
        return float(node)
    if isinstance(node, (dt.date, dt.datetime)):
        return node.isoformat()  # already reported as unquoted; keep checking the rest
    if isinstance(node, str):
        return str(node)
    return node


def check_file(path: str | os.PathLike[str], forms: Mapping[str, FormDef], assoc_id: str | None = None,
               display: str | None = None) -> list[Problem]:
    """Every problem of one record file; never raises for bad content."""
    name = os.fspath(path)
    file = display or name
    try:
        # Plain descriptor reads, no file object: `mustafid validate` does this for every record.
        fd = os.open(name, os.O_RDONLY)
        try:
            data = b""
            while len(data) <= MAX_BYTES and (more := os.read(fd, MAX_BYTES + 1 - len(data) or 1)):
                data += more
            if len(data) > MAX_BYTES:
                size = os.fstat(fd).st_size
                return [_problem(file, "", f"الملف كبير جداً ({size} بايت، الحد {MAX_BYTES}): السجل بضعة كيلوبايت عادة",
                                 f"the file is too large ({size} bytes, limit {MAX_BYTES}): a record is a few KB",
                                 None, "too_large")]
        finally:
            os.close(fd)
    except OSError as exc:
        return [_problem(file, "", "تعذرت قراءة الملف", f"cannot read the file: {exc.strerror}", None, "read")]
    rel = _rel(name if os.sep == "/" else Path(name).as_posix())
    try:
        if fast_ok(data, forms, assoc_id, rel):  # the bytes as read: the fast reader checks their UTF-8 itself
            return []
    except Exception:
        pass
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return [_problem(file, "", "الملف ليس نصاً بترميز UTF-8", "the file is not UTF-8 text", None, "encoding")]
    try:
        return slow_problems(text, forms, file, assoc_id, rel)
    except Exception as exc:
        return [_problem(file, "", "تعذر فحص هذا الملف بسبب خطأ في مستفيد: أبلغ عنه مع هذا السطر",
                         f"this file could not be checked because of a bug in Mustafid ({type(exc).__name__}): "
                         "please report it",
                         None, "internal")]
