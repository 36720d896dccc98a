"""Publish and build are all or nothing: two runs at once, a kill between any two steps, a staged
site that differs from its manifest, a lost address. Races and kills use real processes
(tests/helpers/stepped.py), which stop or die at the named steps of jiandu.core.staging.reached."""

import io
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

import pytest

import jiandu
from jiandu.build.manifest import compare, planned_files, tree_files
from jiandu.commands import deploy as deploy_module
from jiandu.commands.build import build_or_report, check
from jiandu.commands.deploy import CURRENT, RELEASES, TARGET_LOCK, DeployError, Target, deploy, publish
from jiandu.commands.testing import FIXTURE, FIXTURE_SETTINGS, build_fixture_site
from jiandu.core import staging
from jiandu.core.staging import LockHeld, describe_owner
from tests.support.content import PUBLISHABLE_AS_OF, make_publishable
from tests.support.project import CONF, PROJECT, PUBLISH_CONF
from tests.support.publish import archive_edition, line_in, run_here, snapshot
from tests.support.tools import require_command

HELPER = Path(__file__).parent / "helpers" / "stepped.py"
FAST = FIXTURE_SETTINGS  # as build_fixture_site builds the fixture
PUBLISH = {**FAST, "JIANDU_AS_OF": PUBLISHABLE_AS_OF}  # past publish's self-inspection (see `tree`)


@pytest.fixture
def tree(tree):
    return make_publishable(tree)


REFUSED_PUBLISH = "本目录中另一个发布正在进行："
REFUSED_BUILD = "另一个生成正在写入 "


# Processes

class Run:
    """A helper process; `status` and `out` once it has ended."""

    def __init__(self, spec: dict):
        self.proc = subprocess.Popen([sys.executable, str(HELPER), json.dumps(spec)], cwd=PROJECT,
                                     stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        self.pid = self.proc.pid
        self.status: int | None = None
        self.out = ""

    def finish(self, timeout: float = 240) -> "Run":
        try:
            self.out, _ = self.proc.communicate(timeout=timeout)
        finally:
            if self.proc.poll() is None:
                self.proc.kill()
                self.proc.wait()
        self.status = self.proc.returncode
        return self


@contextmanager
def paused_at(step: str, spec: dict, tmp_path: Path):
    """A helper process stopped at `step`, holding whatever locks it holds there; it runs on to
    its end when the block ends."""
    marker = tmp_path / f"pause-{step.replace(':', '-')}"
    run = Run({**spec, "step": step, "action": "pause", "marker": str(marker)})
    try:
        deadline = time.monotonic() + 180
        while not Path(f"{marker}.reached").exists():
            if run.proc.poll() is not None or time.monotonic() > deadline:
                run.finish()
                pytest.fail(f"the helper did not reach {step}: {run.out}")
            time.sleep(0.05)
        yield run
    finally:
        Path(f"{marker}.go").touch()
        run.finish()


def killed_at(step: str, spec: dict) -> Run:
    run = Run({**spec, "step": step, "action": "kill"}).finish()
    assert run.status == -signal.SIGKILL, run.out
    return run


def publish_spec(root: Path, target: Path, rid: str) -> dict:
    return {"run": "publish", "conf": str(PUBLISH_CONF), "root": str(root), "target": str(target),
            "rid": rid, "overrides": PUBLISH}


def build_spec(root: Path, output: Path) -> dict:
    return {"run": "build", "conf": str(CONF), "root": str(root), "output": str(output), "overrides": FAST}


# What readers would see

def assert_whole(site: Path) -> None:
    """Every file the site's manifest lists, with its hash and size, and nothing else."""
    assert not compare(planned_files(site), tree_files(site)), compare(planned_files(site), tree_files(site))


def live(target: Path) -> Path:
    return (target / CURRENT).resolve()


def leftovers(folder: Path, prefix: str) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.startswith(prefix) and not p.name.endswith(".lock"))


def current_umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


