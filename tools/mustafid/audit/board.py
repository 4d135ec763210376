"""Exports for the board: the request list without personal fields, and the figures, as CSV and as one XLSX
workbook (openpyxl). Built from the audit report and its aggregates only; no record is read."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

from mustafid.core.period import riyadh_day
from mustafid.stats.kinds import form_kind

COLUMNS = ("id", "form", "kind", "channel", "status", "received", "promised_by", "decided", "outcome",
           "days_to_decision", "kept", "overdue", "decided_by", "members", "meeting")


def _safe(v: Any) -> Any:
    """A cell a spreadsheet will not run as a formula (no value here starts so, but a hand-edited trailer could)."""
    if isinstance(v, str) and v[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + v
    return v


def request_rows(report: Mapping[str, Any], kinds: Mapping[str, str] | None = None) -> list[list[Any]]:
    """One row a request, in ``COLUMNS`` order: dates as Riyadh days, members joined."""
    kinds = kinds or {}
    out = []
    for r in report.get("rows", ()):
        row = {**r, "kind": kinds.get(r["form"]) or form_kind(r["form"]),
               "received": riyadh_day(r["received"]).isoformat() if r.get("received") else None,
               "decided": riyadh_day(r["decided"]).isoformat() if r.get("decided") else None,
               "members": " ".join(r.get("members") or [])}
        out.append([_safe(row.get(c)) for c in COLUMNS])
    return out


def figure_rows(agg: Mapping[str, Any]) -> Iterator[list[Any]]:
    """The aggregates in long form: (figure, key, month, value), month empty for a total."""
    months = agg["months"]
    for k, v in agg["totals"].items():
        yield ["totals", k, "", v]
    for k, v in agg["statuses"].items():
        yield ["statuses", k, "", v]
    yield ["open", "", "", agg["open"]]
    yield ["overdue", "", "", agg["overdue"]]
    for axis, table in agg["per_month"].items():
        for key, series in table.items():
            for m, v in zip(months, series, strict=True):
                yield [f"per_month.{axis}", key, m, v]
    dec = agg["decisions"]
    for k in ("decided", "kept", "late", "share", "median_days"):
        yield ["decisions", k, "", dec[k]]
    for b in dec["buckets"]:
        yield ["decisions.days", f"{b['min']}-{'' if b['max'] is None else b['max']}", "", b["count"]]
    for m, slot in zip(months, dec["per_month"], strict=True):
        for k in ("decided", "kept", "share"):
            yield ["decisions.per_month", k, m, slot[k]]
    com = agg["complaints"]
    for k in ("received", "answered", "on_time", "open", "share"):
        yield ["complaints", k, "", com[k]]
    for m, slot in zip(months, com["per_month"], strict=True):
        for k in ("received", "answered", "on_time", "share"):
            yield ["complaints.per_month", k, m, slot[k]]
    sat = agg["satisfaction"]
    yield ["satisfaction", "responses", "", sat["responses"]]
    yield ["satisfaction", "recommend", "", sat["recommend"]]
    for q, v in sat["means"].items():
        yield ["satisfaction", q, "", v]
    for m, slot in zip(months, sat["per_month"], strict=True):
        yield ["satisfaction.per_month", "responses", m, slot["responses"]]
        for q, v in slot["means"].items():
            yield ["satisfaction.per_month", q, m, v]


FIGURE_COLUMNS = ("figure", "key", "month", "value")


def _csv(header: Sequence[str], rows: Iterator[list[Any]] | list[list[Any]]) -> str:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n")
    w.writerow(header)
    w.writerows(["" if v is None else v for v in row] for row in rows)
    return buf.getvalue()


def _atomic(path: Path, data: bytes) -> None:
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_bytes(data)
    tmp.replace(path)


def write_csv(report: Mapping[str, Any], agg: Mapping[str, Any], folder: Path,
              kinds: Mapping[str, str] | None = None) -> list[Path]:
    """``requests.csv`` and ``figures.csv`` in ``folder`` (UTF-8 with a BOM, so Excel reads the Arabic)."""
    folder.mkdir(parents=True, exist_ok=True)
    out = []
    for name, text in (("requests.csv", _csv(COLUMNS, request_rows(report, kinds))),
                       ("figures.csv", _csv(FIGURE_COLUMNS, figure_rows(agg)))):
        _atomic(folder / name, ("\ufeff" + text).encode("utf-8"))
        out.append(folder / name)
    return out


def write_xlsx(report: Mapping[str, Any], agg: Mapping[str, Any], path: Path,
               kinds: Mapping[str, str] | None = None) -> Path:
    """One workbook: "figures" (long form) and "requests" sheets, headers frozen, right to left."""
    from openpyxl import Workbook

    wb = Workbook(write_only=True)  # streamed rows: about five times faster than the cell-by-cell workbook
    sheets = (("figures", FIGURE_COLUMNS, list(figure_rows(agg))), ("requests", COLUMNS, request_rows(report, kinds)))
    for title, header, rows in sheets:
        ws = wb.create_sheet(title)
        ws.sheet_view.rightToLeft = True
        ws.freeze_panes = "A2"
        ws.append(list(header))
        for row in rows:
            ws.append(row)
    buf = io.BytesIO()
    wb.save(buf)
    path.parent.mkdir(parents=True, exist_ok=True)
    _atomic(path, buf.getvalue())
    return path
