"""Content model and validation: read content/, check every file, and build the typed Site.

Stage one converts each file against its schema (line-accurate messages). Stage two checks what
spans files: duplicate editions and links between records. Only a tree without any problem becomes
a Site; otherwise ContentError carries every problem found.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path

from jiandu.content.edition_index import load_editions
from jiandu.content.guards import KINDS as GUARD_KINDS
from jiandu.content.guards import WORD_LIST, GuardSettings, guard_source, guard_yaml, load_word_list
from jiandu.content.model import (
    Alias,
    ColumnEntry,
    Commitment,
    Inquiry,
    Link,
    Record,
    Segment,
    Site,
    Source,
    StatusChange,
)
from jiandu.content.registry import Registry, load_registry
from jiandu.content.routing import HOP_SCHEMA, Lookups, check_routing, closing_date, ends_closed, hops_of
from jiandu.content.sanitize import render_body
from jiandu.content.synonyms import SYNONYMS_FILE, Groups, load_synonyms
from jiandu.core import routes
from jiandu.core.problems import ContentError, Problem, Problems
from jiandu.core.schema import (
    Bool,
    Choice,
    Context,
    Custom,
    Date,
    Field,
    Integer,
    Invalid,
    ListOf,
    Schema,
    Struct,
    Text,
    Url,
    quote,
)
from jiandu.core.settings import DEFAULTS, Settings, as_of_date
from jiandu.core.source import MAX_FILE_BYTES, SourceFile, read_markdown, read_yaml_file
from jiandu.core.vocabulary import CommitmentStatus, EntryStatus, Kind, Level, RoutingAction, SourceType

ALIAS_SEGMENT_RE = re.compile(r"^[A-Za-z0-9._~-]+$")
PAGE_SUFFIX_RE = re.compile(r"\.html?$")
FILE_SUFFIX_RE = re.compile(r"\.[A-Za-z0-9]{1,5}$")
MOMENT_RE = re.compile(r"^(\d{1,2}):([0-5]\d):([0-5]\d)$")
MAX_NUMBER = 999  # editions per year; a record's URL and file name have three digits


def _department(value, ctx: Context) -> str:
    return ctx.lookups.registry.lookup(value)


def _district(value, ctx: Context) -> str:
    registry = ctx.lookups.registry
    dept_id = registry.lookup(value)
    dept = registry.by_id.get(dept_id)
    if dept and dept.level != Level.DISTRICT:
        ids = "、".join(d.id for d in registry if d.level == Level.DISTRICT)
        raise Invalid(f"{quote(value)}不是区县。", f"district 应填写区县的编号：{ids}。")
    return dept_id


def _reference(value, ctx: Context) -> Link:
    """`column/2017-045`, `inquiry/2017-03#q1` or a URL; targets are checked in stage two."""
    text = str(value).strip()
    if text.startswith(("http://", "https://")):
        return Link(Url("").convert(text, ctx, ()), text, external=True)
    ref = routes.parse_ref(text)
    if ref is None:
        raise Invalid(f"链接{quote(text)}格式无效。",
                      "请写成 column/2017-045、inquiry/2017-03#q1 或以 https:// 开头的网址。")
    return Link(ref.target, ref.url, ref=ref)


def _follow_up(value, ctx: Context) -> Link:
    """A follow-up names one segment of a session, so that the trail works both ways."""
    link = _reference(value, ctx)
    if link.external or link.ref.kind != Kind.INQUIRY or link.ref.anchor is None:
        raise Invalid(f"follow_up{quote(value)}应指向某期电视问政的一个环节。",
                      "例如 inquiry/2017-03#q1（q1 为该期第一个环节）。")
    return link


MAX_ALIAS_LENGTH = 200  # characters; a file name may have 255 bytes, a path a few thousand


def _alias(value, ctx: Context) -> str:
    """An old path of this record on the site, as a site-relative URL: `column/2016-045/`.

    Only plain path segments: no `..`, `%`, `\\` or hidden (dot) names, so that an old address
    is always a file inside the site; collisions with the site's own files are found when the
    pages are planned (pages.py).
    """
    text = str(value).strip()
    shown = quote(text)
    example = "例如 column/2016-045/（网站内的旧路径，不含域名）。"
    if re.match(r"^[a-z]+://", text, re.IGNORECASE):
        raise Invalid(f"旧网址{shown}应为网站内的路径，不含 http:// 和域名。", example)
    if "?" in text or "#" in text:
        raise Invalid(f"旧网址{shown}不能包含 ? 或 #。", example)
    if len(text) > MAX_ALIAS_LENGTH:
        raise Invalid(f"旧网址{shown}太长（超过 {MAX_ALIAS_LENGTH} 个字符）。", example)
    path = text.lstrip("/").removesuffix("index.html")
    segments = path.rstrip("/").split("/")
    if not path or any(s in (".", "..") or not ALIAS_SEGMENT_RE.match(s) for s in segments):
        raise Invalid(f"旧网址{shown}无效：只能包含字母、数字和 . _ ~ -，以 / 分隔。", example)
    if any(s.startswith(".") or s.endswith(".") for s in segments):
        raise Invalid(f"旧网址{shown}无效：每一段都不能以 . 开头或结尾。", example)
    last = segments[-1]
    if PAGE_SUFFIX_RE.search(last):
        return "/".join(segments)
    if FILE_SUFFIX_RE.search(last):
        raise Invalid(f"旧网址{shown}不是网页地址，无法设置跳转。", example)
    return "/".join(segments) + "/"


@dataclass
class AliasField(Field):
    """An old address with its own line: a list item that fails must not shift the next ones."""

    def convert(self, value, ctx, key):
        return Alias(_alias(value, ctx), ctx.located.line(key))


def _moment(value, ctx: Context) -> str:
    """A moment in a video as HH:MM:SS; one-digit hours are padded."""
    text = str(value).strip()
    match = MOMENT_RE.match(text)
    if not match:
        raise Invalid(f"时间点{quote(text)}格式无效。", "请写成 00:12:30 这样的格式（时:分:秒）。")
    hours, minutes, seconds = match.groups()
    return f"{int(hours):02d}:{minutes}:{seconds}"


# A published report of a record or a segment: kept as data, shown as a citation line.
SOURCE_SCHEMA = Schema([
    ("type", Choice("类型", required=True, options=tuple(SourceType))),
    ("title", Text("名称", required=True)),
    ("date", Date("日期")),
    ("page", Text("版面")),
    ("url", Url("网址")),
    ("at", Custom("视频时间点", func=_moment)),
])
SOURCES = ListOf("来源", item=Struct("来源", schema=SOURCE_SCHEMA))


def _history_schema(statuses: tuple[str, ...]) -> ListOf:
    item = Schema([
        ("date", Date("日期", required=True)),
        ("status", Choice("状态", required=True, options=statuses)),
        ("note", Text("说明")),
    ])
    return ListOf("状态记录", item=Struct("状态记录", schema=item))


COMMITMENT_SCHEMA = Schema([
    ("text", Text("承诺内容", required=True)),
    ("due", Date("承诺期限")),
    ("status", Choice("状态", required=True, options=CommitmentStatus.stated())),
    ("checked", Date("核实日期")),
    ("evidence", Custom("佐证", func=_reference)),
    ("history", _history_schema(CommitmentStatus.stated())),
])

SEGMENT_SCHEMA = Schema([
    ("id", Custom("环节编号", func=lambda v, ctx: _anchor_id(v))),
    ("topic", Text("问题", required=True)),
    ("department", Custom("责任部门", required=True, func=_department)),
    ("respondent", Text("答问人职务")),
    ("commitments", ListOf("承诺", item=Struct("承诺", schema=COMMITMENT_SCHEMA))),
    ("sources", SOURCES),
])

# A reviewed exception to a guard finding (see guards.py): what, why, and who decided.
EXEMPTION_SCHEMA = Schema([
    ("kind", Choice("类别", required=True, options=GUARD_KINDS)),
    ("match", Text("检查结果中显示的内容", required=True)),
    ("reason", Text("理由", required=True)),
    ("reviewer", Text("审核人", required=True)),
    ("date", Date("审核日期")),
])

# Where an imported entry came from (importer.py); kept when a person moves the draft.
IMPORTED_SCHEMA = Schema([
    ("feed", Text("来源订阅")),
    ("guid", Text("条目标识", required=True)),
    ("link", Url("原文链接")),
    ("published", Text("原文发布时间")),
    ("hash", Text("导入时内容校验值")),
    ("original_title", Text("原文标题（繁体）")),
    ("original_text", Text("原文（繁体）")),
    ("unmatched_departments", ListOf("未匹配的部门", item=Text("部门"))),
])

COMMON_FIELDS = [
    ("title", Text("标题", required=True)),
    ("number", Integer("期号", required=True, maximum=MAX_NUMBER,
                       hint="期号是当年的第几期，例如 45。")),
    ("date", Date("日期", required=True)),
    ("sample", Bool("示例")),
    ("exemptions", ListOf("检查豁免", item=Struct("检查豁免", schema=EXEMPTION_SCHEMA))),
    ("aliases", ListOf("旧网址", single_ok=True, item=AliasField("旧网址"))),
    ("sources", SOURCES),
]

SCHEMAS = {
    Kind.INQUIRY: Schema(COMMON_FIELDS + [
        ("program", Text("栏目名称")),
        ("video", Url("视频网址")),
        ("segments", ListOf("问政环节", required=True, min_items=1,
                            item=Struct("问政环节", schema=SEGMENT_SCHEMA))),
    ]),
    Kind.COLUMN: Schema(COMMON_FIELDS + [
        ("departments", ListOf("责任部门", required=True, min_items=1, single_ok=True,
                               item=Custom("责任部门", func=_department))),
        ("district", Custom("所在区县", func=_district)),
        ("category", Text("问题类别")),
        ("source", Text("线索来源")),
        ("status", Choice("办理状态", required=True, options=EntryStatus.stated(), hints={
            "draft": f"这是导入的草稿：请核对内容，把 status 改为 {EntryStatus.choices()} 后再发布。"})),
        ("resolved", Date("办结日期")),
        ("follow_up", Custom("跟进的问政环节", func=_follow_up)),
        ("history", _history_schema(EntryStatus.stated())),
        ("routing", ListOf("流转记录", item=Struct("流转记录", schema=HOP_SCHEMA))),
        ("imported", Struct("导入来源", schema=IMPORTED_SCHEMA)),
    ]),
}


def _anchor_id(value) -> str:
    text = str(value).strip()
    if not re.match(r"^[A-Za-z0-9_-]+$", text):
        raise Invalid(f"{quote(text)}只能包含字母、数字、连字符和下划线。", "例如 q1。")
    return text


@dataclass
class Parsed:
    """One file after stage one: converted values, kept with the file for stage two's messages."""

    kind: Kind
    source: SourceFile
    values: dict

    @property
    def key(self) -> str | None:
        v = self.values
        if not (v["date"] and v["number"]):
            return None
        return routes.record_key(self.kind, v["date"].year, v["number"])

    def line(self, *key) -> int:
        return self.source.meta.line(key)

    def release(self) -> None:
        """Drop the raw text and data; cross-file checks need only values and lines."""
        self.source.body = ""
        self.source.meta.data = None


