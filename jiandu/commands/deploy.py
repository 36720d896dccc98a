"""`invoke publish`: check, build with publishconf.py, then deploy by an atomic switch.

A target holds `releases/<id>/` (complete copies of the site) and `current`, a symlink to the
live release. A new release is copied into a folder of its own beside the live one, checked file
by file against the site's manifest.json, and only then renamed into place; the switch is one
rename of a new symlink over `current`, and what is then live is checked again before 已发布 is
printed. So readers see the old site or the new one, never a mix; a failure, or a kill between
any two steps, leaves a complete release live.

Two publishes never interleave: a publish holds the lock of its checkout throughout, and the
lock of the target (`.jiandu-deploy.lock` in it) while it copies, checks and switches a release
and while it prunes old ones. A lock that is held is refused at once, naming its holder.

Targets: a local folder, or an rsync destination `[user@]host:/path` (the steps then run over
ssh, and the target lock is flock(1) held by one ssh session). A local path can also be deployed
with rsync (`rsync:/path`), which is what the tests use.
"""

from __future__ import annotations

import os
import re
import secrets
import shlex
import shutil
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from jiandu.build.manifest import FileEntry, ManifestError, compare, planned_files, tree_files
from jiandu.commands.build import StagingError, build, build_locked_message, check
from jiandu.core import staging
from jiandu.core.staging import LockHeld, describe_owner, owner_record

CURRENT = "current"
RELEASES = "releases"
PARTIAL = ".partial"
TARGET_LOCK = ".jiandu-deploy.lock"
CHECKOUT_LOCK = ".jiandu-publish.lock"
RELEASE_ID_RE = re.compile(r"^[0-9A-Za-z][0-9A-Za-z._-]*$")
SSH_TIMEOUT = 300


class DeployError(Exception):
    """Deployment failed before the switch; the live release is unchanged."""


class LiveCheckFailed(DeployError):
    """After the switch, what is live did not match the manifest; the message says what is live now."""


@dataclass(frozen=True)
class Target:
    """Where releases go: `host` is None for this machine."""

    path: str
    host: str | None = None
    rsync: bool = False

    @classmethod
    def parse(cls, spec: str) -> Target:
        if spec.startswith("rsync:"):
            return cls(spec[len("rsync:"):], rsync=True)
        remote = re.match(r"^((?:[\w.-]+@)?[\w.-]+):(/.*)$", spec)
        if remote:
            return cls(remote.group(2), host=remote.group(1), rsync=True)
        return cls(spec)


@dataclass(frozen=True)
class Deployed:
    previous: str | None  # the release that was live before, if any
    files: int  # files checked live against the manifest


def release_id(root: Path) -> str:
    """UTC time of the publish and the commit it was built from; sorts in publish order."""
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")  # deployment metadata, not build output
    try:
        commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=root, capture_output=True,
                                text=True, check=True, timeout=30).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        commit = ""
    return f"{stamp}-{commit}" if commit else stamp


def live_release(target: Target) -> str | None:
    """The id of the release `current` points to, or None."""
    if target.host:
        out = _ssh(target.host, f"readlink {shlex.quote(target.path + '/' + CURRENT)} || true")
        return Path(out.strip()).name or None
    link = Path(target.path) / CURRENT
    return Path(os.readlink(link)).name if link.is_symlink() else None


def deploy(site: Path, target: Target, rid: str) -> Deployed:
    """Copy `site` to releases/<rid>/ on `target`, check the copy against the site's manifest,
    switch `current` to it and check what is then live. Raises LockHeld while another deployment
    holds the target, DeployError when the live release is unchanged, LiveCheckFailed after a
    switch that did not check out (its message says what is live)."""
    if not RELEASE_ID_RE.match(rid):
        raise DeployError(f"发布编号“{rid}”无效。")
    try:
        planned = planned_files(site)
    except ManifestError as err:
        raise DeployError(f"{err}未发布。") from None
    mismatch = compare(planned, tree_files(site))
    if mismatch:
        raise DeployError(f"{site} 与其清单 manifest.json 不符：{mismatch.describe()}。未发布。")
    if target.host:
        return _deploy_remote(site, planned, target, rid)
    return _deploy_local(site, planned, Path(target.path), rid, target.rsync)


def prune(target: Target, keep: int) -> None:
    """Remove releases older than the newest `keep`; the live one is never among them."""
    if target.host:
        with _remote_lock(target.host, target.path.rstrip("/")):
            _prune_remote(target, keep)
    else:
        with staging.hold(Path(target.path) / TARGET_LOCK):
            _prune(Path(target.path), keep)


