"""Reproducible builds: the same commit built twice, in two different directories, at two different
times, with different time zones, locales, hash seeds and directory listing orders, gives the same
bytes in every output file."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

from jiandu.build.manifest import site_files
from tests.support.git import commit_all, project_files
from tests.support.tools import require_command

HELPER = Path(__file__).parent / "helpers" / "shuffled_build.py"
# Output files that may legitimately differ between builds, by path prefix (none so far).
EXCLUDED: tuple[str, ...] = ()


def make_checkout(target: Path, reverse: bool) -> Path:
    """A git checkout of the fixture project; files created in sorted or reverse order."""
    names = sorted(project_files().items(), reverse=reverse)
    for rel, source in names:
        (target / rel).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, target / rel)
    commit_all(target, "2016-06-30T12:00:00+08:00")
    return target


def faketime() -> list[str]:
    """The prefix that runs a command at another clock time."""
    return [require_command("faketime"), "-f", "@2031-02-03 04:05:06"]


def run_build(checkout: Path, output: Path, seed: int, env: dict, prefix: list[str]) -> None:
    environ = {k: v for k, v in os.environ.items() if k not in ("TZ", "LANG", "LC_ALL", "JIANDU_SITEURL")}
    environ.update(env)
    subprocess.run([*prefix, sys.executable, str(HELPER), str(checkout), str(output), str(seed)],
                   cwd=checkout, env=environ, check=True, capture_output=True, timeout=300)


def test_two_builds_are_byte_identical(tmp_path):
    fake = faketime()
    first = make_checkout(tmp_path / "a" / "checkout", reverse=False)
    second = make_checkout(tmp_path / "elsewhere" / "deeper" / "checkout-2", reverse=True)
    run_build(first, tmp_path / "out-a", seed=1,
              env={"TZ": "Etc/GMT+12", "LC_ALL": "C", "LANG": "C", "PYTHONHASHSEED": "1",
                   # an ASCII locale, as Python sees it without its UTF-8 defaults
                   "PYTHONUTF8": "0", "PYTHONCOERCECLOCALE": "0"}, prefix=fake)
    run_build(second, tmp_path / "out-b", seed=2,
              env={"TZ": "Etc/GMT-14", "LC_ALL": "C.UTF-8", "LANG": "zh_CN.UTF-8", "PYTHONHASHSEED": "2"},
              prefix=[])
    a, b = tmp_path / "out-a", tmp_path / "out-b"
    files_a = [f for f in site_files(a) if not f.startswith(EXCLUDED)]
    files_b = [f for f in site_files(b) if not f.startswith(EXCLUDED)]
    assert files_a == files_b
    assert "manifest.json" in files_a and len(files_a) > 50
    differing = [f for f in files_a if (a / f).read_bytes() != (b / f).read_bytes()]
    assert differing == []
    for checkout in (first, second):  # nothing of the checkout path leaks into the output
        leaked = [f for f in files_a if str(checkout).encode() in (a / f).read_bytes()]
        assert leaked == []


def test_listing_order_really_differs_between_the_two_builds(tmp_path):
    """The shuffling the reproducibility test relies on does change what the build sees."""
    script = ("import os, sys; sys.argv = ['x']; import runpy; "
              f"ns = runpy.run_path({str(HELPER)!r}); "
              "print(ns['_shuffled'](sorted(os.listdir('.')), int(os.environ['SEED'])))")
    for name in "abcdefgh":
        (tmp_path / name).touch()
    orders = {subprocess.run([sys.executable, "-c", script], cwd=tmp_path, env={**os.environ, "SEED": seed},
                             capture_output=True, text=True, check=True).stdout for seed in ("1", "2")}
    assert len(orders) == 2
