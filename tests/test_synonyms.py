"""content/synonyms.yml: one case per rule, each at its `path:line`; and a valid edit reaches search,
in a full build and in the live preview."""

import os
import shutil
from functools import partial
from pathlib import Path

import pytest

from jiandu.build.pipeline import Pipeline
from jiandu.commands.build import read_pelican_settings
from jiandu.commands.testing import FIXTURE_AS_OF
from jiandu.content.synonyms import MAX_GROUPS, load_synonyms
from jiandu.content.tree import load_site
from jiandu.core.problems import ContentError, Problems
from jiandu.core.settings import jiandu_settings
from jiandu.site.indexes import effective_status
from jiandu.site.search import search_docs
from jiandu.site.search_words import index_words
from tests.support.content import ENTRY, problems, write
from tests.support.project import CONF, PROJECT

SYNONYMS = "content/synonyms.yml"
AT = f"{SYNONYMS}:"
EXAMPLE = "例如 - [暖气, 供暖, 供热]，一组写一行，词语之间用英文逗号隔开。"
WORD_HINT = "请去掉空格和标点；几个词请分成几项，用英文逗号隔开。"
REPEATED_HINT = "一个词只能属于一组；如两组意思相同，请合并为一组。"


def test_the_demo_synonyms_are_valid():
    found = Problems()
    groups = load_synonyms(PROJECT / SYNONYMS, SYNONYMS, found, 1024 * 1024)
    assert found.items == []
    assert ("欠薪", "讨薪", "拖欠工资", "欠工资", "工资拖欠", "讨要工资") in groups
    assert len(groups) == 25


BROKEN = [
    pytest.param("# 同义词表\n\n暖气: 供暖\n", [
        f"{AT}3: 同义词表应为若干组词语的列表。 {EXAMPLE}"], id="not_a_list_at_its_first_line"),
    pytest.param("- [暖气, 供暖]\n- 暖气片 散热器\n", [
        f"{AT}2: 每组同义词应写成方括号中的词语列表。 {EXAMPLE}"], id="a_group_that_is_not_a_list"),
    pytest.param("- [暖气, 供暖]\n- [讨薪]\n", [
        f"{AT}2: 这一组有 1 个词语，每组应为 2 到 20 个。 只有一个词时无须列出；词语太多时请按意思分成几组。"],
        id="a_group_of_one_word"),
    pytest.param("- [" + ", ".join(f"词语{n}" for n in range(21)) + "]\n", [
        f"{AT}1: 这一组有 21 个词语，每组应为 2 到 20 个。 只有一个词时无须列出；词语太多时请按意思分成几组。"],
        id="a_group_of_too_many_words"),
    pytest.param("- [暖气, 供暖]\n- [暖, 供热]\n", [
        f"{AT}2: 同义词“暖”太短，至少 2 个字。 单个字会匹配到太多无关的记录，请写成词语，例如 暖气。"],
        id="a_one_character_word"),
    pytest.param("- [供暖, 暖气、供热]\n", [
        f"{AT}1: 同义词“暖气、供热”只能由汉字、数字和字母组成。 {WORD_HINT}"], id="a_word_with_punctuation"),
    pytest.param("- [暖气，供暖]\n", [
        f"{AT}1: 同义词“暖气，供暖”只能由汉字、数字和字母组成。 {WORD_HINT}"], id="a_chinese_comma_makes_one_word"),
    pytest.param("- []\n", [
        f"{AT}1: 这一组有 0 个词语，每组应为 2 到 20 个。 只有一个词时无须列出；词语太多时请按意思分成几组。"],
        id="an_empty_group"),
    pytest.param("- [供暖, 暖气 供热]\n", [
        f"{AT}1: 同义词“暖气 供热”只能由汉字、数字和字母组成。 {WORD_HINT}"], id="a_word_with_a_space"),
    pytest.param("- [供暖, 冬季供暖期间室内温度不达标问题]\n", [
        f"{AT}1: 同义词“冬季供暖期间室内温度不达标问题”超过 12 个字。 请写成市民会搜索的简短词语。"],
        id="a_word_too_long"),
    pytest.param("- [暖气, 供暖]\n- [噪音, 噪声]\n- [供热, 暖气]\n", [
        f"{AT}3: 同义词“暖气”重复（第 1 行已有）。 {REPEATED_HINT}"], id="a_word_in_two_groups_names_the_earlier_line"),
    pytest.param("- [ETC, 不停车收费]\n- [ｅｔｃ, 电子收费]\n", [
        f"{AT}2: 同义词“etc”重复（第 1 行已有）。 {REPEATED_HINT}"], id="a_word_in_two_groups_whatever_its_case_and_width"),
    pytest.param("- [暖气, 供暖, 暖气]\n", [
        f"{AT}1: 同义词“暖气”在同一组中重复。 请删除重复的一项。"], id="a_word_twice_in_one_group"),
    pytest.param("- [暖气, ~, 供暖]\n- [噪音, [噪声, 扰民], 吵闹]\n", [
        f"{AT}1: 同义词表中有空的一项。 每一项应为一个词语，例如 供暖。",
        f"{AT}2: 同义词表中有一项是列表或结构。 每一项应为一个词语，例如 供暖。"], id="an_empty_or_nested_item"),
    pytest.param("- [暖气, 供暖\n- [噪音, 噪声]\n", [
        f"{AT}2: YAML 格式错误：方括号列表没有闭合（did not find expected ',' or ']'）。"
        " 请检查缩进、冒号后的空格，含冒号的文字请加引号。"], id="yaml_syntax_error"),
    pytest.param("- - 暖气\n  - 供暖\n-\n  - 噪音\n  - 噪\n  - 噪声\n- - 违建\n  - 违章 建筑\n", [
        f"{AT}5: 同义词“噪”太短，至少 2 个字。 单个字会匹配到太多无关的记录，请写成词语，例如 暖气。",
        f"{AT}8: 同义词“违章 建筑”只能由汉字、数字和字母组成。 {WORD_HINT}"], id="block_style_reports_the_item_line"),
    pytest.param("- - 暖气\n  - 供暖\n- - 供热\n  - 暖气\n", [
        f"{AT}4: 同义词“暖气”重复（第 1 行已有）。 {REPEATED_HINT}"], id="block_style_duplicate_names_the_earlier_item_line"),
]


