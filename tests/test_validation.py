"""One small case per kind of content problem, each asserting the message and its path:line."""

import io
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from jiandu.commands.build import build_or_report, check
from tests.support.content import ENTRY, problems, write
from tests.support.project import CONF, PROJECT

HISTORY = """
history:
  - date: 2016-06-02
    status: 已受理
  - date: {second}
    status: {last}
"""


def test_fixture_is_valid(tree):
    assert problems(tree) == []


def test_malformed_yaml(tree):
    write(tree, "content/column/2016-009.md", """
        ---
        title: 测试条目
        number: 9
        departments: [cgj
        status: 已受理
        ---
        """)
    [found] = problems(tree)
    assert found.startswith("content/column/2016-009.md:5: YAML 格式错误")
    assert "请检查缩进" in found


BROKEN_RECORDS = [
    pytest.param("只有正文，没有字段。\n", [
        "content/column/2016-009.md:1: 文件开头缺少 front matter（以 --- 开始的 YAML 字段区）。"
        " 第一行应为 ---，字段写完后再用一行 --- 结束。"], id="missing_front_matter"),
    pytest.param(ENTRY.replace("title: 测试条目\n", ""), [
        "content/column/2016-009.md:2: 缺少必填字段 title（标题）。"], id="missing_key"),
    pytest.param(ENTRY.replace("status:", "statu:"), [
        "content/column/2016-009.md:2: 缺少必填字段 status（办理状态）。",
        "content/column/2016-009.md:6: 未知字段 statu。 是否指 status？",
    ], id="unknown_key_suggests_the_nearest"),
    pytest.param(ENTRY.replace("number: 9", "number: 第9期"), [
        "content/column/2016-009.md:3: 字段 number（期号）：应为整数，实际为“第9期”。 请只写数字，例如 9。"], id="wrong_type"),
    pytest.param(ENTRY.replace("[cgj]", "[cgj, 市城管]"), [
        "content/column/2016-009.md:5: 字段 departments[2]（责任部门）：未知部门“市城管”。"
        " 是否指 市城管局 (cgj)？"], id="unknown_department_suggests_the_nearest"),
    pytest.param(ENTRY.replace("number: 9", "number: 2"), [
        "content/column/2016-009.md:3: 2016年第2期民生无小事、件件有人管重复。"
        " 已在 content/column/2016-002.md:3 使用；请核对期号。"], id="duplicate_edition_number"),
    pytest.param(ENTRY.replace("status: 已受理", "status: 已办结\nresolved: 2016-05-01"), [
        "content/column/2016-009.md:7: resolved（办结日期）2016-05-01 早于 date（刊发日期）2016-06-01。"
        " 请核对两个日期。"], id="resolved_before_date"),
    pytest.param(ENTRY.replace("status: 已受理", "status: 已办结"), [
        "content/column/2016-009.md:6: 状态为已办结时必须填写 resolved（办结日期）。 例如 resolved: 2017-05-20。"], id="closed_entry_needs_resolved"),
    pytest.param(ENTRY.replace("status:", "follow_up: inquiry/2016-01#q5\nstatus:"), [
        "content/column/2016-009.md:6: 链接目标 inquiry/2016-01#q5 不存在。 是否指 inquiry/2016-01#q1？"], id="follow_up_pointing_at_missing_segment"),
    pytest.param(ENTRY.replace("status:", "follow_up: 第1期问政\nstatus:"), [
        "content/column/2016-009.md:6: 字段 follow_up（跟进的问政环节）：链接“第1期问政”格式无效。"
        " 请写成 column/2017-045、inquiry/2017-03#q1 或以 https:// 开头的网址。"], id="malformed_reference"),
    pytest.param(ENTRY.replace(
        "status: 已受理\n", "status: 办理中\n" + HISTORY.format(second="2016-06-01", last="办理中").lstrip("\n")), [
        "content/column/2016-009.md:10: 状态记录的日期 2016-06-01 早于上一条 2016-06-02。"
        " history 中的各条记录应按日期从早到晚排列。"], id="history_out_of_date_order"),
    pytest.param(ENTRY.replace(
        "status: 已受理\n", "status: 已受理\n" + HISTORY.format(second="2016-06-05", last="办理中").lstrip("\n")), [
        "content/column/2016-009.md:11: 最后一条状态记录为“办理中”，与当前状态 status“已受理”不一致。"
        " 请更新 status，或在 history 末尾补记最新状态。"], id="history_last_status_differs_from_status"),
    pytest.param(ENTRY.replace("status: 已受理", "status: 已办结\nresolved: 2016-13-01"), [
        "content/column/2016-009.md:7: 字段 resolved（办结日期）：日期不存在：“2016-13-01”。 请核对月份和日期。"], id="invalid_resolved_is_reported_once"),
    pytest.param(ENTRY.replace("status:", "follow_up: column/2016-002\nstatus:"), [
        "content/column/2016-009.md:6: 字段 follow_up（跟进的问政环节）：follow_up“column/2016-002”"
        "应指向某期电视问政的一个环节。 例如 inquiry/2017-03#q1（q1 为该期第一个环节）。"], id="follow_up_must_name_a_session_segment"),
    pytest.param(ENTRY.replace("status:", "district: cgj\nstatus:"), [
        "content/column/2016-009.md:6: 字段 district（所在区县）：“cgj”不是区县。 district 应填写区县的编号：hy、sh。"], id="district_must_be_a_district"),
    pytest.param(ENTRY.replace("status: 已受理", "status: draft"), [
        "content/column/2016-009.md:6: 字段 status（办理状态）：取值“draft”无效。"
        " 这是导入的草稿：请核对内容，把 status 改为 已受理、办理中 或 已办结 后再发布。"], id="an_imported_draft_moved_too_early_says_what_to_do"),
]


