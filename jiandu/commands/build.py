"""Entry points behind the invoke tasks: check, build. Each is testable without invoke."""

from __future__ import annotations

import sys
from pathlib import Path

from jiandu.build import manifest as manifests
from jiandu.build.search_index import SearchIndexError
from jiandu.build.summary import run_pelican
from jiandu.content.tree import load_site
from jiandu.core import staging
from jiandu.core.identity import missing_identity
from jiandu.core.problems import ContentError
from jiandu.core.settings import Settings, jiandu_settings
from jiandu.core.staging import LockHeld
from jiandu.core.workers import build_once
from jiandu.editions.permalinks import address_problems


class StagingError(Exception):
    """A fresh build does not hold what its own manifest lists; the output was left as it was."""


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
        site = load_site(settings.root, settings)
        # The same function refuses these in every build (see jiandu/__init__.py).
        problems = address_problems(site, settings.root)
        if problems:
            raise ContentError(problems)
    except ContentError as err:
        print(err.problems.report(), file=out)
        return 1
    print(f"检查通过：{len(site.inquiries)} 期电视问政，{len(site.entries)} 期专栏，"
          f"{len(site.departments)} 个部门。", file=out)
    warn_identity(settings, out)
    return 0


def warn_identity(settings: Settings, out) -> None:
    """The preview and the check only warn about a missing site identity; publishing refuses."""
    missing = missing_identity(settings)
    for problem in missing.sorted():
        print(f"提示：{problem}", file=out)
    if missing:
        print("提示：以上网站标识在发布前必须填写，否则 invoke publish 不会发布；预览不受影响。", file=out)


def build(conf: Path, output: Path, root: Path | None = None, **overrides) -> None:
    """Build into a folder of its own, check it against its manifest, then put it at `output` in
    one atomic step: a failed or killed build leaves `output` as it was, and no reader ever finds
    it missing or half written. Raises LockHeld while another build writes the same `output`."""
    output = output.resolve()
    with staging.hold(staging.output_lock(output)):
        staging.remove_leftovers(output.parent, f".{output.name}.", ".new")
        fresh = staging.fresh_dir(output.parent, f".{output.name}.", ".new")
        try:
            _build_into(conf, fresh, root, overrides)
            staging.replace_dir(fresh, output)
            staging.reached("build:swapped")
        finally:
            staging.remove(fresh)  # the failed build, or the previous tree after the swap


def _build_into(conf: Path, fresh: Path, root: Path | None, overrides: dict) -> None:
    with build_once():
        run_pelican(read_pelican_settings(conf, root, OUTPUT_PATH=str(fresh), **overrides))
    staging.reached("build:built")
    try:
        mismatch = manifests.compare(manifests.planned_files(fresh), manifests.tree_files(fresh))
    except manifests.ManifestError as err:
        raise StagingError(f"生成的网站不完整：{err}") from None
    if mismatch:
        raise StagingError(f"生成的网站与其清单 manifest.json 不符：{mismatch.describe()}。")
    staging.reached("build:verified")


def build_or_report(conf: Path, output: Path, root: Path | None = None, out=sys.stdout,
                    **overrides) -> int:
    """Build; on invalid content print every problem and return 1, leaving `output` as it was."""
    try:
        build(conf, output, root, **overrides)
    except ContentError as err:
        print(err.problems.report(), file=out)
        return 1
    except LockHeld as err:
        print(build_locked_message(output, err), file=out)
        return 1
    except (StagingError, SearchIndexError) as err:
        print(f"{err}未替换 {output}，它保持原样；请重新运行 invoke build。", file=out)
        return 1
    print(f"网站已生成：{output}", file=out)
    warn_identity(jiandu_settings(read_pelican_settings(conf, root, **overrides)), out)
    return 0


def build_locked_message(output: Path, err: LockHeld) -> str:
    return (f"另一个生成正在写入 {output}：{err.holder}。本次未生成，{output} 保持原样；"
            "请等它结束后再运行。")