@pytest.mark.parametrize("text, expected", BROKEN)
def test_a_broken_synonym_list_is_reported_at_its_line(tree, text, expected):
    write(tree, SYNONYMS, text)
    assert problems(tree) == expected


def test_too_many_groups_are_reported_at_the_first_group_over_the_limit(tree):
    groups = "".join(f"- [同义{n}甲, 同义{n}乙]\n" for n in range(MAX_GROUPS + 1))
    write(tree, SYNONYMS, "# 太多组\n" + groups)
    assert problems(tree) == [f"{AT}{MAX_GROUPS + 2}: 同义词表最多 {MAX_GROUPS} 组，现有 {MAX_GROUPS + 1} 组。"
                              " 请删除不常用的组。"]


def test_every_problem_in_one_run_with_the_records_ones(tree):
    write(tree, SYNONYMS, "- [暖气, 供暖]\n- [暖]\n- [噪音, 噪 声]\n- [供暖, 供热]\n")
    write(tree, "content/column/2016-009.md", ENTRY.replace("[cgj]", "[nobody]"))
    assert [line.split(" ")[0] for line in problems(tree)] == [
        "content/column/2016-009.md:5:",
        f"{AT}2:",
        f"{AT}3:",
        f"{AT}4:",
    ]


@pytest.mark.parametrize("text", ["", "\n", "# 暂时没有同义词\n"], ids=["empty", "blank_line", "only_comments"])
def test_an_empty_list_is_fine(tree, text):
    write(tree, SYNONYMS, text)
    assert problems(tree) == []
    assert load_site(tree).synonyms == ()


def test_no_list_at_all_is_fine(tree):
    assert not (tree / SYNONYMS).exists()
    assert problems(tree) == []


# ---- a valid edit reaches search --------------------------------------------------------------

def holds(doc, word: str) -> bool:
    """The search document holds every index word of `word` (its character pairs)."""
    return all(w in doc.words for w in index_words(word))


def docs_of(site) -> dict:
    return {doc.url: doc for doc in search_docs(site, partial(effective_status, as_of=site.as_of))}


def test_a_group_gives_a_record_the_other_words_of_the_group(tree):
    before = docs_of(load_site(tree))
    assert not holds(before["column/2016-001/"], "晨市")  # its text says 早市
    write(tree, SYNONYMS, "- [早市, 晨市, 马路早市]\n")
    after = docs_of(load_site(tree))
    assert holds(after["column/2016-001/"], "晨市") and holds(after["column/2016-001/"], "马路早市")
    assert not holds(after["column/2016-002/"], "晨市")  # 夜市: no word of the group
    changed = {url for url in after if after[url].words != before[url].words}
    assert changed == {"column/2016-001/"}


def preview(root: Path, output: Path) -> Pipeline:
    settings = jiandu_settings(read_pelican_settings(CONF, root, JIANDU_AS_OF=FIXTURE_AS_OF))
    return Pipeline(settings, PROJECT / "theme", output)


def save(path: Path, text: str) -> None:
    """Write as an editor saves: a later modification time even within the clock's granularity."""
    old = path.stat().st_mtime_ns if path.exists() else 0
    path.write_text(text, encoding="utf-8")
    new = max(path.stat().st_mtime_ns, old + 1_000_000)
    os.utime(path, ns=(new, new))


def tree_bytes(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


def test_the_preview_reads_synonyms_again_when_they_change(tree, tmp_path):
    synonyms = tree / SYNONYMS
    save(synonyms, "- [夜市, 夜间集市]\n")
    live = preview(tree, tmp_path / "live")
    live.build()
    bundle = tree_bytes(tmp_path / "live" / "search-index")
    assert not holds(docs_of(live.site)["column/2016-001/"], "晨市")

    save(synonyms, "- [夜市, 夜间集市]\n- [早市, 晨市]\n")
    assert live.update().written == []  # no page shows synonyms: only the index is written again
    assert live.tree.synonyms == (("夜市", "夜间集市"), ("早市", "晨市"))
    assert holds(docs_of(live.site)["column/2016-001/"], "晨市")
    assert tree_bytes(tmp_path / "live" / "search-index") != bundle  # the index was written again
    clean = preview(tree, tmp_path / "clean")
    clean.build()
    assert tree_bytes(tmp_path / "live") == tree_bytes(tmp_path / "clean")

    save(synonyms, "- [夜市, 夜间集市]\n- [早市, 晨]\n")  # a broken save: reported, then fixed
    with pytest.raises(ContentError) as err:
        live.update()
    assert [str(p) for p in err.value.problems.items] == [
        f"{AT}2: 同义词“晨”太短，至少 2 个字。 单个字会匹配到太多无关的记录，请写成词语，例如 暖气。"]
    save(synonyms, "- [夜市, 夜间集市]\n")
    live.update()
    assert live.tree.synonyms == (("夜市", "夜间集市"),)
    assert not holds(docs_of(live.site)["column/2016-001/"], "晨市")
    shutil.rmtree(tmp_path / "clean")
    preview(tree, tmp_path / "clean").build()
    assert tree_bytes(tmp_path / "live") == tree_bytes(tmp_path / "clean")
