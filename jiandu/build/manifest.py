"""The site manifest: every output file with its SHA-256 and size, written last into /manifest.json.

The manifest is what an edition is checked against later: by `invoke verify-deploy` (is the
deployed site still what was published?) and by `invoke check` (did a published URL disappear?).
It is written one file per line so that a problem can point at `manifest.json:LINE`.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass
from functools import partial
from pathlib import Path

from jiandu.core import routes
from jiandu.core.files import sha256_and_size
from jiandu.core.settings import Settings
from jiandu.core.workers import run_split

MANIFEST = routes.MANIFEST
FORMAT = "jiandu-manifest/1"


@dataclass(frozen=True)
class FileEntry:
    path: str  # relative to the site root, "/"-separated
    sha256: str
    size: int

    def under(self, folder: str) -> FileEntry:
        """The same file, its path seen from the folder above `folder` ("folder/")."""
        return FileEntry(folder + self.path, self.sha256, self.size)


@dataclass(frozen=True)
class Manifest:
    site_url: str
    files: tuple[FileEntry, ...]

    def by_path(self) -> dict[str, FileEntry]:
        return {f.path: f for f in self.files}

    def line_of(self, path: str) -> int:
        """The line of `path` in the file `render()` writes (files start on line 5)."""
        for i, f in enumerate(self.files):
            if f.path == path:
                return i + 5
        return 1


def file_sha256(path: Path) -> str:
    return sha256_and_size(str(path))[0]


def site_files(root: Path) -> list[str]:
    """Every file under `root`, as sorted "/"-separated relative paths (independent of listing order).

    The files `root.rglob("*")` gives that `is_file()`: a link to a file counts, a link to a
    folder is not followed. Listed with os.scandir, which knows a plain file's type without a
    stat() per file."""
    found: list[str] = []
    _list_into(found, str(root), "")
    return sorted(found)


def _list_into(found: list[str], folder: str, prefix: str) -> None:
    try:
        with os.scandir(folder) as listing:
            for item in listing:
                if item.is_dir(follow_symlinks=False):
                    _list_into(found, item.path, prefix + item.name + "/")
                elif item.is_file():
                    found.append(prefix + item.name)
    except OSError:
        pass  # a folder that cannot be listed holds no files for us, as with os.walk


def entries(root: Path, paths: list[str]) -> list[FileEntry]:
    """Each file's hash and size, read on every core."""
    return run_split(partial(_entry, root), paths)


def _entry(root: Path, rel: str) -> FileEntry:
    return FileEntry(rel, *sha256_and_size(os.path.join(root, rel)))


def scan(root: Path, site_url: str = "", known: dict[str, FileEntry] | None = None) -> Manifest:
    """The manifest of the files under `root`, leaving out a manifest.json at the top. Files in
    `known` are taken as hashed there; the others are read."""
    known = known or {}
    paths = [rel for rel in site_files(root) if rel != MANIFEST]
    hashed = {e.path: e for e in entries(root, [rel for rel in paths if rel not in known])}
    return Manifest(site_url, tuple(known.get(rel) or hashed[rel] for rel in paths))


# What a build wrote, by output folder, hashed from the bytes it wrote: the manifest takes these
# instead of reading the files back. The build's own check (commands/build.py) reads every file
# and compares it with the manifest, so a file changed after it was remembered stops the build.
_WRITTEN: dict[str, dict[str, FileEntry]] = {}


def remember_written(output: Path, written: list[FileEntry]) -> None:
    """What the last full write into `output` wrote (replacing what an earlier one left)."""
    _WRITTEN[str(output.resolve())] = {e.path: e for e in written}


def written_entry(rel: str, data: bytes) -> FileEntry:
    return FileEntry(rel, hashlib.sha256(data).hexdigest(), len(data))


