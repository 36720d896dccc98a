"""`invoke publish`: check, build, deploy atomically; a failure leaves the live release intact."""

import io
import os
import shutil
from pathlib import Path

import pytest

from jiandu.build.manifest import write_manifest
from jiandu.commands import deploy as deploy_module
from jiandu.commands.deploy import CURRENT, DeployError, Target, deploy, publish, switch_current
from jiandu.core.settings import DEFAULTS
from tests.support.content import PUBLISHABLE_AS_OF, make_publishable, record, write
from tests.support.project import PROJECT, PUBLISH_CONF
from tests.support.publish import run_here, snapshot
from tests.support.tools import require_command

AS_OF = {"JIANDU_AS_OF": PUBLISHABLE_AS_OF}


@pytest.fixture
def tree(tree):
    return make_publishable(tree)


def live(target: Path) -> Path:
    return (target / CURRENT).resolve()


def run(tree: Path, target, rid: str) -> tuple[int, str]:
    out = io.StringIO()
    status = publish(PUBLISH_CONF, tree, target=str(target), out=out, rid=rid, **AS_OF)
    return status, out.getvalue()


@pytest.fixture
def published(tree, tmp_path):
    """The fixture site published once to a local target."""
    target = tmp_path / "srv"
    status, out = run(tree, target, "r1")
    assert status == 0, out
    return tree, target


def test_publish_builds_with_publishconf_and_switches_current(published):
    tree, target = published
    assert os.readlink(target / CURRENT) == "releases/r1"
    index = (live(target) / "index.html").read_text(encoding="utf-8")
    assert "https://jiandu.example.gov.cn" in index  # publishconf's SITEURL
    assert snapshot(live(target)) == snapshot(tree / "public")


def test_second_publish_replaces_the_release_and_keeps_the_first(published):
    tree, target = published
    page = tree / "content/column/2016-001.md"
    page.write_text(page.read_text(encoding="utf-8").replace("小区门口的早市搬走了", "早市搬走了"),
                    encoding="utf-8")
    assert run(tree, target, "r2")[0] == 0
    assert live(target).name == "r2"
    assert "早市搬走了" in (live(target) / "column/2016-001/index.html").read_text(encoding="utf-8")
    assert (target / "releases/r1/index.html").is_file()


def test_failed_check_leaves_the_live_site_untouched(published):
    tree, target = published
    before = snapshot(target)
    write(tree, "content/column/2016-009.md", record("联系电话13800000000。", title="测试"))
    status, out = run(tree, target, "r2")
    assert status == 1
    assert "发现个人信息（手机号码）" in out and "线上网站保持不变" in out
    assert snapshot(target) == before and live(target).name == "r1"
    assert not (target / "releases/r2").exists()


def test_failed_build_leaves_the_live_site_untouched(published, monkeypatch):
    tree, target = published
    before = snapshot(target)

    def broken_build(*args, **kwargs):
        raise RuntimeError("模板错误")

    monkeypatch.setattr(deploy_module, "build", broken_build)
    status, out = run(tree, target, "r2")
    assert status == 1 and "生成失败" in out
    assert snapshot(target) == before and live(target).name == "r1"


def test_broken_theme_fails_the_real_build_and_changes_nothing(published, tmp_path):
    tree, target = published
    before = snapshot(target)
    theme = tmp_path / "theme"
    shutil.copytree(PROJECT / "theme", theme)
    (theme / "templates/base.html").write_text("{% block %}", encoding="utf-8")
    out = io.StringIO()
    status = publish(PUBLISH_CONF, tree, target=str(target), out=out, rid="r2", THEME=str(theme),
                     **AS_OF)
    assert status == 1 and "生成失败" in out.getvalue()
    assert snapshot(target) == before and live(target).name == "r1"


def test_copy_failing_midway_leaves_no_partial_release(published, monkeypatch):
    tree, target = published
    before = snapshot(target)

    def copy_then_fail(src, dst, **kwargs):
        Path(dst).mkdir(parents=True, exist_ok=True)
        (Path(dst) / "index.html").write_text("半个网站", encoding="utf-8")
        raise OSError("磁盘已满")

    monkeypatch.setattr(deploy_module.shutil, "copytree", copy_then_fail)
    status, out = run(tree, target, "r2")
    assert status == 1 and "磁盘已满" in out
    assert snapshot(target) == before and live(target).name == "r1"
    assert sorted(p.name for p in (target / "releases").iterdir()) == ["r1"]


