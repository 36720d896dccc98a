"""Indexes over the Site, built once per build so that no page scans all records."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from .model import (
    COLUMN, INQUIRY, LEVELS, OVERDUE, ColumnEntry, Commitment, Department, Inquiry, Record,
    Segment, Site,
)


@dataclass(frozen=True)
class SegmentRef:
    inquiry: Inquiry
    segment: Segment

    @property
    def url(self) -> str:
        return f"{self.inquiry.url}#{self.segment.id}"

    @property
    def key(self) -> str:
        return f"{self.inquiry.key}#{self.segment.id}"


@dataclass(frozen=True)
class CommitmentRef:
    inquiry: Inquiry
    segment: Segment
    commitment: Commitment
    status: str  # the displayed status: 逾期 replaces the stated one when overdue

    @property
    def url(self) -> str:
        return f"{self.inquiry.url}#{self.segment.id}"

    @property
    def overdue(self) -> bool:
        return self.status == OVERDUE


@dataclass
class DepartmentFacts:
    department: Department
    segments: list[SegmentRef] = field(default_factory=list)
    entries: list[ColumnEntry] = field(default_factory=list)
    commitments: list[CommitmentRef] = field(default_factory=list)
    predecessors: list[Department] = field(default_factory=list)
    children: list[Department] = field(default_factory=list)  # for a 区县: its departments and streets

    @property
    def record_count(self) -> int:
        return len(self.segments) + len(self.entries)


@dataclass
class YearCount:
    year: int
    inquiries: int
    entries: int


@dataclass
class Indexes:
    records: dict[str, Record]
    segments: dict[str, SegmentRef]
    by_department: dict[str, DepartmentFacts]
    by_year: dict[str, dict[int, list[Record]]]
    years: list[YearCount]
    follow_ups: dict[str, list[ColumnEntry]]  # segment key -> entries that follow it up
    directory: list[tuple[str, list]]  # (level heading, departments or (district, children) pairs)


def effective_status(commitment: Commitment, as_of: date) -> str:
    if commitment.status != "已兑现" and commitment.due and commitment.due < as_of:
        return OVERDUE
    return commitment.status


def build_indexes(site: Site) -> Indexes:
    facts = {d.id: DepartmentFacts(d) for d in site.departments.values()}
    segments: dict[str, SegmentRef] = {}
    for inquiry in site.inquiries:
        for seg in inquiry.segments:
            ref = SegmentRef(inquiry, seg)
            segments[ref.key] = ref
            facts[seg.department].segments.append(ref)
            facts[seg.department].commitments.extend(
                CommitmentRef(inquiry, seg, c, effective_status(c, site.as_of))
                for c in seg.commitments)
    follow_ups: dict[str, list[ColumnEntry]] = defaultdict(list)
    for entry in site.entries:
        for dept_id in entry.departments:
            facts[dept_id].entries.append(entry)
        if entry.follow_up:
            follow_ups[entry.follow_up.target].append(entry)
    _link_lineage(site, facts)
    return Indexes(
        records={r.key: r for r in (*site.inquiries, *site.entries)},
        segments=segments,
        by_department=facts,
        by_year=_by_year(site),
        years=_year_counts(site),
        follow_ups=dict(follow_ups),
        directory=_directory(site, facts),
    )


def _link_lineage(site: Site, facts: dict[str, DepartmentFacts]) -> None:
    for dept in site.departments.values():
        if dept.successor:
            facts[dept.successor].predecessors.append(dept)
        if dept.parent:
            facts[dept.parent].children.append(dept)


def _by_year(site: Site) -> dict[str, dict[int, list[Record]]]:
    out: dict[str, dict[int, list[Record]]] = {INQUIRY: {}, COLUMN: {}}
    for kind, records in ((INQUIRY, site.inquiries), (COLUMN, site.entries)):
        for record in records:
            out[kind].setdefault(record.year, []).append(record)
    return out


def _year_counts(site: Site) -> list[YearCount]:
    years = sorted({r.year for r in (*site.inquiries, *site.entries)}, reverse=True)
    inquiries = defaultdict(int, _count(site.inquiries))
    entries = defaultdict(int, _count(site.entries))
    return [YearCount(y, inquiries[y], entries[y]) for y in years]


def _count(records) -> dict[int, int]:
    out: dict[int, int] = defaultdict(int)
    for r in records:
        out[r.year] += 1
    return out


def _directory(site: Site, facts: dict[str, DepartmentFacts]) -> list[tuple[str, list]]:
    """City departments first, then each district with its own departments and streets."""
    by_level = defaultdict(list)
    for dept in site.departments.values():
        by_level[dept.level].append(dept)
    city = sorted(by_level[LEVELS[0]], key=_name_order)
    districts = [
        (d, sorted(facts[d.id].children, key=lambda c: (LEVELS.index(c.level), _name_order(c))))
        for d in sorted(by_level[LEVELS[1]], key=_name_order)
    ]
    return [(LEVELS[0], city), (LEVELS[1], districts)]


def _name_order(dept: Department) -> tuple:
    return (dept.until is not None, dept.name, dept.id)
