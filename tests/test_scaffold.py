"""`invoke new`: next edition number, today's date, options, explained keys, no overwriting."""

import re
from datetime import date

import pytest

from jiandu.commands import scaffold
from jiandu.commands.scaffold import ScaffoldError, new_record
from tests.support.content import front_matter, problems


def meta(path) -> dict:
    return front_matter(path.read_text(encoding="utf-8"))


def test_next_free_number_of_the_year_and_the_given_date(tree):
    path = new_record(tree, "column", on="2016-06-01")
    assert path == tree / "content/column/2016-006.md"  # the fixture has 1, 2, 4 and 5
    assert meta(path)["number"] == 6 and str(meta(path)["date"]) == "2016-06-01"
    assert new_record(tree, "column", on="2017-01-03").name == "2017-001.md"
    assert new_record(tree, "inquiry", on="2016-06-01").name == "2016-03.md"


def test_default_date_is_today(tree, monkeypatch):
    monkeypatch.setattr(scaffold, "today", lambda: date(2016, 5, 20))
    path = new_record(tree, "column")
    assert str(meta(path)["date"]) == "2016-05-20"


def test_every_required_key_is_present_with_a_chinese_comment(tree):
    for kind, required in (("inquiry", ["title", "number", "date", "segments", "topic",
                                        "department", "text", "status"]),
                           ("column", ["title", "number", "date", "departments", "status"])):
        text = new_record(tree, kind, on="2016-06-01").read_text(encoding="utf-8")
        lines = text.splitlines()
        for key in required:
            at = next(i for i, line in enumerate(lines) if line.strip().lstrip("- ").startswith(f"{key}:"))
            assert lines[at - 1].strip().startswith("#") and "必填" in lines[at - 1], (kind, key)


def test_check_names_what_is_left_to_fill_then_passes(tree):
    path = new_record(tree, "column", on="2016-06-01", department="城管局")
    assert meta(path)["departments"] == ["cgj"]
    assert problems(tree) == ["content/column/2016-006.md:3: 缺少必填字段 title（标题）。"]
    path.write_text(path.read_text(encoding="utf-8").replace("title:\n", "title: 路灯修好了\n"),
                    encoding="utf-8")
    assert problems(tree) == []


def test_inquiry_scaffold_with_options(tree):
    path = new_record(tree, "inquiry", on="2016-07-01", number=7, department="jtj")
    assert path.name == "2016-07.md"
    data = meta(path)
    assert data["number"] == 7 and data["segments"][0]["department"] == "jtj"
    assert {p.split(": ", 1)[1] for p in problems(tree)} == {
        "缺少必填字段 title（标题）。", "缺少必填字段 topic（问题）。", "缺少必填字段 text（承诺内容）。"}


def test_refuses_to_overwrite(tree):
    before = (tree / "content/column/2016-005.md").read_bytes()
    with pytest.raises(ScaffoldError, match="第5期已在 content/column/2016-005.md 使用"):
        new_record(tree, "column", on="2016-06-01", number=5)
    assert (tree / "content/column/2016-005.md").read_bytes() == before
    (tree / "content/column/2016-007.md").write_text("占位", encoding="utf-8")
    with pytest.raises(ScaffoldError, match="不会覆盖"):
        new_record(tree, "column", on="2016-06-01", number=7)
    assert (tree / "content/column/2016-007.md").read_text(encoding="utf-8") == "占位"


@pytest.mark.parametrize("kwargs, message", [
    ({"on": "2016-13-01"}, "日期不存在"),
    ({"number": "三"}, "--number 应为整数"),
    ({"department": "城管委"}, "未知部门"),
])
def test_bad_options_are_explained(tree, kwargs, message):
    with pytest.raises(ScaffoldError, match=message):
        new_record(tree, "column", **{"on": "2016-06-01", **kwargs})


def test_unknown_kind(tree):
    with pytest.raises(ScaffoldError, match="inquiry"):
        new_record(tree, "article")


def uncomment_examples(text: str) -> str:
    """Enable every commented key (`# key:`), as the comments tell staff to do."""
    return re.sub(r"^(\s*)# ((?:- )?[a-z_]+:|  )", r"\1\2", text, flags=re.M)


def test_column_scaffold_offers_sources_and_routing_that_check_once_enabled(tree):
    path = new_record(tree, "column", on="2016-06-01", department="城管局")
    text = path.read_text(encoding="utf-8")
    assert "# sources:" in text and "# routing:" in text
    path.write_text(uncomment_examples(text).replace("title:\n", "title: 路灯修好了\n"), encoding="utf-8")
    data = meta(path)
    assert data["sources"][0] == {"type": "报纸", "title": "济南日报", "date": date(2016, 6, 1), "page": "A3"}
    assert data["routing"][0]["to"] == "cgj" and data["routing"][0]["action"] == "交办"
    assert problems(tree) == []


def test_inquiry_scaffold_offers_a_video_moment(tree):
    path = new_record(tree, "inquiry", on="2016-07-01", department="jtj")
    text = uncomment_examples(path.read_text(encoding="utf-8"))
    path.write_text(text.replace("video:\n", "video: https://www.jnnews.tv/wenzheng/2016-07.mp4\n"), encoding="utf-8")
    assert meta(path)["segments"][0]["sources"][0]["at"] == "00:12:30"
    assert {p.split(": ", 1)[1] for p in problems(tree)} == {
        "缺少必填字段 title（标题）。", "缺少必填字段 topic（问题）。", "缺少必填字段 text（承诺内容）。"}
