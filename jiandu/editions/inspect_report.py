"""The self-inspection as an HTML page for staff: counts per finding, every finding with its
place, each department's newest record, and every external link checked. Written under
reports/, which is never published."""

from __future__ import annotations

from pathlib import Path

from jinja2 import Environment, FileSystemLoader

from jiandu.editions.inspect import BLOCKING, Inspection

TEMPLATE = "inspection.html"  # beside this module
OUTCOME_NAMES = {"ok": "正常", "redirect": "已跳转", "dead": "已失效", "loop": "重定向循环",
                 "timeout": "超时", "unreachable": "无法连接", "denied": "拒绝检查", "server": "服务器出错"}


def render_report(inspection: Inspection) -> str:
    env = Environment(loader=FileSystemLoader(Path(__file__).parent), autoescape=True, trim_blocks=True,
                      lstrip_blocks=True)
    template = env.get_template(TEMPLATE)
    aged = sorted((a for a in inspection.departments if a.days is not None),
                  key=lambda a: (-a.days, a.department.id))
    return template.render(r=inspection, aged=aged, BLOCKING=BLOCKING, OUTCOME_NAMES=OUTCOME_NAMES)
