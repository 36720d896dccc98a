"""Department statistics, following lineage: a successor's figures include what it inherited.

Rates and medians are fair figures (samples.py): below the minimum sample they read 样本不足.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass

from jiandu.core.vocabulary import CommitmentStatus, EntryStatus
from jiandu.site.charts import Figure
from jiandu.site.indexes import DepartmentFacts, Indexes
from jiandu.site.routing import RoutingStats, routing_figure, routing_stats
from jiandu.site.samples import Median, Rate

CLOSED = EntryStatus.CLOSED


@dataclass(frozen=True)
class DepartmentStats:
    years: tuple[tuple[int, int, int], ...]  # (year, segments, entries), oldest first
    commitments: tuple[tuple[CommitmentStatus, int], ...]  # (status, count) in ledger order, overdue included
    entries: int
    closed: int
    closed_share: Rate  # closed entries over entries
    median_days: Median  # from `date` to `resolved`, over closed entries
    yearly_days: tuple[tuple[int, float], ...]  # the same median, by year, for years with enough
    thin_years: tuple[int, ...]  # years left out of yearly_days for want of closed entries
    routing: RoutingStats

    @property
    def records(self) -> int:
        return sum(s + e for _, s, e in self.years)

    @property
    def commitment_total(self) -> int:
        return sum(n for _, n in self.commitments)

    @property
    def overdue(self) -> int:
        return dict(self.commitments)[CommitmentStatus.OVERDUE]

    # Directory views sort by these names (pages.RANKINGS).
    @property
    def received(self) -> int:
        return self.routing.received

    @property
    def bounced(self) -> int:
        return self.routing.bounced

    @property
    def return_rate(self) -> Rate:
        return self.routing.return_rate

    @property
    def held_days(self) -> Median:
        return self.routing.held


def lineage_facts(facts: DepartmentFacts, idx: Indexes) -> list[DepartmentFacts]:
    """The department's own facts followed by those of every predecessor."""
    return [facts] + [idx.by_department[d.id] for d in facts.lineage]


def lineage_trails(facts: DepartmentFacts, idx: Indexes) -> list:
    return [idx.routing.by_department[f.department.id] for f in lineage_facts(facts, idx)]


def department_stats(facts: DepartmentFacts, idx: Indexes, minimum: int) -> DepartmentStats:
    parts = lineage_facts(facts, idx)
    segments = Counter(ref.inquiry.year for ref in {r.key: r for f in parts for r in f.segments}.values())
    entries = list({e.key: e for f in parts for e in f.entries}.values())
    entry_years = Counter(e.year for e in entries)
    statuses = Counter(ref.status for f in parts for ref in f.commitments)
    days: dict[int, list[int]] = defaultdict(list)
    for e in entries:
        if e.status == CLOSED and e.resolved:
            days[e.year].append((e.resolved - e.date).days)
    every_day = tuple(sorted(d for year_days in days.values() for d in year_days))
    closed = sum(1 for e in entries if e.status == CLOSED)
    yearly = {y: Median(tuple(d), minimum, "期") for y, d in sorted(days.items())}
    return DepartmentStats(
        years=tuple((y, segments[y], entry_years[y]) for y in sorted(segments | entry_years)),
        commitments=tuple((s, statuses[s]) for s in CommitmentStatus),
        entries=len(entries),
        closed=closed,
        closed_share=Rate(closed, len(entries), minimum, "期"),
        median_days=Median(every_day, minimum, "期"),
        yearly_days=tuple((y, m.value) for y, m in yearly.items() if m.enough),
        thin_years=tuple(y for y, m in yearly.items() if not m.enough),
        routing=routing_stats(lineage_trails(facts, idx), minimum),
    )


def department_figures(stats: DepartmentStats) -> list[Figure]:
    thin = "、".join(f"{y}年" for y in stats.thin_years)
    days_desc = f"全部已办结专栏的中位数：{stats.median_days.text}" + (
        f"；{thin}已办结专栏少于 {stats.median_days.minimum} 期，样本不足，未列出" if thin else "")
    return [
        Figure("fig-years", "历年问政环节与专栏数",
               "；".join(f"{y}年问政环节 {s} 个、专栏 {e} 期" for y, s, e in stats.years) or "暂无记录",
               "年份", ("问政环节", "专栏"), tuple((f"{y}年", (s, e)) for y, s, e in stats.years)),
        Figure("fig-commitments", "承诺状态",
               "；".join(f"{s} {n} 项" for s, n in stats.commitments), "状态", ("承诺数",),
               tuple((s, (n,)) for s, n in stats.commitments)),
        Figure("fig-closed", "专栏办结情况",
               f"共 {stats.entries} 期，{CLOSED} {stats.closed} 期，办结率 {stats.closed_share.text}",
               "办理结果", ("期数",),
               ((CLOSED, (stats.closed,)), ("未办结", (stats.entries - stats.closed,)))),
        Figure("fig-days", "从刊发到办结的天数（中位数）", days_desc, "刊发年份", ("天数",),
               tuple((f"{y}年", (d,)) for y, d in stats.yearly_days), unit=" 天"),
        routing_figure(stats.routing),
    ]
