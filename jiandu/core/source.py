"""Reading source files: YAML (front matter or whole file) with the line of every value.

Every input gets an answer in bounded time and memory, as `path:line` problems or data:
- a file over the size limit is not read at all, and bytes that are not UTF-8 are reported;
- lines are counted by "\\n" alone, as git and editors count them (not str.splitlines, which also
  breaks at U+2028, U+0085 or a form feed);
- characters that XML cannot carry (NUL, U+000B pasted from Word...) are refused everywhere;
- YAML anchors, aliases and explicit tags are refused, so no alias bomb or recursive alias is
  ever expanded; nesting is limited;
- only decimal integers (up to 18 digits), true/false and null are read as anything but text:
  no YAML 1.1 octal (0101 = 65), sexagesimal (1:30 = 90), floats, yes/no or dates.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from yaml.composer import Composer
from yaml.events import AliasEvent
from yaml.nodes import ScalarNode

from jiandu.core.problems import Problems

Key = tuple  # a path into the data, e.g. ("segments", 0, "department")

MAX_FILE_BYTES = 1024 * 1024  # default of the setting JIANDU_MAX_FILE_BYTES
MAX_DEPTH = 20  # nesting of YAML lists and structures; a session's front matter needs 7
MAX_NODES = 50_000  # values in one file; a record has a few dozen, a large registry ~10,000
# Python-Markdown is quadratic on some paragraphs (Python-Markdown issue #798): it looks for the
# "]" of each "[" (and the ")" of each "](") to the end of the paragraph, one character at a time,
# and copies the whole paragraph for each piece of inline markup it finds; the HTML parser looks
# for the ">" of each "<tag" to the end of the text; and each list item or quote line costs tens of
# microseconds. 10,000 unclosed "[" took half a minute. The work is estimated before parsing, in
# about nanoseconds, and a body over this budget of about two seconds is refused. Real text needs
# a thousandth of it.
MAX_MARKUP_WORK = 2_000_000_000
SCAN, COPY, ITEM = 1000, 1, 100_000  # a character scanned in Python, one copied, a list item
MARKUP_CHARS = "[*_`&<>\\"
MARKUP_RE = re.compile("[" + re.escape(MARKUP_CHARS) + "]")
BLOCK_LINE_RE = re.compile(r"^([ \t]*)(?:[-*+>]|\d{1,9}[.)])", re.MULTILINE)  # nested: dearer
MAX_PROBLEM_LINES = 10  # lines with bad characters reported per file; a binary file has thousands

# Characters an XML 1.0 document (an Atom feed) cannot contain, with DEL and the C1 controls,
# which in Chinese text only ever come from a wrong encoding or a paste from Word.
XML_ILLEGAL = "\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff"
XML_ILLEGAL_RE = re.compile(f"[{XML_ILLEGAL}]")
# Characters YAML reads as a line break where git and editors see none: a value would be cut.
YAML_BREAK_RE = re.compile("[\r\u2028\u2029]")  # \r alone: CRLF is "\n" by now
# A character reference in a Markdown body that stands for one of those characters (&#11;).
CHAR_REF_RE = re.compile(r"&#(?:[xX]([0-9a-fA-F]{1,6})|([0-9]{1,7}));")
CHAR_NAMES = {
    "\x00": "空字符 NUL", "\x0b": "垂直制表符，即 Word 的手动换行", "\x0c": "换页符，即 Word 的分页符",
    "\x7f": "删除符 DEL", "\r": "单独的回车符 CR", "\u2028": "行分隔符", "\u2029": "段分隔符",
}


def xml_safe(text: str) -> str:
    """`text` without the characters XML cannot carry (for writers that must never fail)."""
    return XML_ILLEGAL_RE.sub("", text)


def char_name(char: str) -> str:
    name = CHAR_NAMES.get(char, "控制字符" if ord(char) < 0xA0 else "非字符")
    return f"U+{ord(char):04X}（{name}）"


@dataclass
class Located:
    """Parsed data plus the 1-based file line of each key path."""

    data: Any
    lines: dict[Key, int] = field(default_factory=dict)
    start: int = 1

    def line(self, key: Key) -> int:
        while key and key not in self.lines:
            key = key[:-1]
        return self.lines.get(key, self.start)


@dataclass
class SourceFile:
    path: str  # as shown to staff, relative to the project root
    meta: Located
    body: str
    body_line: int


# ---- YAML ---------------------------------------------------------------------------------------

_Base = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _Loader(_Base):
    """libyaml's fast safe loader, resolving only what staff mean: see the module docstring."""

    yaml_implicit_resolvers: dict = {}

    def resolve(self, kind, value, implicit):
        """BaseResolver.resolve without what this loader never registers: resolvers for any first
        character and path resolvers (tests/test_validation.py checks that none are)."""
        if kind is ScalarNode and implicit[0]:
            for tag, regexp in self.yaml_implicit_resolvers.get(value[:1], ()):
                if regexp.match(value):
                    return tag
            return self.DEFAULT_SCALAR_TAG
        return super().resolve(kind, value, implicit)