@pytest.fixture(scope="module")
def two_sites(tmp_path_factory) -> tuple[Path, Path, Path]:
    """The fixture site, and a second edition of it with one title changed (and its content root)."""
    base = tmp_path_factory.mktemp("editions")
    first = build_fixture_site(PROJECT, base / "a")
    root = base / "b-root"
    shutil.copytree(PROJECT / FIXTURE / "content", root / "content")
    entry = root / "content/column/2016-001.md"
    entry.write_text(entry.read_text(encoding="utf-8").replace("小区门口的早市搬走了", "早市搬走了"),
                     encoding="utf-8")
    second = build_fixture_site(PROJECT, base / "b", root=root)
    assert snapshot(first) != snapshot(second)
    return first, second, root


# Two publishes, two builds

def test_a_second_publish_from_the_same_checkout_is_refused_naming_the_first(tree, tmp_path):
    target = tmp_path / "srv"
    with paused_at("deploy:copied", publish_spec(tree, target, "r1"), tmp_path) as first:
        out = io.StringIO()
        assert publish(PUBLISH_CONF, tree, target=str(target), out=out, rid="r2", **PUBLISH) == 1
        assert out.getvalue().startswith(f"{REFUSED_PUBLISH}进程 {first.pid}（"), out.getvalue()
        assert out.getvalue().rstrip().endswith("本次未发布，线上网站保持不变；请等它结束后再运行 invoke publish。")
        assert not (target / CURRENT).exists()  # nothing is live until the first one switches
    assert first.status == 0 and "已发布" in first.out, first.out
    assert live(target).name == "r1" and sorted(os.listdir(target / RELEASES)) == ["r1"]
    assert_whole(live(target))
    assert snapshot(live(target)) == snapshot(tree / "public")
    assert live(target).stat().st_mode & 0o777 == 0o777 & ~current_umask()  # readable as the umask allows


def test_a_publish_from_another_checkout_is_refused_by_the_target_lock(tree, tmp_path):
    target, other = tmp_path / "srv", tmp_path / "other"
    shutil.copytree(tree / "content", other / "content")
    with paused_at("deploy:verified", publish_spec(tree, target, "r1"), tmp_path) as first:
        out = io.StringIO()
        assert publish(PUBLISH_CONF, other, target=str(target), out=out, rid="r2", **PUBLISH) == 1
        assert f"另一个发布正在部署到 {target}：进程 {first.pid}（" in out.getvalue(), out.getvalue()
        assert "本次未部署，线上网站保持不变" in out.getvalue() and "已发布" not in out.getvalue()
    assert first.status == 0, first.out
    assert live(target).name == "r1" and sorted(os.listdir(target / RELEASES)) == ["r1"]
    assert_whole(live(target))


def test_publishes_racing_from_one_checkout_never_report_a_partial_site(tree, tmp_path):
    target = tmp_path / "srv"
    runs = [Run(publish_spec(tree, target, rid)) for rid in ("r1", "r2")]
    for run in runs:
        run.finish()
    published = []
    for rid, run in zip(("r1", "r2"), runs, strict=True):
        if run.status == 0:
            assert f"已发布：{target} 的 {CURRENT} 现在指向 {RELEASES}/{rid}" in run.out, run.out
            published.append(rid)
        else:
            assert run.status == 1 and REFUSED_PUBLISH in run.out and "Traceback" not in run.out, run.out
    assert published and live(target).name in published
    assert sorted(os.listdir(target / RELEASES)) == published  # no half-copied release left
    for rid in published:
        assert_whole(target / RELEASES / rid)


def test_a_second_build_into_the_same_output_is_refused_naming_the_first(tree, tmp_path):
    output = tmp_path / "out"
    with paused_at("build:built", build_spec(tree, output), tmp_path) as first:
        out = io.StringIO()
        assert build_or_report(CONF, output, tree, out=out, **FAST) == 1
        assert out.getvalue() == (f"{REFUSED_BUILD}{output}：{describe_owner(lock_record(output))}。"
                                  f"本次未生成，{output} 保持原样；请等它结束后再运行。\n")
        assert f"进程 {first.pid}（" in out.getvalue()
        assert not output.exists()
    assert first.status == 0, first.out
    assert_whole(output)
    assert leftovers(tmp_path, ".out") == []


