"""Inputs that used to crash, hang or be misread (issue 10): each now gets its `path:line` message.

One case per traceback found by the attempt to break Jiandu, the alias bomb and the size limit
with their bounds, and the silent misreadings (octal, a date as an edition number, line numbers
that drifted after U+2028 or after an invalid alias).
"""

import dataclasses
import io
import textwrap
import time
import tracemalloc
from pathlib import Path

import feedparser
import pytest

from jiandu.commands.build import build_or_report, check
from jiandu.commands.testing import FIXTURE_AS_OF
from jiandu.content.tree import load_site
from jiandu.core.problems import Problems
from jiandu.core.settings import jiandu_settings
from jiandu.core.source import read_markdown
from jiandu.site.feeds import render_feed, site_feed
from tests.support.content import ENTRY, problems, write
from tests.support.project import CONF, PROJECT

PATH = "content/column/2016-009.md"
CONTROL_HINT = ("请删除该字符；它常随从 Word 或网页复制的文字带入，在编辑器中看不见"
                "（可打开编辑器的“显示不可见字符”查找）。")
ANCHOR_HINT = "锚点（&名称）和引用（*名称）会让一处内容出现在多处，请把内容直接写出来。"
ALIAS_HINT = "请删除这一条 aliases，或核对旧网址。"


def entry(tree: Path, text: str) -> None:
    write(tree, PATH, text)


def entry_bytes(tree: Path, data: bytes) -> None:
    (tree / PATH).write_bytes(data)


def entry_text() -> str:
    return textwrap.dedent(ENTRY).lstrip("\n")


# ---- the six tracebacks -------------------------------------------------------------------------

def test_nul_byte_in_a_title(tree):
    entry_bytes(tree, entry_text().replace("测试条目", "测试\x00条目").encode())
    assert problems(tree) == [
        f"{PATH}:2: 含有不可见的控制字符 U+0000（空字符 NUL），网页订阅（XML）无法包含它。 {CONTROL_HINT}"]


TRACEBACKS = [
    pytest.param(ENTRY.replace("departments: [cgj]", "departments: &a [cgj, *a]"), [
        f"{PATH}:5: 不能使用 YAML 引用 *a。 {ANCHOR_HINT}",
        f"{PATH}:5: 不能使用 YAML 锚点 &a。 {ANCHOR_HINT}",
    ], id="recursive_yaml_alias"),
    pytest.param(ENTRY.replace("number: 9", "number: " + "9" * 5000), [
        f"{PATH}:3: 字段 number（期号）：应在 1 到 999 之间，实际为 {'9' * 30}…（共 5000 个字符）。"
        " 期号是当年的第几期，例如 45。"], id="5000_digit_number"),
    pytest.param(ENTRY.replace("number: 9", "number: !!int " + "1" * 5000), [
        f"{PATH}:3: 不能使用 YAML 类型标记 !!int。 请直接写值，例如 number: 45；需要原样保留的文字请加引号。"], id="5000_digit_number_behind_an_explicit_tag"),
    pytest.param(ENTRY.replace("正文。", "第一行\x0b第二行。"), [
        f"{PATH}:8: 含有不可见的控制字符 U+000B（垂直制表符，即 Word 的手动换行），网页订阅（XML）无法包含它。"
        f" {CONTROL_HINT}"], id="vertical_tab_from_word_in_a_body_is_refused"),
    pytest.param(ENTRY.replace("正文。", '正文。\n\n<a href=" &#14;  javascript:alert(1)">click</a>'), [
        f"{PATH}:10: 字符引用 &#14; 表示控制字符 U+000E（控制字符），网页订阅（XML）无法包含它。 请删除这个字符引用。"], id="a_control_reference_hidden_in_a_link_payload_is_refused"),
]


@pytest.mark.parametrize("text, expected", TRACEBACKS)
def test_what_used_to_raise_is_reported_at_its_line(tree, text, expected):
    entry(tree, text)
    assert problems(tree) == expected


@pytest.mark.parametrize("where, text, line", [
    ("a character reference in the body", ENTRY.replace("正文。", "正文&#11;。"), 8),
    ("an escape in a quoted title", ENTRY.replace("测试条目", '"测试\\v条目"'), 2),
])
def test_vertical_tab_written_another_way_is_refused(tree, where, text, line):
    entry(tree, text)
    [found] = problems(tree)
    assert found.startswith(f"{PATH}:{line}: ") and "U+000B（垂直制表符，即 Word 的手动换行）" in found, where