for _tag, _pattern, _first in (
    ("bool", r"true|True|TRUE|false|False|FALSE", "tTfF"),
    ("int", r"[-+]?(?:0|[1-9][0-9]{0,17})", "-+0123456789"),  # longer: text, never int()'s limit
    ("null", r"~|null|Null|NULL|", ["~", "n", "N", ""]),
):
    _Loader.add_implicit_resolver(f"tag:yaml.org,2002:{_tag}", re.compile(f"^(?:{_pattern})$"),
                                  list(_first))


class _Refused(Exception):
    def __init__(self, mark, message: str, hint: str = ""):
        super().__init__(message)
        self.mark, self.message, self.hint = mark, message, hint


class _StrictLoader(Composer, _Loader):
    """The same parser, composed in Python so that anchors, aliases and tags can be refused.

    Used only for text containing `&`, `*` or `!`, the characters these constructs begin with;
    libyaml's own composer is three times faster for everything else.
    """

    def __init__(self, stream):
        _Loader.__init__(self, stream)
        Composer.__init__(self)
        self.refused: list[_Refused] = []
        self.depth = 0

    def compose_node(self, parent, index):
        if self.check_event(AliasEvent):  # never expanded: no alias bomb, no recursion
            event = self.get_event()
            self.refused.append(_Refused(event.start_mark, f"不能使用 YAML 引用 *{event.anchor}。",
                                         _ANCHOR_HINT))
            return ScalarNode("tag:yaml.org,2002:null", "", event.start_mark, event.end_mark)
        event = self.peek_event()
        if event.anchor is not None:
            self.refused.append(_Refused(event.start_mark, f"不能使用 YAML 锚点 &{event.anchor}。",
                                         _ANCHOR_HINT))
            event.anchor = None
        if getattr(event, "tag", None) not in (None, "!"):
            tag = event.tag.replace("tag:yaml.org,2002:", "!!")
            self.refused.append(_Refused(event.start_mark, f"不能使用 YAML 类型标记 {tag}。",
                                         "请直接写值，例如 number: 45；需要原样保留的文字请加引号。"))
            event.tag = None
        if self.depth >= MAX_DEPTH:
            raise _too_deep(event.start_mark)
        self.depth += 1
        try:
            return super().compose_node(parent, index)
        finally:
            self.depth -= 1


def _too_deep(mark) -> _Refused:
    return _Refused(mark, f"YAML 嵌套层级太深（超过 {MAX_DEPTH} 层）。",
                    "请检查缩进和括号：记录的字段最多嵌套七层。")


_ANCHOR_HINT = "锚点（&名称）和引用（*名称）会让一处内容出现在多处，请把内容直接写出来。"
_STRICT_CHARS = re.compile(r"[&*!]")


def parse_yaml(text: str, path: str, problems: Problems, first_line: int = 1) -> Located | None:
    """Parse YAML text that starts at `first_line` of the file at `path` ("\\n" line ends only)."""
    loader = (_StrictLoader if _STRICT_CHARS.search(text) else _Loader)(text)
    try:
        node = loader.get_single_node()
        refused = getattr(loader, "refused", [])
        for err in refused:
            problems.add(path, first_line + err.mark.line, err.message, err.hint)
        if refused:
            return None
        if node is None:
            return Located(None, {(): first_line}, first_line)
        located = Located(None, {}, first_line)
        located.data = _Builder(loader, located.lines, first_line - 1, path, problems).build(node)
        return located
    except _Refused as err:
        problems.add(path, first_line + err.mark.line, err.message, err.hint)
    except yaml.MarkedYAMLError as err:
        mark = err.problem_mark or err.context_mark
        line = first_line + (mark.line if mark else 0)
        problems.add(path, line, f"YAML 格式错误：{_yaml_problem(err.problem or str(err))}。",
                     _YAML_HINT)
    except yaml.YAMLError as err:  # e.g. a character the reader refuses: at its position
        before = text[: getattr(err, "position", 0)]
        problems.add(path, first_line + before.count("\n"), f"YAML 格式错误：{err}。", _YAML_HINT)
    finally:
        loader.dispose()
    return None


