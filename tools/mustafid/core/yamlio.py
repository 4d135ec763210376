"""YAML reading and writing, each ruamel.yaml instance configured on its own (never global state).

- ``load_fast``: plain data, fast (ryaml), when nothing is wrong and no line is needed.
- ``load_rt``: round-trip (comments, key order, line numbers) for files people edit.
- ``line_of``: the 1-based line of a dotted path in a round-trip document.
- ``load_strings``: answers typed by people (`mustafid submit --file`): every scalar a string, exactly as
  written, and no tag ever constructs an object.
"""

from __future__ import annotations

import contextlib
import io
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ruamel.yaml import YAML


def rt_yaml() -> YAML:
    from ruamel.yaml import YAML  # imported when first needed: `mustafid validate` of clean records never is

    y = YAML(typ="rt")
    y.allow_duplicate_keys = False
    y.preserve_quotes = True
    y.width = 4096
    y.indent(mapping=2, sequence=4, offset=2)
    return y


def load_fast(text: str) -> Any:
    """Plain data (dicts, lists, scalars) from YAML text by ryaml, a Rust loader several times faster than ruamel,
    for what is read on every command; no lines, no comments. Raises what ryaml raises on bad YAML."""
    from ryaml._ryaml import loads  # the package re-exports it without telling type checkers

    return loads(text)


def load_rt(text: str) -> Any:
    return rt_yaml().load(text)


def load_strings(text: str) -> Any:
    """Mappings, lists and strings only. Answers are re-read by the form's own validation, so nothing is
    guessed here: ``0501234567`` keeps its leading zero, ``1446-09-15`` stays a date as typed, tags are
    ignored (the base loader has no constructors), duplicate keys are an error."""
    from ruamel.yaml import YAML

    y = YAML(typ="base")
    y.allow_duplicate_keys = False
    return y.load(text)


def dump_rt(doc: Any) -> str:
    buf = io.StringIO()
    rt_yaml().dump(doc, buf)
    return buf.getvalue()


def to_plain(node: Any) -> Any:
    """Round-trip nodes to plain dicts/lists/scalars (what JSON Schema validators expect)."""
    if isinstance(node, dict):
        return {str(k): to_plain(v) for k, v in node.items()}
    if isinstance(node, list):
        return [to_plain(v) for v in node]
    if isinstance(node, str):
        return str(node)
    return node


def line_of(doc: Any, path: tuple[Any, ...] | list[Any]) -> int | None:
    """1-based line of the deepest node of ``path`` that exists in a round-trip document."""
    if not hasattr(doc, "lc"):  # a plain document (read quickly): no lines to give
        return None
    from ruamel.yaml.comments import CommentedMap, CommentedSeq

    node, line = doc, None
    for key in path:
        if isinstance(node, CommentedMap) and key in node:
            with contextlib.suppress(KeyError, TypeError, AttributeError):
                line = node.lc.key(key)[0] + 1
            node = node[key]
        elif isinstance(node, CommentedSeq) and isinstance(key, int) and 0 <= key < len(node):
            with contextlib.suppress(KeyError, TypeError, AttributeError):
                line = node.lc.item(key)[0] + 1
            node = node[key]
        else:
            break
    if line is None and hasattr(doc, "lc"):
        line = (doc.lc.line or 0) + 1
    return line


def read_text(path: Path, limit: int = 2_000_000) -> str:
    data = path.read_bytes()
    if len(data) > limit:
        raise ValueError(f"file is larger than {limit} bytes")
    return data.decode("utf-8")
