"""/manifest.json: written last, listing every other output file, sorted, with SHA-256 and size."""

import hashlib
import json

from jiandu import FINALIZE_STEPS
from jiandu.build.manifest import read, write_manifest


def test_manifest_is_the_last_finalize_step():
    assert FINALIZE_STEPS[-1] is write_manifest


def test_manifest_lists_every_other_file_with_its_hash_and_size(fixture_site):
    listed = json.loads((fixture_site / "manifest.json").read_text(encoding="utf-8"))
    assert listed["format"] == "jiandu-manifest/1"
    paths = [f["path"] for f in listed["files"]]
    on_disk = sorted(p.relative_to(fixture_site).as_posix() for p in fixture_site.rglob("*") if p.is_file())
    assert paths == sorted(paths)
    assert paths == [p for p in on_disk if p != "manifest.json"]
    for entry in listed["files"]:
        data = (fixture_site / entry["path"]).read_bytes()
        assert entry["sha256"] == hashlib.sha256(data).hexdigest()
        assert entry["size"] == len(data)


def test_manifest_lines_point_at_their_files(fixture_site):
    manifest = read(fixture_site / "manifest.json")
    lines = (fixture_site / "manifest.json").read_text(encoding="utf-8").splitlines()
    for entry in manifest.files:
        assert f'"path": "{entry.path}"' in lines[manifest.line_of(entry.path) - 1]


def test_site_files_are_the_files_rglob_finds(tmp_path):
    """The same list as `rglob("*")` filtered by `is_file()`, links and hidden files included."""
    from jiandu.build.manifest import site_files

    root = tmp_path / "site"
    (root / "a" / "b").mkdir(parents=True)
    (root / "elsewhere").mkdir()
    for rel in ("index.html", ".hidden", "a/x.html", "a/b/y.svg", "elsewhere/z.txt"):
        (root / rel).write_text(rel)
    (root / "a" / "file-link").symlink_to(root / "index.html")
    (root / "a" / "folder-link").symlink_to(root / "elsewhere", target_is_directory=True)
    (root / "a" / "broken-link").symlink_to(root / "missing")
    expected = sorted(p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file())
    assert site_files(root) == expected
    assert "a/file-link" in expected and "a/folder-link/z.txt" not in expected
    assert site_files(tmp_path / "missing") == []