@dataclass
class FileResult:
    """One file after stage one. The live preview keeps it until the file changes."""

    stamp: tuple[int, int]  # (mtime_ns, size) when read
    parsed: Parsed | None
    problems: list[Problem]
    record: Record | None  # built only when the file has no problem of its own


class ContentTree:
    """The content folder: read once, then re-read file by file as files change."""

    def __init__(self, root: Path, settings: Settings = DEFAULTS):
        self.root = root
        self.settings = settings
        self.folder = root / self.settings.content
        self.registry: Registry | None = None
        self.registry_problems: list[Problem] = []
        self.registry_stamp: tuple | None = None
        self.synonyms: Groups = ()
        self.synonyms_problems: list[Problem] = []
        self.synonyms_stamp: tuple | None = ()  # () = not read yet; None = no file
        self.files: dict[str, FileResult] = {}

    def shown(self, path: Path) -> str:
        return path.relative_to(self.root).as_posix()

    @property
    def prefix(self) -> str:
        return self.shown(self.folder)

    def refresh(self, progress=None) -> set[str]:
        """Re-read what changed on disk; return the shown paths of files read again or gone."""
        registry_file, prefix = self.folder / "departments.yml", self.prefix
        words_file = self.folder / WORD_LIST  # the guards' word list: its change re-reads all too
        stamp = (_stamp(registry_file), _stamp(words_file))
        if self.registry is None or stamp != self.registry_stamp:
            problems = Problems()
            self.registry = load_registry(registry_file, self.shown(registry_file), problems,
                                          self.settings.max_file_bytes)
            self._guard_registry(registry_file, problems)
            load_word_list(words_file, self.shown(words_file), problems)
            self.registry_problems = first_problems(problems.items, self.shown(registry_file))
            self.registry_stamp = stamp
            self.files = {}  # department references resolve against the registry: read all again
        self._refresh_synonyms()
        current = {f"{prefix}/{kind}/{name}": (kind, self.folder / kind / name)
                   for kind in Kind for name in _markdown_names(self.folder / kind)}
        gone = set(self.files) - set(current)
        for path in gone:
            del self.files[path]
        stale = [(path, kind, f) for path, (kind, f) in current.items()
                 if path not in self.files or self.files[path].stamp != _stamp(f)]
        self.files.update(read_files(stale, self.registry, self.settings, progress))
        self.files = dict(sorted(self.files.items()))
        return gone | {path for path, _, _ in stale}

    def _refresh_synonyms(self) -> None:
        """Read on their own: synonyms change the search index, never a record or a page."""
        file = self.folder / SYNONYMS_FILE
        stamp = _stamp(file)
        if stamp != self.synonyms_stamp:
            problems = Problems()
            self.synonyms = load_synonyms(file, self.shown(file), problems, self.settings.max_file_bytes)
            self.synonyms_problems = first_problems(problems.items, self.shown(file))
            self.synonyms_stamp = stamp

    def _guard_registry(self, registry_file: Path, problems: Problems) -> None:
        if registry_file.exists():
            located = read_yaml_file(registry_file, self.shown(registry_file), Problems(),
                                     self.settings.max_file_bytes)
            if located is not None:
                guard_yaml(located, self.shown(registry_file), self.settings, problems)

    def site(self) -> Site:
        """Cross-file checks over every file, then the Site; ContentError if anything is wrong."""
        problems = Problems(self.registry_problems + self.synonyms_problems)
        for result in self.files.values():
            problems.items.extend(result.problems)
        parsed = [r.parsed for r in self.files.values() if r.parsed]
        _check_editions(parsed, problems)
        _check_links(parsed, problems)
        _check_aliases(parsed, problems)
        editions = load_editions(self.root, problems)
        if problems:
            raise ContentError(problems)
        return _assemble([r.record for r in self.files.values()], self.registry, self.settings, editions,
                         self.synonyms)


