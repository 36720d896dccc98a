"""The routing trail in figures: each case's steps and days, bounced cases, and for each department
what it received, passed on and sent back, and how long it held cases before letting them go.

Definitions (also in docs/编辑指南.md, and computed again from the raw files by the tests):
- a department *receives* a case with every hop to it except 办结;
- it *holds* the case from the first hop to it until the next hop by which it passes the case on
  (转办), sends it back (退回) or closes it (办结); a hold that has not ended is not counted;
- a case *bounced* when it changed hands (交办, 转办, 退回, 认领) three or more times, or came back
  to a department that had held it and let it go.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from jiandu.content.model import ColumnEntry, Department, Hop, Party, Site
from jiandu.core import routes
from jiandu.core.vocabulary import RoutingAction
from jiandu.site.charts import Figure
from jiandu.site.samples import Median, Rate

CLOSE, TRANSFER, RETURN = RoutingAction.CLOSE, RoutingAction.TRANSFER, RoutingAction.RETURN
BOUNCE_HANDOFFS = 3  # a case that changed hands this often bounced

@dataclass(frozen=True)
class Origin:
    """Where cases come from (the 12345 hotline, the bureau): shown by name, has no page."""

    name: str
    url = None

    @property
    def label(self) -> str:
        return self.name


@dataclass(frozen=True)
class Step:
    position: int  # 1-based place in the trail
    hop: Hop
    sender: Department | Origin
    receiver: Department | Origin
    gap: int | None  # days since the previous hop

    @property
    def anchor(self) -> str:
        return routes.hop_anchor(self.position)


@dataclass(frozen=True)
class Holding:
    department: str
    start: date
    end: date

    @property
    def days(self) -> int:
        return (self.end - self.start).days


@dataclass(frozen=True)
class Trail:
    """One entry's routing read as a story: the steps, who held the case when, and bounces."""

    entry: ColumnEntry
    steps: tuple[Step, ...]
    holdings: tuple[Holding, ...]
    handoffs: int
    came_back: bool  # reached again a department that had held it and let it go

    @property
    def bounced(self) -> bool:
        return self.came_back or self.handoffs >= BOUNCE_HANDOFFS

    @property
    def first(self) -> date:
        return self.steps[0].hop.date

    @property
    def end(self) -> date:
        return self.entry.resolved or self.steps[-1].hop.date

    @property
    def closed(self) -> bool:
        return self.entry.resolved is not None

    @property
    def total_days(self) -> int:
        return (self.end - self.first).days

    @property
    def path(self) -> tuple[Department | Origin, ...]:
        """Who had the case, in turn: the first sender, then each receiver of a handoff."""
        return (self.steps[0].sender,) + tuple(s.receiver for s in self.steps if s.hop.action.hands_over)

    @property
    def departments(self) -> tuple[str, ...]:
        """Every department that sent or received a hop, in order of appearance."""
        ids = [p.department for s in self.steps for p in (s.hop.sender, s.hop.receiver)]
        return tuple(dict.fromkeys(i for i in ids if i))


def party(departments: dict[str, Department], who: Party) -> Department | Origin:
    return departments[who.department] if who.department else Origin(who.origin)


def read_trail(entry: ColumnEntry, departments: dict[str, Department]) -> Trail:
    held: dict[str, date] = {}
    let_go: set[str] = set()
    holdings: list[Holding] = []
    came_back = False
    steps = []
    for i, hop in enumerate(entry.routing):
        sender, receiver = hop.sender.department, hop.receiver.department
        if sender in held and hop.action.lets_go:
            holdings.append(Holding(sender, held.pop(sender), hop.date))
            let_go.add(sender)
        if receiver and hop.action != CLOSE and receiver not in held:
            came_back = came_back or receiver in let_go
            held[receiver] = hop.date
        gap = (hop.date - entry.routing[i - 1].date).days if i else None
        steps.append(Step(i + 1, hop, party(departments, hop.sender), party(departments, hop.receiver), gap))
    handoffs = sum(hop.action.hands_over for hop in entry.routing)
    return Trail(entry, tuple(steps), tuple(holdings), handoffs, came_back)


