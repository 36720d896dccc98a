"""Department statistics, following lineage: a successor's figures include what it inherited."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass
from statistics import median

from jiandu.core.vocabulary import CommitmentStatus, EntryStatus
from jiandu.site.charts import Figure
from jiandu.site.indexes import DepartmentFacts, Indexes

CLOSED = EntryStatus.CLOSED


@dataclass(frozen=True)
class DepartmentStats:
    years: tuple[tuple[int, int, int], ...]  # (year, segments, entries), oldest first
    commitments: tuple[tuple[CommitmentStatus, int], ...]  # (status, count) in ledger order, overdue included
    entries: int
    closed: int
    median_days: float | None  # from `date` to `resolved`, over closed entries
    yearly_days: tuple[tuple[int, float], ...]  # the same median, by year of publication

    @property
    def records(self) -> int:
        return sum(s + e for _, s, e in self.years)

    @property
    def commitment_total(self) -> int:
        return sum(n for _, n in self.commitments)

    @property
    def overdue(self) -> int:
        return dict(self.commitments)[CommitmentStatus.OVERDUE]

    @property
    def closed_share(self) -> float | None:
        return self.closed / self.entries if self.entries else None


def lineage_facts(facts: DepartmentFacts, idx: Indexes) -> list[DepartmentFacts]:
    """The department's own facts followed by those of every predecessor."""
    return [facts] + [idx.by_department[d.id] for d in facts.lineage]


def department_stats(facts: DepartmentFacts, idx: Indexes) -> DepartmentStats:
    parts = lineage_facts(facts, idx)
    segments = Counter(ref.inquiry.year for ref in {r.key: r for f in parts for r in f.segments}.values())
    entries = list({e.key: e for f in parts for e in f.entries}.values())
    entry_years = Counter(e.year for e in entries)
    statuses = Counter(ref.status for f in parts for ref in f.commitments)
    days: dict[int, list[int]] = defaultdict(list)
    for e in entries:
        if e.status == CLOSED and e.resolved:
            days[e.year].append((e.resolved - e.date).days)
    every_day = [d for year_days in days.values() for d in year_days]
    return DepartmentStats(
        years=tuple((y, segments[y], entry_years[y]) for y in sorted(segments | entry_years)),
        commitments=tuple((s, statuses[s]) for s in CommitmentStatus),
        entries=len(entries),
        closed=sum(1 for e in entries if e.status == CLOSED),
        median_days=float(median(every_day)) if every_day else None,
        yearly_days=tuple((y, float(median(d))) for y, d in sorted(days.items())),
    )


def department_figures(stats: DepartmentStats) -> list[Figure]:
    share = f"{stats.closed_share:.0%}" if stats.closed_share is not None else "无"
    median_text = f"{stats.median_days:g} 天" if stats.median_days is not None else "无"
    return [
        Figure("fig-years", "历年问政环节与专栏数",
               "；".join(f"{y}年问政环节 {s} 个、专栏 {e} 期" for y, s, e in stats.years) or "暂无记录",
               "年份", ("问政环节", "专栏"), tuple((f"{y}年", (s, e)) for y, s, e in stats.years)),
        Figure("fig-commitments", "承诺状态",
               "；".join(f"{s} {n} 项" for s, n in stats.commitments), "状态", ("承诺数",),
               tuple((s, (n,)) for s, n in stats.commitments)),
        Figure("fig-closed", "专栏办结情况",
               f"共 {stats.entries} 期，{CLOSED} {stats.closed} 期，办结率 {share}", "办理结果", ("期数",),
               ((CLOSED, (stats.closed,)), ("未办结", (stats.entries - stats.closed,)))),
        Figure("fig-days", "从刊发到办结的天数（中位数）",
               f"全部{CLOSED}专栏的中位数为 {median_text}", "刊发年份", ("天数",),
               tuple((f"{y}年", (d,)) for y, d in stats.yearly_days), unit=" 天"),
    ]
