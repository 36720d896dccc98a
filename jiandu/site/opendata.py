"""Open data: records, commitments, departments, routing hops and sources as JSON and CSV, from
one row builder each."""

from __future__ import annotations

import csv
import io
import json

from jiandu.content.model import Department, Record, Site
from jiandu.core import routes
from jiandu.core.vocabulary import Kind
from jiandu.site.citations import citation_text, cite
from jiandu.site.indexes import CommitmentRef
from jiandu.site.routing import Origin, Trail

LIST_SEPARATOR = "|"

# (field, description) per dataset: the single source for the exports and the /data/ page.
FIELDS = {
    "records": [
        ("key", "记录编号，如 column/2016-045"), ("kind", "类别：inquiry 电视问政，column 专栏"),
        ("year", "年份"), ("number", "期号"), ("title", "标题"), ("date", "播出或刊发日期"),
        ("url", "网页地址"), ("departments", "责任部门编号（列表）"), ("district", "所在区县编号"),
        ("category", "问题类别"), ("source", "线索来源"), ("status", "专栏办理状态"),
        ("resolved", "办结日期"), ("follow_up", "跟进的问政环节"),
        ("history", "办理进展（列表，每项为“日期 状态 说明”）"), ("updated", "最后更新日期"),
        ("sample", "是否为示例内容"),
    ],
    "commitments": [
        ("session", "问政记录编号"), ("segment", "问政环节编号"), ("department", "责任部门编号"),
        ("topic", "问政环节的问题"), ("text", "承诺内容"), ("due", "承诺期限"),
        ("status", "登记状态"), ("effective_status", "截至数据日期的状态（含逾期）"),
        ("checked", "核实日期"), ("evidence", "佐证（记录编号或网址）"),
        ("history", "承诺进展（列表，每项为“日期 状态 说明”）"), ("as_of", "判断逾期所依据的数据日期"),
        ("url", "网页地址"),
    ],
    "departments": [
        ("id", "部门编号"), ("name", "全称"), ("short", "简称"), ("level", "层级"),
        ("parent", "所属区县编号"), ("domains", "执法领域（列表）"), ("aliases", "别名（列表）"),
        ("website", "网站"), ("until", "撤销日期"), ("successor", "承接部门编号"), ("url", "网页地址"),
    ],
    "hops": [
        ("record", "专栏记录编号"), ("position", "第几条流转记录（从 1 开始）"), ("date", "流转日期"),
        ("action", "流转方式：交办、转办、退回、认领、督办、办结"),
        ("from", "发出方：部门编号，或案件来源名称（如 12345热线）"), ("from_name", "发出方名称"),
        ("to", "接收方：部门编号，或案件来源名称"), ("to_name", "接收方名称"), ("note", "说明"),
        ("days", "距上一条流转记录的天数"), ("bounced", "该案件是否反复流转"), ("url", "网页地址"),
    ],
    "sources": [
        ("record", "记录编号"), ("segment", "问政环节编号（来源属于整条记录时为空）"),
        ("type", "类型：报纸、电视、网络、热线"), ("title", "名称"), ("date", "日期"), ("page", "版面"),
        ("url", "网址"), ("at", "视频时间点（时:分:秒）"), ("link", "链接（视频从该时间点开始播放）"),
        ("citation", "引用说明，如“《济南日报》2017年5月12日 A3版”"),
    ],
}


def _iso(value):
    return value.isoformat() if value else None


def _history(changes) -> list[str]:
    return [" ".join(filter(None, (c.date.isoformat(), c.status, c.note))) for c in changes]


def record_rows(site: Site, records: tuple[Record, ...]) -> list[dict]:
    base = site.settings.site_url
    rows = []
    for r in records:
        column = r.kind == Kind.COLUMN
        rows.append({
            "key": r.key, "kind": r.kind, "year": r.year, "number": r.number, "title": r.title,
            "date": _iso(r.date), "url": routes.absolute(base, r.url), "departments": list(r.departments),
            "district": r.district if column else None, "category": r.category if column else None,
            "source": r.source if column else None, "status": r.status if column else None,
            "resolved": _iso(r.resolved) if column else None,
            "follow_up": r.follow_up.target if column and r.follow_up else None,
            "history": _history(r.history) if column else [],
            "updated": _iso(r.updated), "sample": r.sample,
        })
    return rows


