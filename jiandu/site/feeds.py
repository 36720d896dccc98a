"""Atom feeds: the whole site, each kind, each department. Ids are tag URIs keyed by edition.

A department's feed also announces each hop of a routing trail that it sent or received, as an
entry of its own (`column/2016-001/hops/2`), so that a new hop reaches its readers.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone

from feedgenerator import Atom1Feed

from jiandu.content.model import ColumnEntry, Record, Site
from jiandu.core import routes
from jiandu.core.source import xml_safe
from jiandu.core.vocabulary import Kind
from jiandu.site.citations import date_cn
from jiandu.site.indexes import DepartmentFacts
from jiandu.site.routing import Step

CHINA = timezone(timedelta(hours=8))


class _Feed(Atom1Feed):
    """feedgenerator falls back to the clock for an empty feed; ours falls back to the as-of date.

    Every text goes in without the characters XML cannot carry. `invoke check` refuses them in
    content already; this keeps a feed from ever failing on one that came another way.
    """

    def __init__(self, *args, as_of: date, **kwargs):
        super().__init__(*args, **_xml_safe(kwargs))
        self.as_of = as_of

    def add_item(self, **kwargs):
        super().add_item(**_xml_safe(kwargs))

    def latest_post_date(self):
        return super().latest_post_date() if self.items else _moment(self.as_of)


def _xml_safe(kwargs: dict) -> dict:
    clean = lambda v: xml_safe(v) if isinstance(v, str) else v
    return {k: [clean(x) for x in v] if isinstance(v, (list, tuple)) else clean(v)
            for k, v in kwargs.items()}


def _moment(day: date) -> datetime:
    return datetime.combine(day, time(0), tzinfo=CHINA)


@dataclass(frozen=True)
class Feed:
    """One Atom feed as planned: where it goes, what it is about, and the records it carries."""

    path: str  # the feed's output file
    page: str  # URL of the page whose updates it carries
    title: str
    records: tuple  # records and HopItems, most recently updated first


@dataclass(frozen=True)
class HopItem:
    """One hop of an entry's routing trail, announced in the feeds of the departments in it."""

    entry: ColumnEntry
    step: Step

    @property
    def key(self) -> str:
        return routes.hop_key(self.entry.key, self.step.position)

    @property
    def updated(self) -> date:
        return self.step.hop.date


def site_feed(site: Site) -> Feed:
    return Feed(routes.SITE_FEED, routes.HOME, site.settings.site_name,
                _newest(site, [*site.inquiries, *site.entries]))


def kind_feed(site: Site, kind: Kind) -> Feed:
    records = site.inquiries if kind == Kind.INQUIRY else site.entries
    return Feed(routes.kind_feed(kind), routes.kind_index(kind), kind.label, _newest(site, list(records)))


def department_feed(site: Site, facts: DepartmentFacts, steps: list) -> Feed:
    """The department's records, and each hop it sent or received (`steps`: (trail, step) pairs)."""
    dept = facts.department
    records = {r.key: r for r in [ref.inquiry for ref in facts.segments] + facts.entries}
    hops = [HopItem(trail.entry, step) for trail, step in steps]
    return Feed(routes.department_feed(dept.id), dept.url, f"{dept.name}的问政与专栏记录",
                _newest(site, [*records.values(), *hops]))


def _newest(site: Site, records: list) -> tuple[Record | HopItem, ...]:
    records.sort(key=lambda r: (r.updated, r.key), reverse=True)
    return tuple(records[: site.settings.feed_size])


def tag_uri(site: Site, key: str) -> str:
    return f"tag:{site.settings.tag_authority}:{key}"


def render_feed(site: Site, plan: Feed) -> bytes:
    base = site.settings.site_url
    feed = _Feed(
        title=plan.title, link=routes.absolute(base, plan.page), description="", language="zh-CN",
        feed_url=routes.absolute(base, plan.path), feed_guid=tag_uri(site, plan.path), as_of=site.as_of,
    )
    for record in plan.records:
        if isinstance(record, HopItem):
            _add_hop(feed, site, record)
            continue
        feed.add_item(
            title=_entry_title(record),
            link=routes.absolute(base, record.url), description=_summary(record, site),
            content=record.body_html, unique_id=tag_uri(site, record.key),
            pubdate=_moment(record.date), updateddate=_moment(record.updated),
            categories=[site.departments[d].name for d in record.departments],
        )
    return feed.writeString("utf-8").encode("utf-8")


def _add_hop(feed: Atom1Feed, site: Site, item: HopItem) -> None:
    step, entry = item.step, item.entry
    moved = f"{step.sender.label} {step.hop.action} {step.receiver.label}"
    said = f"{date_cn(step.hop.date)}，{step.sender.name}{step.hop.action}{step.receiver.name}"
    gap = f"，距上一环节 {step.gap} 天" if step.gap is not None else ""
    note = f"说明：{step.hop.note}" if step.hop.note else ""
    depts = [p.name for p in (step.sender, step.receiver) if p.url]
    feed.add_item(
        title=f"{entry.edition}专栏流转：{moved}",
        link=routes.absolute(site.settings.site_url, routes.hop(entry.url, step.position)),
        description=f"{said}{gap}。{note}（{entry.title}）", unique_id=tag_uri(site, item.key),
        pubdate=_moment(step.hop.date), updateddate=_moment(step.hop.date),
        categories=list(dict.fromkeys(depts)),
    )


def _entry_title(record: Record) -> str:
    """Edition and kind before the title, unless the title already starts with its edition."""
    if record.title.startswith(record.edition):
        return record.title
    return f"{record.edition}{record.kind.label}：{record.title}"


def _summary(record: Record, site: Site) -> str:
    depts = "、".join(site.departments[d].label for d in record.departments)
    if record.kind == Kind.COLUMN:
        return f"责任部门：{depts}。办理状态：{record.status}。"
    promised = sum(len(s.commitments) for s in record.segments)
    return f"责任部门：{depts}。问政环节 {len(record.segments)} 个，现场承诺 {promised} 项。"
