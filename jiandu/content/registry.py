"""The department registry: load and validate departments.yml, and resolve names to ids.

Names match after folding full-width forms, Traditional characters and spacing, so that
“濟南市城市管理局”, “济南市城市管理局 ” and the id “cgj” all find the same department.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from functools import lru_cache
from pathlib import Path

from jiandu.content.model import Department
from jiandu.core.problems import Problems
from jiandu.core.schema import (
    Choice,
    Context,
    Custom,
    Date,
    Invalid,
    ListOf,
    Schema,
    Struct,
    Text,
    Url,
    quote,
)
from jiandu.core.source import MAX_FILE_BYTES, read_yaml_file
from jiandu.core.vocabulary import Level

ID_RE = re.compile(r"^[a-z0-9-]+$")
MAX_ID_LENGTH = 40
RESERVED_IDS = {"page", "feed", "index", "all", "level", "by"}


@lru_cache(maxsize=1)
def _t2s():
    import opencc

    return opencc.OpenCC("t2s")


@lru_cache(maxsize=4096)
def normalize_name(name: str) -> str:
    """Fold a name for matching: NFKC (full-width), Traditional→Simplified, no spaces or brackets."""
    text = unicodedata.normalize("NFKC", str(name))
    text = _t2s().convert(text)
    return re.sub(r"[\s()\[\]【】《》“”\"'·・.,，、]+", "", text).casefold()


def _department_id(value, ctx: Context) -> str:
    text = str(value).strip()
    if not ID_RE.match(text):
        raise Invalid(f"编号{quote(text)}只能包含小写字母、数字和连字符。", "例如 cgj 或 hy-zfj。")
    if len(text) > MAX_ID_LENGTH:  # it names a folder of the site
        raise Invalid(f"编号{quote(text)}太长（超过 {MAX_ID_LENGTH} 个字符）。", "例如 cgj 或 hy-zfj。")
    if text in RESERVED_IDS:
        raise Invalid(f"编号“{text}”是保留字，会与网址冲突。", "请换一个编号。")
    return text


DEPARTMENT_SCHEMA = Schema([
    ("id", Custom("编号", required=True, func=_department_id)),
    ("name", Text("全称", required=True)),
    ("short", Text("简称")),
    ("level", Choice("层级", required=True, options=tuple(Level))),
    ("parent", Text("所属区县")),
    ("domains", ListOf("执法领域", item=Text("执法领域"), single_ok=True)),
    ("aliases", ListOf("别名", item=Text("别名"), single_ok=True)),
    ("website", Url("网站")),
    ("until", Date("撤销日期")),
    ("successor", Text("承接部门")),
])


class Registry:
    """Departments by id, with every name, short name and alias folded for lookup."""

    def __init__(self, departments: list[Department], complete: bool = True):
        self.by_id = {d.id: d for d in departments}
        # False when departments.yml could not be read at all: references are then not judged,
        # so that one YAML mistake is reported once, not once per record.
        self.complete = complete
        self._names: dict[str, str] = {}
        for dept in departments:
            for name in (dept.id, dept.name, dept.short, *dept.aliases):
                if name:
                    self._names.setdefault(normalize_name(name), dept.id)

    def __len__(self) -> int:
        return len(self.by_id)

    def __iter__(self):
        return iter(self.by_id.values())

    def resolve(self, ref: str) -> Department | None:
        ref = str(ref).strip()
        if ref in self.by_id:
            return self.by_id[ref]
        found = self._names.get(normalize_name(ref))
        return self.by_id[found] if found else None

    def suggest(self, ref: str) -> Department | None:
        """The nearest department to a name that did not resolve."""
        folded = normalize_name(ref)
        close = difflib.get_close_matches(folded, self._names, n=1, cutoff=0.4)
        if close:
            return self.by_id[self._names[close[0]]]
        contains = sorted(n for n in self._names if folded and (folded in n or n in folded))
        return self.by_id[self._names[contains[0]]] if contains else None

    def lookup(self, ref) -> str:
        """Resolve a reference or raise Invalid with the nearest suggestion."""
        if isinstance(ref, (list, dict)) or ref is None:
            raise Invalid("应为部门编号或名称。")
        dept = self.resolve(ref)
        if dept:
            return dept.id
        if not self.complete:
            return str(ref)
        near = self.suggest(ref)
        hint = f"是否指 {near.label} ({near.id})？" if near else "请在 content/departments.yml 中查找。"
        raise Invalid(f"未知部门{quote(ref)}。", hint)

    def successors_of(self, dept_id: str) -> list[Department]:
        return sorted((d for d in self if d.successor == dept_id), key=lambda d: d.id)


def load_registry(file: Path, shown: str, problems: Problems,
                  max_bytes: int = MAX_FILE_BYTES) -> Registry:
    located = read_yaml_file(file, shown, problems, max_bytes) if file.exists() else None
    if not file.exists():
        problems.add(shown, 1, "找不到部门名录文件。", "请创建 content/departments.yml。")
    if located is None:
        return Registry([], complete=False)
    if not isinstance(located.data, list):
        problems.add(shown, located.start, "部门名录应为列表，每个部门以“- id: …”开头。")
        return Registry([], complete=False)
    ctx = Context(shown, located, problems)
    rows = [ctx.convert(Struct("部门", schema=DEPARTMENT_SCHEMA), item, (i,))
            for i, item in enumerate(located.data)]
    # A row with an id and a name stays in the registry even if other fields are wrong, so that
    # records naming it do not report a second, misleading problem.
    rows = [r for r in rows if isinstance(r, dict) and r["id"] and r["name"]]
    for row in rows:
        row["_at"] = lambda name, row=row: located.line(row["_key"] + (name,))
    _check_unique_names(rows, shown, problems)
    departments = [_department(r) for r in _unique_ids(rows, shown, problems)]
    registry = Registry(departments)
    _check_links(rows, registry, shown, problems)
    return registry


def _department(row: dict) -> Department:
    return Department(
        id=row["id"], name=row["name"], level=row["level"], short=row["short"],
        parent=row["parent"], domains=tuple(row["domains"] or ()),
        aliases=tuple(row["aliases"] or ()), website=row["website"], until=row["until"],
        successor=row["successor"],
    )


def _unique_ids(rows: list[dict], shown: str, problems: Problems) -> list[dict]:
    seen: dict[str, int] = {}
    for row in rows:
        if row["id"] in seen:
            problems.add(shown, row["_at"]("id"), f"部门编号 {row['id']} 重复。",
                         f"已在第 {seen[row['id']]} 行使用。")
        else:
            seen[row["id"]] = row["_line"]
    return [r for r in rows if seen[r["id"]] == r["_line"]]


def _check_unique_names(rows: list[dict], shown: str, problems: Problems) -> None:
    """A name, short name or alias may point at one department only."""
    owner: dict[str, tuple[str, int]] = {}
    for row in rows:
        names = {normalize_name(n): (n, field) for field in ("name", "short", "aliases")
                 for n in _as_list(row[field])}
        for folded, (name, field) in names.items():
            other = owner.get(folded)
            if other and other[0] != row["id"]:
                problems.add(shown, row["_at"](field), f"名称或别名{quote(name)}与部门 {other[0]} 重复。",
                             f"见第 {other[1]} 行；每个别名在名录中只能出现一次。")
            else:
                owner[folded] = (row["id"], row["_at"](field))


def _as_list(value) -> list:
    return [v for v in (value if isinstance(value, list) else [value]) if v]


def _check_links(rows: list[dict], registry: Registry, shown: str, problems: Problems) -> None:
    for row in rows:
        if row["level"] and row["level"].needs_parent and not row["parent"]:
            problems.add(shown, row["_at"]("level"),
                         f"部门 {row['id']} 的层级为{row['level']}，缺少 parent（所属区县）。")
        if row["parent"]:
            _check_parent(row, registry, shown, problems)
        successor = row["successor"]
        if successor and (successor == row["id"] or successor not in registry.by_id):
            near = registry.suggest(successor)
            hint = f"是否指 {near.label} ({near.id})？" if near else ""
            problems.add(shown, row["_at"]("successor"),
                         f"successor（承接部门）{quote(successor)}不存在。", hint)
    _check_successor_cycles(rows, registry, shown, problems)


def _check_parent(row: dict, registry: Registry, shown: str, problems: Problems) -> None:
    parent = registry.by_id.get(row["parent"])
    if not (row["level"] and row["level"].needs_parent):
        problems.add(shown, row["_at"]("parent"), f"层级为{row['level']}的部门不应填写 parent。",
                     f"只有{Level.DISTRICT_DEPARTMENT}和{Level.TOWN}需要填写所属区县。")
    elif parent is None or parent.level != Level.DISTRICT:
        near = registry.suggest(row["parent"])
        hint = f"是否指 {near.label} ({near.id})？" if near and near.level == Level.DISTRICT else ""
        problems.add(shown, row["_at"]("parent"),
                     f"parent（所属区县）{quote(row['parent'])}不是名录中的区县。", hint)


def _check_successor_cycles(rows, registry: Registry, shown: str, problems: Problems) -> None:
    for row in rows:
        seen, current = {row["id"]}, registry.by_id.get(row["successor"] or "")
        while current and current.successor:
            if current.successor in seen:
                problems.add(shown, row["_at"]("successor"), f"部门 {row['id']} 的承接关系形成循环。")
                break
            seen.add(current.id)
            current = registry.by_id.get(current.successor)
