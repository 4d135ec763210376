"""Checking many record files at once, over several cores (the forms are shared with the workers by fork)."""

from __future__ import annotations

import multiprocessing as mp
from pathlib import Path
from typing import Mapping, Sequence

from .errors import Problem
from .formdef import FormDef
from .recordcheck import check_file

_FORMS: Mapping[str, FormDef] = {}
_ASSOC: str | None = None


def _check_chunk(chunk: Sequence[str]) -> list[Problem]:
    out: list[Problem] = []
    for name in chunk:
        out += check_file(Path(name), _FORMS, _ASSOC)
    return out


def check_files(files: Sequence[Path], forms: Mapping[str, FormDef], assoc_id: str | None, jobs: int = 1) -> list[Problem]:
    """Problems of all files, in file order."""
    global _FORMS, _ASSOC
    _FORMS, _ASSOC = forms, assoc_id
    names = [str(f) for f in files]
    if jobs <= 1 or len(names) < 2 or "fork" not in mp.get_all_start_methods():
        return _check_chunk(names)
    # Contiguous chunks keep the output in file order; a few per worker even out slow files.
    n = jobs * 4
    size = -(-len(names) // n)
    chunks = [names[i:i + size] for i in range(0, len(names), size)]
    with mp.get_context("fork").Pool(jobs) as pool:
        results = pool.map(_check_chunk, chunks)
    return [p for r in results for p in r]
