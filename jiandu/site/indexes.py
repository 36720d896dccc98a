"""Indexes over the Site, built once per build so that no page scans all records."""

from __future__ import annotations

import hashlib
import os
import re
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property

from jiandu.content.model import (
    ColumnEntry,
    Commitment,
    Department,
    Inquiry,
    Record,
    Segment,
    Site,
)
from jiandu.core import routes
from jiandu.core.vocabulary import CommitmentStatus, EntryStatus, Kind, Level
from jiandu.site.routing import RoutingIndex, routing_index


@dataclass(frozen=True)
class SegmentRef:
    inquiry: Inquiry
    segment: Segment

    @property
    def url(self) -> str:
        return routes.segment(self.inquiry.url, self.segment.id)

    @cached_property
    def key(self) -> str:
        return routes.segment_key(self.inquiry.key, self.segment.id)


@dataclass(frozen=True)
class CommitmentRef:
    inquiry: Inquiry
    segment: Segment
    commitment: Commitment
    status: CommitmentStatus  # as displayed: OVERDUE replaces the stated one when overdue
    position: int = 0  # index of the commitment within its segment

    @cached_property
    def ident(self) -> tuple[str, str, int]:
        return (self.inquiry.key, self.segment.id, self.position)

    @property
    def url(self) -> str:
        return routes.segment(self.inquiry.url, self.segment.id)

    @property
    def overdue(self) -> bool:
        return self.status == CommitmentStatus.OVERDUE


@dataclass
class DepartmentFacts:
    department: Department
    segments: list[SegmentRef] = field(default_factory=list)
    entries: list[ColumnEntry] = field(default_factory=list)
    commitments: list[CommitmentRef] = field(default_factory=list)
    predecessors: list[Department] = field(default_factory=list)
    lineage: list[Department] = field(default_factory=list)  # all predecessors, nearest first
    children: list[Department] = field(default_factory=list)  # for a 区县: its departments and streets

    @property
    def record_count(self) -> int:
        return len(self.segments) + len(self.entries)


@dataclass
class YearCount:
    year: int
    inquiries: int
    entries: int


@dataclass(frozen=True)
class Slot:
    """One edition number in the archive: the record, or None for a gap in the numbering."""

    kind: Kind
    year: int
    number: int
    record: Record | None


@dataclass(frozen=True)
class Category:
    name: str
    slug: str
    entries: tuple[ColumnEntry, ...]

    @property
    def url(self) -> str:
        return routes.category(self.slug)


@dataclass
class Indexes:
    records: dict[str, Record]
    segments: dict[str, SegmentRef]
    commitments: list[CommitmentRef]
    by_department: dict[str, DepartmentFacts]
    by_year: dict[Kind, dict[int, list[Record]]]
    years: list[YearCount]
    follow_ups: dict[str, list[ColumnEntry]]  # segment key -> entries that follow it up
    evidence_for: dict[str, list[CommitmentRef]]  # record key -> commitments citing it
    commitments_by_status: dict[CommitmentStatus, list[CommitmentRef]]  # OVERDUE included
    entries_by_status: dict[EntryStatus, list[ColumnEntry]]
    entries_by_district: dict[str, list[ColumnEntry]]
    categories: dict[str, Category]  # by name
    archive: dict[int, list[Slot]]  # year -> slots of both kinds, in edition order
    directory: list[tuple[Level, list]]  # (level, departments or (district, children) pairs)
    routing: RoutingIndex  # trails of the entries with routing, and each department's part in them


def effective_status(commitment: Commitment, as_of: date) -> CommitmentStatus:
    if commitment.status != CommitmentStatus.KEPT and commitment.due and commitment.due < as_of:
        return CommitmentStatus.OVERDUE
    return commitment.status


def build_indexes(site: Site) -> Indexes:
    facts = {d.id: DepartmentFacts(d) for d in site.departments.values()}
    segments, commitments = _index_sessions(site, facts)
    follow_ups: dict[str, list[ColumnEntry]] = defaultdict(list)
    for entry in site.entries:
        for dept_id in entry.departments:
            facts[dept_id].entries.append(entry)
        if entry.follow_up:
            follow_ups[entry.follow_up.target].append(entry)
    _link_lineage(site, facts)
    evidence_for: dict[str, list[CommitmentRef]] = defaultdict(list)
    for ref in commitments:
        if ref.commitment.evidence and not ref.commitment.evidence.external:
            evidence_for[ref.commitment.evidence.target].append(ref)
    return Indexes(
        records={r.key: r for r in (*site.inquiries, *site.entries)},
        segments=segments,
        commitments=commitments,
        by_department=facts,
        by_year=_by_year(site),
        years=_year_counts(site),
        follow_ups=dict(follow_ups),
        evidence_for=dict(evidence_for),
        commitments_by_status=_group(commitments, tuple(CommitmentStatus), lambda c: c.status),
        entries_by_status=_group(site.entries, tuple(EntryStatus), lambda e: e.status),
        entries_by_district=_group([e for e in site.entries if e.district],
                                   sorted({e.district for e in site.entries if e.district}),
                                   lambda e: e.district),
        categories=_categories(site.entries),
        archive=_archive(site),
        directory=_directory(site, facts),
        routing=routing_index(site),
    )


