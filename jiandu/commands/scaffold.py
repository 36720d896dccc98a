"""`invoke new inquiry|column`: a new record file with every required key explained in Chinese.

Values a person must supply are left empty, so `invoke check` names each one until it is filled.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from jiandu.content.registry import Registry, load_registry
from jiandu.core import routes
from jiandu.core.problems import Problems
from jiandu.core.schema import Invalid, parse_date
from jiandu.core.source import read_markdown
from jiandu.core.vocabulary import CommitmentStatus, EntryStatus, Kind, Level

FILE_RE = re.compile(r"^(\d{4})-(\d{1,3})\.md$")

INQUIRY_TEMPLATE = """\
---
# 标题（必填）：本期节目的标题，例如“{year}年第{number}期电视问政：老旧小区改造”
title:
# 期号（必填）：当年第几期，只写数字
number: {number}
# 日期（必填）：播出日期，格式为 年-月-日
date: {date}
# 视频网址（可选）：只能是白名单内的网站，例如 https://www.jnnews.tv/...
# video:
# 问政环节（必填，至少一个）。每个环节以“- ”开头，可复制增加
segments:
    # 问题（必填）：本环节曝光的问题
  - topic:
    # 责任部门（必填）：部门编号或名称，见 content/departments.yml
    department: {department}
    # 答问人职务（可选）：只写职务，不写姓名
    respondent:
    # 承诺：部门在节目中作出的承诺，可有多条
    commitments:
        # 承诺内容（必填）
      - text:
        # 承诺期限（可选）：年-月-日
        due:
        # 状态（必填）：{commitment_statuses}
        status: {not_started}
        # 核实日期：状态为{kept}时必填
        # checked:
        # 佐证（可选）：专栏稿件如 {evidence_example}，或白名单内的网址
        # evidence:
    # 来源（可选）：本环节在节目视频中的位置。at 写成 时:分:秒，链接会从这一刻开始播放；
    # 不写 url 时使用本期的 video。去掉下面各行开头的“# ”即可启用
    # sources:
    #   - type: 电视
    #     title: 电视问政
    #     date: {date}
    #     at: "00:12:30"
---

在这里写节目内容摘要（Markdown 格式）。不要写出当事人的姓名、电话、身份证号等个人信息。
"""

COLUMN_TEMPLATE = """\
---
# 标题（必填）：本期稿件标题
title:
# 期号（必填）：当年第几期，只写数字
number: {number}
# 日期（必填）：刊发日期，格式为 年-月-日
date: {date}
# 责任部门（必填）：一个或多个部门编号或名称，见 content/departments.yml
departments: [{department}]
# 所在区县（可选）：区县的编号，见 content/departments.yml 中层级为“{district}”的部门
# district:
# 问题类别（可选）：例如 供暖、物业管理
# category:
# 线索来源（可选）：例如 12345热线、读者来信
# source:
# 办理状态（必填）：{entry_statuses}
status: {accepted}
# 办结日期：状态为{closed}时必填，年-月-日
# resolved:
# 跟进的问政环节（可选）：例如 {follow_up_example}
# follow_up:
# 来源（可选）：刊登本件的报纸版面、节目或网页，可有多条；type 为 报纸、电视、网络 或 热线。
# 去掉下面各行开头的“# ”即可启用
# sources:
#   - type: 报纸
#     title: 济南日报
#     date: {date}
#     page: A3
# 流转记录（可选）：案件从 12345热线 或 监督局 交办起，在部门之间的每一步，按日期从早到晚。
# action 为 交办、转办、退回、认领、督办 或 办结；from、to 写部门编号或名称，或 12345热线、监督局
# routing:
#   - date: {date}
#     from: 12345热线
#     to: {department}
#     action: 交办
#     note: 说明（可选）
---

