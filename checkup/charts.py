"""The score over the last days as the bars of an inline SVG (drawn by the template, no script, no style)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from .selectors import DayScore

BAR_WIDTH = 10
CHART_HEIGHT = 120


@dataclass(frozen=True)
class Bar:
    x: int
    y: int
    height: int
    score: DayScore

    @property
    def label(self) -> str:
        return f"{self.score.day:%d %b %Y}: {self.score.passed} of {self.score.applicable} checks pass"


def score_bars(history: list[DayScore], *, today: date, days: int) -> list[Bar]:
    """Return one bar per recorded day, placed on a ``days``-wide axis that ends ``today``."""
    first = today - timedelta(days=days - 1)
    bars = []
    for score in history:
        height = max(1, round(CHART_HEIGHT * score.percent / 100))
        bars.append(Bar(x=(score.day - first).days * BAR_WIDTH, y=CHART_HEIGHT - height, height=height, score=score))
    return bars
