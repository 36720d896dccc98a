"""The site manifest: every output file with its SHA-256 and size, written last into /manifest.json.

The manifest is what an edition is checked against later: by `invoke verify-deploy` (is the
deployed site still what was published?) and by `invoke check` (did a published URL disappear?).
It is written one file per line so that a problem can point at `manifest.json:LINE`.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

from jiandu.core import routes

MANIFEST = routes.MANIFEST
FORMAT = "jiandu-manifest/1"
HASH_BLOCK = 1 << 20


@dataclass(frozen=True)
class FileEntry:
    path: str  # relative to the site root, "/"-separated
    sha256: str
    size: int


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
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while block := handle.read(HASH_BLOCK):
            digest.update(block)
    return digest.hexdigest()


def site_files(root: Path) -> list[str]:
    """Every file under `root`, as sorted "/"-separated relative paths (independent of listing order)."""
    return sorted(p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file())


def scan(root: Path, site_url: str = "") -> Manifest:
    """The manifest of the files under `root`, leaving out a manifest.json at the top."""
    entries = tuple(FileEntry(rel, file_sha256(root / rel), (root / rel).stat().st_size)
                    for rel in site_files(root) if rel != MANIFEST)
    return Manifest(site_url, entries)


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


def write_manifest(output: Path, pelican_settings: dict) -> None:
    """The last finalize step: list every file already written, then add manifest.json itself."""
    manifest = scan(output, pelican_settings.get("SITEURL", "") or "")
    (output / MANIFEST).write_bytes(render(manifest))
