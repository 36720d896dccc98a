"""content/synonyms.yml: groups of words that citizens use for the same thing (暖气/供暖/供热).

Search gives a record that uses any word of a group the other words of the group as well, so a
query for 讨薪 finds the entry that says 拖欠工资. Staff keep the list; it is validated like all
content, each problem at its line.
"""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

from jiandu.core.problems import Problems
from jiandu.core.source import read_yaml_file

SYNONYMS_FILE = "synonyms.yml"
MAX_GROUPS = 2000
MAX_WORDS = 20  # per group
WORD_LENGTH = (2, 12)  # characters; one character would match far too much
WORD_RE = re.compile(r"^[\u3400-\u9fff0-9A-Za-z]+$")
EXAMPLE = "例如：\n- [暖气, 供暖, 供热]\n- [欠薪, 讨薪, 拖欠工资]"

Groups = tuple[tuple[str, ...], ...]


def load_synonyms(file: Path, shown: str, problems: Problems, max_bytes: int) -> Groups:
    """The groups in `file` ((), if there is no file); problems go to `problems`."""
    if not file.is_file():
        return ()
    located = read_yaml_file(file, shown, problems, max_bytes)
    if located is None or located.data is None:
        return ()
    if not isinstance(located.data, list):
        problems.add(shown, located.start, "同义词表应为若干组词语的列表，每组一行。", EXAMPLE)
        return ()
    if len(located.data) > MAX_GROUPS:
        problems.add(shown, located.start, f"同义词表最多 {MAX_GROUPS} 组，现有 {len(located.data)} 组。",
                     "请删除不常用的组。")
        return ()
    groups, seen = [], {}
    for i, items in enumerate(located.data):
        group = _group(items, i, shown, seen, problems, located)
        if group:
            groups.append(group)
    return tuple(groups)


def _group(items, i: int, shown: str, seen: dict[str, int], problems: Problems, located):
    line = located.line((i,))
    if not isinstance(items, list) or not 2 <= len(items) <= MAX_WORDS:
        problems.add(shown, line, f"每组同义词应为 2 到 {MAX_WORDS} 个词语的列表。", EXAMPLE)
        return None
    words = []
    for j, item in enumerate(items):
        word_line = located.line((i, j))
        word = unicodedata.normalize("NFKC", str(item)).strip() if isinstance(item, (str, int)) else ""
        problem = _word_problem(word, item)
        if problem:
            problems.add(shown, word_line, *problem)
        elif word in seen:
            problems.add(shown, word_line, f"同义词“{word}”重复（第 {seen[word]} 行已有）。",
                         "一个词只能属于一组；如两组意思相同，请合并为一组。")
        else:
            seen[word] = word_line
            words.append(word)
    return tuple(words) if len(words) >= 2 else None


def _word_problem(word: str, item) -> tuple[str, str] | None:
    low, high = WORD_LENGTH
    if not word or not WORD_RE.match(word):
        return (f"同义词“{item}”只能由汉字、数字和字母组成。", "请去掉空格和标点，一个词写一项。")
    if not low <= len(word) <= high:
        return (f"同义词“{word}”应为 {low} 到 {high} 个字。", "单个字会匹配到太多无关记录。")
    return None
