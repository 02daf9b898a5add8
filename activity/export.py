"""Streamed CSV and JSON Lines exports of a filtered set of events."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Iterator

from .selectors import EXPORT_COLUMNS

# Spreadsheet programs run a cell starting with one of these as a formula; a
# target label is partly typed by strangers (failed sign-ins), so neutralise it.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_FORMULA_CHARS = frozenset(_FORMULA_START)


# Rows per chunk of the streamed response: one chunk per row costs a trip through
# the response machinery (and a write to the socket) for every row.
CHUNK_ROWS = 500


# One encoder for every cell: json.dumps() with options builds a new one per call.
_json = json.JSONEncoder(ensure_ascii=False, sort_keys=True).encode


def _cell(value):
    """Return a cell for a value other than text, a whole number or nothing (those are inlined in ``csv_lines``)."""
    if isinstance(value, dict | list):
        return _json(value)
    text = str(value)
    return "'" + text if text.startswith(_FORMULA_START) else text


def csv_lines(rows: Iterable[dict]) -> Iterator[str]:
    """Yield the CSV export: the header, then the rows in chunks of ``CHUNK_ROWS`` lines."""
    buffer = io.StringIO()
    writerow = csv.writer(buffer).writerow
    writerow(EXPORT_COLUMNS)
    formula, columns = _FORMULA_CHARS, EXPORT_COLUMNS
    for n, row in enumerate(rows, start=1):
        # This runs for every cell of every row: text (the common case), whole numbers and nothing are
        # handled inline rather than through a call each; anything else goes through _cell.
        writerow(
            [
                ("'" + value if value[:1] in formula else value)
                if value.__class__ is str
                else ("" if value is None else value if value.__class__ is int else _cell(value))
                for value in map(row.__getitem__, columns)
            ]
        )
        if n % CHUNK_ROWS == 0:
            yield _drain(buffer)
    if buffer.tell():
        yield _drain(buffer)


def _drain(buffer: io.StringIO) -> str:
    text = buffer.getvalue()
    buffer.seek(0)
    buffer.truncate()
    return text


def jsonl_lines(rows: Iterable[dict]) -> Iterator[str]:
    """Yield the JSON Lines export in chunks of ``CHUNK_ROWS`` lines."""
    lines = []
    for row in rows:
        lines.append(json.dumps(row, ensure_ascii=False, sort_keys=True) + "\n")
        if len(lines) == CHUNK_ROWS:
            yield "".join(lines)
            lines = []
    if lines:
        yield "".join(lines)
