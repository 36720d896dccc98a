"""Atom feeds: the whole site, each kind, each department. Ids are tag URIs keyed by edition."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta, timezone

from feedgenerator import Atom1Feed

from jiandu.content.model import Record, Site
from jiandu.core import routes
from jiandu.core.vocabulary import Kind
from jiandu.site.indexes import Indexes

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
    """`all`, a Kind, or a department id -> the feed's path in the site."""
    if scope == "all":
        return routes.SITE_FEED
    if isinstance(scope, Kind):
        return routes.kind_feed(scope)
    return routes.department_feed(scope)


def feed_page(scope: str) -> str:
    """The page whose updates the feed carries."""
    if scope == "all":
        return routes.HOME
    if isinstance(scope, Kind):
        return routes.kind_index(scope)
    return routes.department(scope)


def feed_records(site: Site, idx: Indexes, scope: str) -> list[Record]:
    if scope == "all":
        records = [*site.inquiries, *site.entries]
    elif isinstance(scope, Kind):
        records = list(site.inquiries if scope == Kind.INQUIRY else site.entries)
    else:
        facts = idx.by_department[scope]
        records = list({r.key: r for r in [ref.inquiry for ref in facts.segments] + facts.entries}.values())
    records.sort(key=lambda r: (r.updated, r.key), reverse=True)
    return records[: site.settings.get("JIANDU_FEED_SIZE", 50)]


def feed_title(site: Site, scope: str) -> str:
    if scope == "all":
        return site.settings.get("SITENAME", "")
    if isinstance(scope, Kind):
        return scope.label
    return f"{site.departments[scope].name}的问政与专栏记录"


def tag_uri(site: Site, key: str) -> str:
    return f"tag:{site.settings.get('JIANDU_TAG_AUTHORITY', 'jiandu.example.gov.cn,2016')}:{key}"


def render_feed(site: Site, idx: Indexes, scope: str) -> bytes:
    base = site.settings.get("SITEURL", "")
    feed = _Feed(
        title=feed_title(site, scope), link=routes.absolute(base, feed_page(scope)), description="",
        language="zh-CN", feed_url=routes.absolute(base, feed_path(scope)),
        feed_guid=tag_uri(site, feed_path(scope)),
        as_of=site.as_of,
    )
    for record in feed_records(site, idx, scope):
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
