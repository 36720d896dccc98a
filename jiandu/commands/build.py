"""Entry points behind the invoke tasks: check, build. Each is testable without invoke."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

from jiandu.content.tree import load_site
from jiandu.core.identity import missing_identity
from jiandu.core.problems import ContentError
from jiandu.core.settings import jiandu_settings
from jiandu.editions.permalinks import last_edition_problems, planned_paths


def read_pelican_settings(conf: Path, root: Path | None = None, **overrides) -> dict:
    """Pelican settings from `conf`, reading content from `root` (default: beside `conf`)."""
    from pelican.settings import read_settings

    root = (root or conf.parent).resolve()
    overrides.setdefault("JIANDU_ROOT", str(root))
    overrides.setdefault("PATH", str(root / "content"))
    return read_settings(str(conf), override=overrides)


def check(conf: Path, root: Path | None = None, out=sys.stdout, **overrides) -> int:
    """Validate the whole content tree; print every problem; return the exit status."""
    try:
        settings = jiandu_settings(read_pelican_settings(conf, root, **overrides))
        site = load_site(Path(settings["JIANDU_ROOT"]), settings)
        # Planning the pages also finds old addresses (aliases) that collide with a page.
        problems = last_edition_problems(site, Path(settings["JIANDU_ROOT"]), planned_paths(site))
        if problems:
            raise ContentError(problems)
    except ContentError as err:
        print(err.problems.report(), file=out)
        return 1
    print(f"检查通过：{len(site.inquiries)} 期电视问政，{len(site.entries)} 期专栏，"
          f"{len(site.departments)} 个部门。", file=out)
    warn_identity(settings, out)
    return 0


def warn_identity(settings: dict, out) -> None:
    """The preview and the check only warn about a missing site identity; publishing refuses."""
    missing = missing_identity(settings)
    for problem in missing.sorted():
        print(f"提示：{problem}", file=out)
    if missing:
        print("提示：以上网站标识在发布前必须填写，否则 invoke publish 不会发布；预览不受影响。", file=out)


def build(conf: Path, output: Path, root: Path | None = None, **overrides) -> None:
    """Build into a fresh folder, then swap it in: a failed build leaves `output` untouched."""
    from pelican import Pelican

    output = output.resolve()
    fresh = output.with_name(f".{output.name}.new")
    shutil.rmtree(fresh, ignore_errors=True)
    settings = read_pelican_settings(conf, root, OUTPUT_PATH=str(fresh), **overrides)
    try:
        Pelican(settings).run()
    except BaseException:
        shutil.rmtree(fresh, ignore_errors=True)
        raise
    swap_in(fresh, output)


def swap_in(fresh: Path, output: Path) -> None:
    old = output.with_name(f".{output.name}.old")
    shutil.rmtree(old, ignore_errors=True)
    if output.exists():
        output.rename(old)
    fresh.rename(output)
    shutil.rmtree(old, ignore_errors=True)


def build_or_report(conf: Path, output: Path, root: Path | None = None, out=sys.stdout,
                    **overrides) -> int:
    """Build; on invalid content print every problem and return 1, leaving `output` as it was."""
    try:
        build(conf, output, root, **overrides)
    except ContentError as err:
        print(err.problems.report(), file=out)
        return 1
    print(f"网站已生成：{output}", file=out)
    warn_identity(jiandu_settings(read_pelican_settings(conf, root, **overrides)), out)
    return 0