@pytest.mark.parametrize("text, expected", BROKEN_RECORDS)
def test_a_broken_record_is_reported_at_its_line(tree, text, expected):
    write(tree, "content/column/2016-009.md", text)
    assert problems(tree) == expected


BROKEN_FIXTURE_EDITS = [
    pytest.param("content/inquiry/2016-01.md", "      - text: 年底前调整三处站点", "      - text: [年底前, 调整]", [
        "content/inquiry/2016-01.md:28: 字段 segments[2].commitments[1].text（承诺内容）："
        "应为一段文字，实际为列表。"], id="wrong_type_in_nested_list"),
    pytest.param("content/inquiry/2016-01.md", "department: 市交通局", "department: jtjj", [
        "content/inquiry/2016-01.md:26: 字段 segments[2].department（责任部门）：未知部门“jtjj”。"
        " 是否指 市交通局 (jtj)？"], id="unknown_department_id_in_segment"),
    pytest.param("content/inquiry/2016-01.md", "        checked: 2016-03-25\n", "", [
        "content/inquiry/2016-01.md:11: 状态为已兑现的承诺必须填写 checked（核实日期）。"
        " 请填写核实兑现情况的日期，例如 checked: 2017-06-30。"], id="kept_commitment_needs_checked"),
    pytest.param("content/inquiry/2016-01.md", "column/2016-002", "column/2016-003", [
        "content/inquiry/2016-01.md:15: 链接目标 column/2016-003 不存在。 是否指 column/2016-002？"], id="evidence_pointing_at_nothing"),
    pytest.param("content/departments.yml", "successor: sh-zhzf", "successor: sh-zhzf2", [
        "content/departments.yml:34: successor（承接部门）“sh-zhzf2”不存在。 是否指 商河县执法局 (sh-zhzf)？"], id="successor_pointing_at_nothing"),
    pytest.param("content/inquiry/2016-01.md", "          - date: 2016-04-01\n            status: 推进中", "          - date: 2016-04-01\n            status: 已兑现", [
        "content/inquiry/2016-01.md:23: 最后一条状态记录为“已兑现”，与当前状态 status“推进中”不一致。"
        " 请更新 status，或在 history 末尾补记最新状态。"], id="commitment_history_checked_like_entries"),
]


@pytest.mark.parametrize("rel, old, new, expected", BROKEN_FIXTURE_EDITS)
def test_a_broken_fixture_file_is_reported_at_its_line(tree, rel, old, new, expected):
    path = tree / rel
    path.write_text(path.read_text(encoding="utf-8").replace(old, new), encoding="utf-8")
    assert problems(tree) == expected


@pytest.mark.parametrize("value, message", [
    ("2016-02-30", "日期不存在：“2016-02-30”。 请核对月份和日期。"),
    ("2016/6/1", "日期格式无效：“2016/6/1”。 请写成 2017-03-05 这样的格式（年-月-日）。"),
])
def test_bad_date(tree, value, message):
    write(tree, "content/column/2016-009.md", ENTRY.replace("2016-06-01", value))
    assert problems(tree) == [f"content/column/2016-009.md:4: 字段 date（日期）：{message}"]