@dataclass
class DepartmentTrails:
    """One department's part in every trail (without its predecessors)."""

    received: dict[str, ColumnEntry] = field(default_factory=dict)  # by entry key
    passed_on: dict[str, ColumnEntry] = field(default_factory=dict)
    sent_back: dict[str, ColumnEntry] = field(default_factory=dict)
    involved: dict[str, Trail] = field(default_factory=dict)
    holdings: list[Holding] = field(default_factory=list)
    steps: list[tuple[Trail, Step]] = field(default_factory=list)  # hops it sent or received


@dataclass
class RoutingIndex:
    trails: dict[str, Trail]  # entry key -> trail, for entries with routing
    bounced: list[Trail]  # in edition order
    by_department: dict[str, DepartmentTrails]


def routing_index(site: Site) -> RoutingIndex:
    trails = {e.key: read_trail(e, site.departments) for e in site.entries if e.routing}
    by_department = {d: DepartmentTrails() for d in site.departments}
    for trail in trails.values():
        _file_trail(trail, by_department)
    return RoutingIndex(trails, [t for t in trails.values() if t.bounced], by_department)


def _file_trail(trail: Trail, by_department: dict[str, DepartmentTrails]) -> None:
    key, entry = trail.entry.key, trail.entry
    for step in trail.steps:
        sender, receiver, action = step.hop.sender.department, step.hop.receiver.department, step.hop.action
        if receiver and action != CLOSE:
            by_department[receiver].received[key] = entry
        if sender and action == TRANSFER:
            by_department[sender].passed_on[key] = entry
        if sender and action == RETURN:
            by_department[sender].sent_back[key] = entry
        for dept in dict.fromkeys(d for d in (sender, receiver) if d):
            by_department[dept].steps.append((trail, step))
            by_department[dept].involved[key] = trail
    for holding in trail.holdings:
        by_department[holding.department].holdings.append(holding)


@dataclass(frozen=True)
class RoutingStats:
    received: int
    passed_on: int
    sent_back: int
    bounced: int
    pass_rate: Rate  # passed on / received
    return_rate: Rate  # sent back / received
    held: Median  # days held before passing on, sending back or closing


def routing_stats(parts: list[DepartmentTrails], minimum: int) -> RoutingStats:
    """Figures over a department and its predecessors (`parts`), each case counted once."""
    union = lambda name: {k for p in parts for k in getattr(p, name)}
    received, passed, returned = union("received"), union("passed_on"), union("sent_back")
    bounced = {k for p in parts for k, t in p.involved.items() if t.bounced}
    held = tuple(sorted(h.days for p in parts for h in p.holdings))
    return RoutingStats(
        received=len(received), passed_on=len(passed), sent_back=len(returned), bounced=len(bounced),
        pass_rate=Rate(len(passed), len(received), minimum),
        return_rate=Rate(len(returned), len(received), minimum),
        held=Median(held, minimum, "次"),
    )


def bounced_trails(parts: list[DepartmentTrails]) -> list[Trail]:
    """Bounced cases a department (or a predecessor) took part in, in edition order."""
    found = {k: t for p in parts for k, t in p.involved.items() if t.bounced}
    return [found[k] for k in sorted(found, key=lambda k: (found[k].entry.year, found[k].entry.number))]


def routing_figure(stats: RoutingStats) -> Figure:
    rows = (("收到交办", stats.received), ("转办给其他部门", stats.passed_on), ("退回", stats.sent_back),
            ("反复流转", stats.bounced))
    return Figure("fig-routing", "案件流转", "；".join(f"{label} {n} 件" for label, n in rows),
                  "流转情况", ("案件数",), tuple((label, (n,)) for label, n in rows))