def load_site(root: Path, settings: Settings = DEFAULTS) -> Site:
    """Read and validate the whole content tree under `root` (the project folder)."""
    tree = ContentTree(root, settings)
    tree.refresh()
    return tree.site()


def _markdown_names(folder: Path) -> list[str]:
    try:
        return sorted(e.name for e in os.scandir(folder) if e.name.endswith(".md") and e.is_file())
    except FileNotFoundError:
        return []


def _stamp(file: Path) -> tuple[int, int] | None:
    try:
        st = file.stat()
    except FileNotFoundError:
        return None
    return (st.st_mtime_ns, st.st_size)


def read_files(files: list[tuple[str, str, Path]], registry: Registry, settings: Settings,
               progress=None) -> dict[str, FileResult]:
    """Stage one for each file; large batches are spread over worker processes."""
    from jiandu.core.workers import run_split

    gs = GuardSettings.from_settings(settings)  # once: it looks at the word list's file

    def one(item):
        path, kind, file = item
        return path, read_file(kind, file, path, registry, settings, gs)

    return dict(run_split(one, files, progress=progress, label="读取"))


def read_file(kind: Kind, file: Path, shown: str, registry: Registry, settings: Settings,
              gs: GuardSettings | None = None) -> FileResult:
    problems = Problems()
    stamp = _stamp(file)
    parsed = _parse_file(kind, file, shown, Lookups(registry, settings.routing_origins), problems,
                         settings.max_file_bytes)
    if parsed:
        guard_source(parsed.source, parsed.values["exemptions"], settings, problems, page=parsed.key or "",
                     gs=gs)
    record = None
    if parsed and not problems:
        body = render_body(parsed.source.body)
        record = _inquiry(parsed, body, settings) if kind == Kind.INQUIRY else _entry(parsed, body)
    if parsed:
        parsed.release()
    return FileResult(stamp, parsed, first_problems(problems.items, shown), record)