def test_the_atom_writer_never_fails_on_a_control_character():
    """Belt and braces: a record that reached the feed writer with U+000B still gives valid XML."""
    site = load_site(PROJECT / "tests/fixtures/site",
                     jiandu_settings({"JIANDU_AS_OF": FIXTURE_AS_OF, "SITENAME": "监督\x0b网"}))
    first = site.entries[0]
    poisoned = dataclasses.replace(first, title="标题\x0b含\x00控制字符",
                                   body_html="<p>正文\x0b第二行\x0c</p>")
    site = dataclasses.replace(site, entries=(poisoned, *site.entries[1:]))
    feed = feedparser.parse(render_feed(site, site_feed(site)))
    assert not feed.bozo, feed.bozo_exception
    assert feed.feed.title == "监督网"
    item = next(e for e in feed.entries if e.link.endswith(f"/{first.url}"))
    assert item.title.endswith("标题含控制字符")
    assert item.content[0].value == "<p>正文第二行</p>"


def test_alias_under_the_feed_file(tree, tmp_path):
    entry(tree, ENTRY.replace("status:", "aliases: [feed.atom/x.html]\nstatus:"))
    expected = (f"{PATH}:6: 旧网址 feed.atom/x.html 位于网站上的文件 /feed.atom 之下。"
                f" /feed.atom 是一个文件，不能再包含网页；{ALIAS_HINT}")
    assert problems(tree) == [expected]
    out = io.StringIO()
    assert build_or_report(CONF, tmp_path / "out", tree, out=out, JIANDU_AS_OF=FIXTURE_AS_OF) == 1
    assert out.getvalue().splitlines()[0] == expected
    assert not (tmp_path / "out").exists()


def test_draft_truncated_in_the_middle_of_a_character(tree):
    data = entry_text().encode()
    cut = data.index("。".encode()) + 1  # the first of the three bytes of “。”
    entry_bytes(tree, data[:cut])
    assert problems(tree) == [
        f"{PATH}:8: 文件在一个字的中间结束（文件不完整，可能在保存或复制时被截断）。"
        " 请从备份或 git 历史中恢复完整的文件，或补全最后一个字后用 UTF-8 保存。"]


# ---- aliases that would collide with the site's own files ---------------------------------------

@pytest.mark.parametrize("alias, message", [
    ("departments/cgj/feed.atom/x/", "旧网址 departments/cgj/feed.atom/x/ 位于网站上的文件 /departments/cgj/feed.atom 之下。"
     " /departments/cgj/feed.atom 是一个文件，不能再包含网页；"),
    ("column/feed.atom/old.html",
     "旧网址 column/feed.atom/old.html 位于网站上的文件 /column/feed.atom 之下。"
     " /column/feed.atom 是一个文件，不能再包含网页；"),
    ("index.html/", "旧网址 index.html 与网站上现有的页面重复。 旧网址不能占用现有页面的地址；"),
    ("Column/2016-001/", "旧网址 Column/2016-001/ 与网站上现有的页面重复（与 /column/2016-001/index.html 只有大小写不同）。"
     " 旧网址不能占用现有页面的地址；"),
    ("theme/old.html", "旧网址 theme/old.html 位于网站保留的文件夹 /theme/ 中。"
     " /theme/ 存放网站自身的文件（样式、搜索索引、开放数据），不能放跳转页；"),
    ("data/records/", "旧网址 data/records/ 位于网站保留的文件夹 /data/ 中。"
     " /data/ 存放网站自身的文件（样式、搜索索引、开放数据），不能放跳转页；"),
    ("search-index/x/", "旧网址 search-index/x/ 位于网站保留的文件夹 /search-index/ 中。"
     " /search-index/ 存放网站自身的文件（样式、搜索索引、开放数据），不能放跳转页；"),
])
def test_alias_may_not_collide_with_a_file_or_folder_of_the_site(tree, alias, message):
    entry(tree, ENTRY.replace("status:", f"aliases: [{alias}]\nstatus:"))
    assert problems(tree) == [f"{PATH}:6: {message}{ALIAS_HINT}"]


def test_an_alias_may_not_be_the_folder_of_another_alias(tree):
    entry(tree, ENTRY.replace("status:", "aliases: [old/a.html, old/a.html/b.html]\nstatus:"))
    assert problems(tree) == [
        f"{PATH}:6: 旧网址 old/a.html 与网站上的文件夹 /old/a.html/ 重名。 该文件夹中有网站的文件 /old/a.html/b.html；"
        f"{ALIAS_HINT}",
        f"{PATH}:6: 旧网址 old/a.html/b.html 位于网站上的文件 /old/a.html 之下。 /old/a.html 是一个文件，不能再包含网页；"
        f"{ALIAS_HINT}",
    ]