_YAML_HINT = "请检查缩进、冒号后的空格，含冒号的文字请加引号。"
# libyaml's usual complaints, said in Chinese; the original stays in brackets for searching.
_YAML_PROBLEMS = {
    "mapping values are not allowed": "此处不能出现冒号",
    "did not find expected key": "缩进不一致，或某行缺少“字段:”",
    "did not find expected ',' or ']'": "方括号列表没有闭合",
    "did not find expected ',' or '}'": "花括号没有闭合",
    "did not find expected node content": "缺少内容",
    "found character that cannot start any token": "出现了不能作为开头的字符（例如 Tab 缩进或 @、`）",
    "could not find expected ':'": "缺少冒号",
    "found unexpected end of stream": "文件意外结束（引号或括号没有闭合）",
    "found unclosed quote": "引号没有闭合",
    "found duplicate anchor": "锚点重复",
    "found undefined alias": "引用了未定义的锚点",
    "exceeded maximum nesting depth": "嵌套层级太深",
}


def _yaml_problem(problem: str) -> str:
    said = next((zh for en, zh in _YAML_PROBLEMS.items() if problem.startswith(en)), None)
    return f"{said}（{problem}）" if said else problem


_STR_TAG = "tag:yaml.org,2002:str"


@dataclass
class _Builder:
    """Turns composed nodes into plain data, noting every line; bounded in depth and size."""

    loader: Any
    lines: dict
    offset: int  # the line before the YAML text starts in the file
    path: str
    problems: Problems
    nodes: int = 0

    def build(self, node, key: Key = ()):
        line = self.lines[key] = node.start_mark.line + 1 + self.offset
        self.nodes += 1
        if len(key) >= MAX_DEPTH:
            raise _too_deep(node.start_mark)
        if self.nodes > MAX_NODES:
            raise _Refused(node.start_mark, f"YAML 内容太多（超过 {MAX_NODES} 项）。",
                           "一条记录的字段区通常只有几十项；请检查是否误粘贴了大段内容。")
        if isinstance(node, yaml.MappingNode):
            return self._mapping(node, key)
        if isinstance(node, yaml.SequenceNode):
            return [self.build(item, key + (i,)) for i, item in enumerate(node.value)]
        return self._scalar(node, line)

    def _mapping(self, node, key: Key) -> dict:
        out: dict = {}
        for key_node, value_node in node.value:
            line = key_node.start_mark.line + 1 + self.offset
            if not isinstance(key_node, yaml.ScalarNode):
                self.problems.add(self.path, line, "字段名不能是列表或结构。", "请写成“字段名: 值”。")
                continue
            name = self._scalar(key_node, line)
            if name in out:
                self.problems.add(self.path, line, f"字段 {shorten(str(name))} 重复出现。",
                                  "同一层级的每个字段只能写一次。")
            out[name] = self.build(value_node, key + (name,))
            self.lines[key + (name,)] = line
        return out

    def _scalar(self, node, line: int):
        # Text, most values, is the node's value as it stands: what construct_object returns.
        value = node.value if node.tag == _STR_TAG else self.loader.construct_object(node)
        if isinstance(value, str) and XML_ILLEGAL_RE.search(value):  # written as an escape, "\x0b"
            _report_chars(value, self.path, line, self.problems)
        return value


def shorten(text: str, limit: int = 30) -> str:
    """A value as shown in a message: never thousands of characters."""
    return text if len(text) <= limit else f"{text[:limit]}…（共 {len(text)} 个字符）"


# ---- characters -------------------------------------------------------------------------------

_CONTROL_HINT = ("请删除该字符；它常随从 Word 或网页复制的文字带入，在编辑器中看不见"
                 "（可打开编辑器的“显示不可见字符”查找）。")


def _report_chars(text: str, path: str, line: int, problems: Problems) -> None:
    problems.add(path, line, f"含有不可见的控制字符 {_names(XML_ILLEGAL_RE.findall(text))}，"
                 "网页订阅（XML）无法包含它。", _CONTROL_HINT)


def _names(chars: list[str]) -> str:
    return "、".join(char_name(c) for c in dict.fromkeys(chars))