MAX_FILE_PROBLEMS = 100  # a garbled file is not reported line by line


def first_problems(items: list[Problem], shown: str) -> list[Problem]:
    items = sorted(set(items))
    if len(items) <= MAX_FILE_PROBLEMS:
        return items
    rest = items[MAX_FILE_PROBLEMS:]
    return items[:MAX_FILE_PROBLEMS] + [Problem(
        shown, rest[0].line, f"另有 {len(rest)} 个问题，此处不再列出。", "请先改正上面的问题，再运行检查。")]


def _parse_file(kind, file, shown, lookups: Lookups, problems: Problems,
                max_bytes: int = MAX_FILE_BYTES) -> Parsed | None:
    source = read_markdown(file, shown, problems, max_bytes)
    if source is None:
        return None
    if not isinstance(source.meta.data, dict):
        problems.add(shown, source.meta.start, "front matter 应为“字段: 值”的结构。")
        return None
    ctx = Context(shown, source.meta, problems, lookups)
    values = ctx.validate(SCHEMAS[kind], source.meta.data)
    item = Parsed(kind, source, values)
    if kind == Kind.INQUIRY:
        _check_inquiry(item, problems)
    else:
        _check_entry(item, problems)
        check_routing(shown, values, lookups, problems, source.meta.line)
    _check_sources(item, problems)
    return item