@pytest.mark.parametrize("alias, message", [
    ("'..'", "旧网址“..”无效：只能包含字母、数字和 . _ ~ -，以 / 分隔。"),
    ("'column\\2016-001\\'", "旧网址“column\\2016-001\\”无效：只能包含字母、数字和 . _ ~ -，以 / 分隔。"),
    ("column/%2e%2e/x/", "旧网址“column/%2e%2e/x/”无效：只能包含字母、数字和 . _ ~ -，以 / 分隔。"),
    ("'//evil.example.com/%2F'", "旧网址“//evil.example.com/%2F”无效：只能包含字母、数字和 . _ ~ -，以 / 分隔。"),
    (".well-known/x.html", "旧网址“.well-known/x.html”无效：每一段都不能以 . 开头或结尾。"),
    ("a" * 201 + "/", f"旧网址“{'a' * 30}…（共 202 个字符）”太长（超过 200 个字符）。"),
])
def test_alias_tricks_are_refused(tree, alias, message):
    entry(tree, ENTRY.replace("status:", f"aliases: [{alias}]\nstatus:"))
    assert problems(tree) == [
        f"{PATH}:6: 字段 aliases[1]（旧网址）：{message} 例如 column/2016-045/（网站内的旧路径，不含域名）。"]


# ---- bounded work -------------------------------------------------------------------------------

BOMB = "".join(f"l{i}: &l{i} [{', '.join([f'*l{i - 1}'] * 9)}]\n" for i in range(1, 10))


def test_alias_bomb_is_refused_in_bounded_time_and_memory(tree):
    text = ENTRY.replace("title: 测试条目\n", "title: 测试条目\nl0: &l0 [lol]\n" + BOMB)
    entry(tree, text)
    started = time.monotonic()
    found = problems(tree)
    assert time.monotonic() - started < 10
    assert found[:3] == [f"{PATH}:3: 不能使用 YAML 锚点 &l0。 {ANCHOR_HINT}",
                         f"{PATH}:4: 不能使用 YAML 引用 *l0。 {ANCHOR_HINT}",
                         f"{PATH}:4: 不能使用 YAML 锚点 &l1。 {ANCHOR_HINT}"]
    assert len(found) == 10 + 9  # each anchor, and the aliases of each line once
    tracemalloc.start()
    try:
        assert read_markdown(tree / PATH, PATH, Problems()) is None
        assert tracemalloc.get_traced_memory()[1] < 5 * 1024 * 1024  # 9**9 items would be gigabytes
    finally:
        tracemalloc.stop()


def test_alias_in_the_registry_is_refused(tree):
    registry = tree / "content/departments.yml"
    text = registry.read_text(encoding="utf-8")
    text = text.replace("  domains: [城市管理]", "  domains: &d [城市管理]").replace("  aliases: [交通运输局]",
                                                                                    "  aliases: *d")
    registry.write_text(text, encoding="utf-8")
    assert problems(tree) == [
        f"content/departments.yml:6: 不能使用 YAML 锚点 &d。 {ANCHOR_HINT}",
        f"content/departments.yml:12: 不能使用 YAML 引用 *d。 {ANCHOR_HINT}",
    ]


@pytest.mark.parametrize("body", ["[" * 10_000, "[a](" * 5_000, "<a " * 5_000, "[a](b) " * 100_000])
def test_markup_that_would_take_minutes_to_parse_is_refused_at_once(tree, body):
    """Python-Markdown is quadratic on these (10,000 "[" took half a minute); now a message."""
    entry(tree, ENTRY.replace("正文。", "第一段。\n\n" + body))
    started = time.monotonic()
    assert problems(tree) == [
        f"{PATH}:10: 正文的这一段太长、格式符号太多（或有大量没有配对的 [、( 或 <），生成网页要处理很久，因此没有处理。"
        " 请把长段落分成几段，删除多余的符号；要显示符号本身，请在前面加 \\（例如 \\[）。"]
    assert time.monotonic() - started < 5


def test_long_text_with_ordinary_markup_is_not_refused(tree):
    paragraph = "市民反映[小区](https://www.jinan.gov.cn/)路灯不亮，**城管部门**已安排检修。" * 40
    entry(tree, ENTRY.replace("正文。", "\n\n".join([paragraph] * 200)))  # 200 paragraphs, 0.6 MB
    assert problems(tree) == []


