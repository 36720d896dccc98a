"""Publishing in tests: the deploy host's ssh and rsync run in a local shell, folders compared by
their bytes, and an archived edition whose addresses `invoke check` keeps alive."""

import shutil
from datetime import date
from pathlib import Path

from jiandu.build.manifest import file_sha256
from jiandu.commands import deploy as deploy_module
from jiandu.content.edition_index import Edition, Package, save_editions


def run_here(monkeypatch) -> None:
    """Run the commands meant for the host `deploy@web1` (over ssh and rsync) in a local shell."""
    def local_shell(host, command):
        assert host == "deploy@web1"
        return ["sh", "-c", command]

    real_rsync = deploy_module._rsync

    def local_rsync(site, dest, link_dest, remote_link_dest=None):
        real_rsync(site, dest.split(":", 1)[1], link_dest, remote_link_dest)

    monkeypatch.setattr(deploy_module, "_ssh_command", local_shell)
    monkeypatch.setattr(deploy_module, "_rsync", local_rsync)


def snapshot(folder: Path) -> dict[str, bytes]:
    """Every file below `folder`, by its relative path, with its bytes."""
    return {p.relative_to(folder).as_posix(): p.read_bytes()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def archive_edition(tree, manifest_source) -> tuple[str, str]:
    """Record the fixture build as the last archived edition of `tree`; return (label, manifest name)."""
    label = "2016-06-30-0123abcd"
    name = f"jiandu-{label}-manifest.json"
    (tree / "archives").mkdir(exist_ok=True)
    shutil.copyfile(manifest_source, tree / "archives" / name)
    package = Package("manifest", name, file_sha256(tree / "archives" / name), (tree / "archives" / name).stat().st_size)
    save_editions(tree, (Edition(label, date(2016, 6, 30), "0123abcd" * 5, "2016-06-30T12:00:00Z", "", 2, 4, 9,
                                 (package,)),))
    return label, name


def line_in(path, text: str) -> int:
    """The number of the first line of a file that contains `text`."""
    return next(i for i, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if text in line)