def _check_inquiry(item: Parsed, problems: Problems) -> None:
    seen: dict[str, int] = {}
    for i, seg in enumerate(item.values["segments"] or []):
        seg["id"] = seg["id"] or f"q{i + 1}"
        if seg["id"] in seen:
            problems.add(item.source.path, seg["_line"], f"环节编号 {seg['id']} 重复。",
                         "同一期内每个环节的 id 必须不同。")
        seen[seg["id"]] = seg["_line"]
        for c in seg["commitments"] or []:
            if c["status"] == CommitmentStatus.KEPT and not _written(item, c, "checked"):
                problems.add(item.source.path, c["_line"],
                             f"状态为{CommitmentStatus.KEPT}的承诺必须填写 checked（核实日期）。",
                             "请填写核实兑现情况的日期，例如 checked: 2017-06-30。")
            _check_history(item, c, problems)


def _check_entry(item: Parsed, problems: Problems) -> None:
    v, path = item.values, item.source.path
    closed = v["status"] == EntryStatus.CLOSED
    if closed and not _written(item, v, "resolved") and not ends_closed(v["routing"]):
        if v["routing"]:
            problems.add(path, item.line("status"),
                         f"状态为{EntryStatus.CLOSED}时，流转记录应以“{RoutingAction.CLOSE}”结束，"
                         "或填写 resolved（办结日期）。",
                         f"请在 routing 末尾补记 action: {RoutingAction.CLOSE} 的一条，"
                         "或填写 resolved: 2017-05-20。")
        else:
            problems.add(path, item.line("status"),
                         f"状态为{EntryStatus.CLOSED}时必须填写 resolved（办结日期）。",
                         "例如 resolved: 2017-05-20。")
    if v["resolved"] and v["date"] and v["resolved"] < v["date"]:
        problems.add(path, item.line("resolved"),
                     f"resolved（办结日期）{v['resolved']} 早于 date（刊发日期）{v['date']}。",
                     "请核对两个日期。")
    _check_history(item, v, problems)


