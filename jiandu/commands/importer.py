"""`invoke import-feed SOURCE`: RSS or Atom items become draft column entries in content/drafts/.

Item HTML is untrusted: hidden elements (often injected spam links) are dropped, the rest goes
through the site's one sanitizer, then becomes Markdown. Traditional text is converted to
Simplified and the original kept. Departments are matched through the registry's names and
aliases; candidates that match nothing are listed in the draft, never guessed.

Importing is idempotent: drafts are keyed by the item's guid, and each records a hash of what the
importer wrote, so a draft a person has edited (or moved into content/column/) is never touched.
A guid is only trusted as far as the story matches: a second item with a guid already seen in the
feed, or one whose link (or, without links, title) differs from the file that has its guid, is
reported and skipped, never written over that file.

Every problem is a message for staff, never a traceback: feeds over the size or item limit,
undeclared GBK or Big5, unreadable drafts (`path:line: message`, and the import goes on).
"""

from __future__ import annotations

import codecs
import hashlib
import re
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from functools import lru_cache
from pathlib import Path
from zoneinfo import ZoneInfo

import yaml

from jiandu.content.guards import GuardSettings, message, scan_body, scan_values
from jiandu.content.hidden import hiding_classes, hiding_styles
from jiandu.content.registry import Registry, load_registry
from jiandu.content.sanitize import sanitize_html
from jiandu.core import download
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
# Characters XML cannot carry, DEL and the C1 controls (in Chinese text only ever a wrong
# encoding or a paste from Word), and lone surrogates, which cannot even be written as UTF-8.
CONTROL_RE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")
# Line breaks YAML and Markdown see where an editor shows none (or another one).
LINE_BREAK_RE = re.compile("\r\n?|[\u2028\u2029]")
# A character reference, in feed bytes or in item text that Markdown will decode later.
CHAR_REF = r"&#(?:[xX]([0-9A-Fa-f]{1,8})|([0-9]{1,10}));"
TEXT_CHAR_REF_RE = re.compile(CHAR_REF)
# markdownify recurses once per element level; no real item nests this deep.
MAX_DEPTH = 64

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
    skipped: list[str] = field(default_factory=list)  # items not imported, each with its reason
    problems: list[str] = field(default_factory=list)  # `path:line: message` of unreadable files
    warnings: list[str] = field(default_factory=list)

    def lines(self) -> list[str]:
        out = list(self.problems)
        out += [f"新建草稿：{p}" for p in self.created]
        out += [f"更新草稿（原文有变化，草稿未被修改过）：{p}" for p in self.updated]
        out += [f"已人工修改，保持不变：{p}" for p in self.kept_edited]
        out += [f"已移入专栏，跳过：{p}" for p in self.published]
        out += self.skipped + self.warnings
        unchanged = len(self.unchanged) + len(self.kept_edited) + len(self.published)
        skipped = f"，{len(self.skipped)} 个条目未导入" if self.skipped else ""
        out.append(f"共 {len(self.created)} 篇新草稿，{len(self.updated)} 篇更新，"
                   f"{unchanged} 篇未变{skipped}。")
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
    hidden_classes = {cls for style in soup.find_all("style") for cls in hiding_classes(style.text)}
    doomed = [el for el in soup.find_all(True)
              if el.has_attr("hidden") or hiding_styles(el.get("style", ""))
              or hidden_classes & set(el.get("class") or ())]
    count = 0
    for el in doomed:
        if not el.decomposed:
            el.decompose()
            count += 1
    _flatten(soup)
    return str(soup), count


def _flatten(soup) -> None:
    """Below MAX_DEPTH, keep only text: a hostile item nests 10,000 elements (bs4's unwrap is
    quadratic on such a chain, and markdownify recurses per level)."""
    stack = [(soup, 0)]
    while stack:
        node, depth = stack.pop()
        for child in node.find_all(True, recursive=False):
            if depth >= MAX_DEPTH:
                child.string = child.get_text()
            else:
                stack.append((child, depth + 1))


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
    # Line breaks an editor does not show are written as escapes (raw, YAML would break the line).
    hidden_break = re.search("[\r\x85\u2028\u2029]", value)
    style = '"' if hidden_break else "|" if "\n" in value else None
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
    try:
        return datetime(*parsed[:6], tzinfo=UTC).astimezone(ZONE).date()
    except (OverflowError, ValueError):  # a year 9999 item, a day 0
        return None


