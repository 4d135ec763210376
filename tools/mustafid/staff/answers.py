"""A request entered by staff from a file: the YAML answers and the ``--document`` files of `mustafid submit`,
turned into the raw fields and uploads the web form would have posted, so ``Intake.accept`` validates and stores
them exactly as it does the web's.

The answers file holds the answers keyed by field id, as under a record's ``data`` (repeat groups as lists of
mappings, multi-choice as lists, the national address as a mapping of its parts), plus
``declaration: {confirmed: true, consent: true}``: what the applicant signed. Calculated fields may be present
(a record's ``data`` holds them); they are recomputed, never read.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from mustafid.core.errors import Problem
from mustafid.core.text import T
from mustafid.core.vocab import is_yes
from mustafid.forms import messages as M
from mustafid.forms.model import MIME, Field, FormDef
from mustafid.forms.validation import CONSENT_FIELD, DECLARATION_FIELD, to_raw
from mustafid.forms.validators import ADDRESS_PARTS
from mustafid.intake.uploads import Upload

DECLARATION_KEY = "declaration"
NOT_YAML = T("الملف ليس YAML صالحاً ({what}): صحّحه ثم أعد المحاولة",
             "the file is not valid YAML ({what}): fix it and try again")
NOT_MAPPING = T("يجب أن يكون الملف قائمة إجابات بأسماء الحقول (field: answer)",
                "the file must map field ids to answers (field: answer)")
NOT_LIST = T("اكتب عناصر هذه المجموعة قائمةً، لكل عنصر حقوله", "write this group as a list, each item with its fields")
NOT_ADDRESS = T("اكتب العنوان الوطني بأجزائه: " + ", ".join(ADDRESS_PARTS),
                "write the national address by its parts: " + ", ".join(ADDRESS_PARTS))
NOT_SCALAR = T("اكتب إجابة واحدة لهذا الحقل", "write a single answer for this field")
FILE_IN_ANSWERS = T("المستندات لا تكتب في ملف الإجابات: أرفقها بالخيار ‎--document {path}=PATH",
                    "documents are not written in the answers file: attach them with --document {path}=PATH")
BAD_DECLARATION = T("اكتب الإقرار هكذا: declaration: {confirmed: true, consent: true}",
                    "write the declaration as: declaration: {confirmed: true, consent: true}")
BAD_DOCUMENT_ARG = T("اكتب المستند بالصيغة FIELD=PATH", "give a document as FIELD=PATH")
NOT_A_FILE_FIELD = T("ليس في النموذج حقل مستند بهذا الاسم: الحقول المتاحة {fields}",
                     "the form has no document field by this name: its document fields are {fields}")
NO_SUCH_FILE = T("لا يوجد ملف في هذا المسار: تحقق منه", "there is no file at this path: check it")


def _problem(file: str, path: str, msg: T, code: str, line: int | None = None) -> Problem:
    return Problem(file, path, msg.ar, msg.en, line, code)


def shape_problems(form: FormDef, answers: Mapping[str, Any], file: str = "") -> list[Problem]:
    """Keys no field has and answers of the wrong shape (a string for a group...): what ``to_raw`` would
    otherwise drop without a word. Paths only, never values."""
    out: list[Problem] = []

    def rec(fields: Sequence[Field], values: Mapping[str, Any], prefix: str) -> None:
        by_id = {f.id: f for f in fields}
        for key, v in values.items():
            path = f"{prefix}{key}"
            f = by_id.get(str(key))
            if f is None or f.type == "note":
                out.append(_problem(file, path, M.UNKNOWN_FIELD, "unknown_field"))
            elif f.type == "file":
                out.append(_problem(file, path, FILE_IN_ANSWERS.format(path=path), "file_in_answers"))
            elif f.type == "calculated" or v is None:
                continue
            elif f.type == "repeat":
                if not isinstance(v, list) or not all(isinstance(x, Mapping) for x in v):
                    out.append(_problem(file, path, NOT_LIST, "not_list"))
                else:
                    for i, item in enumerate(v):
                        rec(f.fields, item, f"{path}.{i}.")
            elif f.type == "national_address":
                if not isinstance(v, Mapping) or any(k not in ADDRESS_PARTS for k in v) \
                        or any(not isinstance(x, str) for x in v.values() if x is not None):
                    out.append(_problem(file, path, NOT_ADDRESS, "not_address"))
            elif f.type == "multi_choice":
                if isinstance(v, Mapping) or (isinstance(v, list) and not all(isinstance(x, str) for x in v)):
                    out.append(_problem(file, path, NOT_SCALAR, "not_scalar"))
            elif not isinstance(v, str):
                out.append(_problem(file, path, NOT_SCALAR, "not_scalar"))

    rec(form.fields, answers, "")
    return out


def answers_from_yaml(form: FormDef, text: str, file: str = "") -> tuple[dict[str, str | list[str]], list[Problem]]:
    """(raw fields as the web form posts them, problems with the file itself). Validation of the answers is
    ``Intake.accept``'s job; this only reads them."""
    from ruamel.yaml.error import YAMLError

    from mustafid.core.yamlio import load_strings

    try:
        doc = load_strings(text)
    except YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        what = str(getattr(exc, "problem", None) or type(exc).__name__)
        return {}, [_problem(file, "", NOT_YAML.format(what=what), "yaml", mark.line + 1 if mark else None)]
    if doc is None:
        doc = {}
    if not isinstance(doc, dict):
        return {}, [_problem(file, "", NOT_MAPPING, "not_mapping")]
    answers = {str(k): v for k, v in doc.items() if k != DECLARATION_KEY}
    problems = shape_problems(form, answers, file)
    raw = to_raw(form, answers)
    decl = doc.get(DECLARATION_KEY)
    if decl is not None:
        if not isinstance(decl, dict) or any(k not in ("confirmed", "consent", "at") for k in decl):
            problems.append(_problem(file, DECLARATION_KEY, BAD_DECLARATION, "declaration_shape"))
        else:
            for key, field_name in (("confirmed", DECLARATION_FIELD), ("consent", CONSENT_FIELD)):
                if is_yes(decl.get(key, "")):
                    raw[field_name] = "yes"
    return raw, problems