def _deploy_local(site: Path, planned: dict[str, FileEntry], base: Path, rid: str,
                  use_rsync: bool) -> Deployed:
    with staging.hold(base / TARGET_LOCK):
        releases = base / RELEASES
        releases.mkdir(parents=True, exist_ok=True)
        final = releases / rid
        if os.path.lexists(final):
            raise DeployError(f"发布 {rid} 已存在，未覆盖。")
        staging.remove_leftovers(releases, ".", PARTIAL)  # of deployments killed midway
        staging.remove_leftovers(base, f".{CURRENT}.", "")
        previous = live_release(Target(str(base)))
        partial = staging.fresh_dir(releases, f".{rid}.", PARTIAL)
        try:
            if use_rsync:
                _rsync(site, str(partial), link_dest=_current_dir(base))
            else:
                shutil.copytree(site, partial, symlinks=True, dirs_exist_ok=True)
            staging.reached("deploy:copied")
            mismatch = compare(planned, tree_files(partial))
            if mismatch:
                raise DeployError(f"复制到 {final} 的文件与清单不符：{mismatch.describe()}。未切换。")
            staging.reached("deploy:verified")
            partial.rename(final)
        except BaseException:
            staging.remove(partial)
            raise
        staging.reached("deploy:renamed")
        switch_current(base, rid)
        staging.reached("deploy:switched")
        _check_live(base, rid, planned, previous)
        return Deployed(previous, len(planned))


def switch_current(base: Path, rid: str) -> None:
    """Point `current` at releases/<rid> with one rename: atomic for every reader."""
    temp = base / f".{CURRENT}.{rid}.{secrets.token_hex(4)}"
    os.symlink(f"{RELEASES}/{rid}", temp)
    staging.reached("deploy:linked")
    try:
        os.replace(temp, base / CURRENT)
    except BaseException:
        temp.unlink(missing_ok=True)
        raise


def _check_live(base: Path, rid: str, planned: dict[str, FileEntry], previous: str | None) -> None:
    """Check what readers now get through `current`; on a mismatch, switch back to `previous`."""
    link = base / CURRENT
    pointed = os.readlink(link) if link.is_symlink() else None
    if pointed != f"{RELEASES}/{rid}":
        problem = f"{CURRENT} 指向 {pointed}，而不是 {RELEASES}/{rid}"
    else:
        problem = compare(planned, tree_files(link)).describe()
    if problem:
        if previous:
            switch_current(base, previous)
        raise LiveCheckFailed(_live_check_message(problem, previous))


def _live_check_message(problem: str, previous: str | None) -> str:
    if previous:
        return f"切换后核对线上网站不符：{problem}。已切回上一版 {RELEASES}/{previous}。"
    return f"切换后核对线上网站不符：{problem}。没有可切回的上一版，请管理员检查服务器。"


def _current_dir(base: Path) -> Path | None:
    link = base / CURRENT
    return link.resolve() if link.is_symlink() and link.resolve().is_dir() else None


def _prune(base: Path, keep: int) -> None:
    """Remove the oldest releases beyond `keep`; never the live one."""
    live = _current_dir(base)
    releases = sorted(p for p in (base / RELEASES).iterdir() if p.is_dir() and not p.name.startswith("."))
    for old in releases[: max(0, len(releases) - keep)]:
        if live is None or old.resolve() != live:
            shutil.rmtree(old)


def _deploy_remote(site: Path, planned: dict[str, FileEntry], target: Target, rid: str) -> Deployed:
    host, base, q = target.host, target.path.rstrip("/"), shlex.quote
    releases, final = f"{base}/{RELEASES}", f"{base}/{RELEASES}/{rid}"
    partial = f"{releases}/.{rid}.{secrets.token_hex(6)}{PARTIAL}"
    with _remote_lock(host, base):
        state = _ssh(host, f"mkdir -p {q(releases)} && if [ -e {q(final)} ] || [ -L {q(final)} ]; "
                           f"then echo exists; exit 0; fi; rm -rf -- {q(releases)}/.*{PARTIAL} "
                           f"{q(base)}/.{CURRENT}.*; echo ready; readlink {q(base + '/' + CURRENT)} || true")
        lines = state.splitlines()
        if lines[:1] == ["exists"]:
            raise DeployError(f"发布 {rid} 已存在，未覆盖。")
        previous = Path(lines[1]).name if len(lines) > 1 and lines[1] else None
        try:
            _rsync(site, f"{host}:{partial}", link_dest=None, remote_link_dest=f"{base}/{CURRENT}")
            mismatch = compare(planned, _remote_files(host, partial))
            if mismatch:
                raise DeployError(f"复制到 {host}:{final} 的文件与清单不符：{mismatch.describe()}。未切换。")
            _ssh(host, f"mv {q(partial)} {q(final)}")
        except BaseException:
            with suppress(DeployError, OSError, subprocess.SubprocessError):
                _ssh(host, f"rm -rf -- {q(partial)}")
            raise
        _ssh(host, _switch_command(base, rid))
        pointed = _ssh(host, f"readlink {q(base + '/' + CURRENT)} || true").strip()
        if pointed != f"{RELEASES}/{rid}":
            problem = f"{CURRENT} 指向 {pointed}，而不是 {RELEASES}/{rid}"
        else:
            problem = compare(planned, _remote_files(host, f"{base}/{CURRENT}")).describe()
        if problem:
            if previous:
                _ssh(host, _switch_command(base, previous))
            raise LiveCheckFailed(_live_check_message(problem, previous))
        return Deployed(previous, len(planned))


