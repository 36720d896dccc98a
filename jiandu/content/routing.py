"""The routing trail of a column entry: its schema, the checks across its hops, and typed hops.

A trail starts at one of the configured origins (the 12345 hotline, the bureau) and passes the
case between departments until one closes it. Departments are judged as the registry stood on
each hop's date: a hop naming a department abolished by then names the one that took it over.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from jiandu.content.model import Department, Hop, Party
from jiandu.content.registry import Registry, normalize_name
from jiandu.core.problems import Problems
from jiandu.core.schema import Choice, Context, Custom, Date, Invalid, Schema, Text
from jiandu.core.vocabulary import EntryStatus, RoutingAction

CLOSE, CLOSED = RoutingAction.CLOSE, EntryStatus.CLOSED


@dataclass(frozen=True)
class Lookups:
    """What field conversions look names up in: the registry and the configured case origins."""

    registry: Registry
    origins: tuple[str, ...] = ()

    def origin(self, ref) -> str | None:
        folded = normalize_name(ref)
        return next((o for o in self.origins if normalize_name(o) == folded), None)


def _party(value, ctx: Context) -> Party:
    if isinstance(value, (list, dict)) or value is None:
        raise Invalid("应为部门编号或名称，或案件来源（如 12345热线）。")
    origin = ctx.lookups.origin(value)
    if origin:
        return Party(origin=origin)
    return Party(department=ctx.lookups.registry.lookup(value))


HOP_SCHEMA = Schema([
    ("date", Date("日期", required=True)),
    ("from", Custom("发出方", required=True, func=_party)),
    ("to", Custom("接收方", required=True, func=_party)),
    ("action", Choice("流转方式", required=True, options=tuple(RoutingAction))),
    ("note", Text("说明")),
])


def ends_closed(hops: list[dict] | None) -> bool:
    return bool(hops) and hops[-1]["action"] == CLOSE


def check_routing(path: str, values: dict, lookups: Lookups, problems: Problems, line) -> None:
    """Checks across the hops of one entry; `line(key)` is the file line of a key path."""
    hops = values["routing"] or []
    at = lambda hop, name: line(hop["_key"] + (name,))
    if hops and isinstance(hops[0]["from"], Party) and hops[0]["from"].department:
        sender = hops[0]["from"].department
        shown = lookups.registry.by_id[sender].label if sender in lookups.registry.by_id else sender
        either = " 或 ".join(lookups.origins)
        problems.add(path, at(hops[0], "from"), f"第一条流转记录应由 {either} 发出，实际为“{shown}”。",
                     f"案件最初由 {either} 交办；"
                     "如有其他来源，请管理员在设置 JIANDU_ROUTING_ORIGINS 中增加。")
    for i, hop in enumerate(hops):
        if hop["date"] is None:
            continue
        for side in ("from", "to"):
            _check_existed(path, hop, side, lookups.registry, problems, at(hop, side))
        before = hops[i - 1]["date"] if i else None
        if before and hop["date"] < before:
            problems.add(path, at(hop, "date"), f"流转记录的日期 {hop['date']} 早于上一条 {before}。",
                         "routing 中的各条记录应按日期从早到晚排列。")
        if values["resolved"] and hop["date"] > values["resolved"]:
            problems.add(path, at(hop, "date"),
                         f"流转记录的日期 {hop['date']} 晚于 resolved（办结日期）{values['resolved']}。",
                         "请核对日期：办结之后不应再有流转。")
    if ends_closed(hops) and values["status"] and values["status"] != CLOSED:
        problems.add(path, at(hops[-1], "action"),
                     f"最后一条流转记录为“{CLOSE}”，与当前状态 status“{values['status']}”不一致。",
                     f"请把 status 改为 {CLOSED}，或核对流转记录。")


def _check_existed(path: str, hop: dict, side: str, registry: Registry, problems: Problems,
                   line: int) -> None:
    party = hop[side]
    dept = registry.by_id.get(party.department) if isinstance(party, Party) and party.department else None
    if dept is None or dept.until is None or hop["date"] <= dept.until:
        return
    heir = successor_on(registry, dept, hop["date"])
    hint = (f"是否指承接部门 {heir.label} ({heir.id})？" if heir
            else "该部门没有登记承接部门，请核对日期或部门。")
    problems.add(path, line,
                 f"部门“{dept.name}”已于 {dept.until} 撤销，不能出现在 {hop['date']} 的流转记录中。", hint)


def successor_on(registry: Registry, dept: Department, day: date) -> Department | None:
    """The department that held `dept`'s duties on `day`, following successors through mergers."""
    current, seen = dept, {dept.id}
    while current.until and current.until < day and current.successor not in (None, *seen):
        current = registry.by_id.get(current.successor)
        if current is None:
            return None
        seen.add(current.id)
    return None if current is dept else current


def hops_of(values: dict) -> tuple[Hop, ...]:
    return tuple(Hop(h["date"], h["from"], h["to"], h["action"], h["note"]) for h in values["routing"] or [])


def closing_date(values: dict) -> date | None:
    """`resolved`, or for a closed entry without it, the date of its closing hop."""
    if values["resolved"] or values["status"] != CLOSED or not ends_closed(values["routing"]):
        return values["resolved"]
    return values["routing"][-1]["date"]
