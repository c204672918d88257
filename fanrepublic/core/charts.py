"""Small server-rendered SVG charts: no JavaScript, so they work under the strict CSP,
print well and carry a text alternative for screen readers."""

from django.utils.html import escape
from django.utils.safestring import mark_safe


def _svg_open(css_class: str, width, height, chart_id: str, title: str) -> str:
    """The chart's opening tag and its accessible title, the same for every kind."""
    return (
        f'<svg class="{css_class}" viewBox="0 0 {width} {height}" role="img" '
        f'aria-labelledby="{chart_id}-title" preserveAspectRatio="xMinYMin meet" '
        'xmlns="http://www.w3.org/2000/svg">'
        f'<title id="{chart_id}-title">{escape(title)}</title>'
    )


def bar_chart(
    points: list[tuple[str, float | None]],
    *,
    title: str,
    unit: str = "",
    height: int = 180,
    css_class: str = "chart",
    chart_id: str = "chart",
    min_width: int = 320,
) -> str:
    """points: (label, value); None draws no bar (no data that day)."""
    width = max(min_width, 28 * len(points) + 60)
    top, bottom, left = 16, 36, 44
    plot_h = height - top - bottom
    values = [v for _l, v in points if v is not None]
    peak = max(values) if values else 0
    peak = peak or 1
    step = (width - left - 10) / max(1, len(points))
    bar_w = max(4, step * 0.7)
    parts = [
        _svg_open(css_class, width, height, chart_id, title),
        f'<line x1="{left}" y1="{top + plot_h}" x2="{width - 5}" y2="{top + plot_h}" class="axis"/>',
        f'<text x="{left - 6}" y="{top + 4}" text-anchor="end" class="tick">{peak:g}{escape(unit)}</text>',
        f'<text x="{left - 6}" y="{top + plot_h}" text-anchor="end" class="tick">0</text>',
    ]
    label_every = max(1, len(points) // 10)
    for i, (label, value) in enumerate(points):
        x = left + i * step + (step - bar_w) / 2
        if value is not None:
            h = plot_h * value / peak
            parts.append(
                f'<rect x="{x:.1f}" y="{top + plot_h - h:.1f}" width="{bar_w:.1f}" '
                f'height="{h:.1f}" class="bar">'
                f"<title>{escape(label)}: {value:g}{escape(unit)}</title></rect>"
            )
        if i % label_every == 0:
            parts.append(
                f'<text x="{x + bar_w / 2:.1f}" y="{height - bottom + 16}" text-anchor="middle" class="tick">'
                f"{escape(label)}</text>"
            )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - every interpolated text is escaped above


def grouped_bar_chart(
    labels: list[str],
    series: list[tuple[str, list[float | None]]],
    *,
    title: str,
    unit: str = "",
    height: int = 200,
    chart_id: str = "chart",
    min_width: int = 320,
) -> str:
    """Bars side by side per label, one colour per series (at most three), with a legend:
    "predicted against actual" and the like. None draws no bar."""
    width = max(min_width, (14 * len(series) + 16) * len(labels) + 60)
    top, bottom, left = 30, 36, 44
    plot_h = height - top - bottom
    values = [v for _name, vs in series for v in vs if v is not None]
    peak = max(values) if values else 0
    peak = peak or 1
    step = (width - left - 10) / max(1, len(labels))
    bar_w = max(3, step * 0.8 / max(1, len(series)))
    parts = [
        _svg_open("chart", width, height, chart_id, title),
        f'<line x1="{left}" y1="{top + plot_h}" x2="{width - 5}" y2="{top + plot_h}" class="axis"/>',
        f'<text x="{left - 6}" y="{top + 4}" text-anchor="end" class="tick">{peak:.3g}{escape(unit)}</text>',
        f'<text x="{left - 6}" y="{top + plot_h}" text-anchor="end" class="tick">0</text>',
    ]
    for s, (name, _vs) in enumerate(series):
        x = left + s * 120
        parts.append(f'<rect x="{x}" y="6" width="10" height="10" class="bar series-{s}"/>')
        parts.append(f'<text x="{x + 14}" y="15" class="tick">{escape(name)}</text>')
    for i, label in enumerate(labels):
        group_x = left + i * step + step * 0.1
        for s, (name, vs) in enumerate(series):
            value = vs[i]
            if value is None:
                continue
            h = plot_h * value / peak
            x = group_x + s * bar_w
            parts.append(
                f'<rect x="{x:.1f}" y="{top + plot_h - h:.1f}" width="{bar_w:.1f}" height="{h:.1f}" '
                f'class="bar series-{s}"><title>{escape(label)} · {escape(name)}: '
                f"{value:.3g}{escape(unit)}</title></rect>"
            )
        parts.append(
            f'<text x="{group_x + bar_w * len(series) / 2:.1f}" y="{height - bottom + 16}" '
            f'text-anchor="middle" class="tick">{escape(label)}</text>'
        )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - every interpolated text is escaped above


def signed_bar_chart(
    points: list[tuple[str, float | None]],
    *,
    title: str,
    low: float,
    high: float,
    height: int = 200,
    chart_id: str = "chart",
    min_width: int = 320,
) -> str:
    """Bars up from and down from zero on a fixed scale from `low` to `high` (a score
    such as NPS, −100 to 100, where a negative month is as telling as a positive one)."""
    width = max(min_width, 28 * len(points) + 60)
    top, bottom, left = 16, 36, 44
    plot_h = height - top - bottom

    def y_of(value):
        return top + plot_h * (high - value) / (high - low)

    zero = y_of(0)
    step = (width - left - 10) / max(1, len(points))
    bar_w = max(4, step * 0.7)
    parts = [
        _svg_open("chart", width, height, chart_id, title),
        f'<line x1="{left}" y1="{zero:.1f}" x2="{width - 5}" y2="{zero:.1f}" class="axis"/>',
        f'<text x="{left - 6}" y="{top + 4}" text-anchor="end" class="tick">{high:g}</text>',
        f'<text x="{left - 6}" y="{zero + 4:.1f}" text-anchor="end" class="tick">0</text>',
        f'<text x="{left - 6}" y="{top + plot_h}" text-anchor="end" class="tick">{low:g}</text>',
    ]
    label_every = max(1, len(points) // 10)
    for i, (label, value) in enumerate(points):
        x = left + i * step + (step - bar_w) / 2
        if value is not None:
            clipped = min(high, max(low, value))
            y0, y1 = sorted((zero, y_of(clipped)))
            parts.append(
                f'<rect x="{x:.1f}" y="{y0:.1f}" width="{bar_w:.1f}" height="{y1 - y0:.1f}" '
                f'class="bar{" series-1" if value < 0 else ""}">'
                f"<title>{escape(label)}: {value:.3g}</title></rect>"
            )
        if i % label_every == 0:
            parts.append(
                f'<text x="{x + bar_w / 2:.1f}" y="{height - bottom + 16}" text-anchor="middle" class="tick">'
                f"{escape(label)}</text>"
            )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - every interpolated text is escaped above