PAST_A_BOUND = [
    pytest.param(ENTRY.replace("title: 测试条目", "title: [" + "a, " * 60_000 + "a]"), [
        f"{PATH}:2: YAML 内容太多（超过 50000 项）。 一条记录的字段区通常只有几十项；请检查是否误粘贴了大段内容。"], id="too_many_yaml_values_are_refused"),
    pytest.param(ENTRY.replace("status:", "? [a, b]\n: c\nstatus:"), [
        f"{PATH}:6: 字段名不能是列表或结构。 请写成“字段名: 值”。"], id="a_structure_as_field_name"),
    pytest.param(ENTRY.replace("title: 测试条目", "title: " + "[" * 200 + "]" * 200), [
        f"{PATH}:2: YAML 嵌套层级太深（超过 20 层）。 请检查缩进和括号：记录的字段最多嵌套七层。"], id="deep_nesting_is_refused"),
]


@pytest.mark.parametrize("text, expected", PAST_A_BOUND)
def test_front_matter_past_a_bound_is_refused(tree, text, expected):
    entry(tree, text)
    assert problems(tree) == expected


def test_unknown_keys_are_listed_up_to_twenty(tree):
    entry(tree, ENTRY.replace("status:", "".join(f"x{i}: 1\n" for i in range(25)) + "status:"))
    found = problems(tree)
    assert len(found) == 21 and found[0].startswith(f"{PATH}:6: 未知字段 x0。")
    assert found[-1] == f"{PATH}:26: 另有 5 个未知字段，此处不再逐个列出。"


def test_a_garbled_file_reports_its_first_hundred_problems(tree):
    items = "".join(f"  - 'bad alias {i}'\n" for i in range(150))
    entry(tree, ENTRY.replace("status:", "aliases:\n" + items + "status:"))
    found = problems(tree)
    assert len(found) == 101
    assert found[-1] == f"{PATH}:107: 另有 50 个问题，此处不再列出。 请先改正上面的问题，再运行检查。"


def test_oversized_file_is_not_parsed(tree):
    entry(tree, ENTRY.replace("正文。", "正文。" * 400_000))  # 3.6 MB
    size = (tree / PATH).stat().st_size
    assert problems(tree) == [
        f"{PATH}:1: 文件太大：{size} 字节，超过上限 1048576 字节（JIANDU_MAX_FILE_BYTES）。"
        " 一条记录通常只有几千字；请检查是否误粘贴了图片、表格或整份文档。"
        "确需更大的文件时，请联系管理员调整 JIANDU_MAX_FILE_BYTES。"]


def test_the_size_limit_is_a_setting(tree):
    entry(tree, ENTRY.replace("正文。", "正文。" * 1000))
    out = io.StringIO()
    assert check(CONF, tree, out=out, JIANDU_AS_OF=FIXTURE_AS_OF, JIANDU_MAX_FILE_BYTES=4096) == 1
    assert out.getvalue().startswith(f"{PATH}:1: 文件太大：")
    assert check(CONF, tree, out=io.StringIO(), JIANDU_AS_OF=FIXTURE_AS_OF, JIANDU_MAX_FILE_BYTES=16384) == 0


def test_the_size_limit_setting_is_validated(tree):
    out = io.StringIO()
    assert check(CONF, tree, out=out, JIANDU_MAX_FILE_BYTES="1MB") == 1
    assert out.getvalue().splitlines()[0] == (
        "pelicanconf.py:1: JIANDU_MAX_FILE_BYTES 应为正整数。 例如 JIANDU_MAX_FILE_BYTES = 1048576。")


# ---- silent misreadings -------------------------------------------------------------------------

MISREADINGS = [
    pytest.param(ENTRY.replace("number: 9", "number: 0101"), [
        f"{PATH}:3: 字段 number（期号）：不能以 0 开头：“0101”。"
        " 请写成 101（以 0 开头的数字在 YAML 中会被当作八进制，0101 会变成 65）。"], id="edition_number_with_a_leading_zero"),
    pytest.param(ENTRY.replace("number: 9", "number: 20161230"), [
        f"{PATH}:3: 字段 number（期号）：应在 1 到 999 之间，实际为 20161230。"
        " 20161230 看起来是日期 2016-12-30，日期请写在 date 字段。期号是当年的第几期，例如 45。"], id="a_date_typed_as_edition_number"),
    pytest.param(ENTRY.replace("status:", "sample: yes\nstatus:"), [
        f"{PATH}:6: 字段 sample（示例）：应为 true 或 false，实际为“yes”。"], id="yes_is_not_true"),
    pytest.param(ENTRY.replace("status:", "aliases:\n  - 'a b'\n  - column/2016-001/\nstatus:"), [
        f"{PATH}:7: 字段 aliases[1]（旧网址）：旧网址“a b”无效：只能包含字母、数字和 . _ ~ -，以 / 分隔。"
        " 例如 column/2016-045/（网站内的旧路径，不含域名）。",
        f"{PATH}:8: 旧网址 column/2016-001/ 是另一条记录现在的网址。"
        " 见 content/column/2016-001.md；一个网址只能属于一条记录，请核对旧网址。",
    ], id="line_numbers_after_an_invalid_alias_entry"),
]


