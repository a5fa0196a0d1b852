"""Bar charts as geometry for SVG templates: the numbers are laid out here, the markup is
drawn by templates/desk/_bar_chart.html (autoescaped like every other page)."""

from __future__ import annotations

import math
from dataclasses import dataclass


@dataclass(frozen=True)
class Bar:
    label: str
    value: int
    x: float
    y: float
    width: float
    height: float


@dataclass(frozen=True)
class Tick:
    value: int
    y: float


@dataclass(frozen=True)
class BarChart:
    """Vertical bars in a `width` x `height` drawing area, with a left axis of ticks."""

    bars: list[Bar]
    ticks: list[Tick]
    width: int
    height: int
    plot_left: int
    plot_bottom: int
    total: int

    @property
    def is_empty(self) -> bool:
        return self.total == 0


def nice_ceiling(value: int) -> int:
    """The axis top: 1, 2 or 5 times a power of ten, at least `value` (and at least 1)."""
    if value <= 1:
        return 1
    power = 10 ** math.floor(math.log10(value))
    for step in (1, 2, 5, 10):
        if step * power >= value:
            return step * power
    return 10 * power  # unreachable: 10 x power >= value by the choice of power


def bar_chart(points: list[tuple[str, int]], *, width: int = 640, height: int = 180) -> BarChart:
    """Lay out `points` (label, value) as bars, left to right, on a shared scale."""
    left, top, bottom = 32, 8, 20
    plot_width, plot_height = width - left, height - top - bottom
    top_value = nice_ceiling(max((value for _label, value in points), default=0))
    # Whole numbers on the axis: halves of an even top, fifths of a top of 5, else 0 and 1.
    ticks = 2 if top_value % 2 == 0 else 5 if top_value % 5 == 0 else 1
    slot = plot_width / max(len(points), 1)
    gap = min(slot * 0.2, 6)
    bars = []
    for index, (label, value) in enumerate(points):
        bar_height = plot_height * value / top_value
        bars.append(
            Bar(
                label=label,
                value=value,
                x=round(left + index * slot + gap / 2, 2),
                y=round(top + plot_height - bar_height, 2),
                width=round(slot - gap, 2),
                height=round(bar_height, 2),
            )
        )
    axis = [
        Tick(
            value=round(top_value * step / ticks),
            y=round(top + plot_height * (1 - step / ticks), 2),
        )
        for step in range(ticks + 1)
    ]
    return BarChart(
        bars=bars,
        ticks=axis,
        width=width,
        height=height,
        plot_left=left,
        plot_bottom=top + plot_height,
        total=sum(value for _label, value in points),
    )


@dataclass(frozen=True)
class Row:
    label: str
    value: int
    y: float
    width: float


@dataclass(frozen=True)
class RowChart:
    """Horizontal bars, one row per label (long labels such as section names fit)."""

    rows: list[Row]
    width: int
    height: int
    label_width: int
    row_height: int
    total: int

    @property
    def is_empty(self) -> bool:
        return self.total == 0


def row_chart(points: list[tuple[str, int]], *, width: int = 640, row_height: int = 24) -> RowChart:
    label_width, value_room = 150, 40
    scale = max((value for _label, value in points), default=0) or 1
    room = width - label_width - value_room
    rows = [
        Row(label=label, value=value, y=index * row_height, width=round(room * value / scale, 2))
        for index, (label, value) in enumerate(points)
    ]
    return RowChart(
        rows=rows,
        width=width,
        height=max(len(points), 1) * row_height,
        label_width=label_width,
        row_height=row_height,
        total=sum(value for _label, value in points),
    )