@pytest.mark.parametrize("name", ["濟南市交通運輸局", "济南市交通运输局 ", "（市交通局）", "ＪＴＪ", "交通運輸局"])
def test_traditional_and_full_width_names_match(tree, name):
    write(tree, "content/column/2016-009.md", ENTRY.replace("[cgj]", f"['{name}']"))
    assert problems(tree) == []


def test_registry_problems(tree):
    path = tree / "content/departments.yml"
    text = path.read_text(encoding="utf-8")
    text = text.replace("  level: 镇街\n  parent: hy\n", "  level: 镇街\n")  # hy-zxj loses its parent
    text = text.replace("  aliases: [交通运输局]", "  aliases: [城管局]")  # alias taken by cgj
    text = text.replace("- id: fgj\n  name: 济南市房产管理局\n  short: 市房管局\n  level: 市直部门",
                        "- id: fgj\n  name: 济南市房产管理局\n  short: 市房管局\n  level: 市级")
    path.write_text(text, encoding="utf-8")
    found = problems(tree)
    assert "content/departments.yml:12: 名称或别名“城管局”与部门 cgj 重复。 见第 7 行；每个别名在名录中只能出现一次。" in found
    assert "content/departments.yml:16: 字段 [3].level（层级）：取值“市级”无效。 可选值：市直部门、区县、区县部门、镇街。" in found
    assert "content/departments.yml:43: 部门 hy-zxj 的层级为镇街，缺少 parent（所属区县）。" in found


def test_every_problem_in_one_run(tree):
    write(tree, "content/column/2016-009.md", ENTRY.replace("number: 9", "number: 九"))
    write(tree, "content/column/2016-010.md", ENTRY.replace("number: 9", "number: 10")
          .replace("[cgj]", "[不存在的部门]").replace("2016-06-01", "2016-13-01"))
    found = problems(tree)
    assert [line.split(": ")[0] for line in found] == [
        "content/column/2016-009.md:3",
        "content/column/2016-010.md:4",
        "content/column/2016-010.md:5",
    ]


def test_invalid_content_builds_nothing(tree, tmp_path):
    output = tmp_path / "site"
    output.mkdir()
    (output / "live.html").write_text("previous site", encoding="utf-8")
    write(tree, "content/column/2016-009.md", ENTRY.replace("[cgj]", "[nobody]"))
    out = io.StringIO()
    assert build_or_report(CONF, output, tree, out=out) == 1
    assert "content/column/2016-009.md:5:" in out.getvalue()
    assert sorted(p.name for p in output.iterdir()) == ["live.html"]
    assert not (output.parent / ".site.new").exists()


def test_invoke_check_exits_non_zero(tree):
    for name in ("tasks.py", "pelicanconf.py"):
        shutil.copy(PROJECT / name, tree / name)
    (tree / "theme").symlink_to(PROJECT / "theme")
    write(tree, "content/column/2016-009.md", ENTRY.replace("[cgj]", "[nobody]"))
    invoke = Path(sys.executable).with_name("invoke")
    result = subprocess.run([str(invoke), "check"], cwd=tree, capture_output=True, text=True)
    assert result.returncode == 1, result.stderr
    assert "content/column/2016-009.md:5: 字段 departments[1]（责任部门）：未知部门“nobody”。" in result.stdout


def test_file_not_in_utf8(tree):
    path = tree / "content/column/2016-009.md"
    path.write_bytes(textwrap.dedent(ENTRY).lstrip("\n").encode("gbk"))
    assert problems(tree) == [
        "content/column/2016-009.md:2: 文件不是 UTF-8 编码（invalid start byte）。"
        " 请用 UTF-8 编码保存文件（在编辑器的“另存为”中选择 UTF-8）。"]


def test_a_broken_registry_is_reported_once_not_per_record(tree):
    path = tree / "content/departments.yml"
    path.write_text(path.read_text(encoding="utf-8").replace("  short: 市城管局\n", "  short: [市城管局\n"),
                    encoding="utf-8")
    found = problems(tree)
    assert len(found) == 1 and found[0].startswith("content/departments.yml:")


