"""Reading source files: YAML (front matter or whole file) with the line of every value."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from jiandu.core.problems import Problems

Key = tuple  # a path into the data, e.g. ("segments", 0, "department")
TIMESTAMP_TAG = "tag:yaml.org,2002:timestamp"


class _Loader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):
    """Safe loader that leaves dates as text, so a bad date becomes a message, not a crash."""


_Loader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag != TIMESTAMP_TAG]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


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


def parse_yaml(text: str, path: str, problems: Problems, first_line: int = 1) -> Located | None:
    """Parse YAML text that starts at `first_line` of the file at `path`."""
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return Located(None, {(): first_line}, first_line)
        located = Located(None, {}, first_line)
        located.data = _build(loader, node, (), located.lines, first_line - 1, path, problems)
        return located
    except yaml.MarkedYAMLError as err:
        mark = err.problem_mark or err.context_mark
        line = first_line + (mark.line if mark else 0)
        problems.add(path, line, f"YAML 格式错误：{_yaml_problem(err.problem or str(err))}。",
                     _YAML_HINT)
        return None
    finally:
        loader.dispose()


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
}


def _yaml_problem(problem: str) -> str:
    said = next((zh for en, zh in _YAML_PROBLEMS.items() if problem.startswith(en)), None)
    return f"{said}（{problem}）" if said else problem


def _build(loader, node, key: Key, lines: dict, offset: int, path: str, problems: Problems):
    lines[key] = node.start_mark.line + 1 + offset
    if isinstance(node, yaml.MappingNode):
        out: dict = {}
        for key_node, value_node in node.value:
            name = loader.construct_object(key_node, deep=True)
            if isinstance(name, (list, dict)):
                name = str(name)
            if name in out:
                problems.add(path, key_node.start_mark.line + 1 + offset, f"字段 {name} 重复出现。",
                             "同一层级的每个字段只能写一次。")
            out[name] = _build(loader, value_node, key + (name,), lines, offset, path, problems)
            lines[key + (name,)] = key_node.start_mark.line + 1 + offset
        return out
    if isinstance(node, yaml.SequenceNode):
        return [_build(loader, item, key + (i,), lines, offset, path, problems)
                for i, item in enumerate(node.value)]
    return loader.construct_object(node, deep=True)


def _read_text(file: Path, shown: str, problems: Problems) -> str | None:
    try:
        return file.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as err:
        line = file.read_bytes()[: err.start].count(b"\n") + 1
        problems.add(shown, line, f"文件不是 UTF-8 编码（{err.reason}）。",
                     "请用 UTF-8 编码保存文件（在编辑器的“另存为”中选择 UTF-8）。")
        return None


def read_markdown(file: Path, shown: str, problems: Problems) -> SourceFile | None:
    """Split a Markdown file into front matter (between `---` lines) and body."""
    text = _read_text(file, shown, problems)
    if text is None:
        return None
    lines = text.splitlines(keepends=True)
    if not lines or lines[0].strip() != "---":
        problems.add(shown, 1, "文件开头缺少 front matter（以 --- 开始的 YAML 字段区）。",
                     "第一行应为 ---，字段写完后再用一行 --- 结束。")
        return None
    end = next((i for i in range(1, len(lines)) if lines[i].strip() == "---"), None)
    if end is None:
        problems.add(shown, 1, "front matter 没有结束行 ---。", "字段写完后请加一行 ---。")
        return None
    meta = parse_yaml("".join(lines[1:end]), shown, problems, first_line=2)
    if meta is None:
        return None
    return SourceFile(shown, meta, "".join(lines[end + 1:]), end + 2)


def read_yaml_file(file: Path, shown: str, problems: Problems) -> Located | None:
    text = _read_text(file, shown, problems)
    return None if text is None else parse_yaml(text, shown, problems)
