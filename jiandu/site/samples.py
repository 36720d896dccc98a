"""Figures that are fair to departments: a rate or a median is given only on a minimum sample.

Below the minimum (setting JIANDU_MIN_SAMPLE) a figure reads 样本不足 with its count, and the
sorted directory views leave it out of the ranking. A rate always shows its numerator and
denominator, so that 100% of one case never looks like 100% of a hundred.
"""

from __future__ import annotations

from dataclasses import dataclass
from statistics import median

NO_DATA = "无数据"


@dataclass(frozen=True)
class Rate:
    numerator: int
    denominator: int
    minimum: int
    unit: str = "件"  # what the denominator counts, for the 样本不足 text

    @property
    def count(self) -> int:
        return self.denominator

    @property
    def enough(self) -> bool:
        return self.denominator > 0 and self.denominator >= self.minimum

    @property
    def value(self) -> float | None:
        return self.numerator / self.denominator if self.enough else None

    @property
    def text(self) -> str:
        if not self.denominator:
            return NO_DATA
        counts = f"{self.numerator}/{self.denominator}"
        if not self.enough:
            return f"样本不足（{counts}，少于 {self.minimum} {self.unit}）"
        return f"{self.value:.0%}（{counts}）"


@dataclass(frozen=True)
class Median:
    values: tuple[int, ...]
    minimum: int
    unit: str = "件"  # what each value belongs to

    @property
    def count(self) -> int:
        return len(self.values)

    @property
    def enough(self) -> bool:
        return self.count > 0 and self.count >= self.minimum

    @property
    def value(self) -> float | None:
        return float(median(self.values)) if self.enough else None

    @property
    def text(self) -> str:
        if not self.values:
            return NO_DATA
        if not self.enough:
            return f"样本不足（{self.count} {self.unit}，少于 {self.minimum} {self.unit}）"
        return f"{self.value:g} 天（{self.count} {self.unit}）"


Sample = Rate | Median