def test_yaml_errors_are_explained_in_chinese(tree):
    write(tree, "content/column/2016-009.md", ENTRY.replace("title: 测试条目", "title: 问政: 追问: 城管"))
    [found] = problems(tree)
    assert found.startswith("content/column/2016-009.md:2: YAML 格式错误：此处不能出现冒号（mapping values")


# ---- routing trail and sources (one case per rule) -----------------------------------------

ROUTED = ENTRY.replace("status: 已受理\n", """status: {status}
routing:
  - date: 2016-05-03
    from: 12345热线
    to: 市城管局
    action: 交办
  - date: {second}
    from: {sender}
    to: {receiver}
    action: {action}
""")


def routed(status="办理中", second="2016-05-10", sender="cgj", receiver="jtj", action="转办", extra=""):
    return ROUTED.format(status=status, second=second, sender=sender, receiver=receiver,
                         action=action).replace("status:", extra + "status:", 1)


TRAILS = [
    pytest.param(routed(), [], id="a_valid_trail_passes"),
    pytest.param(routed(receiver="市城管"), [
        "content/column/2016-009.md:14: 字段 routing[2].to（接收方）：未知部门“市城管”。 是否指 市城管局 (cgj)？"], id="hop_department_must_be_in_the_registry"),
    pytest.param(routed(second="2016-10-08", receiver="sh-cgzf"), [
        "content/column/2016-009.md:14: 部门“商河县城市管理行政执法局”已于 2016-09-30 撤销，"
        "不能出现在 2016-10-08 的流转记录中。 是否指承接部门 商河县执法局 (sh-zhzf)？"], id="hop_to_a_department_abolished_before_its_date_suggests_the_successor"),
    pytest.param(routed(second="2016-09-30", receiver="sh-cgzf"), [], id="hop_to_a_department_on_the_day_it_was_abolished_is_fine"),
    pytest.param(routed(second="2016-05-01"), [
        "content/column/2016-009.md:12: 流转记录的日期 2016-05-01 早于上一条 2016-05-03。"
        " routing 中的各条记录应按日期从早到晚排列。"], id="hops_in_date_order"),
    pytest.param(routed(status="已办结", second="2016-06-20", receiver="12345热线", action="办结",
                        extra="resolved: 2016-06-11\n"), [
        "content/column/2016-009.md:13: 流转记录的日期 2016-06-20 晚于 resolved（办结日期）2016-06-11。"
        " 请核对日期：办结之后不应再有流转。"], id="no_hop_after_resolved"),
    pytest.param(routed().replace("from: 12345热线", "from: 市房管局"), [
        "content/column/2016-009.md:9: 第一条流转记录应由 12345热线 或 监督局 发出，实际为“市房管局”。"
        " 案件最初由 12345热线 或 监督局 交办；如有其他来源，请管理员在设置 JIANDU_ROUTING_ORIGINS 中增加。"], id="first_hop_comes_from_the_hotline_or_the_bureau"),
    pytest.param(routed(receiver="12345热线", action="办结"), [
        "content/column/2016-009.md:15: 最后一条流转记录为“办结”，与当前状态 status“办理中”不一致。"
        " 请把 status 改为 已办结，或核对流转记录。"], id="a_closing_hop_needs_a_closed_status"),
    pytest.param(routed(action="踢皮球"), [
        "content/column/2016-009.md:15: 字段 routing[2].action（流转方式）：取值“踢皮球”无效。"
        " 可选值：交办、转办、退回、认领、督办、办结。"], id="hop_action_is_one_of_the_six"),
]


@pytest.mark.parametrize("text, expected", TRAILS)
def test_each_rule_of_the_routing_trail(tree, text, expected):
    write(tree, "content/column/2016-009.md", text)
    assert problems(tree) == expected


def test_first_hop_origins_are_a_setting(tree):
    write(tree, "content/column/2016-009.md", routed().replace("from: 12345热线", "from: 读者来信"))
    out = io.StringIO()
    assert check(CONF, tree, out=out, JIANDU_AS_OF="2016-06-30",
                 JIANDU_ROUTING_ORIGINS=["读者 来信", "12345热线", "监督局"]) == 0, out.getvalue()


