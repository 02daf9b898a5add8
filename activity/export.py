"""Streamed CSV and JSON Lines exports of a filtered set of events."""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable, Iterator

from .selectors import EXPORT_COLUMNS

# Spreadsheet programs run a cell starting with one of these as a formula; a
# target label is partly typed by strangers (failed sign-ins), so neutralise it.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


class _Echo:
    def write(self, value: str) -> str:
        return value


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    text = str(value)
    return "'" + text if text.startswith(_FORMULA_START) else text


def csv_lines(rows: Iterable[dict]) -> Iterator[str]:
    writer = csv.writer(_Echo())
    yield writer.writerow(EXPORT_COLUMNS)
    for row in rows:
        yield writer.writerow([_cell(row[name]) for name in EXPORT_COLUMNS])


def jsonl_lines(rows: Iterable[dict]) -> Iterator[str]:
    for row in rows:
        yield json.dumps(row, ensure_ascii=False, sort_keys=True) + "\n"
