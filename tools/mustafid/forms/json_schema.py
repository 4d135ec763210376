"""One JSON Schema (draft 2020-12) per form: the exported contract for records, so editors (the
``# yaml-language-server: $schema=`` line) and third-party validators (check-jsonschema) check them too.

The schema says everything a schema can say (types, patterns, enums, required-when-relevant as if/then, no
answers to questions that do not apply); the rules it cannot say (Luhn, mod-97, Hijri calendar, filtered
choice lists, counts, calculations) are checked by validation.check_data. Everything here is derived from the
form definition: nothing is written by hand.
"""

from __future__ import annotations

import json
from typing import Any

from mustafid.core.reference import PATTERN as REFERENCE
from mustafid.core.vocab import CHANNELS, STATUSES
from mustafid.forms.model import Field, FormDef
from mustafid.forms.types.registry import TYPES

RECORD_ID = f"^{REFERENCE}$"  # the reference's one definition (core/reference.py)
DATETIME = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(Z|[+-][0-9]{2}:[0-9]{2})$"
HIJRI = r"^1[345][0-9]{2}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|30)$"


def _ann(f: Field) -> dict[str, Any]:
    out: dict[str, Any] = {"title": f.label.en, "x-title-ar": f.label.ar}
    if f.tags:
        out["x-tags"] = sorted(f.tags)
    return out


SEALED = {"type": "string", "pattern": "^enc:v1:[a-z]+:[A-Za-z0-9+/=]+$"}  # records/sealing.py


def field_schema(form: FormDef, f: Field) -> dict[str, Any]:
    """An answer's schema: its annotations, then what its type says (forms/types); a sealed answer may also be
    its ciphertext (checked in full only by whoever holds a key)."""
    own = TYPES[f.type].schema(form, f, lambda fields: object_schema(form, fields))
    if f.sealed:
        return {**_ann(f), "anyOf": [own, SEALED]}
    return {**_ann(f), **own}


def condition_schema(cond: Any, scope: set[str]) -> dict[str, Any] | None:
    """A relevance condition as a schema the answers object must match, or None if a schema cannot say it
    (a comparison with another field, a field outside this object). Unanswered fields make comparisons false,
    as in conditions.evaluate, hence the ``required`` on each."""
    if not isinstance(cond, dict):
        return None
    for key, combiner in (("all", "allOf"), ("any", "anyOf")):
        if key in cond:
            parts = [condition_schema(c, scope) for c in cond[key]]
            return None if any(p is None for p in parts) else {combiner: parts}
    if "not" in cond:
        inner = condition_schema(cond["not"], scope)
        return None if inner is None else {"not": inner}
    name = cond.get("field")
    if name not in scope or len(cond) != 2:
        return None
    op, arg = next((k, v) for k, v in cond.items() if k != "field")
    if isinstance(arg, dict):
        return None
    if op == "answered":
        return {"required": [name]} if arg else {"not": {"required": [name]}}
    sub = {"equals": {"const": arg}, "not_equals": {"not": {"const": arg}}, "in": {"enum": arg},
           "not_in": {"not": {"enum": arg}}, "includes": {"contains": {"const": arg}},
           "gt": {"exclusiveMinimum": arg}, "gte": {"minimum": arg}, "lt": {"exclusiveMaximum": arg},
           "lte": {"maximum": arg}}.get(op)
    if sub is None:
        return None
    return {"required": [name], "properties": {name: sub}}


def object_schema(form: FormDef, fields: tuple[Field, ...]) -> dict[str, Any]:
    data_fields = [f for f in fields if f.holds_data]
    scope = {f.id for f in data_fields}
    sealed = sorted(f.id for f in data_fields if f.sealed)
    required = [f.id for f in data_fields if f.required and f.relevant is None and f.type != "calculated"]
    conditional = []
    for f in data_fields:
        if f.relevant is None:
            continue
        cond = condition_schema(f.relevant, scope)
        if cond is None:
            continue
        rule: dict[str, Any] = {"if": cond, "else": {"not": {"required": [f.id]}}}
        if f.required and f.type not in ("calculated", "repeat"):
            rule["then"] = {"required": [f.id]}
        refs = [n for n in sealed if f'"{n}"' in json.dumps(f.relevant)]
        if refs:  # the condition's answer sealed (ciphertext): only a key holder can judge it (check_data)
            rule = {"if": {"anyOf": [{"required": [n], "properties": {n: SEALED}} for n in refs]}, "else": rule}
        conditional.append(rule)
    out: dict[str, Any] = {"type": "object", "properties": {f.id: field_schema(form, f) for f in data_fields},
                           "required": required, "additionalProperties": False}
    if conditional:
        out["allOf"] = conditional
    return out