def _lines_with(text: str, pattern: re.Pattern, first_line: int) -> list[tuple[int, list[str]]]:
    if not pattern.search(text):
        return []
    return [(n, found) for n, line in enumerate(text.split("\n"), first_line)
            if (found := pattern.findall(line))]


def _report_lines(lines: list, shown: str, problems: Problems, report) -> None:
    """Each of the first few lines once; a binary file must not give a thousand problems."""
    for n, chars in lines[:MAX_PROBLEM_LINES]:
        report(n, chars)
    if len(lines) > MAX_PROBLEM_LINES:
        problems.add(shown, lines[MAX_PROBLEM_LINES][0],
                     f"另有 {len(lines) - MAX_PROBLEM_LINES} 行含有同样的字符，此处不再逐行列出。")


def _check_controls(text: str, shown: str, problems: Problems) -> str:
    """Report characters XML cannot carry; return the text without them, to check the rest."""
    lines = _lines_with(text, XML_ILLEGAL_RE, 1)
    _report_lines(lines, shown, problems, lambda n, chars: _report_chars("".join(chars), shown, n, problems))
    return XML_ILLEGAL_RE.sub("", text) if lines else text


def _check_yaml_breaks(text: str, shown: str, problems: Problems, first_line: int) -> str:
    lines = _lines_with(text, YAML_BREAK_RE, first_line)
    _report_lines(lines, shown, problems, lambda n, chars: problems.add(
        shown, n, f"含有 {_names(chars)}：YAML 会把它当作换行，编辑器中却看不出来。",
        "请删除它，或换成空格。"))
    return YAML_BREAK_RE.sub(" ", text) if lines else text


def control_refs(text: str) -> list[tuple[re.Match, str]]:
    """Each character reference in `text` to a character XML cannot carry (`&#11;`), with it."""
    if "&#" not in text:
        return []
    found = []
    for match in CHAR_REF_RE.finditer(text):
        code = int(match.group(1), 16) if match.group(1) else int(match.group(2))
        if code <= 0x10FFFF and XML_ILLEGAL_RE.match(chr(code)):
            found.append((match, chr(code)))
    return found


def _check_char_refs(body: str, shown: str, problems: Problems, first_line: int) -> None:
    """`&#11;` in a body becomes U+000B on the page: refused like the character itself."""
    for match, char in control_refs(body):
        problems.add(shown, first_line + body.count("\n", 0, match.start()),
                     f"字符引用 {match.group()} 表示控制字符 {char_name(char)}，网页订阅（XML）无法包含它。",
                     "请删除这个字符引用。")


