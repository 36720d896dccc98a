"""Safe file-system moves for build and publish: locks, fresh staging folders, atomic exchange.

Locks guard a build output, a checkout and a deployment target. A lock is `flock` on a small
file that is never deleted (deleting it would let two processes lock two different files of the
same name). The kernel releases it when its holder exits, however it
exits, so a killed build or publish never leaves a stale lock behind. The holder writes who it
is into the file, so that a refused process can say who holds the lock. Nobody waits forever:
by default a lock that is held is refused at once.

Each run stages into a folder of its own, beside its destination (so that the final rename stays
on one file system), and puts it in place with one rename or one exchange of two names, so that a
reader, or a process killed between two steps, never finds the destination missing or half new.
"""

from __future__ import annotations

import ctypes
import errno
import fcntl
import functools
import getpass
import glob
import json
import os
import secrets
import shutil
import socket
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

POLL_SECONDS = 0.1


class LockHeld(Exception):
    """Another process holds the lock; `holder` says who, in Chinese."""

    def __init__(self, path: Path | str, holder: str):
        super().__init__(f"{path} 正被占用：{holder}")
        self.path, self.holder = path, holder


def owner_record() -> str:
    """Who this process is, as one line of JSON: written into a lock file it holds."""
    try:
        user = getpass.getuser()
    except (KeyError, OSError):
        user = str(os.getuid())
    return json.dumps({"pid": os.getpid(), "user": user, "host": socket.gethostname(),
                       "since": time.strftime("%Y-%m-%d %H:%M:%S"),  # for people, not for output
                       "command": " ".join([os.path.basename(sys.argv[0]), *sys.argv[1:]]).strip()},
                      ensure_ascii=False)


def describe_owner(record: str) -> str:
    """The holder named in a lock file, in Chinese; the file may be empty or half written."""
    try:
        who = json.loads(record)
        return (f"进程 {int(who['pid'])}（{who['user']}@{who['host']}，"
                f"自 {who['since']} 起运行 {who['command'] or 'python'}）")
    except (ValueError, KeyError, TypeError):
        return "另一个进程（尚未写明身份）"


def output_lock(output: Path) -> Path:
    """The lock that whoever writes the site folder `output` holds: a build, the live preview."""
    return output.parent / f".{output.name}.lock"


_HELD: set[int] = set()  # descriptors of the locks this process holds


def _forget_held_locks() -> None:
    """In a forked child: close the inherited descriptors of the parent's locks. Sharing them
    would keep the parent's lock alive after the parent lets go, and the child could never take
    the same lock itself (the preview's search writer does)."""
    for fd in _HELD:
        os.close(fd)
    _HELD.clear()


os.register_at_fork(after_in_child=_forget_held_locks)


@contextmanager
def hold(path: Path, wait: float = 0.0) -> Iterator[None]:
    """Hold the lock at `path` for the block; raise LockHeld if another process holds it for
    longer than `wait` seconds."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    _HELD.add(fd)
    try:
        _acquire(fd, path, wait)
        os.ftruncate(fd, 0)
        os.pwrite(fd, (owner_record() + "\n").encode("utf-8"), 0)
        try:
            yield
        finally:
            if fd in _HELD:  # not in a forked child, where the number may name another file now
                os.ftruncate(fd, 0)
    finally:
        if fd in _HELD:
            _HELD.discard(fd)
            os.close(fd)  # closing the descriptor releases the lock


def _acquire(fd: int, path: Path, wait: float) -> None:
    deadline = time.monotonic() + wait
    while True:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return
        except BlockingIOError:
            if time.monotonic() >= deadline:
                raise LockHeld(path, describe_owner(_read(fd))) from None
            time.sleep(POLL_SECONDS)


def _read(fd: int) -> str:
    return os.pread(fd, 4096, 0).decode("utf-8", errors="replace").strip()


def reached(step: str) -> None:
    """A named point between two steps of a build or a deployment. It does nothing; the tests
    replace it to kill the process exactly there and then check what readers would see."""


def fresh_dir(parent: Path, prefix: str, suffix: str) -> Path:
    """A new, empty, uniquely named folder in `parent` (made with the umask, unlike mkdtemp's 0700,
    since it becomes a folder that a web server reads)."""
    parent.mkdir(parents=True, exist_ok=True)
    while True:
        path = parent / f"{prefix}{secrets.token_hex(6)}{suffix}"
        try:
            path.mkdir()
            return path
        except FileExistsError:
            continue


def remove_leftovers(parent: Path, prefix: str, suffix: str) -> None:
    """Remove staging folders that a killed run left behind. Call only while holding the lock
    that every run staging there holds, so that no live run's folder is among them."""
    pattern = f"{glob.escape(prefix)}*{glob.escape(suffix)}*" if suffix else f"{glob.escape(prefix)}*"
    for path in parent.glob(pattern):
        remove(path)


def remove(path: Path) -> None:
    if path.is_symlink() or path.is_file():
        path.unlink(missing_ok=True)
    else:
        shutil.rmtree(path, ignore_errors=True)


def replace_dir(fresh: Path, dest: Path) -> None:
    """Put the folder `fresh` at `dest` in one step. Afterwards `fresh` holds the previous tree
    of `dest`, if there was one, for the caller to remove."""
    if not os.path.lexists(dest):
        os.rename(fresh, dest)
        return
    if not _exchange(fresh, dest):
        # No atomic exchange on this system: three renames, with a moment without `dest`.
        old = fresh.with_name(fresh.name + ".old")
        os.rename(dest, old)
        os.rename(fresh, dest)
        os.rename(old, fresh)


RENAME_EXCHANGE = 2  # linux/fs.h
AT_FDCWD = -100


@functools.cache
def _renameat2():
    try:
        function = ctypes.CDLL(None, use_errno=True).renameat2  # glibc 2.28+
    except (OSError, AttributeError):
        return None
    function.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
    function.restype = ctypes.c_int
    return function


def _exchange(a: Path, b: Path) -> bool:
    """Swap two names atomically (Linux renameat2 RENAME_EXCHANGE); False where unsupported."""
    renameat2 = _renameat2()
    if renameat2 is None:
        return False
    if renameat2(AT_FDCWD, os.fsencode(a), AT_FDCWD, os.fsencode(b), RENAME_EXCHANGE) == 0:
        return True
    err = ctypes.get_errno()
    if err in (errno.EINVAL, errno.ENOSYS, errno.EOPNOTSUPP):
        return False
    raise OSError(err, os.strerror(err), str(b))
