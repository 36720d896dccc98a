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
from jiandu.core.source import Located, read_yaml_file, shorten

SYNONYMS_FILE = "synonyms.yml"
MAX_GROUPS = 2000
MAX_WORDS = 20  # per group
WORD_LENGTH = (2, 12)  # characters; one character would match far too much
WORD_RE = re.compile(r"[\u3400-\u9fff0-9A-Za-z]+")
EXAMPLE = "例如 - [暖气, 供暖, 供热]，一组写一行，词语之间用英文逗号隔开。"

Groups = tuple[tuple[str, ...], ...]


def load_synonyms(file: Path, shown: str, problems: Problems, max_bytes: int) -> Groups:
    """The groups in `file` ((), if there is no file); problems go to `problems`."""
    if not file.is_file():
        return ()
    located = read_yaml_file(file, shown, problems, max_bytes)
    if located is None or located.data is None:
        return ()
    if not isinstance(located.data, list):
        problems.add(shown, located.line(()), "同义词表应为若干组词语的列表。", EXAMPLE)
        return ()
    if len(located.data) > MAX_GROUPS:
        problems.add(shown, located.line((MAX_GROUPS,)),
                     f"同义词表最多 {MAX_GROUPS} 组，现有 {len(located.data)} 组。", "请删除不常用的组。")
        return ()
    seen: dict[str, tuple[int, int]] = {}  # word -> (group, line) where it first appeared
    groups = (_group(located, i, shown, seen, problems) for i in range(len(located.data)))
    return tuple(group for group in groups if group)


def _group(located: Located, i: int, shown: str, seen: dict[str, tuple[int, int]],
           problems: Problems) -> tuple[str, ...] | None:
    items, line = located.data[i], located.line((i,))
    if not isinstance(items, list):
        problems.add(shown, line, "每组同义词应写成方括号中的词语列表。", EXAMPLE)
        return None
    if len(items) > MAX_WORDS:
        _count_problem(shown, line, len(items), problems)
        return None
    words, bad = [], False
    for j, item in enumerate(items):
        word_line = located.line((i, j))
        word, problem = _word(item)
        key = word.lower()  # search folds case: ETC and etc are one word
        if problem:
            problems.add(shown, word_line, *problem)
            bad = True
        elif key in seen and seen[key][0] == i:
            problems.add(shown, word_line, f"同义词“{word}”在同一组中重复。", "请删除重复的一项。")
        elif key in seen:
            problems.add(shown, word_line, f"同义词“{word}”重复（第 {seen[key][1]} 行已有）。",
                         "一个词只能属于一组；如两组意思相同，请合并为一组。")
        else:
            seen[key] = (i, word_line)
            words.append(word)
    if len(items) < 2 and not bad:  # [暖气，供暖] is one word with a comma: said as such above
        _count_problem(shown, line, len(items), problems)
    return tuple(words) if len(words) >= 2 else None


def _count_problem(shown: str, line: int, count: int, problems: Problems) -> None:
    problems.add(shown, line, f"这一组有 {count} 个词语，每组应为 2 到 {MAX_WORDS} 个。",
                 "只有一个词时无须列出；词语太多时请按意思分成几组。")


def _word(item) -> tuple[str, tuple[str, str] | None]:
    """The word of a list item, NFKC-normalized (全角 ＥＴＣ -> ETC), and its problem if any."""
    if item is None or isinstance(item, (list, dict)):
        said = "空的一项" if item is None else "一项是列表或结构"
        return "", (f"同义词表中有{said}。", "每一项应为一个词语，例如 供暖。")
    word = unicodedata.normalize("NFKC", str(item)).strip()
    low, high = WORD_LENGTH
    if not WORD_RE.fullmatch(word):
        return word, (f"同义词“{shorten(str(item).strip())}”只能由汉字、数字和字母组成。",
                      "请去掉空格和标点；几个词请分成几项，用英文逗号隔开。")
    if len(word) < low:
        return word, (f"同义词“{word}”太短，至少 {low} 个字。",
                      "单个字会匹配到太多无关的记录，请写成词语，例如 暖气。")
    if len(word) > high:
        return word, (f"同义词“{shorten(word)}”超过 {high} 个字。", "请写成市民会搜索的简短词语。")
    return word, None