def _index_sessions(site: Site, facts: dict[str, DepartmentFacts]):
    segments: dict[str, SegmentRef] = {}
    commitments: list[CommitmentRef] = []
    for inquiry in site.inquiries:
        for seg in inquiry.segments:
            ref = SegmentRef(inquiry, seg)
            segments[ref.key] = ref
            facts[seg.department].segments.append(ref)
            refs = [CommitmentRef(inquiry, seg, c, effective_status(c, site.as_of), i)
                    for i, c in enumerate(seg.commitments)]
            facts[seg.department].commitments.extend(refs)
            commitments.extend(refs)
    return segments, commitments


def _group(items, keys, key_of) -> dict:
    groups = {k: [] for k in keys}
    for item in items:
        groups[key_of(item)].append(item)
    return groups


def _link_lineage(site: Site, facts: dict[str, DepartmentFacts]) -> None:
    for dept in site.departments.values():
        if dept.successor:
            facts[dept.successor].predecessors.append(dept)
        if dept.parent:
            facts[dept.parent].children.append(dept)
    for f in facts.values():
        queue = list(f.predecessors)
        while queue:  # the registry rejects cycles, so this ends
            dept = queue.pop(0)
            f.lineage.append(dept)
            queue.extend(facts[dept.id].predecessors)


def _by_year(site: Site) -> dict[Kind, dict[int, list[Record]]]:
    out: dict[Kind, dict[int, list[Record]]] = {Kind.INQUIRY: {}, Kind.COLUMN: {}}
    for kind, records in ((Kind.INQUIRY, site.inquiries), (Kind.COLUMN, site.entries)):
        for record in records:
            out[kind].setdefault(record.year, []).append(record)
    return out


def _year_counts(site: Site) -> list[YearCount]:
    counts: dict[int, list[int]] = defaultdict(lambda: [0, 0])
    for r in site.inquiries:
        counts[r.year][0] += 1
    for r in site.entries:
        counts[r.year][1] += 1
    return [YearCount(y, *counts[y]) for y in sorted(counts, reverse=True)]


def _archive(site: Site) -> dict[int, list[Slot]]:
    """Every number from 1 to the highest published in each year, so that gaps stay visible."""
    out: dict[int, list[Slot]] = defaultdict(list)
    for kind, records in ((Kind.INQUIRY, site.inquiries), (Kind.COLUMN, site.entries)):
        by_year: dict[int, dict[int, Record]] = defaultdict(dict)
        for r in records:
            by_year[r.year][r.number] = r
        for year, numbered in by_year.items():
            out[year] += [Slot(kind, year, n, numbered.get(n)) for n in range(1, max(numbered) + 1)]
    return dict(sorted(out.items(), reverse=True))


def _categories(entries) -> dict[str, Category]:
    names = sorted({e.category for e in entries if e.category})
    grouped = _group([e for e in entries if e.category], names, lambda e: e.category)
    return {name: Category(name, category_slug(name), tuple(grouped[name])) for name in names}


def category_slug(name: str) -> str:
    """Readable pinyin plus a short digest of the name itself, so that a category's URL never
    depends on which other categories exist: homophones (违建, 围建) get different URLs, and
    neither changes when the other appears."""
    digest = hashlib.sha256(name.encode("utf-8")).hexdigest()[:4]
    return f"{slugify(name)}-{digest}"


def slugify(text: str) -> str:
    """A URL-safe slug: pinyin for Chinese, lower-case ASCII elsewhere."""
    # Single-character readings are enough for a stable slug, and skipping pypinyin's phrase
    # dictionary saves about 45 MB in every build.
    os.environ.setdefault("PYPINYIN_NO_PHRASES", "true")
    from pypinyin import lazy_pinyin

    words = lazy_pinyin(text, errors=lambda chars: [re.sub(r"[^a-z0-9]+", "-", chars.lower())])
    slug = re.sub(r"-+", "-", "-".join(w for w in words if w.strip("-")))
    return slug.strip("-") or "c"


def _directory(site: Site, facts: dict[str, DepartmentFacts]) -> list[tuple[Level, list]]:
    """City departments first, then each district with its own departments and streets."""
    by_level = defaultdict(list)
    for dept in site.departments.values():
        by_level[dept.level].append(dept)
    city = sorted(by_level[Level.CITY], key=_name_order)
    levels = list(Level)
    districts = [
        (d, sorted(facts[d.id].children, key=lambda c: (levels.index(c.level), _name_order(c))))
        for d in sorted(by_level[Level.DISTRICT], key=_name_order)
    ]
    return [(Level.CITY, city), (Level.DISTRICT, districts)]


def _name_order(dept: Department) -> tuple:
    return (dept.until is not None, dept.name, dept.id)
