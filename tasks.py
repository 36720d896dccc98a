"""invoke tasks: thin wrappers over jiandu.commands.build, which holds the logic and its tests."""

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
    from jiandu.commands.build import check as run_check

    sys.exit(run_check(CONF))


@task
def build(c, output=str(OUTPUT)):
    """生成网站（Build the site into output/; invalid content leaves output/ untouched）."""
    from jiandu.commands.build import build_or_report

    sys.exit(build_or_report(CONF, Path(output)))


@task(help={"target": "部署目标：文件夹、rsync:/路径 或 用户@主机:/路径；默认取 JIANDU_DEPLOY_TARGET",
            "offline": "自查时不检查外部链接（不联网）"})
def publish(c, target="", offline=False):
    """自查、检查、按发布设置生成并原子切换上线（Inspect, check, build with publishconf.py, deploy）."""
    from jiandu.commands.deploy import publish as run_publish

    sys.exit(run_publish(PUBLISH_CONF, ROOT, target=target or None, offline=offline))


@task(help={"offline": "不检查外部链接（不联网）"})
def inspect(c, offline=False):
    """网站自查：栏目更新、空白栏目、链接、网页元数据、撤销部门、网站标识；报告写入 reports/."""
    from jiandu.commands.inspect import inspect as run_inspect

    sys.exit(run_inspect(PUBLISH_CONF, ROOT, offline=offline))


@task(help={"date": "日期，年-月-日（默认今天）", "number": "期号（默认当年下一个）",
            "department": "责任部门编号或名称"})
def new(c, kind, date="", number="", department=""):
    """新建一期电视问政（inquiry）或专栏稿件（column）."""
    from jiandu.commands.scaffold import ScaffoldError, new_record

    try:
        path = new_record(ROOT, kind, on=date or None, number=number or None,
                          department=department or None)
    except ScaffoldError as err:
        print(err, file=sys.stderr)
        sys.exit(1)
    print(f"已新建：{path.relative_to(ROOT)}。请填写各字段后运行 invoke check。")


@task(name="import-feed")
def import_feed(c, source):
    """从 RSS/Atom 订阅导入草稿到 content/drafts/（本地文件或网址）."""
    from jiandu.commands.build import read_pelican_settings
    from jiandu.commands.importer import FeedError
    from jiandu.commands.importer import import_feed as run_import
    from jiandu.core.settings import jiandu_settings

    settings = jiandu_settings(read_pelican_settings(CONF))
    try:
        report = run_import(source, ROOT, settings)
    except FeedError as err:
        print(err, file=sys.stderr)
        sys.exit(1)
    print("\n".join(report.lines()))


@task
def redact(c, path, yes=False):
    """对文件中的个人信息打码（先列出，确认后修改）."""
    from jiandu.commands.build import read_pelican_settings
    from jiandu.commands.redact import redact as run_redact
    from jiandu.core.settings import jiandu_settings

    settings = jiandu_settings(read_pelican_settings(CONF))
    file = Path(path) if Path(path).is_absolute() or Path(path).exists() else ROOT / path
    if not file.is_file():
        sys.exit(f"找不到文件：{path}（路径可以相对于当前目录或项目目录，例如 content/column/2016-001.md）")
    run_redact(file, settings, confirm=lambda q: yes or input(q).strip().lower() in ("y", "yes"))


@task
def serve(c, port=8000, host="127.0.0.1"):
    """本地预览，修改内容或主题后自动重建并刷新（Preview with live reload）."""
    from jiandu.commands.serve import serve as run_serve

    run_serve(CONF, OUTPUT, host=host, port=int(port))


@task
def test(c, args=""):
    """Run the whole test suite."""
    c.run(f"{sys.executable} -m pytest {args}", pty=False)


@task(name="regenerate-expected")
def regenerate_expected(c):
    """Rebuild tests/expected/ from the fixture site, on purpose, after an intended change."""
    from jiandu.commands.testing import regenerate_expected_tree

    regenerate_expected_tree(ROOT)


@task(help={"ref": "要归档的 git 版本（默认 HEAD）"})
def archive(c, ref="HEAD"):
    """归档一个版本：生成 BagIt 包和 WARC 文件，写入 archives/（Package the edition at REF）."""
    from jiandu.editions.archive import archive as run_archive

    sys.exit(run_archive(ROOT, ref))


@task(name="verify-deploy", help={
    "target": "已部署网站的文件夹或网址（如 https://jiandu.example.gov.cn）",
    "manifest": "对照的清单文件（manifest.json）",
    "edition": "对照的归档版本标签（见 archives/editions.json）",
    "ref": "未指定清单或版本时，生成该 git 版本作为对照（默认 HEAD）",
})
def verify_deploy(c, target, manifest=None, edition=None, ref="HEAD"):
    """核对已部署的网站：报告缺少、多出和被改动的文件（Verify a deployed site）."""
    from jiandu.editions.verify import verify_deploy as run_verify

    sys.exit(run_verify(ROOT, target, manifest=manifest, edition=edition, ref=ref))