def file_fields(form: FormDef) -> list[str]:
    return [p for p, f in form.walk() if f.type == "file" and "*" not in p]


def read_upload(form: FormDef, field_path: str, path: Path) -> Upload:
    """A document from disk as the intake would have received it. Reads at most one byte past the field's
    size limit: the validation then says the file is too large, and nothing huge is held in memory."""
    f = form.field(field_path)
    limit = int((f.max_size_mb if f else 5.0) * 1_000_000) + 1
    with path.open("rb") as fh:
        content = fh.read(limit)
    ext = path.name.rsplit(".", 1)[-1].lower() if "." in path.name else ""
    return Upload(field_path, path.name, MIME.get(ext, "application/octet-stream"), content)


def uploads_from_args(form: FormDef, specs: Sequence[str]) -> tuple[list[Upload], list[Problem]]:
    """``--document FIELD=PATH`` arguments → uploads, and a problem for each that cannot be one."""
    uploads: list[Upload] = []
    problems: list[Problem] = []
    allowed = file_fields(form)
    for spec in specs:
        name, eq, where = spec.partition("=")
        name = name.strip()
        if not eq or not name or not where:
            problems.append(_problem("--document", name, BAD_DOCUMENT_ARG, "document_arg"))
            continue
        if name not in allowed:
            problems.append(_problem("--document", name, NOT_A_FILE_FIELD.format(fields=", ".join(allowed) or "-"),
                                     "unknown_field"))
            continue
        path = Path(where).expanduser()
        if not path.is_file():
            problems.append(_problem("--document", name, NO_SUCH_FILE, "no_such_file"))
            continue
        uploads.append(read_upload(form, name, path))
    return uploads, problems