def item_guid(entry) -> str:
    for value in (entry.get("id"), entry.get("link")):
        if guid := CONTROL_RE.sub("", str(value or "")).strip():
            return guid
    seed = f"{entry.get('title', '')}\n{entry.get('summary', '')}"
    return "sha256:" + hashlib.sha256(CONTROL_RE.sub("", seed).encode()).hexdigest()[:16]


def item_html(entry) -> str:
    content = entry.get("content") or []
    return content[0].get("value", "") if content else entry.get("summary", "")


@dataclass(frozen=True)
class Draft:
    text: str  # the file, hash line included
    meta: dict  # its front matter
    hidden: int  # hidden elements dropped
    controls: int  # control characters dropped


def _without_controls(value) -> tuple[str, int]:
    """The text with plain line breaks, without control characters (nor references to them that
    Markdown would decode); and how many were dropped."""
    text = LINE_BREAK_RE.sub("\n", str(value or ""))
    text, refs = drop_bad_refs(text, TEXT_CHAR_REF_RE, "&amp;")
    return CONTROL_RE.sub("", text), len(refs) + len(CONTROL_RE.findall(text))


def drop_bad_refs(text, pattern: re.Pattern, amp):
    """`text` (str or bytes) without references to characters XML cannot carry, and those refs.

    Dropping one can join its neighbours into another (`&#&#0;11;`): such a one is escaped.
    """
    bad = [m.group() for m in pattern.finditer(text) if not _xml_char(m)]
    if bad:
        text = pattern.sub(lambda m: m.group() if _xml_char(m) else text[:0], text)
        text = pattern.sub(lambda m: m.group() if _xml_char(m) else amp + m.group()[1:], text)
    return text, bad


def draft_text(entry, feed: str, registry: Registry) -> Draft:
    """The draft file for one item."""
    title_html, html_controls = _without_controls(entry.get("title"))  # nh3 cannot take surrogates
    title_raw, title_controls = _without_controls(plain_text(title_html))  # &#11; and the like
    body_html, body_html_controls = _without_controls(item_html(entry))
    body_raw, hidden = html_to_markdown(body_html)
    body_raw, body_controls = _without_controls(body_raw)
    title, body = to_simplified(title_raw), to_simplified(body_raw)
    departments, unmatched = match_departments(f"{title}\n{body}", registry)
    day = item_date(entry)
    link, link_controls = _without_controls(entry.get("link"))
    published, date_controls = _without_controls(entry.get("published") or entry.get("updated"))
    imported = {"feed": feed, "guid": item_guid(entry)}
    if re.match(r"^https?://", link):
        imported["link"] = link
    if published:
        imported["published"] = published
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
    text = text.replace("\n---\n\n", f"\n  hash: {digest}\n---\n\n", 1)
    controls = (html_controls + title_controls + body_html_controls + body_controls + link_controls
                + date_controls)
    return Draft(text, meta, hidden, controls)


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


@dataclass(frozen=True)
class Known:
    """A file that came from an import: where it is and its front matter."""

    path: Path
    meta: dict


def files_by_guid(folders: list[Path], root: Path, problems: Problems) -> dict[str, Known]:
    """guid -> file, for drafts and published entries that came from an import.

    A file that cannot be read (cut off mid-character, broken YAML) is reported and left alone.
    """
    found: dict[str, Known] = {}
    for folder in folders:
        for file in sorted(folder.glob("*.md")):
            source = read_markdown(file, _shown(file, root), problems)
            data = source.meta.data if source else None
            imported = data.get("imported") if isinstance(data, dict) else None
            if isinstance(imported, dict) and imported.get("guid"):
                found.setdefault(str(imported["guid"]), Known(file, data))
    return found