def _switch_command(base: str, rid: str) -> str:
    q = shlex.quote
    temp = f"{base}/.{CURRENT}.{rid}.{secrets.token_hex(4)}"
    return f"ln -s {q(RELEASES + '/' + rid)} {q(temp)} && mv -T {q(temp)} {q(base + '/' + CURRENT)}"


def _remote_files(host: str, folder: str) -> dict[str, FileEntry]:
    """Every file under `folder` on `host` with its SHA-256 (size -1: the hash stands for it)."""
    out = _ssh(host, f"cd {shlex.quote(folder)} && find . -type f -exec sha256sum -- {{}} +")
    files = {}
    for line in out.splitlines():
        escaped = line.startswith("\\")  # sha256sum escaped a backslash or newline in the name
        digest, name = line[escaped:escaped + 64], line[escaped + 66:]
        if escaped:
            name = re.sub(r"\\(.)", lambda m: "\n" if m.group(1) == "n" else m.group(1), name)
        path = name.removeprefix("./")
        files[path] = FileEntry(path, digest, -1)
    return files


@contextmanager
def _remote_lock(host: str, base: str) -> Iterator[None]:
    """Hold the target lock on `host` (flock(1) on the same file a local deployment locks) for as
    long as one ssh session lives: if this process dies, the session ends and the lock is free."""
    q, lock = shlex.quote, f"{base}/{TARGET_LOCK}"
    script = (f"command -v flock >/dev/null || {{ echo noflock; exit 0; }}; mkdir -p {q(base)} && "
              f"exec 9<>{q(lock)} || exit 1; "
              f"if ! flock -n 9; then echo held; cat {q(lock)}; exit 0; fi; "
              f"printf '%s\\n' {q(owner_record())} > {q(lock)}; echo locked; cat >/dev/null; : > {q(lock)}")
    session = subprocess.Popen(_ssh_command(host, script), stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True)
    try:
        answer = session.stdout.readline().strip()
        if answer == "held":
            raise LockHeld(f"{host}:{lock}", describe_owner(session.stdout.read().strip()))
        if answer == "noflock":
            raise DeployError(f"{host} 上找不到 flock 命令（Debian：apt-get install util-linux），"
                              "无法加锁，未部署。")
        if answer != "locked":
            session.stdin.close()
            raise DeployError(f"ssh {host} 失败：{session.stderr.read().strip()}")
        yield
    finally:
        _end(session)


def _end(session: subprocess.Popen) -> None:
    if not session.stdin.closed:
        session.stdin.close()
    try:
        session.wait(timeout=30)
    except subprocess.TimeoutExpired:
        session.kill()
        session.wait()


def _prune_remote(target: Target, keep: int) -> None:
    base = shlex.quote(target.path.rstrip("/"))
    _ssh(target.host, f"cd {base} && live=$(readlink {CURRENT}) && cd {RELEASES} && "
                      f"for r in $(ls -1 | grep -v '^\\.' | sort | head -n -{int(keep)}); do "
                      f'[ "{RELEASES}/$r" = "$live" ] || rm -rf -- "$r"; done')


def _rsync(site: Path, dest: str, link_dest: Path | None, remote_link_dest: str | None = None) -> None:
    if shutil.which("rsync") is None:
        raise DeployError("找不到 rsync。请安装（Debian：apt-get install rsync）。")
    # Compare by checksum, not time: every build writes fresh files, so times always differ.
    cmd = ["rsync", "--recursive", "--links", "--perms", "--checksum", "--delete"]
    if link_dest or remote_link_dest:  # unchanged files become hard links to the live release
        cmd.append(f"--link-dest={link_dest or remote_link_dest}")
    result = subprocess.run([*cmd, f"{site}/", f"{dest}/"], capture_output=True, text=True)
    if result.returncode:
        raise DeployError(f"rsync 失败（{result.returncode}）：{result.stderr.strip()}")


