"""Checking many record files at once, over several cores (the forms are shared with the workers by fork)."""

from __future__ import annotations

import multiprocessing as mp
import os
from collections.abc import Mapping, Sequence

from mustafid.core.errors import Problem
from mustafid.forms.model import FormDef
from mustafid.records.check import check_file

_FORMS: Mapping[str, FormDef] = {}
_ASSOC: str | None = None


def _check_chunk(chunk: Sequence[str]) -> list[Problem]:
    out: list[Problem] = []
    for name in chunk:
        out += check_file(name, _FORMS, _ASSOC)
    return out


def _warm(forms: Mapping[str, FormDef]) -> None:
    """Compile each form's schema and checks (and the mobile plan) once, before forking, instead of once in
    every worker. (records.check, imported above, has already imported the fast path's modules.)"""
    from mustafid.forms.types.identifiers import mobile_re
    from mustafid.records.check import _validator
    from mustafid.records.fastcheck import _plan

    mobile_re()
    for form in forms.values():
        _validator(form)
        _plan(form)


def check_files(files: Sequence[str | os.PathLike[str]], forms: Mapping[str, FormDef], assoc_id: str | None,
                jobs: int = 1) -> list[Problem]:
    """Problems of all files, in file order."""
    global _FORMS, _ASSOC
    _FORMS, _ASSOC = forms, assoc_id
    names = [os.fspath(f) for f in files]
    if jobs <= 1 or len(names) < 2 or "fork" not in mp.get_all_start_methods():
        return _check_chunk(names)
    _warm(forms)
    # Contiguous chunks keep the output in file order; a few per worker even out slow files.
    n = jobs * 4
    size = -(-len(names) // n)
    chunks = [names[i:i + size] for i in range(0, len(names), size)]
    with mp.get_context("fork").Pool(jobs) as pool:
        results = pool.map(_check_chunk, chunks, chunksize=1)
    return [p for r in results for p in r]