FETCH_TIMEOUT = 60  # seconds a silent server is waited for
FETCH_DEADLINE = 300  # seconds for the whole download, however slowly it trickles in
XML_DECLARATION_RE = re.compile(rb"^\s*<\?xml[^>]*?encoding\s*=\s*[\"']([A-Za-z0-9._:-]+)[\"']")
CHARSET_RE = re.compile(r"charset\s*=\s*[\"']?([A-Za-z0-9._:-]+)", re.IGNORECASE)
# What an undeclared feed that is not UTF-8 may be in; the label is for staff.
CHINESE_ENCODINGS = {"gb18030": "GB18030（GBK）", "big5": "Big5（繁体）"}


def _too_large(source: str, settings: Settings) -> FeedError:
    return FeedError(f"订阅“{source}”超过 {settings.import_max_mb} MB（JIANDU_IMPORT_MAX_MB），未导入。"
                     "请确认订阅地址；确需导入时，在 pelicanconf.py 中调高 JIANDU_IMPORT_MAX_MB。")


def fetch(url: str, settings: Settings) -> tuple[bytes, dict]:
    """A feed over http(s) and the headers feedparser should see; bounded in size and time."""
    max_bytes = settings.import_max_mb * 1024 * 1024
    try:
        response = download.get(url, {"User-Agent": "jiandu-import-feed"}, max_bytes=max_bytes,
                                timeout=FETCH_TIMEOUT, deadline=FETCH_DEADLINE)
    except download.DownloadError as err:
        raise FeedError(f"无法下载订阅“{url}”：{err}。请检查网址和网络。") from None
    if not 200 <= response.status < 300:
        raise FeedError(f"无法下载订阅“{url}”：服务器返回 HTTP {response.status}。请检查网址。")
    if response.truncated:
        raise _too_large(url, settings)
    headers = {"content-location": url}
    if CHARSET_RE.search(response.content_type):  # a declared charset; without one the XML decides
        headers["content-type"] = response.content_type
    return response.body, headers


def read_file(source: str, settings: Settings) -> bytes:
    max_bytes = settings.import_max_mb * 1024 * 1024
    try:
        with open(source, "rb") as file:
            data = file.read(max_bytes + 1)
    except OSError as err:
        raise FeedError(f"无法读取订阅文件“{source}”：{err.strerror}。") from None
    if len(data) > max_bytes:
        raise _too_large(source, settings)
    return data


def read_feed(source: str, settings: Settings = DEFAULTS, notes: list[str] | None = None):
    """The parsed feed; `notes` gets what staff should know (a guessed encoding, a malformed feed)."""
    notes = [] if notes is None else notes
    if re.match(r"^https?://", source, re.IGNORECASE):
        data, headers = fetch(source, settings)
    elif Path(source).is_file():
        data, headers = read_file(source, settings), {}
    else:
        raise FeedError(f"找不到订阅文件“{source}”。请写本地文件路径或 http(s):// 开头的网址。")
    feed = _parse(_in_declared_encoding(data, headers, source, notes), headers, source, notes)
    if not feed.entries:
        reason = f"（{feed.get('bozo_exception')}）" if feed.get("bozo") else ""
        raise FeedError(f"订阅“{source}”无法读取或没有条目{reason}。请确认这是 RSS 或 Atom 订阅。")
    limit = settings.import_max_items
    if len(feed.entries) > limit:
        raise FeedError(f"订阅“{source}”有 {len(feed.entries)} 个条目，超过上限 {limit}"
                        "（JIANDU_IMPORT_MAX_ITEMS），未导入。请分批导出订阅，"
                        "或在 pelicanconf.py 中调高 JIANDU_IMPORT_MAX_ITEMS。")
    if feed.get("bozo"):
        notes.append(f"提示：订阅格式不规范（{feed.get('bozo_exception')}），已尽量读取。")
    return feed


CHAR_REF_RE = re.compile(CHAR_REF.encode())