在这里写稿件正文（Markdown 格式）。当事人只写姓氏（如“王女士”），不写电话、身份证号等个人信息。
"""

TEMPLATES = {Kind.INQUIRY: INQUIRY_TEMPLATE, Kind.COLUMN: COLUMN_TEMPLATE}
WORDS = {
    "commitment_statuses": CommitmentStatus.choices(), "not_started": CommitmentStatus.NOT_STARTED,
    "kept": CommitmentStatus.KEPT, "entry_statuses": EntryStatus.choices(),
    "accepted": EntryStatus.ACCEPTED, "closed": EntryStatus.CLOSED, "district": Level.DISTRICT,
}


class ScaffoldError(Exception):
    """A request that cannot be carried out; the message is for staff."""


def today() -> date:
    """Today in the bureau's time zone (scaffolding, unlike a build, may use the clock)."""
    return datetime.now(ZoneInfo("Asia/Shanghai")).date()


def used_numbers(folder: Path, year: int) -> dict[int, Path]:
    """Edition numbers already used in `year`, by file name and by front matter."""
    used: dict[int, Path] = {}
    for file in sorted(folder.glob("*.md")):
        match = FILE_RE.match(file.name)
        if match and int(match.group(1)) == year:
            used[int(match.group(2))] = file
        source = read_markdown(file, file.name, Problems())
        data = source.meta.data if source else None
        if isinstance(data, dict) and isinstance(data.get("number"), int):
            try:
                if parse_date(data.get("date")).year == year:
                    used.setdefault(data["number"], file)
            except Invalid:
                pass
    return used


def new_record(root: Path, kind: str | Kind, on: str | date | None = None, number: int | None = None,
               department: str | None = None, content: str = "content") -> Path:
    """Write a new record file for `kind` and return its path; never overwrites."""
    if kind not in TEMPLATES:
        raise ScaffoldError(f"未知类别“{kind}”。请写 {Kind.INQUIRY}（{Kind.INQUIRY.label}）"
                            f"或 {Kind.COLUMN}（{Kind.COLUMN.short}）。")
    kind = Kind(kind)
    folder = root / content / kind
    day = _date(on)
    used = used_numbers(folder, day.year)
    number = _number(number, used, root)
    dept = _department(root / content / "departments.yml", department) if department else ""
    target = folder / f"{routes.edition_slug(kind, day.year, number)}.md"
    if target.exists():
        raise ScaffoldError(f"文件 {target.relative_to(root)} 已存在，不会覆盖。请换一个期号（--number）。")
    folder.mkdir(parents=True, exist_ok=True)
    examples = {"evidence_example": routes.record_key(Kind.COLUMN, day.year, 1),
                "follow_up_example": routes.segment_key(routes.record_key(Kind.INQUIRY, day.year, 1), "q1")}
    text = TEMPLATES[kind].format(year=day.year, number=number, date=day.isoformat(), department=dept,
                                  **WORDS, **examples)
    with target.open("x", encoding="utf-8") as out:  # "x": fail rather than overwrite in a race
        out.write(text)
    return target


def _date(on) -> date:
    if on is None or on == "":
        return today()
    try:
        return parse_date(on)
    except Invalid as err:
        raise ScaffoldError(f"--date：{err.message}{err.suggestion}") from None


def _number(number, used: dict[int, Path], root: Path) -> int:
    if number is None or number == "":
        return max(used, default=0) + 1
    try:
        number = int(number)
    except ValueError:
        raise ScaffoldError(f"--number 应为整数，实际为“{number}”。") from None
    if number < 1:
        raise ScaffoldError("--number 应不小于 1。")
    if number in used:
        raise ScaffoldError(f"第{number}期已在 {used[number].relative_to(root)} 使用，不会覆盖。"
                            f"下一个可用期号是 {max(used) + 1}。")
    return number


def _department(registry_file: Path, ref: str) -> str:
    problems = Problems()
    registry: Registry = load_registry(registry_file, registry_file.name, problems)
    try:
        return registry.lookup(ref)
    except Invalid as err:
        raise ScaffoldError(f"--department：{err.message}{err.suggestion}") from None