def test_closed_entry_with_a_trail_ends_with_a_closing_hop_or_has_resolved(tree):
    write(tree, "content/column/2016-009.md", routed(status="已办结"))
    assert problems(tree) == [
        "content/column/2016-009.md:6: 状态为已办结时，流转记录应以“办结”结束，或填写 resolved（办结日期）。"
        " 请在 routing 末尾补记 action: 办结 的一条，或填写 resolved: 2017-05-20。"]
    write(tree, "content/column/2016-009.md", routed(status="已办结", receiver="12345热线", action="办结"))
    assert problems(tree) == []
    write(tree, "content/column/2016-009.md", routed(status="已办结", extra="resolved: 2016-06-11\n"))
    assert problems(tree) == []


SOURCE = """sources:
  - type: 电视
    title: 电视问政
    at: {at}
"""


SOURCE_MOMENTS = [
    pytest.param(ENTRY.replace("status:", SOURCE.format(at="12:30") + "    url: https://www.jnnews.tv/v/1.html\nstatus:"), [
        "content/column/2016-009.md:9: 字段 sources[1].at（视频时间点）：时间点“12:30”格式无效。"
        " 请写成 00:12:30 这样的格式（时:分:秒）。"], id="source_moment_is_hh_mm_ss"),
    # YAML 1.1 would read 10:12:30 as a base-60 number.
    pytest.param(ENTRY.replace("status:", SOURCE.format(at="10:12:30") + "    url: https://www.jnnews.tv/v/1.html\nstatus:"), [], id="source_moment_unquoted_stays_a_moment"),
]


@pytest.mark.parametrize("text, expected", SOURCE_MOMENTS)
def test_each_rule_of_a_source_moment(tree, text, expected):
    write(tree, "content/column/2016-009.md", text)
    assert problems(tree) == expected


def test_source_moment_needs_a_video(tree):
    write(tree, "content/column/2016-009.md", ENTRY.replace("status:", SOURCE.format(at="00:12:30") + "status:"))
    assert problems(tree) == [
        "content/column/2016-009.md:9: 来源设有 at（视频时间点），但没有视频网址。 请在该来源中填写 url。"]
    path = tree / "content/inquiry/2016-02.md"  # a session without `video`
    path.write_text(path.read_text(encoding="utf-8").replace(
        "    department: 濟南市房產管理局\n", "    department: 濟南市房產管理局\n    " + SOURCE.format(at="00:12:30").replace("\n  ", "\n      ")),
        encoding="utf-8")
    (tree / "content/column/2016-009.md").unlink()
    assert problems(tree) == [
        "content/inquiry/2016-02.md:12: 来源设有 at（视频时间点），但没有视频网址。 请在该来源中填写 url，或在本期填写 video。"]


@pytest.mark.parametrize("override, message", [
    ({"JIANDU_ROUTING_ORIGINS": []}, "pelicanconf.py:1: JIANDU_ROUTING_ORIGINS 不能为空。"
                                      ' 例如 JIANDU_ROUTING_ORIGINS = ["12345热线", "监督局"]。'),
    ({"JIANDU_MIN_SAMPLE": 0}, "pelicanconf.py:1: JIANDU_MIN_SAMPLE 应为正整数。 例如 JIANDU_MIN_SAMPLE = 5。"),
])
def test_routing_settings_are_checked(tree, override, message):
    out = io.StringIO()
    assert check(CONF, tree, out=out, **override) == 1
    assert out.getvalue().splitlines()[:-1] == [message]


@pytest.mark.parametrize("text", [
    "a: 1\nb: -0\nc: +7\nd: 0101\ne: 1:30\nf: 1.5\ng: yes\nh: True\ni: ~\nj:\nk: null\nl: '1'\nm: \"\"\n"
    "n: 2017-03-05\no: 0x1F\np: 1234567890123456789\nq: [1, true, ~, '', x]\nr: {s: NULL}\n",
    "- 1\n- FALSE\n- Null\n- ! 12\n- &a 1\n",
])
def test_yaml_values_resolve_as_pyyaml_resolves_them(text):
    """The loader's own resolve gives the types PyYAML's general one gives for its resolvers."""
    import yaml
    from yaml.resolver import BaseResolver

    from jiandu.core.source import _Loader, _StrictLoader

    assert None not in _Loader.yaml_implicit_resolvers and not _Loader.yaml_path_resolvers

    class General(_StrictLoader):
        resolve = BaseResolver.resolve

    for loader in (_Loader, _StrictLoader):
        assert yaml.load(text, Loader=loader) == yaml.load(text, Loader=General)
