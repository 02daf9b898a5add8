"""Server-rendered SVG chart of events per day (no JavaScript)."""

from __future__ import annotations

from datetime import date

from django.utils.html import escape

WIDTH, HEIGHT = 960, 220
LEFT, RIGHT, TOP, BOTTOM = 48, 12, 16, 36


def _plural(count: int) -> str:
    return f"{count} event" if count == 1 else f"{count} events"


def per_day_svg(days: list[tuple[date, int]], *, title: str) -> str:
    """Return an accessible SVG bar chart with one bar per day and a tooltip per bar."""
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    peak = max((n for _, n in days), default=0)
    total = sum(n for _, n in days)
    slot = plot_w / max(len(days), 1)
    gap = 1 if slot > 3 else 0
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" width="{WIDTH}" height="{HEIGHT}" '
        f'role="img" aria-labelledby="chart-title" font-family="system-ui, sans-serif" font-size="12">',
        f'<title id="chart-title">{escape(title)}: {_plural(total)}, at most {peak} in one day</title>',
        f'<rect x="0" y="0" width="{WIDTH}" height="{HEIGHT}" fill="#fff"/>',
        f'<line x1="{LEFT}" y1="{TOP + plot_h}" x2="{LEFT + plot_w}" y2="{TOP + plot_h}" stroke="#8a94a6"/>',
        f'<text x="{LEFT - 6}" y="{TOP + 4}" text-anchor="end" fill="#5b6475">{peak}</text>',
        f'<text x="{LEFT - 6}" y="{TOP + plot_h}" text-anchor="end" fill="#5b6475">0</text>',
    ]
    for index, (day, count) in enumerate(days):
        if not count:
            continue
        bar_h = max(plot_h * count / peak, 1)
        x = LEFT + index * slot
        parts.append(
            f'<rect x="{x:.2f}" y="{TOP + plot_h - bar_h:.2f}" width="{max(slot - gap, 0.5):.2f}" '
            f'height="{bar_h:.2f}" fill="#2952cc"><title>{day:%a %d %b %Y}: {_plural(count)}</title></rect>'
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
    return [
        f'<text x="{LEFT + i * slot + slot / 2:.2f}" y="{y}" text-anchor="middle" fill="#5b6475">'
        f"{days[i][0]:%d %b %y}</text>"
        for i in indices
    ]