def _check_sources(item: Parsed, problems: Problems) -> None:
    """A moment needs a video to open at: the source's own url, or the session's video."""
    video = item.values.get("video")
    groups = [item.values["sources"]] + [s["sources"] for s in item.values.get("segments") or []]
    hint = "请在该来源中填写 url" + ("，或在本期填写 video。" if item.kind == Kind.INQUIRY else "。")
    for source in (s for group in groups for s in group or []):
        if source["at"] and not source["url"] and not video:
            problems.add(item.source.path, item.line(*source["_key"], "at"),
                         "来源设有 at（视频时间点），但没有视频网址。", hint)


def _written(item: Parsed, values: dict, name: str) -> bool:
    """Filled in, valid or not: an invalid value is reported once, as invalid, not as missing."""
    raw = item.source.meta.data  # stage one: the raw data is still there
    for part in values["_key"]:
        raw = raw[part]
    return raw.get(name) not in (None, "")


def _check_history(item: Parsed, values: dict, problems: Problems) -> None:
    """History runs in date order, and its last status is the current `status`."""
    history = values.get("history") or []
    at = lambda i, name: item.source.meta.line(history[i]["_key"] + (name,))
    for i in range(1, len(history)):
        if history[i]["date"] and history[i - 1]["date"] and history[i]["date"] < history[i - 1]["date"]:
            problems.add(item.source.path, at(i, "date"),
                         f"状态记录的日期 {history[i]['date']} 早于上一条 {history[i - 1]['date']}。",
                         "history 中的各条记录应按日期从早到晚排列。")
    start = item.values["date"]
    if history and start and history[0]["date"] and history[0]["date"] < start:
        problems.add(item.source.path, at(0, "date"),
                     f"状态记录的日期 {history[0]['date']} 早于本期日期 {start}。", "请核对日期。")
    last = history[-1]["status"] if history else None
    if last and values["status"] and last != values["status"]:
        problems.add(item.source.path, at(len(history) - 1, "status"),
                     f"最后一条状态记录为“{last}”，与当前状态 status“{values['status']}”不一致。",
                     "请更新 status，或在 history 末尾补记最新状态。")


def _check_editions(parsed: list[Parsed], problems: Problems) -> None:
    first: dict[str, Parsed] = {}
    for item in parsed:
        key = item.key
        if key is None:
            continue
        if key in first:
            other = first[key]
            problems.add(item.source.path, item.line("number"),
                         f"{item.values['date'].year}年第{item.values['number']}期"
                         f"{item.kind.label}重复。",
                         f"已在 {other.source.path}:{other.line('number')} 使用；请核对期号。")
        else:
            first[key] = item


def _check_links(parsed: list[Parsed], problems: Problems) -> None:
    targets = {item.key for item in parsed if item.key}
    for item in parsed:
        if item.kind == Kind.INQUIRY and item.key:
            targets |= {routes.segment_key(item.key, s["id"]) for s in item.values["segments"] or []}
    for item in parsed:
        for key, link in _links_of(item):
            if link and not link.external and link.target not in targets:
                problems.add(item.source.path, item.line(*key), f"链接目标 {link.target} 不存在。",
                             _nearest_target(link.target, targets))


