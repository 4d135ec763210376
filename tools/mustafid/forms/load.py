"""Loading an association's form definitions: the files of ``forms/``, the shared library, and a cache.

Definitions are read on every command, so a clean folder is read by a Rust YAML loader and only a folder with a
problem is read again by ruamel, for the lines. Shared groups and choice lists come from the package's
``library.yml`` (standard, the same for every association) overlaid by the association's own
``forms/_library.yml``. forms/definition.py reads each definition.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from mustafid.core.errors import ConfigError, NotFound, Problem
from mustafid.core.yamlio import line_of, load_fast, load_rt, read_text
from mustafid.forms.definition import read_form
from mustafid.forms.model import FormDef

STANDARD_LIBRARY = Path(__file__).with_name("library.yml")


def _load_yaml(path: Path, problems: list[Problem], fast: bool = False) -> tuple[Any, Any]:
    if fast:
        # Definitions are read on every command: a Rust loader first; ruamel (lines) only if anything is wrong.
        try:
            return None, _plain(load_fast(read_text(path)))
        except Exception:
            problems.append(Problem(str(path), "", "", "", None, "retry"))
            return None, None
    from ruamel.yaml.error import YAMLError  # the careful read only: clean definitions are read by ryaml

    try:
        doc = load_rt(read_text(path))
    except (YAMLError, UnicodeDecodeError, ValueError) as exc:
        mark = getattr(exc, "problem_mark", None)
        problems.append(Problem(str(path), "", "ملف YAML غير صالح: راجع المسافات البادئة والنقطتين",
                                "not valid YAML: " + str(exc).splitlines()[0], mark.line + 1 if mark else None, "yaml"))
        return None, None
    return doc, _plain(doc)


def _plain(node: Any) -> Any:
    """Round-trip nodes to builtin types (ruamel's ScalarInt/ScalarFloat would leak into schemas and JSON)."""
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
    if isinstance(node, str):
        return str(node)
    return node


def load_library(forms_dir: Path, problems: list[Problem], fast: bool = False) -> dict[str, Any]:
    lib: dict[str, Any] = {"choices": {}, "groups": {}, "texts": {}}
    for path in (STANDARD_LIBRARY, forms_dir / "_library.yml"):
        if not path.is_file():
            continue
        _, data = _load_yaml(path, problems, fast)
        if isinstance(data, dict):
            for key, table in lib.items():
                table.update(data.get(key) or {})
    return lib


def parse_forms_dir(forms_dir: Path) -> tuple[dict[str, FormDef], list[Problem]]:
    forms, problems = _parse_forms_dir(forms_dir, fast=True)
    if problems:  # read again carefully, for the lines
        forms, problems = _parse_forms_dir(forms_dir, fast=False)
    return forms, problems


def _parse_forms_dir(forms_dir: Path, fast: bool) -> tuple[dict[str, FormDef], list[Problem]]:
    problems: list[Problem] = []
    lib = load_library(forms_dir, problems, fast)
    forms: dict[str, FormDef] = {}
    for path in sorted(forms_dir.glob("*.yml")):
        if path.name.startswith("_"):
            continue
        doc, data = _load_yaml(path, problems, fast)
        if data is None:
            continue
        form, found = read_form(str(path), doc, data, lib, path)
        problems += found
        if form is not None:
            if form.id != path.stem:
                problems.append(Problem(str(path), "form", f"اسم الملف يجب أن يطابق معرّف النموذج: {form.id}.yml",
                                        f"the file name must match the form id: {form.id}.yml", line_of(doc, ["form"])))
            forms[form.id] = form
    return forms, problems


def load_forms(assoc: Any) -> dict[str, FormDef]:
    """Every form of an association (``assoc.forms_dir/*.yml``), keyed by form id. Raises ConfigError listing
    every problem of every definition."""
    return load_forms_dir(Path(assoc.forms_dir))


_CACHE: dict[tuple[str, tuple[tuple[str, int, int], ...]], dict[str, FormDef]] = {}


def load_forms_dir(forms_dir: Path) -> dict[str, FormDef]:
    forms_dir = forms_dir.resolve()
    # Every file's name, size and mtime: an edit, an addition or a removal all reload.
    stamp = tuple(sorted((p.name, p.stat().st_size, p.stat().st_mtime_ns) for p in forms_dir.glob("*.yml")))
    key = (str(forms_dir), stamp)
    if key not in _CACHE:
        forms, problems = parse_forms_dir(forms_dir)
        if problems:
            raise ConfigError(f"في تعريفات النماذج {len(problems)} مشكلة، صحّحها ثم أعد المحاولة",
                              f"the form definitions have {len(problems)} problem(s); fix them and try again", problems)
        _CACHE[key] = forms
    return _CACHE[key]


def load_form(assoc: Any, form_id: str) -> FormDef:
    forms = load_forms(assoc)
    if form_id not in forms:
        raise NotFound(f"لا يوجد نموذج باسم «{form_id}»", f"there is no form '{form_id}'",
                       [Problem(str(assoc.forms_dir), "", "النماذج المتاحة: " + "، ".join(sorted(forms)),
                                "available forms: " + ", ".join(sorted(forms)))])
    return forms[form_id]
