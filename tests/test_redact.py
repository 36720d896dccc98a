"""`invoke redact`: lists findings masked, asks, masks them in place; exemptions stay."""

import io
import shlex
import subprocess

import yaml

from jiandu.commands.build import check
from jiandu.commands.redact import redact
from jiandu.core.settings import DEFAULTS
from tests.conftest import CONF, PROJECT
from tests.test_guards import FAKE_ID
from tests.test_validation import write

ENTRY = """
---
title: 测试条目
number: 9
date: 2016-06-01
departments: [cgj]
status: 已受理
{extra}---
王女士（13800000000，身份证 {id}）拨打12345热线，邮箱 someone.fake@example.com。
值班电话0531-86000000。
"""
EXEMPT = ("exemptions:\n  - kind: 固定电话\n    match: \"053*******000\"\n    reason: 公开值班电话\n"
          "    reviewer: 办公室主任\n")


def test_redact_asks_then_masks_everything_but_exemptions(tree):
    path = tree / "content/column/2016-009.md"
    write(tree, "content/column/2016-009.md", ENTRY.format(extra=EXEMPT, id=FAKE_ID))
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
    write(tree, "content/column/2016-009.md", ENTRY.format(extra="", id=FAKE_ID))
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
    write(tree, "content/column/2016-009.md", ENTRY.format(extra="", id=FAKE_ID).split("王女士")[0] + body)
    shown = []
    assert redact(path, DEFAULTS, confirm=lambda q: True, out=shown.append) == 1
    text = path.read_text(encoding="utf-8")
    assert "１３*******００" in text
    assert "https://www.jinan.gov.cn/x?id=13800000000" in text  # a link is not personal data
    assert shown[-1].startswith("已打码 1 处")
