"""Server-rendered SVG chart of events per day (no JavaScript).

The activity page embeds it inline, where each day's bar is a link to that
day's events; ``chart.svg`` serves the same drawing as an image.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from django.utils.html import escape

WIDTH, HEIGHT = 960, 220
# The right margin leaves room for the last date label, which ends at the last bar's right edge.
LEFT, RIGHT, TOP, BOTTOM = 48, 16, 16, 36
FONT_SIZE = 12
# A generous estimate of one character's width in the chart's sans-serif font, for the labels' room.
CHAR_WIDTH = 0.62 * FONT_SIZE


def plural(count: int) -> str:
    return f"{count} event" if count == 1 else f"{count} events"


def day_title(day: date, count: int) -> str:
    return f"{day:%a %d %b %Y}: {plural(count)}"


def per_day_svg(
    days: list[tuple[date, int]],
    *,
    title: str,
    link: Callable[[date], str] | None = None,
    chart_id: str = "chart",
) -> str:
    """Return an accessible SVG bar chart with one bar per day and a title per bar.

    With ``link``, the chart is meant to be inline in a page: each bar is a
    keyboard-focusable link to ``link(day)``, covering the day's whole column so
    that a small bar is easy to hit, and the chart scales to its container.
    Without, it is a stand-alone image of fixed size.
    """
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    peak = max((n for _, n in days), default=0)
    total = sum(n for _, n in days)
    slot = plot_w / max(len(days), 1)
    gap = 1 if slot > 3 else 0
    size = "" if link else f' width="{WIDTH}" height="{HEIGHT}"'
    role = 'role="group"' if link else 'role="img"'
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}"{size} class="chart" {role} '
        f'aria-labelledby="{chart_id}-title" font-family="system-ui, sans-serif" font-size="{FONT_SIZE}">',
        f'<title id="{chart_id}-title">{escape(title)}: {plural(total)}, at most {peak} in one day</title>',
        f'<rect x="0" y="0" width="{WIDTH}" height="{HEIGHT}" fill="#fff"/>',
        f'<line x1="{LEFT}" y1="{TOP + plot_h}" x2="{LEFT + plot_w}" y2="{TOP + plot_h}" stroke="#8a94a6"/>',
        f'<text x="{LEFT - 6}" y="{TOP + 4}" text-anchor="end" fill="#5b6475" aria-hidden="true">{peak}</text>',
        f'<text x="{LEFT - 6}" y="{TOP + plot_h}" text-anchor="end" fill="#5b6475" aria-hidden="true">0</text>',
    ]
    for index, (day, count) in enumerate(days):
        if not count:
            continue
        bar_h = max(plot_h * count / peak, 1)
        x = LEFT + index * slot
        width = max(slot - gap, 0.5)
        bar = (
            f'<rect class="bar" x="{x:.2f}" y="{TOP + plot_h - bar_h:.2f}" width="{width:.2f}" '
            f'height="{bar_h:.2f}" fill="#2952cc"/>'
        )
        words = day_title(day, count)
        if link is None:
            parts.append(bar.replace("/>", f"><title>{words}</title></rect>"))
            continue
        parts.append(
            f'<a class="day" href="{escape(link(day))}" tabindex="0" aria-label="{words}"><title>{words}</title>'
            f'<rect class="hit" x="{x:.2f}" y="{TOP}" width="{width:.2f}" height="{plot_h}" fill="transparent"/>'
            f"{bar}</a>"
        )
    parts.extend(_date_labels(days, slot, TOP + plot_h + 16))
    if not total:
        parts.append(
            f'<text x="{LEFT + plot_w / 2}" y="{TOP + plot_h / 2}" text-anchor="middle" fill="#5b6475">'
            "No events in this period</text>"
        )
    parts.append("</svg>")
    return "".join(parts)


def _date_labels(days: list[tuple[date, int]], slot: float, y: float) -> list[str]:
    if not days:
        return []
    # About eight evenly spaced labels whatever the span, plus the last day.
    every = max(len(days) // 8, 1)
    last = len(days) - 1
    indices = list(range(0, last + 1, every))
    if indices[-1] != last:
        if last - indices[-1] < every / 2 and len(indices) > 1:
            indices.pop()  # it would overlap the last day's label
        indices.append(last)
    labels = []
    for i in indices:
        text = f"{days[i][0]:%d %b %y}"
        # Centred under its bar, but never past either end of the chart: the first and the
        # last label are aligned with the plot's edges when centring would cut them off.
        x, anchor = LEFT + i * slot + slot / 2, "middle"
        half = len(text) * CHAR_WIDTH / 2
        if x - half < 0:
            x, anchor = LEFT + i * slot, "start"
        elif x + half > WIDTH:
            x, anchor = LEFT + (i + 1) * slot, "end"
        labels.append(
            f'<text x="{x:.2f}" y="{y}" text-anchor="{anchor}" fill="#5b6475" aria-hidden="true">{text}</text>'
        )
    return labels