def render(manifest: Manifest) -> bytes:
    """Stable JSON: fixed key order, one file per line, sorted by path."""
    lines = [
        "{",
        f'"format": {json.dumps(FORMAT)},',
        f'"site_url": {json.dumps(manifest.site_url)},',
        '"files": [',
    ]
    rows = [json.dumps({"path": f.path, "sha256": f.sha256, "size": f.size}, ensure_ascii=False)
            for f in manifest.files]
    lines += [row + ("," if i < len(rows) - 1 else "") for i, row in enumerate(rows)]
    lines += ["]", "}"]
    return ("\n".join(lines) + "\n").encode("utf-8")


class ManifestError(ValueError):
    pass


def parse(data: bytes, shown: str = MANIFEST) -> Manifest:
    try:
        raw = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as err:
        raise ManifestError(f"{shown}：不是有效的清单文件（{err}）。") from None
    if not isinstance(raw, dict) or raw.get("format") != FORMAT or not isinstance(raw.get("files"), list):
        raise ManifestError(f"{shown}：不是 {FORMAT} 格式的清单文件。")
    try:
        files = tuple(FileEntry(str(f["path"]), str(f["sha256"]), int(f["size"])) for f in raw["files"])
    except (KeyError, TypeError, ValueError):
        raise ManifestError(f"{shown}：清单中的文件条目不完整。") from None
    return Manifest(str(raw.get("site_url") or ""), files)


def read(path: Path) -> Manifest:
    return parse(path.read_bytes(), str(path))


def write_manifest(output: Path, settings: Settings) -> None:
    """The last finalize step: list every file already written, then add manifest.json itself."""
    manifest = scan(output, settings.site_url, _WRITTEN.pop(str(output.resolve()), None))
    (output / MANIFEST).write_bytes(render(manifest))


# Checking a copy of a site against its manifest, before it goes live and after.

@dataclass(frozen=True)
class Mismatch:
    """How a tree differs from the files it should hold; empty when it holds exactly them."""

    missing: tuple[str, ...] = ()
    changed: tuple[str, ...] = ()
    extra: tuple[str, ...] = ()

    def __bool__(self) -> bool:
        return bool(self.missing or self.changed or self.extra)

    def describe(self, shown: int = 5) -> str:
        parts = []
        for label, paths in (("缺少", self.missing), ("内容不符", self.changed), ("多出", self.extra)):
            if paths:
                more = "等" if len(paths) > shown else ""
                parts.append(f"{label} {len(paths)} 个文件（{'、'.join(paths[:shown])}{more}）")
        return "；".join(parts)


def planned_files(site: Path) -> dict[str, FileEntry]:
    """The files a site must hold: those its manifest.json lists, and manifest.json itself.
    Raises ManifestError when the manifest is missing or unreadable."""
    try:
        data = (site / MANIFEST).read_bytes()
    except OSError as err:
        raise ManifestError(f"{site} 中没有可读的 {MANIFEST}（{err.strerror}），"
                            "不是一次完整生成的网站。") from None
    return files_with_manifest(parse(data, f"{site}/{MANIFEST}"), data)


def files_with_manifest(manifest: Manifest, data: bytes) -> dict[str, FileEntry]:
    """The files `manifest` lists, and manifest.json itself as `data`."""
    files = {f.path: f for f in manifest.files}
    files[MANIFEST] = FileEntry(MANIFEST, hashlib.sha256(data).hexdigest(), len(data))
    return files


def tree_files(root: Path) -> dict[str, FileEntry]:
    """Every file under `root` with its hash and size, manifest.json included."""
    return {entry.path: entry for entry in entries(root, site_files(root))}


def compare(planned: dict[str, FileEntry], found: dict[str, FileEntry]) -> Mismatch:
    """`found` against `planned`: a size of -1 in `found` means only the hash is known."""
    changed = tuple(sorted(p for p, want in planned.items() if p in found and (
        found[p].sha256 != want.sha256 or found[p].size not in (want.size, -1))))
    return Mismatch(tuple(sorted(set(planned) - set(found))), changed,
                    tuple(sorted(set(found) - set(planned))))