def _ssh_command(host: str, command: str) -> list[str]:
    return ["ssh", "-o", "BatchMode=yes", "-o", "ConnectTimeout=30", host, command]


def _ssh(host: str, command: str) -> str:
    result = subprocess.run(_ssh_command(host, command), capture_output=True, text=True, timeout=SSH_TIMEOUT)
    if result.returncode:
        raise DeployError(f"ssh {host} 失败：{result.stderr.strip()}")
    return result.stdout


def publish(conf: Path, root: Path | None = None, target: str | None = None, out=sys.stdout,
            rid: str | None = None, offline: bool = False, **overrides) -> int:
    """Check, build into a fresh folder, deploy atomically. 0 on success; else the live site is as
    it was. `target` defaults to the JIANDU_DEPLOY_TARGET setting. Holds the checkout's lock.
    `offline` skips the external links in the self-inspection that comes first."""
    root = (root or conf.parent).resolve()
    try:
        with staging.hold(root / CHECKOUT_LOCK):
            return _publish(conf, root, target, out, rid, offline, overrides)
    except LockHeld as err:  # _publish answers every other lock itself
        print(f"本目录中另一个发布正在进行：{err.holder}。本次未发布，线上网站保持不变；"
              "请等它结束后再运行 invoke publish。", file=out)
        return 1


def _publish(conf: Path, root: Path, target: str | None, out, rid: str | None, offline: bool,
             overrides: dict) -> int:
    from jiandu.commands.build import read_pelican_settings
    from jiandu.commands.inspect import ready_to_publish
    from jiandu.core.problems import ContentError
    from jiandu.core.settings import jiandu_settings

    if not ready_to_publish(conf, root, out=out, offline=offline, **overrides):
        return 1
    if check(conf, root, out=out, **overrides):
        print("检查未通过，未发布；线上网站保持不变。", file=out)
        return 1
    settings = jiandu_settings(read_pelican_settings(conf, root, **overrides))
    target = target or settings.deploy_target
    staged = root / "public"
    try:
        build(conf, staged, root, **overrides)
    except ContentError as err:
        print(err.problems.report(), file=out)
        print("生成失败，未发布；线上网站保持不变。", file=out)
        return 1
    except LockHeld as err:
        print(f"{build_locked_message(staged, err)}未发布，线上网站保持不变。", file=out)
        return 1
    except StagingError as err:
        print(f"{err}未发布，线上网站保持不变。", file=out)
        return 1
    except Exception as err:  # a broken theme or plugin: report it, never deploy
        print(f"生成失败：{type(err).__name__}: {err}\n未发布；线上网站保持不变。", file=out)
        return 1
    if not target:
        print(f"网站已生成：{staged}（未设置 JIANDU_DEPLOY_TARGET，未部署）。", file=out)
        return 0
    rid = rid or release_id(root)
    parsed = Target.parse(str(target))
    try:
        deployed = deploy(staged, parsed, rid)
    except LockHeld as err:
        print(f"另一个发布正在部署到 {target}：{err.holder}。本次未部署，线上网站保持不变；"
              "请等它结束后再运行 invoke publish。", file=out)
        return 1
    except LiveCheckFailed as err:
        print(f"部署失败：{err}", file=out)
        return 1
    except (DeployError, OSError, subprocess.SubprocessError) as err:
        print(f"部署失败：{err}\n线上网站保持不变。", file=out)
        return 1
    print(f"已发布：{target} 的 {CURRENT} 现在指向 {RELEASES}/{rid}，"
          f"线上的 {deployed.files} 个文件已按清单逐一核对。", file=out)
    _prune_after(parsed, settings.keep_releases, out)
    if deployed.previous:
        print(f"如需退回上一版：在 {parsed.path} 中运行 "
              f"ln -sfn {RELEASES}/{deployed.previous} {CURRENT}.tmp && mv -T {CURRENT}.tmp {CURRENT}",
              file=out)
    return 0


def _prune_after(target: Target, keep: int, out) -> None:
    """Prune after a publish; the new site is live whatever happens here."""
    try:
        prune(target, keep)
    except LockHeld as err:
        print(f"提示：另一个发布正在进行（{err.holder}），本次未清理旧版本；新版本已上线。", file=out)
    except (DeployError, OSError, subprocess.SubprocessError) as err:
        print(f"提示：清理旧版本失败（{err}），新版本已上线；请稍后手工删除 {RELEASES}/ 中的旧版本。",
              file=out)