def test_release_ids_are_never_reused(published):
    tree, target = published
    status, out = run(tree, target, "r1")
    assert status == 1 and "已存在" in out and live(target).name == "r1"


def test_rsync_target(tree, tmp_path):
    require_command("rsync")
    target = tmp_path / "mirror"
    assert run(tree, f"rsync:{target}", "a")[0] == 0
    for file in (tree / "public").rglob("*"):  # as a later build would: same bytes, newer times
        os.utime(file, (file.stat().st_mtime + 100,) * 2)
    deploy(tree / "public", Target.parse(f"rsync:{target}"), "b")
    assert live(target).name == "b"
    assert snapshot(live(target)) == snapshot(tree / "public")
    # Unchanged files are hard links to the previous release: cheap and still complete.
    assert (target / "releases/b/index.html").stat().st_ino == \
        (target / "releases/a/index.html").stat().st_ino


def test_old_releases_are_pruned_but_never_the_live_one(tmp_path):
    site = tmp_path / "site"
    site.mkdir()
    (site / "index.html").write_text("ok", encoding="utf-8")
    write_manifest(site, DEFAULTS)
    target = Target(str(tmp_path / "srv"))
    for rid in ("r1", "r2", "r3", "r4"):
        deploy(site, target, rid)
        deploy_module.prune(target, keep=2)
    assert sorted(p.name for p in (tmp_path / "srv/releases").iterdir()) == ["r3", "r4"]
    switch_current(tmp_path / "srv", "r3")  # rolled back by hand
    deploy(site, target, "r5")
    deploy_module.prune(target, keep=1)
    assert sorted(p.name for p in (tmp_path / "srv/releases").iterdir()) == ["r5"]


def test_a_site_without_manifest_is_refused(tmp_path):
    (tmp_path / "index.html").write_text("ok", encoding="utf-8")
    with pytest.raises(DeployError, match="没有可读的 manifest.json"):
        deploy(tmp_path, Target(str(tmp_path / "srv")), "r1")
    assert not (tmp_path / "srv").exists()


def test_switch_is_a_single_rename_of_a_symlink(tmp_path):
    (tmp_path / "releases/a").mkdir(parents=True)
    (tmp_path / "releases/b").mkdir()
    switch_current(tmp_path, "a")
    switch_current(tmp_path, "b")
    assert os.readlink(tmp_path / CURRENT) == "releases/b"
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


@pytest.mark.parametrize("spec, parsed", [
    ("/srv/jiandu", Target("/srv/jiandu")),
    ("rsync:/srv/jiandu", Target("/srv/jiandu", rsync=True)),
    ("deploy@web1.example.gov.cn:/srv/jiandu", Target("/srv/jiandu", "deploy@web1.example.gov.cn", True)),
])
def test_target_specs(spec, parsed):
    assert Target.parse(spec) == parsed


def test_without_a_target_publish_only_builds(tree):
    out = io.StringIO()
    assert publish(PUBLISH_CONF, tree, target=None, out=out, **AS_OF) == 0
    assert "未部署" in out.getvalue() and (tree / "public/index.html").is_file()


def test_remote_target_commands_run_by_a_local_shell(tree, tmp_path, monkeypatch):
    """The ssh and rsync commands for `host:/path`, executed here instead of on a host."""
    require_command("rsync")
    run_here(monkeypatch)
    target = tmp_path / "srv"
    for rid in ("r1", "r2", "r3"):
        status, out = run(tree, f"deploy@web1:{target}", rid)
        assert status == 0, out
    assert os.readlink(target / CURRENT) == "releases/r3"
    assert "releases/r2" in out  # how to roll back
    assert snapshot(live(target)) == snapshot(tree / "public")
    deploy_module._prune_remote(Target(str(target), "deploy@web1", True), keep=1)
    assert sorted(p.name for p in (target / "releases").iterdir()) == ["r3"]


def test_a_failed_clean_up_does_not_claim_the_old_site_is_live(tree, tmp_path, monkeypatch):
    def broken_prune(target, keep):
        raise OSError("磁盘只读")

    monkeypatch.setattr(deploy_module, "prune", broken_prune)
    status, out = run(tree, tmp_path / "srv", "r1")
    assert status == 0, out
    assert os.readlink(tmp_path / "srv" / CURRENT) == "releases/r1"
    assert "新版本已上线" in out and "保持不变" not in out