def form_json_schema(form: FormDef) -> dict[str, Any]:
    """The record schema for one form (lifecycle fields + its answers under ``data``)."""
    file_fields = [p for p, f in form.walk() if f.type == "file"]
    nullable_obj = {"type": ["object", "null"]}
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": f"urn:mustafid:form:{form.id}:v{form.version}",
        "title": f"{form.title.en} / {form.title.ar}",
        "description": f"A Mustafid record of the form '{form.id}' version {form.version}. Generated by "
                       "`mustafid schema` from the form definition: do not edit by hand.",
        "type": "object",
        "required": ["id", "form", "form_version", "association", "channel", "submitted_at", "submitted_at_hijri",
                     "status", "declaration", "data"],
        "additionalProperties": False,
        "properties": {
            "id": {"type": "string", "pattern": RECORD_ID},
            "form": {"const": form.id},
            "form_version": {"const": form.version},
            "association": {"type": "string", "pattern": "^[a-z][a-z0-9-]*$"},
            "channel": {"enum": list(CHANNELS)},
            "lang": {"enum": ["ar", "en"]},
            "submitted_at": {"type": "string", "pattern": DATETIME},
            "submitted_at_hijri": {"type": "string", "pattern": HIJRI},
            "status": {"enum": list(STATUSES)},
            "flags": {"type": "array", "items": {"type": "string", "pattern": "^[a-z_]+$"}, "uniqueItems": True},
            "duplicate_of": {"type": "array", "items": {"type": "string", "pattern": RECORD_ID}, "uniqueItems": True},
            "sealed": {"const": True},
            "lookup": {"type": "object", "additionalProperties": {"type": "string", "pattern": "^[0-9a-f]{64}$"}},
            "declaration": {
                "type": "object", "required": ["confirmed", "consent", "at"], "additionalProperties": False,
                "properties": {"confirmed": {"const": True},
                               "consent": {"const": True} if form.asks_personal_data else {"type": "boolean"},
                               "at": {"type": "string", "pattern": DATETIME}},
            },
            "data": object_schema(form, form.fields),
            "documents": {"type": "array", "items": {
                "type": "object", "required": ["field", "name", "type", "size", "sha256"],
                "properties": {"field": {"enum": file_fields} if file_fields else {"type": "string"},
                               "name": {"type": "string", "minLength": 1, "maxLength": 255},
                               "type": {"type": "string"}, "size": {"type": "integer", "minimum": 0},
                               "sha256": {"type": "string", "pattern": "^[0-9a-f]{64}$"}}}},
            "missing_documents": {"type": "array", "uniqueItems": True,
                                  "items": {"enum": file_fields} if file_fields else {"type": "string"}},
            "verification": nullable_obj, "info_requests": {"type": "array"},
            "votes": {"type": "array", "items": {
                "type": "object", "required": ["by", "at", "outcome", "reason"],
                "properties": {"by": {"type": "string"}, "at": {"type": "string", "pattern": DATETIME},
                               "outcome": {"enum": ["approved", "rejected"]}, "reason": {"type": "string"}}}},
            "decision": nullable_obj,
            "service": nullable_obj, "withdrawal": nullable_obj,
            "escalation": nullable_obj, "answer": nullable_obj,
        },
    }


def schema_text(form: FormDef) -> str:
    """The exact bytes written to ``forms/schema/<form>.schema.json`` (stable: CI diffs them)."""
    return json.dumps(form_json_schema(form), ensure_ascii=False, indent=2) + "\n"
