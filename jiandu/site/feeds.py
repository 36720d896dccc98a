"""Atom feeds: the whole site, each kind, each department. Ids are tag URIs keyed by edition."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone

from feedgenerator import Atom1Feed

from jiandu.content.model import Record, Site
from jiandu.core import routes
from jiandu.core.vocabulary import Kind
from jiandu.site.indexes import DepartmentFacts

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


@dataclass(frozen=True)
class Feed:
    """One Atom feed as planned: where it goes, what it is about, and the records it carries."""

    path: str  # the feed's output file
    page: str  # URL of the page whose updates it carries
    title: str
    records: tuple[Record, ...]  # most recently updated first


def site_feed(site: Site) -> Feed:
    return Feed(routes.SITE_FEED, routes.HOME, site.settings.site_name,
                _newest(site, [*site.inquiries, *site.entries]))


def kind_feed(site: Site, kind: Kind) -> Feed:
    records = site.inquiries if kind == Kind.INQUIRY else site.entries
    return Feed(routes.kind_feed(kind), routes.kind_index(kind), kind.label, _newest(site, list(records)))


def department_feed(site: Site, facts: DepartmentFacts) -> Feed:
    dept = facts.department
    records = {r.key: r for r in [ref.inquiry for ref in facts.segments] + facts.entries}
    return Feed(routes.department_feed(dept.id), dept.url, f"{dept.name}的问政与专栏记录",
                _newest(site, list(records.values())))


def _newest(site: Site, records: list[Record]) -> tuple[Record, ...]:
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
        feed.add_item(
            title=_entry_title(record),
            link=routes.absolute(base, record.url), description=_summary(record, site),
            content=record.body_html, unique_id=tag_uri(site, record.key),
            pubdate=_moment(record.date), updateddate=_moment(record.updated),
            categories=[site.departments[d].name for d in record.departments],
        )
    return feed.writeString("utf-8").encode("utf-8")


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
