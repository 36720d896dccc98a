"""`invoke inspect`: build the edition that would be published and inspect it; `invoke publish`
runs the same first and refuses to publish on a missing site identity or a blocking finding.

The edition is built with the given settings (publishconf.py for both tasks) into a temporary
folder, so the inspection sees exactly what readers would get, and nothing is left behind but
the report under reports/ (never published) and the external-link cache beside it.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from jiandu.commands.build import build, read_pelican_settings
from jiandu.content.tree import load_site
from jiandu.core.identity import missing_identity
from jiandu.core.problems import ContentError
from jiandu.core.settings import jiandu_settings
from jiandu.editions.inspect import Inspection, inspect_edition
from jiandu.editions.inspect_report import render_report
from jiandu.site.indexes import build_indexes

REPORTS = "reports"
REPORT_NAME = "inspection.html"
LINK_CACHE = "link-cache.json"


def inspect(conf: Path, root: Path | None = None, out=sys.stdout, offline: bool = False,
            now: float | None = None, **overrides) -> int:
    """Build into a temporary folder, inspect, print plain lines and write the HTML report.
    0 when nothing blocks publishing, 1 otherwise (including invalid content)."""
    root = (root or conf.parent).resolve()
    try:
        inspection = run(conf, root, offline=offline, now=now, **overrides)
    except ContentError as err:
        print(err.problems.report(), file=out)
        print("内容检查未通过，无法自查；请先改正以上问题。", file=out)
        return 1
    except Exception as err:  # a broken theme or plugin: say so, never a traceback
        print(f"生成失败：{type(err).__name__}: {err}\n无法自查。", file=out)
        return 1
    print("\n".join(inspection.lines()), file=out)
    report = root / REPORTS / REPORT_NAME
    report.parent.mkdir(parents=True, exist_ok=True)
    report.write_text(render_report(inspection), encoding="utf-8")
    print(f"报告：{report.relative_to(root)}", file=out)
    return 1 if inspection.blocking else 0


def run(conf: Path, root: Path, offline: bool = False, now: float | None = None, **overrides) -> Inspection:
    settings = jiandu_settings(read_pelican_settings(conf, root, **overrides))
    with tempfile.TemporaryDirectory(prefix="jiandu-inspect-") as temp:
        output = Path(temp) / "site"
        build(conf, output, root, **overrides)
        site = load_site(root, settings)
        return inspect_edition(output, site, build_indexes(site), settings, offline=offline,
                               cache=root / REPORTS / LINK_CACHE, now=now)


def ready_to_publish(conf: Path, root: Path, out=sys.stdout, offline: bool = False, **overrides) -> bool:
    """The gate at the start of `invoke publish`: the site identity is complete and the
    self-inspection finds nothing blocking. Says what is missing or wrong."""
    try:
        settings = jiandu_settings(read_pelican_settings(conf, root, **overrides))
    except ContentError as err:
        print(err.problems.report(), file=out)
        print("设置有误，未发布；线上网站保持不变。", file=out)
        return False
    missing = missing_identity(settings)
    if missing:
        print(missing.report().rsplit("\n", 1)[0], file=out)
        names = "、".join(p.message.removeprefix("缺少网站标识设置 ").rstrip("。") for p in missing.sorted())
        print(f"缺少网站标识：{names}。政府网站须在页脚公开这些信息，未发布；线上网站保持不变。", file=out)
        return False
    if inspect(conf, root, out=out, offline=offline, **overrides):
        print("自查发现阻断问题，未发布；线上网站保持不变。请按报告改正后再发布。", file=out)
        return False
    return True