def _parse(data: bytes, headers: dict, source: str, notes: list[str]):
    import feedparser

    data, dropped = drop_bad_refs(data, CHAR_REF_RE, b"&amp;")
    if dropped:
        notes.append(f"提示：订阅中有 {len(dropped)} 个网页和订阅无法使用的字符"
                     f"（如 {dropped[0].decode('ascii')}），已删除。")
    try:
        # Our own sanitizer runs later; feedparser's would keep the styles that hide spam links.
        return feedparser.parse(data, sanitize_html=False, response_headers=headers)
    except Exception as err:  # feedparser's loose parser has crashed on hostile input before
        raise FeedError(f"订阅“{source}”无法读取（{type(err).__name__}: {err}）。"
                        "请确认这是 RSS 或 Atom 订阅。") from None


def _xml_char(ref: re.Match) -> bool:
    """Whether a character reference names a character XML can carry (feedparser crashes on some)."""
    code = int(ref.group(1), 16) if ref.group(1) else int(ref.group(2))
    return code in (0x9, 0xA, 0xD) or 0x20 <= code <= 0xD7FF or 0xE000 <= code <= 0xFFFD \
        or 0x10000 <= code <= 0x10FFFF


def _in_declared_encoding(data: bytes, headers: dict, source: str, notes: list[str]) -> bytes:
    """The feed as bytes its declaration describes truly.

    feedparser decodes bytes that fail their declared encoding (UTF-8 when none is declared) as
    windows-1252: a GBK feed would become mojibake. Such bytes are recognised as GB18030 or Big5
    and handed over as UTF-8, or refused.
    """
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return data  # declared by its byte order mark
    declared = _declared_encoding(data, headers)
    if _decodes(data.removeprefix(codecs.BOM_UTF8), declared or "utf-8"):
        return data
    found = _chinese_encoding(data.removeprefix(codecs.BOM_UTF8))
    if found is None:
        said = f"声明的编码 {declared} 与内容不符，" if declared else "没有声明编码，"
        raise FeedError(f"订阅“{source}”无法读取：{said}内容不是 UTF-8，"
                        "也不能确定是 GB18030（GBK）还是 Big5。请确认这是 RSS 或 Atom 订阅；"
                        "如是，请转存为 UTF-8，或在 XML 声明中写明编码"
                        "（例如 <?xml version=\"1.0\" encoding=\"GBK\"?>）后再导入。")
    encoding, text = found
    said = f"声明的编码 {declared} 与内容不符" if declared else "订阅没有声明编码"
    notes.append(f"提示：{said}，内容不是 UTF-8，已按 {CHINESE_ENCODINGS[encoding]}编码读取。"
                 "请核对草稿中的文字。")
    headers.pop("content-type", None)
    body = re.sub(r"^\s*<\?xml[^>]*\?>", "", text, count=1)
    return ('<?xml version="1.0" encoding="utf-8"?>\n' + body).encode("utf-8")


def _declared_encoding(data: bytes, headers: dict) -> str | None:
    """The charset of the HTTP header, else of the XML declaration (as feedparser ranks them)."""
    if match := CHARSET_RE.search(headers.get("content-type", "")):
        return match.group(1).lower()
    match = XML_DECLARATION_RE.match(data.removeprefix(codecs.BOM_UTF8)[:1024])
    return match.group(1).decode("ascii").lower() if match else None


def _decodes(data: bytes, encoding: str) -> bool:
    try:
        data.decode(encoding)
    except (UnicodeDecodeError, LookupError):
        return False
    return True


def _chinese_encoding(data: bytes) -> tuple[str, str] | None:
    """(encoding, text) if the bytes read as GB18030 or Big5 and the text tells which one.

    Both decode most Chinese bytes without error; charset-normalizer judges which reading is
    language. A short text can read equally well both ways: then nothing is guessed.
    """
    from charset_normalizer import from_bytes

    matches = [m for m in from_bytes(data, cp_isolation=list(CHINESE_ENCODINGS))
               if m.encoding in CHINESE_ENCODINGS and _decodes(data, m.encoding)]
    if not matches:
        return None
    score = lambda m: (m.chaos, -m.coherence)
    if len(matches) > 1 and score(matches[0]) == score(matches[1]):
        return None
    return matches[0].encoding, data.decode(matches[0].encoding)


