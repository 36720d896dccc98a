"""`invoke redact`: lists findings masked, asks, masks them in place; exemptions stay."""

import io
import shlex
import subprocess

import pytest
import yaml

from jiandu.commands.build import check
from jiandu.commands.redact import redact
from jiandu.content.guards import PERSONAL_KINDS, GuardSettings, scan_body
from jiandu.core.problems import Problems
from jiandu.core.settings import DEFAULTS
from jiandu.core.source import read_markdown
from tests.support.content import record, write
from tests.support.personal import FAKE_ID, SPLIT_FORMS, page_text
from tests.support.project import CONF, PROJECT


def entry(extra: str = "") -> str:
    return record(f"王女士（13800000000，身份证 {FAKE_ID}）拨打12345热线，邮箱 someone.fake@example.com。\n"
                  "值班电话0531-86000000。", extra)


EXEMPT = ("exemptions:\n  - kind: 固定电话\n    match: \"0531-86000000\"\n    reason: 公开值班电话\n"
          "    reviewer: 办公室主任\n")


def test_redact_asks_then_masks_everything_but_exemptions(tree):
    path = tree / "content/column/2016-009.md"
    write(tree, "content/column/2016-009.md", entry(EXEMPT))
    shown, questions = [], []
    count = redact(path, DEFAULTS, confirm=lambda q: questions.append(q) or True,
                   out=shown.append)
    assert count == 3 and len(questions) == 1
    assert not any("13800000000" in line or FAKE_ID in line for line in shown)
    text = path.read_text(encoding="utf-8")
    assert "13*******00" in text and "12345" in text and "0531-86000000" in text
    assert FAKE_ID not in text and "someone.fake" not in text
    out = io.StringIO()
    assert check(CONF, tree, out=out, JIANDU_AS_OF="2016-06-30") == 0, out.getvalue()


def test_redact_changes_nothing_when_declined(tree):
    write(tree, "content/column/2016-009.md", entry())
    path = tree / "content/column/2016-009.md"
    before = path.read_bytes()
    assert redact(path, DEFAULTS, confirm=lambda q: False, out=lambda s: None) == 0
    assert path.read_bytes() == before


def test_pre_commit_hook_runs_invoke_check():
    config = yaml.safe_load((PROJECT / ".pre-commit-config.yaml").read_text(encoding="utf-8"))
    (hook,) = config["repos"][0]["hooks"]
    assert hook["entry"].endswith("invoke check") and hook["pass_filenames"] is False
    result = subprocess.run(shlex.split(hook["entry"]), cwd=PROJECT, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "检查通过" in result.stdout


def test_redact_masks_full_width_numbers_and_leaves_links_alone(tree):
    path = tree / "content/column/2016-009.md"
    body = "电话１３８００００００００，详见 https://www.jinan.gov.cn/x?id=13800000000 。\n"
    write(tree, "content/column/2016-009.md", entry().split("王女士")[0] + body)
    shown = []
    assert redact(path, DEFAULTS, confirm=lambda q: True, out=shown.append) == 1
    text = path.read_text(encoding="utf-8")
    assert "１３*******００" in text
    assert "https://www.jinan.gov.cn/x?id=13800000000" in text  # a link is not personal data
    assert shown[-1].startswith("已打码 1 处")


def test_redact_masks_every_split_and_encoded_form_and_the_guards_then_find_nothing(tree):
    path = tree / "content/column/2016-009.md"
    body = "\n\n".join(markdown for markdown, _, _ in SPLIT_FORMS) + "\n"
    head = entry(EXEMPT).split("王女士")[0]
    write(tree, "content/column/2016-009.md", head + body + "\n值班电话0531-86000000。\n")
    lines_before = path.read_text(encoding="utf-8").count("\n")
    shown = []
    count = redact(path, DEFAULTS, confirm=lambda q: True, out=shown.append)
    assert count == len(SPLIT_FORMS), shown
    assert not any("未能自动打码" in line for line in shown), shown
    source = read_markdown(path, "x.md", Problems())
    gs = GuardSettings.from_settings(DEFAULTS)
    assert [f for f in scan_body(source.body, 1, gs)
            if f.kind in PERSONAL_KINDS and f.value != "053186000000"] == []
    for _, value, _ in SPLIT_FORMS:  # and a reader of the page finds none of them either
        assert value.replace(" ", "") not in page_text(source.body)
    text = path.read_text(encoding="utf-8")
    assert text.count("\n") == lines_before  # masked in place: lines stay where they were
    assert "<!-- 拆开 -->" in text and "**" in text and "0531-86000000" in text  # markup and exemption kept
    out = io.StringIO()
    assert check(CONF, tree, out=out, JIANDU_AS_OF="2016-06-30") == 0, out.getvalue()


@pytest.mark.parametrize("written, masked", [
    ("电话&#49;3800000000。", "电话&#49;3*******00。"),
    ("电话1&#x33;800000000。", "电话1&#x33;*******00。"),
    ("电话138<!-- x -->00000000。", "电话13*<!-- x -->******00。"),
    ("电话1380**000**0000。", "电话13***********00。"),
    ("电话138\u200b0000\u200b0000。", "电话13*\u200b****\u200b**00。"),
])
def test_redact_masks_each_character_where_it_was_written(tree, written, masked):
    path = tree / "content/column/2016-009.md"
    head = entry().split("王女士")[0]
    write(tree, "content/column/2016-009.md", head + written + "\n")
    assert redact(path, DEFAULTS, confirm=lambda q: True, out=lambda s: None) == 1
    assert path.read_text(encoding="utf-8").endswith(masked + "\n")


def test_redact_masks_front_matter_too_and_lists_what_it_cannot_place(tree):
    path = tree / "content/column/2016-009.md"
    text = entry().replace(
        "title: 测试条目", 'title: "王女士138\u200b0000 0000反映"\nsource: "电话\\u0031\\u0033900000000"')
    write(tree, "content/column/2016-009.md", text.split("王女士（")[0] + "正文。\n")
    shown = []
    assert redact(path, DEFAULTS, confirm=lambda q: True, out=shown.append) == 1
    written = path.read_text(encoding="utf-8")
    assert "王女士138\u200b**** *000反映" in written
    assert shown[-1].startswith(f"{path}:3: 未能自动打码的手机号码 13*******00")  # a YAML escape


def test_a_number_in_chinese_digits_is_masked_too(tree):
    path = tree / "content/column/2016-009.md"
    write(tree, "content/column/2016-009.md", record("王女士（电话一三八〇〇〇〇〇〇〇〇）拨打12345热线。"))
    assert redact(path, DEFAULTS, confirm=lambda q: True, out=lambda s: None) == 1
    text = path.read_text(encoding="utf-8")
    assert "一三*******〇〇" in text and "一三八〇〇〇〇〇〇〇〇" not in text
    out = io.StringIO()
    assert check(CONF, tree, out=out, JIANDU_AS_OF="2016-06-30") == 0, out.getvalue()


def test_an_escaped_mail_address_in_a_link_is_masked(tree):
    path = tree / "content/column/2016-009.md"
    write(tree, "content/column/2016-009.md", record('请<a href="mailto:someone%2efake%40example.com">写信</a>。'))
    assert redact(path, DEFAULTS, confirm=lambda q: True, out=lambda s: None) == 1
    text = path.read_text(encoding="utf-8")
    assert "someone%2efake" not in text and "example.com" not in text, text
    out = io.StringIO()
    assert check(CONF, tree, out=out, JIANDU_AS_OF="2016-06-30") == 0, out.getvalue()