def lock_record(output: Path) -> str:
    return (output.parent / f".{output.name}.lock").read_text(encoding="utf-8").strip()


def test_builds_racing_into_one_output_end_with_one_whole_site(tree, tmp_path):
    output = tmp_path / "out"
    runs = [Run(build_spec(tree, output)) for _ in range(2)]
    for run in runs:
        run.finish()
        assert run.status == 0 and "网站已生成" in run.out or run.status == 1 and REFUSED_BUILD in run.out, run.out
        assert "Traceback" not in run.out
    assert 0 in [run.status for run in runs]
    assert_whole(output)
    assert (output / "manifest.json").is_file()
    assert leftovers(tmp_path, ".out") == []


# A kill between any two steps

DEPLOY_STEPS = ["deploy:copied", "deploy:verified", "deploy:renamed", "deploy:linked", "deploy:switched"]


@pytest.mark.parametrize("step", DEPLOY_STEPS)
def test_a_deployment_killed_at_any_step_leaves_one_whole_release_live(two_sites, tmp_path, step):
    first, second, _ = two_sites
    target = tmp_path / "srv"
    deploy(first, Target(str(target)), "r1")
    killed_at(step, {"run": "deploy", "site": str(second), "target": str(target), "rid": "r2"})
    assert_whole(live(target))
    assert snapshot(live(target)) == snapshot(second if step == "deploy:switched" else first)
    # The next deployment clears what the killed one left behind, and goes live whole.
    deploy(second, Target(str(target)), "r3")
    assert live(target).name == "r3" and snapshot(live(target)) == snapshot(second)
    assert leftovers(target / RELEASES, ".") == [] and leftovers(target, f".{CURRENT}.") == []


BUILD_STEPS = ["build:built", "build:verified", "build:swapped"]


@pytest.mark.parametrize("step", BUILD_STEPS)
def test_a_build_killed_at_any_step_leaves_the_output_whole(two_sites, tmp_path, step):
    first, second, second_root = two_sites
    output = tmp_path / "out"
    shutil.copytree(first, output)
    killed_at(step, build_spec(second_root, output))
    assert_whole(output)
    assert snapshot(output) == snapshot(second if step == "build:swapped" else first)
    out = io.StringIO()
    assert build_or_report(CONF, output, second_root, out=out, **FAST) == 0, out.getvalue()
    assert snapshot(output) == snapshot(second)
    assert leftovers(tmp_path, ".out") == []


@pytest.mark.parametrize("where", ["gathering", "word lists"])
def test_a_search_index_that_fails_beside_the_pages_leaves_the_output_as_it_was(two_sites, tmp_path, monkeypatch,
                                                                                 where):
    """The search documents are worked out in a page worker (core/workers.py run_split_beside);
    a failure there, or in the word lists after the pages, stops the build before the swap."""
    from jiandu.build import search_index

    first, _, second_root = two_sites
    output = tmp_path / "out"
    shutil.copytree(first, output)
    monkeypatch.setenv("JIANDU_WORKERS", "2")
    if where == "gathering":
        here, characters = os.getpid(), search_index.han_characters

        def fail_in_a_worker(words):
            if os.getpid() != here:
                raise search_index.SearchIndexError("测试：搜索索引在工作进程中出错。")
            return characters(words)
        monkeypatch.setattr(search_index, "han_characters", fail_in_a_worker)
    else:
        monkeypatch.setattr(search_index, "MAX_PAGES", 1)
    out = io.StringIO()
    assert build_or_report(CONF, output, second_root, out=out, **{**FAST, "JIANDU_SEARCH": True}) == 1
    message = "测试：搜索索引在工作进程中出错。" if where == "gathering" else "搜索索引过大"
    assert message in out.getvalue() and "保持原样" in out.getvalue()
    assert snapshot(output) == snapshot(first)
    assert leftovers(tmp_path, ".out") == []


