"""`invoke publish`: check, build with publishconf.py, then deploy by an atomic switch.

A target holds `releases/<id>/` (complete copies of the site) and `current`, a symlink to the
live release. A new release is written beside the live one, under a temporary name, and only a
complete copy is renamed into place; the switch is one rename of a new symlink over `current`.
So readers see the old site or the new one, never a mix, and any failure before the switch
leaves the live site exactly as it was.

Targets: a local folder, or an rsync destination `[user@]host:/path` (the switch then runs over
ssh). A local path can also be deployed with rsync (`rsync:/path`), which is what the tests use.
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import sys
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from jiandu.commands.build import build, check

CURRENT = "current"
RELEASES = "releases"
RELEASE_ID_RE = re.compile(r"^[0-9A-Za-z][0-9A-Za-z._-]*$")


class DeployError(Exception):
    """Deployment failed before the switch; the live release is unchanged."""


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


def deploy(site: Path, target: Target, rid: str, keep: int = 5) -> None:
    """Copy `site` to releases/<rid>/ on `target`, then switch `current` to it."""
    if not RELEASE_ID_RE.match(rid):
        raise DeployError(f"发布编号“{rid}”无效。")
    if not (site / "index.html").is_file():
        raise DeployError(f"{site} 中没有完整的网站（缺少 index.html），未发布。")
    if target.host:
        _deploy_remote(site, target, rid)
    else:
        _deploy_local(site, Path(target.path), rid, target.rsync)


def prune(target: Target, keep: int) -> None:
    """Remove releases older than the newest `keep`; the live one is never among them."""
    if target.host:
        _prune_remote(target, keep)
    else:
        _prune(Path(target.path), keep)


def _deploy_local(site: Path, base: Path, rid: str, use_rsync: bool) -> None:
    releases = base / RELEASES
    releases.mkdir(parents=True, exist_ok=True)
    final, partial = releases / rid, releases / f".{rid}.partial"
    if final.exists():
        raise DeployError(f"发布 {rid} 已存在，未覆盖。")
    shutil.rmtree(partial, ignore_errors=True)
    try:
        if use_rsync:
            _rsync(site, str(partial), link_dest=_current_dir(base))
        else:
            shutil.copytree(site, partial, symlinks=True)
        partial.rename(final)
    except BaseException:
        shutil.rmtree(partial, ignore_errors=True)
        raise
    switch_current(base, rid)


def switch_current(base: Path, rid: str) -> None:
    """Point `current` at releases/<rid> with one rename: atomic for every reader."""
    temp = base / f".{CURRENT}.{rid}"
    temp.unlink(missing_ok=True)
    os.symlink(f"{RELEASES}/{rid}", temp)
    os.replace(temp, base / CURRENT)


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


def _deploy_remote(site: Path, target: Target, rid: str) -> None:
    base = target.path.rstrip("/")
    q = shlex.quote
    partial, final = f"{base}/{RELEASES}/.{rid}.partial", f"{base}/{RELEASES}/{rid}"
    _ssh(target.host, f"mkdir -p {q(base + '/' + RELEASES)} && test ! -e {q(final)}")
    _rsync(site, f"{target.host}:{partial}", link_dest=None, remote_link_dest=f"{base}/{CURRENT}")
    temp = f"{base}/.{CURRENT}.{rid}"
    _ssh(target.host, f"mv {q(partial)} {q(final)} && ln -sfn {q(RELEASES + '/' + rid)} {q(temp)}"
                      f" && mv -T {q(temp)} {q(base + '/' + CURRENT)}")


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


def _ssh(host: str, command: str) -> str:
    result = subprocess.run(["ssh", "-o", "BatchMode=yes", host, command], capture_output=True,
                            text=True, timeout=300)
    if result.returncode:
        raise DeployError(f"ssh {host} 失败：{result.stderr.strip()}")
    return result.stdout


def publish(conf: Path, root: Path | None = None, target: str | None = None, out=sys.stdout,
            rid: str | None = None, offline: bool = False, **overrides) -> int:
    """Check, build into a fresh folder, deploy atomically. 0 on success; else the live site is as
    it was. `target` defaults to the JIANDU_DEPLOY_TARGET setting. `offline` skips the external
    links in the self-inspection that comes first."""
    from jiandu.commands.build import read_pelican_settings
    from jiandu.commands.inspect import ready_to_publish
    from jiandu.core.problems import ContentError
    from jiandu.core.settings import jiandu_settings

    root = (root or conf.parent).resolve()
    if not ready_to_publish(conf, root, out=out, offline=offline, **overrides):
        return 1
    if check(conf, root, out=out, **overrides):
        print("检查未通过，未发布；线上网站保持不变。", file=out)
        return 1
    settings = jiandu_settings(read_pelican_settings(conf, root, **overrides))
    target = target or settings["JIANDU_DEPLOY_TARGET"]
    staged = root / "public"
    try:
        build(conf, staged, root, **overrides)
    except ContentError as err:
        print(err.problems.report(), file=out)
        print("生成失败，未发布；线上网站保持不变。", file=out)
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
        previous = live_release(parsed)
        deploy(staged, parsed, rid)
    except (DeployError, OSError, subprocess.SubprocessError) as err:
        print(f"部署失败：{err}\n线上网站保持不变。", file=out)
        return 1
    print(f"已发布：{target} 的 {CURRENT} 现在指向 {RELEASES}/{rid}。", file=out)
    try:
        prune(parsed, settings["JIANDU_KEEP_RELEASES"])
    except (OSError, subprocess.SubprocessError) as err:  # the new site is live all the same
        print(f"提示：清理旧版本失败（{err}），新版本已上线；请稍后手工删除 {RELEASES}/ 中的旧版本。",
              file=out)
    if previous:
        print(f"如需退回上一版：在 {parsed.path} 中运行 "
              f"ln -sfn {RELEASES}/{previous} {CURRENT}.tmp && mv -T {CURRENT}.tmp {CURRENT}", file=out)
    return 0
