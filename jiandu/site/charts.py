"""Charts drawn at build time as inline SVG, each with <title>, <desc> and an adjacent data table."""

from __future__ import annotations

from dataclasses import dataclass

from markupsafe import Markup, escape

WIDTH, LABEL_W, ROW_H, BAR_H, PAD = 400, 80, 24, 18, 8
SERIES = ("jd-chart__bar--a", "jd-chart__bar--b")


@dataclass(frozen=True)
class Figure:
    """A small table of numbers: one label column and one or more value series."""

    id: str  # unique within the page; used for aria ids
    title: str
    desc: str
    label: str  # header of the label column
    series: tuple[str, ...]  # headers of the value columns
    rows: tuple[tuple[str, tuple[float, ...]], ...]
    unit: str = ""

    def cell(self, value: float) -> str:
        text = f"{value:.1f}".removesuffix(".0") if isinstance(value, float) else str(value)
        return f"{text}{self.unit}"


def bar_chart(fig: Figure) -> Markup:
    """Horizontal bars, one group per row; values are written beside the bars as text."""
    top = max((v for _, values in fig.rows for v in values), default=0) or 1
    group_h = ROW_H * len(fig.series) + PAD
    legend_h = ROW_H if len(fig.series) > 1 else 0
    height = legend_h + group_h * len(fig.rows) + PAD
    scale = (WIDTH - LABEL_W - 70) / top
    parts = [
        f'<svg class="jd-chart__svg" viewBox="0 0 {WIDTH} {height}" role="img" '
        f'aria-labelledby="{fig.id}-title {fig.id}-desc" xmlns="http://www.w3.org/2000/svg">',
        f'<title id="{fig.id}-title">{escape(fig.title)}</title>',
        f'<desc id="{fig.id}-desc">{escape(fig.desc)}</desc>',
    ]
    parts += _legend(fig.series) if legend_h else []
    for i, (label, values) in enumerate(fig.rows):
        y = legend_h + PAD + i * group_h
        parts.append(f'<text class="jd-chart__label" x="0" y="{y + BAR_H - 2}">{escape(label)}</text>')
        for j, value in enumerate(values):
            by, w = y + j * ROW_H, round(value * scale, 1)
            parts.append(f'<rect class="jd-chart__bar {SERIES[j % 2]}" x="{LABEL_W}" y="{by}" '
                         f'width="{w}" height="{BAR_H}"/>')
            parts.append(f'<text class="jd-chart__value" x="{LABEL_W + w + 6}" y="{by + BAR_H - 3}">'
                         f'{escape(fig.cell(value))}</text>')
    parts.append("</svg>")
    return Markup("".join(parts))


def _legend(series: tuple[str, ...]) -> list[str]:
    parts, x = [], LABEL_W
    for j, name in enumerate(series):
        parts.append(f'<rect class="jd-chart__bar {SERIES[j % 2]}" x="{x}" y="4" width="14" height="14"/>')
        parts.append(f'<text class="jd-chart__label" x="{x + 20}" y="16">{escape(name)}</text>')
        x += 40 + 16 * len(name)
    return parts
