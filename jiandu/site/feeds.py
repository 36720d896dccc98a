"""Atom feeds: the whole site, each kind, each department. Ids are tag URIs keyed by edition.

A department's feed also announces each hop of a routing trail that it sent or received, as an
entry of its own (`column/2016-001/hops/2`), so that a new hop reaches its readers.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone

from feedgenerator import Atom1Feed

from jiandu.content.model import COLUMN, INQUIRY, KIND_NAMES, ColumnEntry, Record, Site
from jiandu.site.citations import date_cn
from jiandu.site.indexes import Indexes
from jiandu.site.routing import Step, hop_url

CHINA = timezone(timedelta(hours=8))


class _Feed(Atom1Feed):
    """feedgenerator falls back to the clock for an empty feed; ours falls back to the as-of date."""

    def __init__(self, *args, as_of: date, **kwargs):
        super().__init__(*args, **kwargs)
        self.as_of = as_of

    def latest_post_date(self):
        return super().latest_post_date() if self.items else _moment(self.as_of)


def _moment(day: date) -> datetime:
    return datetime.combine(day, time(0), tzinfo=CHINA)


def feed_path(scope: str) -> str:
    """`all`, a kind, or a department id -> the feed's path in the site."""
    if scope == "all":
        return "feed.atom"
    if scope in (INQUIRY, COLUMN):
        return f"{scope}/feed.atom"
    return f"departments/{scope}/feed.atom"


@dataclass(frozen=True)
class HopItem:
    """One hop of an entry's routing trail, announced in the feeds of the departments in it."""

    entry: ColumnEntry
    step: Step

    @property
    def key(self) -> str:
        return f"{self.entry.key}/hops/{self.step.position}"

    @property
    def updated(self) -> date:
        return self.step.hop.date


def item_record(item: Record | HopItem) -> Record:
    return item.entry if isinstance(item, HopItem) else item


def feed_items(site: Site, idx: Indexes, scope: str) -> list[Record | HopItem]:
    items: list[Record | HopItem]
    if scope == "all":
        items = [*site.inquiries, *site.entries]
    elif scope in (INQUIRY, COLUMN):
        items = list(site.inquiries if scope == INQUIRY else site.entries)
    else:
        facts = idx.by_department[scope]
        items = list({r.key: r for r in [ref.inquiry for ref in facts.segments] + facts.entries}.values())
        items += [HopItem(trail.entry, step) for trail, step in idx.routing.by_department[scope].steps]
    items.sort(key=lambda r: (r.updated, r.key), reverse=True)
    return items[: site.settings.feed_size]


def feed_title(site: Site, scope: str) -> str:
    if scope == "all":
        return site.settings.site_name
    if scope in (INQUIRY, COLUMN):
        return KIND_NAMES[scope]
    return f"{site.departments[scope].name}的问政与专栏记录"


def tag_uri(site: Site, key: str) -> str:
    return f"tag:{site.settings.tag_authority}:{key}"


def render_feed(site: Site, idx: Indexes, scope: str) -> bytes:
    base = site.settings.site_url
    page = "" if scope == "all" else (f"{scope}/" if scope in (INQUIRY, COLUMN) else f"departments/{scope}/")
    feed = _Feed(
        title=feed_title(site, scope), link=f"{base}/{page}", description="", language="zh-CN",
        feed_url=f"{base}/{feed_path(scope)}", feed_guid=tag_uri(site, feed_path(scope)),
        as_of=site.as_of,
    )
    for record in feed_items(site, idx, scope):
        if isinstance(record, HopItem):
            _add_hop(feed, site, record)
            continue
        feed.add_item(
            title=_entry_title(record),
            link=f"{base}/{record.url}", description=_summary(record, site),
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
        link=f"{site.settings.site_url}/{hop_url(entry, step.position)}",
        description=f"{said}{gap}。{note}（{entry.title}）", unique_id=tag_uri(site, item.key),
        pubdate=_moment(step.hop.date), updateddate=_moment(step.hop.date),
        categories=list(dict.fromkeys(depts)),
    )


def _entry_title(record: Record) -> str:
    """Edition and kind before the title, unless the title already starts with its edition."""
    if record.title.startswith(record.edition):
        return record.title
    return f"{record.edition}{KIND_NAMES[record.kind]}：{record.title}"


def _summary(record: Record, site: Site) -> str:
    depts = "、".join(site.departments[d].label for d in record.departments)
    if record.kind == COLUMN:
        return f"责任部门：{depts}。办理状态：{record.status}。"
    promised = sum(len(s.commitments) for s in record.segments)
    return f"责任部门：{depts}。问政环节 {len(record.segments)} 个，现场承诺 {promised} 项。"