def commitment_rows(site: Site, commitments: tuple[CommitmentRef, ...]) -> list[dict]:
    base = site.settings.site_url
    return [{
        "session": ref.inquiry.key, "segment": ref.segment.id, "department": ref.segment.department,
        "topic": ref.segment.topic, "text": ref.commitment.text, "due": _iso(ref.commitment.due),
        "status": ref.commitment.status, "effective_status": ref.status,
        "checked": _iso(ref.commitment.checked),
        "evidence": ref.commitment.evidence.target if ref.commitment.evidence else None,
        "history": _history(ref.commitment.history), "as_of": _iso(site.as_of),
        "url": routes.absolute(base, ref.url),
    } for ref in commitments]


def department_rows(site: Site, departments: tuple[Department, ...]) -> list[dict]:
    base = site.settings.site_url
    return [{
        "id": d.id, "name": d.name, "short": d.short, "level": d.level, "parent": d.parent,
        "domains": list(d.domains), "aliases": list(d.aliases), "website": d.website,
        "until": _iso(d.until), "successor": d.successor, "url": routes.absolute(base, d.url),
    } for d in departments]


def hop_rows(site: Site, trails: tuple[Trail, ...]) -> list[dict]:
    base = site.settings.site_url
    ident = lambda p: p.name if isinstance(p, Origin) else p.id
    return [{
        "record": trail.entry.key, "position": step.position, "date": _iso(step.hop.date),
        "action": step.hop.action, "from": ident(step.sender), "from_name": step.sender.name,
        "to": ident(step.receiver), "to_name": step.receiver.name, "note": step.hop.note,
        "days": step.gap, "bounced": trail.bounced,
        "url": routes.absolute(base, routes.hop(trail.entry.url, step.position)),
    } for trail in trails for step in trail.steps]


def source_rows(site: Site, records: tuple[Record, ...]) -> list[dict]:
    rows = []
    for r in records:
        video = r.video if r.kind == Kind.INQUIRY else None
        segments = r.segments if r.kind == Kind.INQUIRY else ()
        owned = [(None, s) for s in r.sources] + [(seg.id, s) for seg in segments for s in seg.sources]
        rows += [{
            "record": r.key, "segment": segment, "type": s.type, "title": s.title, "date": _iso(s.date),
            "page": s.page, "url": s.url, "at": s.at, "link": cite(s, video).url,
            "citation": citation_text(s),
        } for segment, s in owned]
    return rows


ROWS = {"records": record_rows, "commitments": commitment_rows, "departments": department_rows,
        "hops": hop_rows, "sources": source_rows}


def render_json(site: Site, dataset: str, items: tuple) -> bytes:
    """A JSON array with one record per line: readable, diffable, and fast to write."""
    rows = (json.dumps(row, ensure_ascii=False) for row in ROWS[dataset](site, items))
    return ("[\n" + ",\n".join(rows) + "\n]\n").encode("utf-8")


def render_csv(site: Site, dataset: str, items: tuple) -> bytes:
    """UTF-8 with BOM so that Excel opens the Chinese text; lists joined with LIST_SEPARATOR."""
    names = [name for name, _ in FIELDS[dataset]]
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(names)
    for row in ROWS[dataset](site, items):
        writer.writerow([_csv_cell(row[name]) for name in names])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _csv_cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    text = LIST_SEPARATOR.join(value) if isinstance(value, list) else str(value)
    # A leading ' keeps spreadsheet programs from running text (e.g. an imported title) as a formula.
    return "'" + text if text.startswith(FORMULA_START) else text


def render_sitemap(site: Site, urls: tuple[str, ...]) -> bytes:
    from xml.sax.saxutils import escape

    base = site.settings.site_url
    body = "".join(f"<url><loc>{escape(routes.absolute(base, u))}</loc></url>\n" for u in urls)
    return ('<?xml version="1.0" encoding="UTF-8"?>\n'
            '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n'
            f"{body}</urlset>\n").encode()


def render_robots(site: Site) -> bytes:
    base = site.settings.site_url
    sitemap = [f"Sitemap: {routes.absolute(base, routes.SITEMAP)}"] if base else []
    lines = ["User-agent: *", "Allow: /", *sitemap]
    return ("\n".join(lines) + "\n").encode("utf-8")
