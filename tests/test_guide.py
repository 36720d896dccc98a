"""docs/编辑指南.md: every example in the editor's guide is checked and built.

Fenced blocks marked `file=PATH` are written into a copy of the demo project and must pass
`invoke check` and build; `append=PATH` blocks are appended to that file; `bad-file=PATH` blocks
are tried one at a time and must produce exactly the messages in the ```text block after them.
"""

import io
import re
import shutil
from functools import partial
from pathlib import Path

import pytest

from jiandu.commands.build import build_or_report, check
from jiandu.content.tree import load_site
from jiandu.site.indexes import effective_status
from jiandu.site.search import search_docs
from jiandu.site.search_words import index_words
from tests.support.project import CONF, PROJECT, parse

GUIDE = PROJECT / "docs" / "编辑指南.md"
FENCE_RE = re.compile(r"^```(\w+)(?: (file|append|bad-file)=(\S+))?\n(.*?)^```$", re.S | re.M)
AS_OF = {"JIANDU_AS_OF": "2017-06-30"}


def blocks() -> list[tuple[str, str, str, str]]:
    return [m.groups() for m in FENCE_RE.finditer(GUIDE.read_text(encoding="utf-8"))]


def examples(mode: str) -> list[tuple[str, str]]:
    return [(path, text) for _, m, path, text in blocks() if m == mode]


def bad_examples() -> list[tuple[str, str, list[str]]]:
    found, all_blocks = [], blocks()
    for i, (_, mode, path, text) in enumerate(all_blocks):
        if mode == "bad-file":
            lang, _, _, expected = all_blocks[i + 1]
            assert lang == "text", f"the bad example for {path} needs a ```text block after it"
            found.append((path, text, expected.strip().splitlines()))
    return found


@pytest.fixture
def project(tmp_path) -> Path:
    shutil.copytree(PROJECT / "content", tmp_path / "content")
    shutil.rmtree(tmp_path / "content" / "drafts", ignore_errors=True)
    return tmp_path


def apply_good_examples(root: Path) -> None:
    for path, text in examples("file"):
        target = root / path
        assert not target.exists(), f"{path} would replace demo content"
        target.write_text(text, encoding="utf-8")
    for path, text in examples("append"):
        with (root / path).open("a", encoding="utf-8") as out:
            out.write(text)


def test_the_guide_has_examples_of_each_kind():
    assert len(examples("file")) >= 3 and len(examples("append")) >= 1 and len(bad_examples()) >= 3


def test_every_example_passes_check_and_builds(project, tmp_path):
    apply_good_examples(project)
    out = io.StringIO()
    assert check(CONF, project, out=out, **AS_OF) == 0, out.getvalue()
    output = tmp_path / "output"
    assert build_or_report(CONF, output, project, out=out) == 0, out.getvalue()
    for path, text in examples("file"):
        kind, name = Path(path).parent.name, Path(path).stem
        page = parse(output / kind / name / "index.html")
        title = re.search(r"^title: \"?(.+?)\"?$", text, re.M).group(1)
        assert title in page.find("h1").text
    assert (output / "departments/hy-yjj/index.html").is_file()
    # The routing example went back and forth: it is listed among the bounced cases.
    bounced = parse(output / "column/bounced/index.html").select("table.jd-bounced tbody th a")
    assert "../2017-012/" in [a["href"] for a in bounced]


@pytest.mark.parametrize("path, text, expected", bad_examples(), ids=lambda v: str(v)[:30])
def test_each_bad_example_gives_the_documented_messages(project, path, text, expected):
    (project / path).write_text(text, encoding="utf-8")
    out = io.StringIO()
    assert check(CONF, project, out=out, **AS_OF) == 1
    lines = out.getvalue().splitlines()[:-1]
    assert [line.split("。")[0] for line in lines] == [line.split("。")[0] for line in expected], lines
    for line, documented in zip(lines, expected, strict=True):
        assert line.startswith(documented), (line, documented)


def test_every_guard_message_is_explained_in_the_guide():
    guide = GUIDE.read_text(encoding="utf-8")
    for phrase in ("发现个人信息", "外部链接指向不在白名单内的域名", "发现隐藏文字", "没有对应任何发现",
                   "缺少必填字段", "未知部门", "链接目标", "YAML 格式错误", "invoke redact",
                   "invoke import-feed", "invoke serve", "invoke publish", "invoke new inquiry",
                   "invoke new column", "history", "aliases", "exemptions", "routing", "sources",
                   "JIANDU_ROUTING_ORIGINS", "JIANDU_MIN_SAMPLE", "样本不足", "反复流转", "#t=00:12:30",
                   "第一条流转记录", "已于", "流转记录的日期", "以“办结”结束", "最后一条流转记录",
                   "视频时间点", "没有视频网址"):
        assert phrase in guide, phrase


def test_every_inspection_finding_and_identity_message_is_explained_in_the_guide():
    from jiandu.core.identity import IDENTITY_SCHEMA
    from jiandu.editions.inspect import EXTERNAL_VERDICTS, KINDS

    guide = GUIDE.read_text(encoding="utf-8")
    for kind in KINDS:
        assert f"| {kind}：" in guide, kind
    for _, said, _ in EXTERNAL_VERDICTS.values():
        assert said.split("（")[0].split(" {")[0] in guide, said
    for name in IDENTITY_SCHEMA.names():
        assert name in guide, name
    for phrase in ("invoke inspect", "--offline", "reports/inspection.html", "缺少网站标识设置", "格式无效",
                   "指向不存在的页面或文件", "指向的页面上没有位置", "没有任何问政或专栏记录", "没有写明承接部门",
                   "JIANDU_UPDATE_DAYS", "长辈版"):
        assert phrase in guide, phrase


def test_every_synonym_message_is_explained_in_the_guide():
    guide = GUIDE.read_text(encoding="utf-8")
    for phrase in ("content/synonyms.yml", "## 十七、搜索与同义词", "同义词表应为若干组词语的列表",
                   "每组同义词应写成方括号中的词语列表", "每组应为 2 到 20 个", "只能由汉字、数字和字母组成",
                   "太短，至少 2 个字", "超过 12 个字", "重复（第 … 行已有）", "在同一组中重复", "空的一项",
                   "有一项是列表或结构", "同义词表最多 2000 组", "您要找的是不是以下部门或区县",
                   "没有找到相关记录。可以换一个词，或减少筛选条件。", "最新的在前"):
        assert phrase in guide, phrase


def test_the_synonym_example_finds_the_records_it_promises(project):
    """The guide says: with [积水, 内涝, 道路积水] added, an entry that says 积水 is found by 内涝."""
    def found(query: str) -> set[str]:
        site = load_site(project)
        docs = search_docs(site, partial(effective_status, as_of=site.as_of))
        return {d.url for d in docs if all(w in d.words for w in index_words(query))}

    before = found("内涝")
    apply_good_examples(project)
    after = found("内涝")
    assert found("积水") <= after and len(after - before) >= 3, (before, after)