def test_the_swap_is_an_atomic_exchange_here(tmp_path, monkeypatch):
    """The kills above cannot fall between two renames only where the kernel exchanges names."""
    if not sys.platform.startswith("linux"):
        pytest.skip("renameat2 is Linux only; elsewhere the swap is three renames")
    exchanges = []
    real_exchange = staging._exchange
    monkeypatch.setattr(staging, "_exchange", lambda a, b: exchanges.append(real_exchange(a, b)) or exchanges[-1])
    fresh, output = tmp_path / ".out.x.new", tmp_path / "out"
    fresh.mkdir()
    output.mkdir()
    (fresh / "new.html").write_text("new", encoding="utf-8")
    (output / "old.html").write_text("old", encoding="utf-8")
    staging.replace_dir(fresh, output)
    assert exchanges == [True]
    assert os.listdir(output) == ["new.html"] and os.listdir(fresh) == ["old.html"]


def test_without_an_atomic_exchange_the_swap_still_replaces_the_output(two_sites, tmp_path, monkeypatch):
    first, second, second_root = two_sites
    monkeypatch.setattr(staging, "_exchange", lambda a, b: False)
    output = tmp_path / "out"
    shutil.copytree(first, output)
    assert build_or_report(CONF, output, second_root, out=io.StringIO(), **FAST) == 0
    assert snapshot(output) == snapshot(second) and leftovers(tmp_path, ".out") == []


# A staged site is checked against its own manifest

def missing(site: Path) -> None:
    (site / "column/2016-001/index.html").unlink()


def altered(site: Path) -> None:
    (site / "index.html").write_text("<p>被篡改的首页</p>", encoding="utf-8")


def stray(site: Path) -> None:
    (site / "column/stray.html").write_text("<a href='https://spam.example.com/'>x</a>", encoding="utf-8")


@pytest.mark.parametrize("damage, message", [
    (missing, "缺少 1 个文件（column/2016-001/index.html）"),
    (altered, "内容不符 1 个文件（index.html）"),
    (stray, "多出 1 个文件（column/stray.html）"),
])
def test_a_staged_site_that_differs_from_its_manifest_is_refused(two_sites, tmp_path, damage, message):
    first, _, _ = two_sites
    site, target = tmp_path / "site", tmp_path / "srv"
    shutil.copytree(first, site)
    deploy(first, Target(str(target)), "r1")
    before = snapshot(target)
    damage(site)
    with pytest.raises(DeployError) as refused:
        deploy(site, Target(str(target)), "r2")
    assert str(refused.value) == f"{site} 与其清单 manifest.json 不符：{message}。未发布。"
    assert snapshot(target) == before and live(target).name == "r1"


def test_a_copy_that_differs_from_the_manifest_is_not_switched_live(tree, tmp_path, monkeypatch):
    target = tmp_path / "srv"
    real_copytree = shutil.copytree

    def copy_losing_a_file(src, dst, *args, **kwargs):
        real_copytree(src, dst, *args, **kwargs)
        if not args:  # the top call, not copytree's own recursion
            (Path(dst) / "feed.atom").unlink()

    monkeypatch.setattr(deploy_module.shutil, "copytree", copy_losing_a_file)
    out = io.StringIO()
    assert publish(PUBLISH_CONF, tree, target=str(target), out=out, rid="r1", **PUBLISH) == 1
    assert (f"部署失败：复制到 {target / RELEASES / 'r1'} 的文件与清单不符：缺少 1 个文件（feed.atom）。未切换。\n"
            "线上网站保持不变。") in out.getvalue()
    assert "已发布" not in out.getvalue()
    assert not (target / CURRENT).exists() and os.listdir(target / RELEASES) == []


@pytest.mark.parametrize("before_the_manifest", [False, True])
def test_a_build_whose_files_differ_from_its_manifest_is_not_swapped_in(tree, tmp_path, monkeypatch,
                                                                       before_the_manifest):
    """A page changed on disk after it was written, after the manifest or before it: the manifest
    lists what the build wrote (hashed from its bytes), and the check reads what the disk holds."""
    output = tmp_path / "out"
    output.mkdir()
    (output / "live.html").write_text("previous site", encoding="utf-8")

    def changed_on_disk(folder: Path, settings: dict) -> None:
        (folder / "index.html").write_text("changed after it was written", encoding="utf-8")

    steps = [changed_on_disk, *jiandu.FINALIZE_STEPS] if before_the_manifest else [*jiandu.FINALIZE_STEPS, changed_on_disk]
    monkeypatch.setattr(jiandu, "FINALIZE_STEPS", steps)
    out = io.StringIO()
    assert build_or_report(CONF, output, tree, out=out, **FAST) == 1
    assert out.getvalue() == (f"生成的网站与其清单 manifest.json 不符：内容不符 1 个文件（index.html）。"
                              f"未替换 {output}，它保持原样；请重新运行 invoke build。\n")
    assert os.listdir(output) == ["live.html"] and leftovers(tmp_path, ".out") == []