def _check_aliases(parsed: list[Parsed], problems: Problems) -> None:
    """An old URL may not be any record's current URL, nor the old URL of two records."""
    current = {routes.record(item.key): item for item in parsed if item.key}
    claimed: dict[str, tuple[Parsed, int]] = {}
    for item in parsed:
        for alias in item.values["aliases"] or []:
            url, line = alias.url, alias.line
            owner = current.get(url)
            if owner is item:
                problems.add(item.source.path, line, f"旧网址 {url} 就是本记录现在的网址。",
                             "请删除这一条 aliases。")
            elif owner is not None:
                problems.add(item.source.path, line, f"旧网址 {url} 是另一条记录现在的网址。",
                             f"见 {owner.source.path}；一个网址只能属于一条记录，请核对旧网址。")
            elif url in claimed:
                other, other_line = claimed[url]
                problems.add(item.source.path, line, f"旧网址 {url} 重复。",
                             f"已在 {other.source.path}:{other_line} 使用；一个旧网址只能跳转到一条记录。")
            else:
                claimed[url] = (item, line)


def _links_of(item: Parsed):
    if item.kind == Kind.COLUMN:
        yield ("follow_up",), item.values["follow_up"]
        return
    for seg in item.values["segments"] or []:
        for c in seg["commitments"] or []:
            yield c["_key"] + ("evidence",), c["evidence"]


def _nearest_target(target: str, targets: set[str]) -> str:
    """Same kind and year, nearest edition number (and segment); else the closest spelling."""
    wanted = routes.parse_key(target)
    same_year = [ref for t in targets if (ref := routes.parse_key(t))
                 and (ref.kind, ref.year) == (wanted.kind, wanted.year)
                 and (ref.anchor is None) == (wanted.anchor is None)]
    if wanted.anchor and any(ref.number == wanted.number for ref in same_year):
        same_year = [ref for ref in same_year if ref.number == wanted.number]
    if same_year:
        best = min(same_year, key=lambda ref: (abs(ref.number - wanted.number), ref.target))
        return f"是否指 {best.target}？"
    return "请检查类别、年份和期号。"


def _assemble(records: list[Record], registry: Registry, settings: Settings, editions: tuple = (),
              synonyms: Groups = ()) -> Site:

    order = lambda r: (r.year, r.number)
    latest = max((r.date for r in records), default=None)
    return Site(
        departments=dict(sorted(registry.by_id.items())),
        inquiries=tuple(sorted((r for r in records if r.kind == Kind.INQUIRY), key=order)),
        entries=tuple(sorted((r for r in records if r.kind == Kind.COLUMN), key=order)),
        as_of=as_of_date(settings, fallback=latest),
        settings=settings,
        editions=editions,
        synonyms=synonyms,
    )


def _common(item: Parsed, body: str) -> dict:
    v = item.values
    return dict(kind=item.kind, year=v["date"].year, number=v["number"], title=v["title"],
                date=v["date"], path=item.source.path, body_html=body, sample=bool(v["sample"]),
                aliases=tuple(v["aliases"] or ()), sources=_sources(v["sources"]))


def _sources(values: list[dict] | None) -> tuple[Source, ...]:
    return tuple(Source(s["type"], s["title"], s["date"], s["page"], s["url"], s["at"])
                 for s in values or [])


def _inquiry(item: Parsed, body: str, settings: Settings) -> Inquiry:
    v = item.values
    segments = tuple(
        Segment(id=s["id"], topic=s["topic"], department=s["department"], respondent=s["respondent"],
                commitments=tuple(
                    Commitment(text=c["text"], status=c["status"], due=c["due"],
                               checked=c["checked"], evidence=c["evidence"],
                               history=_history(c))
                    for c in s["commitments"] or []),
                sources=_sources(s["sources"]))
        for s in v["segments"])
    program = v["program"] or settings.program
    return Inquiry(**_common(item, body), program=program, video=v["video"],
                   segments=segments)


def _entry(item: Parsed, body: str) -> ColumnEntry:
    v = item.values
    return ColumnEntry(**_common(item, body), departments=tuple(dict.fromkeys(v["departments"])),
                       status=v["status"], district=v["district"], category=v["category"],
                       source=v["source"], resolved=closing_date(v), follow_up=v["follow_up"],
                       history=_history(v), routing=hops_of(v))


def _history(values: dict) -> tuple[StatusChange, ...]:
    return tuple(StatusChange(h["date"], h["status"], h["note"]) for h in values["history"] or [])


