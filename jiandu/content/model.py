"""The typed records that the rest of the code trusts. Built only from validated content."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from jiandu.core import routes
from jiandu.core.settings import DEFAULTS, Settings
from jiandu.core.vocabulary import (
    CommitmentStatus,
    EntryStatus,
    Kind,
    Level,
    RoutingAction,
    SourceType,
    edition,
)


@dataclass(frozen=True, slots=True)
class Department:
    id: str
    name: str
    level: Level
    short: str | None = None
    parent: str | None = None
    domains: tuple[str, ...] = ()
    aliases: tuple[str, ...] = ()
    website: str | None = None
    until: date | None = None
    successor: str | None = None

    @property
    def label(self) -> str:
        return self.short or self.name

    @property
    def url(self) -> str:
        return routes.department(self.id)


@dataclass(frozen=True, slots=True)
class Link:
    """A reference to a record (`column/2017-045`), a segment (`inquiry/2017-03#q1`) or a URL."""

    target: str
    url: str  # site-relative for records, absolute for external links
    external: bool = False
    ref: routes.Ref | None = None  # the record or segment, for internal links


@dataclass(frozen=True, slots=True)
class StatusChange:
    date: date
    status: EntryStatus | CommitmentStatus
    note: str | None = None


@dataclass(frozen=True, slots=True)
class Source:
    """Where a record or a segment was reported: a newspaper page, a moment in a broadcast…"""

    type: SourceType
    title: str  # the newspaper, programme, web page or hotline
    date: date | None = None
    page: str | None = None  # newspaper page, e.g. "A3"
    url: str | None = None
    at: str | None = None  # a moment in a video, "HH:MM:SS"


@dataclass(frozen=True, slots=True)
class Party:
    """One side of a hop: a registry department, or an origin of cases such as the 12345 hotline."""

    department: str | None = None  # department id
    origin: str | None = None  # an origin's name as configured in JIANDU_ROUTING_ORIGINS


@dataclass(frozen=True, slots=True)
class Hop:
    """One step of a case's routing trail: on `date`, `sender` passed the case to `receiver`."""

    date: date
    sender: Party
    receiver: Party
    action: RoutingAction
    note: str | None = None


@dataclass(frozen=True, slots=True)
class Commitment:
    text: str
    status: CommitmentStatus  # as stated: never OVERDUE
    due: date | None = None
    checked: date | None = None
    evidence: Link | None = None
    history: tuple[StatusChange, ...] = ()


@dataclass(frozen=True, slots=True)
class Segment:
    id: str
    topic: str
    department: str  # department id
    respondent: str | None = None
    commitments: tuple[Commitment, ...] = ()
    sources: tuple[Source, ...] = ()


@dataclass(frozen=True, slots=True)
class Alias:
    """An old address of a record, kept working as a redirect page (permanent URLs)."""

    url: str  # site-relative, e.g. "column/2016-045/" or "old/page.html"
    line: int  # where it is written in the record's file, for messages about it

    @property
    def output_path(self) -> str:
        return routes.output_path(self.url)


@dataclass(frozen=True, slots=True)
class Record:
    """What both kinds share: identity, edition, dates and rendered body."""

    kind: Kind
    year: int
    number: int
    title: str
    date: date
    path: str  # source file, relative to the project root
    body_html: str
    sample: bool
    aliases: tuple[Alias, ...] = ()
    sources: tuple[Source, ...] = ()
    # Derived once: they are read for every page that lists the record.
    key: str = field(init=False, compare=False)
    updated: date = field(init=False, compare=False)  # date, or the latest history item or hop

    def __post_init__(self):
        object.__setattr__(self, "key", routes.record_key(self.kind, self.year, self.number))
        latest = max(self.update_dates(), default=self.date)
        object.__setattr__(self, "updated", max(latest, self.date))

    @property
    def url(self) -> str:
        return routes.record(self.key)

    @property
    def edition(self) -> str:
        return edition(self.year, self.number)

    def history_items(self) -> tuple[StatusChange, ...]:
        return ()

    def update_dates(self) -> list[date]:
        return [change.date for change in self.history_items()]


@dataclass(frozen=True, slots=True)
class Inquiry(Record):
    program: str = ""
    video: str | None = None
    segments: tuple[Segment, ...] = ()

    @property
    def departments(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(s.department for s in self.segments))

    def history_items(self) -> tuple[StatusChange, ...]:
        return tuple(h for s in self.segments for c in s.commitments for h in c.history)


@dataclass(frozen=True, slots=True)
class ColumnEntry(Record):
    departments: tuple[str, ...] = ()
    status: EntryStatus = EntryStatus.ACCEPTED
    district: str | None = None
    category: str | None = None
    source: str | None = None
    resolved: date | None = None
    follow_up: Link | None = None
    history: tuple[StatusChange, ...] = ()
    routing: tuple[Hop, ...] = ()

    def history_items(self) -> tuple[StatusChange, ...]:
        return self.history

    def update_dates(self) -> list[date]:
        return [change.date for change in self.history] + [hop.date for hop in self.routing]


@dataclass(frozen=True)
class Site:
    """Everything read from content/: the registry and the records, sorted by kind then edition."""

    departments: dict[str, Department]
    inquiries: tuple[Inquiry, ...]
    entries: tuple[ColumnEntry, ...]
    as_of: date
    settings: Settings = field(default=DEFAULTS, compare=False)
    editions: tuple = ()  # archived editions (editions.Edition), oldest first
    synonyms: tuple[tuple[str, ...], ...] = ()  # content/synonyms.yml, for search