def markup_work(body: str) -> tuple[int, int]:
    """(estimated work of parsing `body`, in MAX_MARKUP_WORK's unit; offset of the costliest part)."""
    tags, at = _tag_scan(body)
    worst = SCAN * tags
    total = worst + ITEM * sum(1 + len(indent) // 2 for indent in BLOCK_LINE_RE.findall(body))
    if not MARKUP_RE.search(body):
        return total, at  # no paragraph costs anything more
    start = 0
    for block in re.split(r"(\n[ \t]*\n)", body):  # Markdown parses inline markup by paragraph
        markup = sum(block.count(c) for c in MARKUP_CHARS)
        cost = COPY * markup * len(block)
        if "[" in block:
            cost += SCAN * (_pair_scan(block, "[", "]", "[") + _pair_scan(block, "(", ")", "]("))
        total += cost
        if cost > worst:
            worst, at = cost, start
        start += len(block)
    return total, at


def _pair_scan(block: str, opener: str, closer: str, counted: str) -> int:
    """Sum of distances from each `counted` opener to its balancing closer, or to the block's end."""
    if counted not in block:
        return 0
    stack: list[int] = []
    cost = 0
    for match in re.finditer(re.escape(opener) + "|" + re.escape(closer), block):
        if match.group() == opener:
            stack.append(match.start() if block.startswith(counted, match.start() + 1 - len(counted))
                         else -1)
        elif stack:
            opened = stack.pop()
            cost += match.start() - opened if opened >= 0 else 0
    return cost + sum(len(block) - opened for opened in stack if opened >= 0)


def _tag_scan(text: str) -> tuple[int, int]:
    """Sum of distances from each "<" that starts a tag to the next ">"; where the worst run starts."""
    if "<" not in text:
        return 0, 0
    pending = total = first = 0
    runs: list[tuple[int, int]] = [(0, 0)]
    for match in re.finditer(r"<[A-Za-z/!?]|>", text):
        if match.group() == ">":
            runs.append((pending * match.start() - total, first))
            pending = total = 0
        else:
            first = first if pending else match.start()
            pending, total = pending + 1, total + match.start()
    runs.append((pending * len(text) - total, first))
    return sum(cost for cost, _ in runs), max(runs)[1]


def _check_markup(body: str, shown: str, problems: Problems, first_line: int) -> str:
    work, at = markup_work(body)
    if work <= MAX_MARKUP_WORK:
        return body
    problems.add(shown, first_line + body.count("\n", 0, at),
                 "正文的这一段太长、格式符号太多（或有大量没有配对的 [、( 或 <），"
                 "生成网页要处理很久，因此没有处理。",
                 "请把长段落分成几段，删除多余的符号；要显示符号本身，请在前面加 \\（例如 \\[）。")
    return ""  # neither the guards nor Markdown see it; the file has a problem and is not built


# ---- files ------------------------------------------------------------------------------------

def _read_text(file: Path, shown: str, problems: Problems, max_bytes: int) -> str | None:
    """The file as text with "\\n" line ends, or None after a problem; never more than max_bytes."""
    try:
        with file.open("rb") as handle:
            # As much as the file holds: asking for max_bytes + 1 would allocate that much.
            want = min(os.fstat(handle.fileno()).st_size, max_bytes) + 1
            data = handle.read(want)
            if len(data) == want < max_bytes + 1:  # it grew meanwhile
                data += handle.read(max_bytes + 1 - want)
            size = os.fstat(handle.fileno()).st_size
    except OSError as err:
        problems.add(shown, 1, f"无法读取文件（{err.strerror}）。", "请检查文件是否存在、能否打开。")
        return None
    if len(data) > max_bytes:
        problems.add(shown, 1, f"文件太大：{max(size, len(data))} 字节，超过上限 {max_bytes} 字节"
                     "（JIANDU_MAX_FILE_BYTES）。",
                     "一条记录通常只有几千字；请检查是否误粘贴了图片、表格或整份文档。"
                     "确需更大的文件时，请联系管理员调整 JIANDU_MAX_FILE_BYTES。")
        return None
    data = data.removeprefix(b"\xef\xbb\xbf")  # a byte order mark, as Windows Notepad writes
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as err:
        line = data[: err.start].count(b"\n") + 1
        if err.reason == "unexpected end of data":
            problems.add(shown, line, "文件在一个字的中间结束（文件不完整，可能在保存或复制时被截断）。",
                         "请从备份或 git 历史中恢复完整的文件，或补全最后一个字后用 UTF-8 保存。")
        else:
            problems.add(shown, line, f"文件不是 UTF-8 编码（{err.reason}）。",
                         "请用 UTF-8 编码保存文件（在编辑器的“另存为”中选择 UTF-8）。")
        return None
    return _check_controls(text.replace("\r\n", "\n"), shown, problems)


def _fence(line: str) -> bool:
    return line.strip(" \t") == "---"


def read_markdown(file: Path, shown: str, problems: Problems,
                  max_bytes: int = MAX_FILE_BYTES) -> SourceFile | None:
    """Split a Markdown file into front matter (between `---` lines) and body."""
    text = _read_text(file, shown, problems, max_bytes)
    if text is None:
        return None
    lines = text.split("\n")
    if not _fence(lines[0]):
        problems.add(shown, 1, "文件开头缺少 front matter（以 --- 开始的 YAML 字段区）。",
                     "第一行应为 ---，字段写完后再用一行 --- 结束。")
        return None
    end = next((i for i in range(1, len(lines)) if _fence(lines[i])), None)
    if end is None:
        problems.add(shown, 1, "front matter 没有结束行 ---。", "字段写完后请加一行 ---。")
        return None
    front = _check_yaml_breaks("".join(line + "\n" for line in lines[1:end]), shown, problems, 2)
    body, body_line = "\n".join(lines[end + 1:]), end + 2
    _check_char_refs(body, shown, problems, body_line)
    body = _check_markup(body, shown, problems, body_line)
    meta = parse_yaml(front, shown, problems, first_line=2)
    if meta is None:
        return None
    return SourceFile(shown, meta, body, body_line)


def read_yaml_file(file: Path, shown: str, problems: Problems,
                   max_bytes: int = MAX_FILE_BYTES) -> Located | None:
    text = _read_text(file, shown, problems, max_bytes)
    if text is None:
        return None
    return parse_yaml(_check_yaml_breaks(text, shown, problems, 1), shown, problems)