@dataclass
class _Import:
    """One run of import-feed over a parsed feed."""

    source: str
    root: Path
    settings: Settings
    registry: Registry
    drafts: Path
    published: dict[str, Known]
    existing: dict[str, Known]
    report: ImportReport = field(default_factory=ImportReport)
    seen: dict[str, tuple[int, str]] = field(default_factory=dict)  # guid -> (item number, file)

    def item(self, number: int, entry) -> None:
        guid = item_guid(entry)
        if guid in self.seen:
            first, shown = self.seen[guid]
            self.report.skipped.append(
                f"订阅第 {number} 个条目“{_short(entry.get('title'))}”未导入：它的 guid（{_short(guid)}）"
                f"与第 {first} 个条目相同。已保留第 {first} 个条目的 {shown}；请核对订阅。")
            return
        draft = draft_text(entry, self.source, self.registry)
        known = self.published.get(guid) or self.existing.get(guid)
        target = known.path if known else self.drafts / draft_name(entry)
        shown = _shown(target, self.root)
        self.seen[guid] = (number, shown)
        if known and not _same_story(known.meta, draft.meta):
            self.report.skipped.append(
                f"订阅第 {number} 个条目“{_short(draft.meta['title'])}”未导入：它的 guid（{_short(guid)}）"
                f"与 {shown} 相同，但链接或标题不同，可能是另一篇稿件。{shown} 保持不变；"
                f"如确为同一篇的更新，请删除 {shown} 后重新导入。")
        elif guid in self.published:
            self.report.published.append(shown)
        elif (size := len(draft.text.encode("utf-8"))) > self.settings.max_file_bytes:  # check refuses it
            self.report.skipped.append(
                f"订阅第 {number} 个条目“{_short(draft.meta['title'])}”未导入：草稿将有 {size} 字节，"
                f"超过内容文件的上限 {self.settings.max_file_bytes} 字节（JIANDU_MAX_FILE_BYTES）。"
                "请核对订阅中的这个条目。")
        elif not known and target.exists():
            self.report.skipped.append(
                f"订阅第 {number} 个条目“{_short(draft.meta['title'])}”未导入：{shown} 已存在，"
                "但不是这个条目的草稿（或无法读取），未覆盖。修复或删除该文件后重新导入。")
        elif _write_draft(target, draft.text, shown, self.report):
            self.existing[guid] = Known(target, draft.meta)
            self._written(target, shown, draft)

    def _written(self, target: Path, shown: str, draft: Draft) -> None:
        if draft.hidden:
            self.report.warnings.append(f"{shown}：已删除 {draft.hidden} 处隐藏文字（可能是黑链）。")
        if draft.controls:
            self.report.warnings.append(
                f"{shown}：已删除 {draft.controls} 个控制字符（网页和订阅无法显示，多由复制粘贴带入）。")
        self.report.warnings += _findings(target, shown, self.settings)


def _same_story(known: dict, new: dict) -> bool:
    """Whether a file and an item with its guid are one story: same link, or without one the same title."""
    known_link = (known.get("imported") or {}).get("link")
    new_link = new["imported"].get("link")
    if known_link or new_link:
        return known_link == new_link
    return known.get("title") == new.get("title")


def _short(text, limit: int = 40) -> str:
    text = " ".join(CONTROL_RE.sub("", str(text or "")).split()) or "（无标题）"
    return text if len(text) <= limit else text[:limit] + "…"


def import_feed(source: str, root: Path, settings: Settings = DEFAULTS) -> ImportReport:
    notes: list[str] = []
    feed = read_feed(source, settings, notes)
    content = root / settings.content
    registry = load_registry(content / "departments.yml", "content/departments.yml", Problems())
    drafts = content / DRAFTS
    drafts.mkdir(parents=True, exist_ok=True)
    problems = Problems()
    run = _Import(source, root, settings, registry, drafts,
                  published=files_by_guid([content / Kind.COLUMN], root, problems),
                  existing=files_by_guid([drafts], root, problems))
    run.report.problems = [str(p) for p in problems.sorted()]
    run.report.warnings += notes
    for number, entry in enumerate(feed.entries, 1):
        run.item(number, entry)
    return run.report


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