def test_published_is_said_only_after_checking_what_is_live(tree, tmp_path, monkeypatch):
    target = tmp_path / "srv"
    assert publish(PUBLISH_CONF, tree, target=str(target), out=io.StringIO(), rid="r1", **PUBLISH) == 0
    real_tree_files = deploy_module.tree_files

    def seen_through_current(root: Path):  # as if a file vanished from the live folder
        files = real_tree_files(root)
        if root.name == CURRENT:
            del files["index.html"]
        return files

    monkeypatch.setattr(deploy_module, "tree_files", seen_through_current)
    out = io.StringIO()
    assert publish(PUBLISH_CONF, tree, target=str(target), out=out, rid="r2", **PUBLISH) == 1
    assert "部署失败：切换后核对线上网站不符：缺少 1 个文件（index.html）。已切回上一版 releases/r1。" in out.getvalue()
    assert "已发布" not in out.getvalue()
    assert os.readlink(target / CURRENT) == "releases/r1"


# Locks

def test_the_target_lock_is_one_for_local_and_ssh_deployments(two_sites, tmp_path, monkeypatch):
    require_command("rsync")
    run_here(monkeypatch)
    first, _, _ = two_sites
    target = tmp_path / "srv"
    local, remote = Target(str(target)), Target(str(target), "deploy@web1", rsync=True)
    with deploy_module._remote_lock("deploy@web1", str(target)):
        with pytest.raises(LockHeld) as held:
            deploy(first, local, "r1")
        assert held.value.holder.startswith(f"进程 {os.getpid()}（")
    with staging.hold(target / TARGET_LOCK):
        with pytest.raises(LockHeld) as held:
            deploy(first, remote, "r1")
        assert held.value.holder.startswith(f"进程 {os.getpid()}（")
    assert not (target / CURRENT).exists()
    deploy(first, remote, "r1")  # both released
    assert_whole(live(target))


def test_a_lock_file_without_a_holder_record_still_gives_a_message():
    assert describe_owner("") == describe_owner("{half") == "另一个进程（尚未写明身份）"


# Build refuses what check refuses

def test_build_refuses_a_lost_address_with_the_message_of_check(tree, tmp_path, fixture_site):
    _, name = archive_edition(tree, fixture_site / "manifest.json")
    entry = tree / "content/column/2016-005.md"
    entry.write_text(entry.read_text(encoding="utf-8").replace("number: 5\n", "number: 6\n"), encoding="utf-8")
    checked, built = io.StringIO(), io.StringIO()
    assert check(CONF, tree, out=checked, **FAST) == 1
    assert build_or_report(CONF, tmp_path / "out", tree, out=built, **FAST) == 1
    line = line_in(tree / "archives" / name, '"column/2016-005/index.html"')
    assert built.getvalue().startswith(f"archives/{name}:{line}: 网址 /column/2016-005/ 在上一归档版本")
    assert built.getvalue() == checked.getvalue()
    assert not (tmp_path / "out").exists()


def test_the_guide_explains_every_publish_and_build_message():
    guide = (PROJECT / "docs/编辑指南.md").read_text(encoding="utf-8")
    for phrase in (REFUSED_PUBLISH, "另一个发布正在部署到", REFUSED_BUILD.strip(),
                   "生成的网站与其清单 manifest.json 不符", "与其清单 manifest.json 不符：…。未发布。",
                   "中没有可读的 manifest.json", "部署失败：复制到", "切换后核对线上网站不符",
                   "本次未清理旧版本", "已按清单逐一核对", "`invoke build` 也不会生成"):
        assert phrase in guide, phrase
