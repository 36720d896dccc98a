"""invoke tasks: thin wrappers over jiandu.build, which holds the logic and its tests."""

import sys
from pathlib import Path

from invoke import task

ROOT = Path(__file__).parent.resolve()
OUTPUT = ROOT / "output"
CONF = ROOT / "pelicanconf.py"
PUBLISH_CONF = ROOT / "publishconf.py"


@task
def check(c):
    """检查全部内容（Validate every content file and report all problems）."""
    from jiandu.build import check as run_check

    sys.exit(run_check(CONF))


@task
def build(c, output=str(OUTPUT)):
    """生成网站（Build the site into output/; invalid content leaves output/ untouched）."""
    from jiandu.build import build_or_report

    sys.exit(build_or_report(CONF, Path(output)))


@task
def publish(c, output=str(ROOT / "public")):
    """按发布设置生成网站（Build with publishconf.py）."""
    from jiandu.build import build_or_report

    sys.exit(build_or_report(PUBLISH_CONF, Path(output)))


@task
def serve(c, port=8000, host="127.0.0.1"):
    """本地预览，修改内容或主题后自动重建并刷新（Preview with live reload）."""
    from jiandu.serve import serve as run_serve

    run_serve(CONF, OUTPUT, host=host, port=int(port))


@task
def test(c, args=""):
    """Run the whole test suite."""
    c.run(f"{sys.executable} -m pytest {args}", pty=False)


@task(name="regenerate-expected")
def regenerate_expected(c):
    """Rebuild tests/expected/ from the fixture site, on purpose, after an intended change."""
    from jiandu.testing import regenerate_expected_tree

    regenerate_expected_tree(ROOT)