@pytest.mark.parametrize("text, expected", MISREADINGS)
def test_what_used_to_be_misread_is_reported_at_its_line(tree, text, expected):
    entry(tree, text)
    assert problems(tree) == expected


def test_yaml_1_1_surprises_stay_text(tree):
    """Sexagesimal 10:30, octal, floats, yes/no: what staff typed, not a number or a boolean."""
    entry(tree, ENTRY.replace("测试条目", "10:30").replace("status:", "category: 0o17\nsource: 1e3\nstatus:"))
    assert problems(tree) == []
    settings = jiandu_settings({"JIANDU_ROOT": str(tree), "JIANDU_AS_OF": FIXTURE_AS_OF})
    record = next(r for r in load_site(tree, settings).entries if r.number == 9)
    assert (record.title, record.category, record.source) == ("10:30", "0o17", "1e3")


def test_line_numbers_after_a_line_separator(tree):
    """U+2028 in front matter is refused where it is; nothing after it moves a line."""
    entry(tree, ENTRY.replace("测试条目", '"测试\u2028条目"').replace("[cgj]", "[nobody]")
          .replace("正文。", "正文\u2028第二段。\n\n联系电话 13800000000。"))
    found = problems(tree)
    assert found[:2] == [
        f"{PATH}:2: 含有 U+2028（行分隔符）：YAML 会把它当作换行，编辑器中却看不出来。 请删除它，或换成空格。",
        f"{PATH}:5: 字段 departments[1]（责任部门）：未知部门“nobody”。 请在 content/departments.yml 中查找。",
    ]
    [phone] = found[2:]  # the guard's own wording is tested with the guards
    assert phone.startswith(f"{PATH}:10: 发现个人信息（手机号码）：13*******00。")


def test_line_numbers_with_windows_line_ends_and_a_form_feed(tree):
    text = entry_text().replace("[cgj]", "[nobody]").replace("正文。", "正文\x0c。")
    entry_bytes(tree, text.replace("\n", "\r\n").encode())
    assert problems(tree) == [
        f"{PATH}:5: 字段 departments[1]（责任部门）：未知部门“nobody”。 请在 content/departments.yml 中查找。",
        f"{PATH}:8: 含有不可见的控制字符 U+000C（换页符，即 Word 的分页符），网页订阅（XML）无法包含它。 {CONTROL_HINT}",
    ]


def test_line_numbers_after_an_invalid_segment(tree):
    path = tree / "content/inquiry/2016-01.md"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("segments:\n", "segments:\n  - 不是环节\n", 1)
                    .replace("column/2016-002", "column/2016-003"), encoding="utf-8")
    found = problems(tree)
    line = next(i for i, t in enumerate(path.read_text(encoding="utf-8").split("\n"), 1) if "column/2016-003" in t)
    assert found[-1] == (f"content/inquiry/2016-01.md:{line}: 链接目标 column/2016-003 不存在。"
                         " 是否指 column/2016-002？")


def test_every_new_message_is_explained_in_the_guide():
    guide = (PROJECT / "docs" / "编辑指南.md").read_text(encoding="utf-8")
    for phrase in ("不能以 0 开头", "应在 1 到 999 之间", "应为 true 或 false", "不能使用 YAML 锚点",
                   "类型标记", "嵌套层级太深", "含有不可见的控制字符", "字符引用", "YAML 会把它当作换行",
                   "另有 … 行含有同样的字符", "文件太大", "JIANDU_MAX_FILE_BYTES", "文件在一个字的中间结束",
                   "无法读取文件", "位于网站上的文件", "与网站上的文件夹", "位于网站保留的文件夹",
                   "只有大小写不同", "太长", "不能以 . 开头或结尾", "格式符号太多", "YAML 内容太多",
                   "字段名不能是列表或结构", "个未知字段", "此处不再列出"):
        assert phrase in guide, phrase
