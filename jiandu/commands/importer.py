"""`invoke import-feed SOURCE`: RSS or Atom items become draft column entries in content/drafts/.

Item HTML is untrusted: hidden elements (often injected spam links) are dropped, the rest goes
through the site's one sanitizer, then becomes Markdown. Traditional text is converted to
Simplified and the original kept. Departments are matched through the registry's names and
aliases; candidates that match nothing are listed in the draft, never guessed.

Importing is idempotent: drafts are keyed by the item's guid, and each records a hash of what the
importer wrote, so a draft a person has edited (or moved into content/column/) is never touched.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from functools import lru_cache
from pathlib import Path
from zoneinfo import ZoneInfo

import yaml

from jiandu.content.guards import GuardSettings, hiding_styles, message, scan_body, scan_values
from jiandu.content.registry import Registry, load_registry
from jiandu.content.sanitize import sanitize_html
from jiandu.core.problems import Problems
from jiandu.core.settings import DEFAULTS, Settings
from jiandu.core.source import read_markdown
from jiandu.core.vocabulary import EntryStatus, Kind

DRAFT_STATUS = "draft"
DRAFTS = "drafts"
HASH_LINE_RE = re.compile(r"^  hash: .*\n", re.MULTILINE)
ORG_RE = re.compile(r"[\u4e00-\u9fff]{2,12}?(?:委员会|办事处|管委会|局|委|街道|支队|大队)")
# Characters that end the words before a department's name ("转交市城管局" -> "市城管局").
BOUNDARY_RE = re.compile(r".*[将向由和与及对给到在的了被把是从为经请让令据称说示交往同至当后前]")
ZONE = ZoneInfo("Asia/Shanghai")

HEADER = f"""\
# 由 invoke import-feed 导入的草稿，不会发布。发布前请：
# 1. 核对正文，删除当事人的个人信息；2. 确认 departments，处理 imported.unmatched_departments；
# 3. 填写 number（期号），把 status 改为 {EntryStatus.choices()}；
# 4. 把文件移到 content/column/，文件名改为 年份-期号.md（例如 2017-046.md），再运行 invoke check。
"""


class FeedError(Exception):
    """The feed cannot be read at all; the message is for staff."""


@dataclass
class ImportReport:
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)  # unedited drafts whose item changed
    unchanged: list[str] = field(default_factory=list)
    kept_edited: list[str] = field(default_factory=list)  # edited by a person: left alone
    published: list[str] = field(default_factory=list)  # already moved into content/column/
    warnings: list[str] = field(default_factory=list)

    def lines(self) -> list[str]:
        out = [f"新建草稿：{p}" for p in self.created]
        out += [f"更新草稿（原文有变化，草稿未被修改过）：{p}" for p in self.updated]
        out += [f"已人工修改，保持不变：{p}" for p in self.kept_edited]
        out += [f"已移入专栏，跳过：{p}" for p in self.published]
        out += self.warnings
        out.append(f"共 {len(self.created)} 篇新草稿，{len(self.updated)} 篇更新，"
                   f"{len(self.unchanged) + len(self.kept_edited) + len(self.published)} 篇未变。")
        return out


@lru_cache(maxsize=1)
def _t2s():
    import opencc

    return opencc.OpenCC("t2s")


def to_simplified(text: str) -> str:
    return _t2s().convert(text)


# ---- HTML to Markdown -----------------------------------------------------------------------

def drop_hidden(html: str) -> tuple[str, int]:
    """Remove elements hidden by style, `hidden` or a hiding <style> class; return (html, count)."""
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(html, "html.parser")
    hidden_classes = {cls for style in soup.find_all("style") for cls in _hiding_classes(style.text)}
    doomed = [el for el in soup.find_all(True)
              if el.has_attr("hidden") or hiding_styles(el.get("style", ""))
              or hidden_classes & set(el.get("class") or ())]
    count = 0
    for el in doomed:
        if not el.decomposed:
            el.decompose()
            count += 1
    return str(soup), count


def _hiding_classes(css: str) -> set[str]:
    return {cls for selector, body in re.findall(r"([^{}]+)\{([^}]*)\}", css) if hiding_styles(body)
            for cls in re.findall(r"\.([\w-]+)", selector)}


def html_to_markdown(html: str) -> tuple[str, int]:
    """Untrusted item HTML as Markdown: hidden parts dropped, sanitized, converted."""
    from markdownify import markdownify

    visible, hidden = drop_hidden(html)
    text = markdownify(sanitize_html(visible), heading_style="ATX", bullets="-", strip=["img"])
    text = re.sub(r"[ \t]+\n", "\n", text)
    return re.sub(r"\n{3,}", "\n\n", text).strip() + "\n", hidden


def plain_text(html: str) -> str:
    """A title as plain text: tags (and script contents) removed, whitespace collapsed."""
    import html as html_lib

    import nh3

    text = html_lib.unescape(nh3.clean(html, tags=set(), clean_content_tags={"script", "style"}))
    return " ".join(text.split())


# ---- departments ----------------------------------------------------------------------------

def match_departments(text: str, registry: Registry) -> tuple[list[str], list[str]]:
    """(ids of departments named in `text`, organisation names found that match none)."""
    positions: dict[str, int] = {}
    spans: list[tuple[int, int]] = []
    for dept in registry:
        for name in {to_simplified(n) for n in (dept.name, dept.short, *dept.aliases) if n}:
            for m in re.finditer(re.escape(name), text) if len(name) >= 3 else ():
                positions[dept.id] = min(positions.get(dept.id, m.start()), m.start())
                spans.append((m.start(), m.end()))
    unmatched: list[str] = []
    for m in ORG_RE.finditer(text):
        if any(s <= m.end() - 1 < e for s, e in spans):
            continue  # part of a name already matched
        name = BOUNDARY_RE.sub("", m.group())
        if len(name) >= 3 and registry.resolve(name) is None and name not in unmatched:
            unmatched.append(name)
        elif (dept := registry.resolve(name)) is not None:
            positions.setdefault(dept.id, m.start())
    return sorted(positions, key=lambda d: (positions[d], d)), unmatched


# ---- drafts ---------------------------------------------------------------------------------

class _Dumper(yaml.SafeDumper):
    pass


def _str(dumper, value: str):
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _str)


def _yaml(data: dict) -> str:
    return yaml.dump(data, Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=100000)


def _with_hint(name: str, registry: Registry) -> str:
    near = registry.suggest(name)
    return f"{name}（可能是 {near.name}，编号 {near.id}，请人工确认）" if near else f"{name}（登记表中没有）"


def item_date(entry) -> date | None:
    parsed = entry.get("published_parsed") or entry.get("updated_parsed")
    if not parsed:
        return None
    return datetime(*parsed[:6], tzinfo=UTC).astimezone(ZONE).date()


def item_guid(entry) -> str:
    guid = entry.get("id") or entry.get("link")
    if guid:
        return str(guid).strip()
    seed = f"{entry.get('title', '')}\n{entry.get('summary', '')}".encode()
    return "sha256:" + hashlib.sha256(seed).hexdigest()[:16]


def item_html(entry) -> str:
    content = entry.get("content") or []
    return content[0].get("value", "") if content else entry.get("summary", "")


def draft_text(entry, feed: str, registry: Registry) -> tuple[str, int]:
    """The draft file for one item, hash line included; and the number of hidden parts dropped."""
    title_raw = plain_text(str(entry.get("title", "")))
    body_raw, hidden = html_to_markdown(item_html(entry))
    title, body = to_simplified(title_raw), to_simplified(body_raw)
    departments, unmatched = match_departments(f"{title}\n{body}", registry)
    day = item_date(entry)
    imported = {"feed": feed, "guid": item_guid(entry)}
    if re.match(r"^https?://", str(entry.get("link", ""))):
        imported["link"] = str(entry["link"])
    if entry.get("published") or entry.get("updated"):
        imported["published"] = str(entry.get("published") or entry.get("updated"))
    if unmatched:
        imported["unmatched_departments"] = [_with_hint(name, registry) for name in unmatched]
    if (title, body) != (title_raw, body_raw):
        imported["original_title"] = title_raw
        imported["original_text"] = body_raw
    meta = {"title": title or None, "number": None, "date": day.isoformat() if day else None,
            "departments": departments, "status": DRAFT_STATUS, "imported": imported}
    front = re.sub(r"^(\w+): null$", r"\1:", _yaml(meta), flags=re.MULTILINE)
    text = f"---\n{HEADER}{front}---\n\n{body}"
    digest = content_hash(text)
    return text.replace("\n---\n\n", f"\n  hash: {digest}\n---\n\n", 1), hidden


def content_hash(text: str) -> str:
    """Hash of a draft without its own hash line: equal to the stored one until a person edits."""
    return "sha256:" + hashlib.sha256(HASH_LINE_RE.sub("", text).encode("utf-8")).hexdigest()


def stored_hash(text: str) -> str | None:
    match = re.search(r"^  hash: (\S+)$", text, re.MULTILINE)
    return match.group(1) if match else None


def draft_name(entry) -> str:
    day = item_date(entry)
    digest = hashlib.sha256(item_guid(entry).encode("utf-8")).hexdigest()[:10]
    return f"{day.isoformat() if day else 'undated'}-{digest}.md"


def files_by_guid(folders: list[Path]) -> dict[str, Path]:
    """guid -> file, for drafts and published entries that came from an import."""
    found: dict[str, Path] = {}
    for folder in folders:
        for file in sorted(folder.glob("*.md")):
            source = read_markdown(file, file.name, Problems())
            data = source.meta.data if source else None
            imported = data.get("imported") if isinstance(data, dict) else None
            if isinstance(imported, dict) and imported.get("guid"):
                found.setdefault(str(imported["guid"]), file)
    return found


MAX_FEED_BYTES = 20 * 1024 * 1024
FETCH_TIMEOUT = 60  # seconds


def fetch(url: str) -> bytes:
    """A feed over http(s), with a timeout and a size limit (feedparser's own fetch has neither)."""
    import urllib.error
    import urllib.request

    request = urllib.request.Request(url, headers={"User-Agent": "jiandu-import-feed"})
    try:
        with urllib.request.urlopen(request, timeout=FETCH_TIMEOUT) as response:
            data = response.read(MAX_FEED_BYTES + 1)
    except (urllib.error.URLError, TimeoutError, OSError) as err:
        raise FeedError(f"无法下载订阅“{url}”：{err}。请检查网址和网络。") from None
    if len(data) > MAX_FEED_BYTES:
        raise FeedError(f"订阅“{url}”超过 {MAX_FEED_BYTES // 1024 // 1024} MB，未导入。")
    return data


def read_feed(source: str):
    import feedparser

    if re.match(r"^https?://", source, re.IGNORECASE):
        data, headers = fetch(source), {"content-location": source}
    elif Path(source).is_file():
        data, headers = Path(source).read_bytes(), {}
    else:
        raise FeedError(f"找不到订阅文件“{source}”。请写本地文件路径或 http(s):// 开头的网址。")
    # Our own sanitizer runs later; feedparser's would keep the styles that hide spam links.
    feed = feedparser.parse(data, sanitize_html=False, response_headers=headers)
    if not feed.entries:
        reason = f"（{feed.get('bozo_exception')}）" if feed.get("bozo") else ""
        raise FeedError(f"订阅“{source}”无法读取或没有条目{reason}。请确认这是 RSS 或 Atom 订阅。")
    return feed


def import_feed(source: str, root: Path, settings: Settings = DEFAULTS) -> ImportReport:
    content = root / settings.content
    feed = read_feed(source)
    registry = load_registry(content / "departments.yml", "content/departments.yml", Problems())
    drafts = content / DRAFTS
    drafts.mkdir(parents=True, exist_ok=True)
    published = files_by_guid([content / Kind.COLUMN])
    existing = files_by_guid([drafts])
    report = ImportReport()
    if feed.get("bozo"):
        report.warnings.append(f"提示：订阅格式不规范（{feed.get('bozo_exception')}），已尽量读取。")
    for entry in feed.entries:
        guid = item_guid(entry)
        if guid in published:
            report.published.append(_shown(published[guid], root))
            continue
        text, hidden = draft_text(entry, source, registry)
        target = existing.get(guid) or drafts / draft_name(entry)
        shown = _shown(target, root)
        written = _write_draft(target, text, shown, report)
        existing[guid] = target
        if written and hidden:
            report.warnings.append(f"{shown}：已删除 {hidden} 处隐藏文字（可能是黑链）。")
        if written:
            report.warnings += _findings(target, shown, settings)
    return report


def _write_draft(target: Path, text: str, shown: str, report: ImportReport) -> bool:
    """Write a new draft, or refresh one nobody edited; True if the file was written."""
    if not target.exists():
        target.write_text(text, encoding="utf-8")
        report.created.append(shown)
        return True
    current = target.read_text(encoding="utf-8")
    if content_hash(current) != stored_hash(current):
        report.kept_edited.append(shown)
    elif _same_item(current, text):
        report.unchanged.append(shown)
    else:
        target.write_text(text, encoding="utf-8")
        report.updated.append(shown)
        return True
    return False


def _same_item(a: str, b: str) -> bool:
    """Equal but for the hash and where the feed was read from (a file moved, a mirror URL)."""
    strip = re.compile(r"^  (?:hash|feed): .*\n", re.MULTILINE)
    return strip.sub("", a) == strip.sub("", b)


def _findings(file: Path, shown: str, settings: Settings) -> list[str]:
    """What the guards will say once the draft is moved, so staff can fix it now."""
    source = read_markdown(file, shown, Problems())
    if source is None:
        return []
    gs = GuardSettings.from_settings(settings)
    data = dict(source.meta.data or {})
    data.get("imported", {}).pop("original_text", None)  # the same text as the body
    findings = scan_values(data, source.meta, gs) + scan_body(source.body, source.body_line, gs)
    return [f"{shown}:{f.line}: {' '.join(message(f)[:1])}" for f in sorted(set(findings))]


def _shown(path: Path, root: Path) -> str:
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return str(path)
