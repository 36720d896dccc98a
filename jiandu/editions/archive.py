"""Edition packages: build the site as of a git ref, then freeze it as a BagIt bag and a WARC file.

Both packages are reproducible: the same ref gives the same bytes, because every time stamp in
them is the ref's commit time, record ids are derived from the edition and the URL, and the tar
and gzip containers are written with fixed owners, modes and order. Archiving a ref twice is
therefore a check in itself.
"""

from __future__ import annotations

import gzip
import io
import json
import os
import re
import shutil
import subprocess
import sys
import tarfile
import tempfile
import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

from jiandu.build import manifest as manifests
from jiandu.content.edition_index import ARCHIVES, Edition, Package, load_editions, save_editions
from jiandu.core import routes
from jiandu.core.files import sha256_and_size
from jiandu.core.problems import Problems
from jiandu.core.settings import Settings
from jiandu.core.vocabulary import Kind
from jiandu.editions.permalinks import lost_paths

CONTENT_TYPES = {  # fixed here rather than read from the system, so that packages do not vary
    ".html": "text/html; charset=utf-8", ".css": "text/css; charset=utf-8",
    ".js": "text/javascript; charset=utf-8", ".json": "application/json",
    ".csv": "text/csv; charset=utf-8", ".atom": "application/atom+xml",
    ".xml": "application/xml", ".txt": "text/plain; charset=utf-8", ".svg": "image/svg+xml",
    ".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".gif": "image/gif",
    ".webp": "image/webp", ".ico": "image/vnd.microsoft.icon", ".woff2": "font/woff2",
    ".woff": "font/woff", ".wasm": "application/wasm", ".pdf": "application/pdf",
}
BAGIT_TXT = "BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n"


class ArchiveError(Exception):
    """A problem that stops archiving; the message is for staff, in Chinese."""


@dataclass(frozen=True)
class Source:
    """A commit and the dates that follow from it."""

    commit: str
    as_of: date  # the date of the last commit touching content/ at this commit
    commit_epoch: int

    @property
    def label(self) -> str:
        return f"{self.as_of.isoformat()}-{self.commit[:8]}"

    @property
    def commit_time(self) -> str:
        return datetime.fromtimestamp(self.commit_epoch, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _git(repo: Path, *args: str) -> str:
    try:
        return subprocess.run(["git", *args], cwd=repo, capture_output=True, text=True, check=True,
                              timeout=120).stdout.strip()
    except (OSError, subprocess.CalledProcessError) as err:
        detail = getattr(err, "stderr", "") or str(err)
        raise ArchiveError(f"git {' '.join(args)} 失败：{detail.strip()}") from None


def resolve(repo: Path, ref: str) -> Source:
    commit = _git(repo, "rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}")
    as_of = _git(repo, "log", "-1", "--format=%cs", commit, "--", "content")
    if not as_of:
        raise ArchiveError(f"{ref} 中没有 content/ 的提交记录，无法确定数据日期。")
    return Source(commit, date.fromisoformat(as_of), int(_git(repo, "show", "-s", "--format=%ct", commit)))


def export_tree(repo: Path, commit: str, dest: Path) -> None:
    """The files of `commit`, without the repository: what a fresh clone would check out."""
    data = subprocess.run(["git", "archive", "--format=tar", commit], cwd=repo, capture_output=True,
                          check=True, timeout=300).stdout
    with tarfile.open(fileobj=io.BytesIO(data)) as tar:
        tar.extractall(dest, filter="data")


def build_tree(project: Path, output: Path, as_of: date) -> None:
    """Build an exported project with its own publishconf.py and its own jiandu code.

    A separate process with the export first on the path builds the ref with the code it had,
    so an old edition comes out as it was published, not as today's code would render it.
    """
    # Wide, plain log lines, so that content problems reach staff as whole `path:line: message` lines.
    env = {**os.environ, "PYTHONPATH": str(project), "COLUMNS": "1000", "NO_COLOR": "1"}
    cmd = [sys.executable, "-m", "pelican", str(project / "content"), "-s", str(project / "publishconf.py"),
           "-o", str(output), "-e", f"JIANDU_AS_OF={json.dumps(as_of.isoformat())}",
           f"JIANDU_ROOT={json.dumps(str(project))}"]
    result = subprocess.run(cmd, cwd=project, env=env, capture_output=True, text=True, timeout=3600)
    if result.returncode != 0:
        raise ArchiveError(f"生成网站失败：\n{_build_failure(result.stdout + result.stderr)}")
    if not (output / manifests.MANIFEST).exists():  # a ref from before manifests existed
        site_url = _built_site_url(project)
        manifests.write_manifest(output, Settings(site_url=site_url))


PROBLEM_LINE = re.compile(r"^\S+:\d+: |^共发现 ")


def _build_failure(log: str) -> str:
    """The content problems from a failed build's log, else its last lines."""
    lines = [line.strip() for line in log.splitlines()]
    problems = list(dict.fromkeys(line for line in lines if PROBLEM_LINE.match(line)))
    return "\n".join(problems or lines[-30:])


def _built_site_url(project: Path) -> str:
    from pelican.settings import read_settings

    return read_settings(str(project / "publishconf.py")).get("SITEURL", "")


def build_at_ref(repo: Path, ref: str, output: Path) -> Source:
    """Build the site as of `ref` into `output` (which must not exist yet)."""
    source = resolve(repo, ref)
    with tempfile.TemporaryDirectory(prefix="jiandu-export-") as tmp:
        project = Path(tmp) / "project"
        export_tree(repo, source.commit, project)
        build_tree(project, output, source.as_of)
    return source


def content_type(path: str) -> str:
    return CONTENT_TYPES.get(Path(path).suffix.lower(), "application/octet-stream")


def site_counts(site: Path) -> tuple[int, int, int]:
    """(sessions, entries, departments), read from the edition's own open data."""
    records = json.loads((site / routes.data_file("records", "json")).read_text(encoding="utf-8"))
    departments = json.loads((site / routes.data_file("departments", "json")).read_text(encoding="utf-8"))
    sessions = sum(1 for r in records if r["kind"] == Kind.INQUIRY)
    return sessions, sum(1 for r in records if r["kind"] == Kind.COLUMN), len(departments)


def write_bag(site: Path, target: Path, name: str, info: dict[str, str], epoch: int) -> None:
    """A BagIt 1.0 bag named `name` with `site` as its payload, serialized as a .tar.gz."""
    import bagit

    with tempfile.TemporaryDirectory(prefix="jiandu-bag-") as tmp:
        bag_dir = Path(tmp) / name
        shutil.copytree(site, bag_dir)
        bagit.make_bag(str(bag_dir), dict(info), processes=1, checksums=["sha256"])
        # bagit.py writes version 0.97 and lists tag files in directory order; RFC 8493 is 1.0.
        (bag_dir / "bagit.txt").write_text(BAGIT_TXT, encoding="utf-8")
        _write_tagmanifest(bag_dir)
        bagit.Bag(str(bag_dir)).validate()
        write_tar_gz(bag_dir, target, epoch)


def _write_tagmanifest(bag_dir: Path) -> None:
    tags = sorted(p.name for p in bag_dir.iterdir() if p.is_file() and not p.name.startswith("tagmanifest-"))
    lines = "".join(f"{manifests.file_sha256(bag_dir / t)}  {t}\n" for t in tags)
    (bag_dir / "tagmanifest-sha256.txt").write_text(lines, encoding="utf-8")


def write_tar_gz(folder: Path, target: Path, epoch: int) -> None:
    """`folder` as a tar.gz whose bytes depend only on the files' names and contents."""
    members = sorted(folder.rglob("*"), key=lambda p: p.relative_to(folder).as_posix())
    with target.open("wb") as raw, gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=0) as gz, \
            tarfile.open(fileobj=gz, mode="w", format=tarfile.PAX_FORMAT, encoding="utf-8") as tar:
        tar.addfile(_tar_info(folder.name, tarfile.DIRTYPE, 0, epoch))
        for path in members:
            name = f"{folder.name}/{path.relative_to(folder).as_posix()}"
            if path.is_dir():
                tar.addfile(_tar_info(name, tarfile.DIRTYPE, 0, epoch))
            else:
                with path.open("rb") as handle:
                    tar.addfile(_tar_info(name, tarfile.REGTYPE, path.stat().st_size, epoch), handle)


def _tar_info(name: str, kind: bytes, size: int, epoch: int) -> tarfile.TarInfo:
    info = tarfile.TarInfo(name)
    info.type, info.size, info.mtime = kind, size, epoch
    info.mode = 0o755 if kind == tarfile.DIRTYPE else 0o644
    info.uid = info.gid = 0
    info.uname = info.gname = ""
    return info


def write_warc(site: Path, target: Path, manifest: manifests.Manifest, info: dict[str, str],
               label: str, warc_date: str) -> None:
    """A WARC 1.1 file: a warcinfo record, then one response record per file at its public URL."""
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    with target.open("wb") as handle:
        writer = WARCWriter(handle, gzip=True, warc_version="1.1")
        info_id = _record_id(label, "warcinfo")
        fields = "".join(f"{k}: {v}\r\n" for k, v in info.items()).encode("utf-8")
        writer.write_record(writer.create_warc_record(
            "", "warcinfo", payload=io.BytesIO(fields), length=len(fields),
            warc_content_type="application/warc-fields",
            warc_headers_dict={"WARC-Record-ID": info_id, "WARC-Date": warc_date,
                               "WARC-Filename": target.name}))
        paths = [f.path for f in manifest.files] + [manifests.MANIFEST]
        for path in sorted(paths, key=lambda p: routes.public_url(manifest.site_url, p)):
            body = (site / path).read_bytes()
            uri = routes.public_url(manifest.site_url, path)
            http = StatusAndHeaders("200 OK", [("Content-Type", content_type(path)),
                                               ("Content-Length", str(len(body)))], protocol="HTTP/1.1")
            writer.write_record(writer.create_warc_record(
                uri, "response", payload=io.BytesIO(body), length=len(body), http_headers=http,
                warc_headers_dict={"WARC-Record-ID": _record_id(label, uri), "WARC-Date": warc_date,
                                   "WARC-Warcinfo-ID": info_id}))


def _version(package: str) -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version(package)
    except PackageNotFoundError:
        return "unknown"


def _record_id(label: str, name: str) -> str:
    return f"<urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, f'jiandu:{label}:{name}')}>"


def bag_info(source: Source, site_url: str, counts: tuple[int, int, int]) -> dict[str, str]:
    sessions, entries, departments = counts
    return {
        "External-Identifier": source.label,
        "External-Description": f"{site_url} 截至 {source.as_of.isoformat()} 的全部网页与文件",
        "Bagging-Date": source.commit_time[:10],
        "Source-Commit": source.commit,
        "As-Of-Date": source.as_of.isoformat(),
        "Edition-Label": source.label,
        "Site-URL": site_url,
        "Count-Inquiry-Sessions": str(sessions),
        "Count-Column-Entries": str(entries),
        "Count-Departments": str(departments),
    }


def warc_info(source: Source, site_url: str, counts: tuple[int, int, int]) -> dict[str, str]:
    sessions, entries, departments = counts
    return {
        "software": f"jiandu/{_version('jiandu')} warcio/{_version('warcio')}",
        "format": "WARC File Format 1.1",
        "conformsTo": "https://iipc.github.io/warc-specifications/specifications/warc-format/warc-1.1/",
        "isPartOf": source.label,
        "description": f"{site_url} as of {source.as_of.isoformat()}",
        "jiandu-source-commit": source.commit,
        "jiandu-as-of": source.as_of.isoformat(),
        "jiandu-counts": f"sessions={sessions} entries={entries} departments={departments}",
    }


def package_edition(site: Path, source: Source, folder: Path) -> Edition:
    """Write the bag, the WARC and a copy of the manifest into `folder`; return their index entry."""
    manifest = manifests.read(site / manifests.MANIFEST)
    if not manifest.site_url.startswith(("http://", "https://")):
        raise ArchiveError("发布设置 publishconf.py 中的 SITEURL 不是完整网址，无法写出网页存档。")
    counts = site_counts(site)
    base = f"jiandu-{source.label}"
    names = {"bag": f"{base}-bag.tar.gz", "warc": f"{base}.warc.gz", "manifest": f"{base}-manifest.json"}
    folder.mkdir(parents=True, exist_ok=True)
    # RFC 8493 4.2: a serialized bag is named after its base directory, plus an extension.
    write_bag(site, folder / names["bag"], f"{base}-bag", bag_info(source, manifest.site_url, counts),
              source.commit_epoch)
    write_warc(site, folder / names["warc"], manifest, warc_info(source, manifest.site_url, counts),
               source.label, source.commit_time)
    shutil.copyfile(site / manifests.MANIFEST, folder / names["manifest"])
    packages = tuple(Package(kind, name, *sha256_and_size(str(folder / name)))
                     for kind, name in names.items())
    return Edition(source.label, source.as_of, source.commit, source.commit_time, manifest.site_url,
                   *counts, packages)


def previous_edition(editions: tuple[Edition, ...], source: Source) -> Edition | None:
    older = [e for e in editions if (e.as_of, e.commit_time) < (source.as_of, source.commit_time)
             and e.commit != source.commit]
    return older[-1] if older else None


def archive(repo: Path, ref: str = "HEAD", out=sys.stdout) -> int:
    """`invoke archive`: package the edition at `ref` into archives/ and add it to the index."""
    problems = Problems()
    editions = load_editions(repo, problems)
    if problems:
        print(problems.report(), file=out)
        return 1
    try:
        with tempfile.TemporaryDirectory(prefix="jiandu-archive-") as tmp:
            site, staging = Path(tmp) / "site", Path(tmp) / "packages"
            source = build_at_ref(repo, ref, site)
            _check_permanent_urls(repo, editions, source, site)
            edition = package_edition(site, source, staging)
            return _store(repo, editions, edition, staging, out)
    except ArchiveError as err:
        print(f"归档失败：{err}", file=out)
        return 1


def _check_permanent_urls(repo: Path, editions: tuple[Edition, ...], source: Source, site: Path) -> None:
    before = previous_edition(editions, source)
    if before is None:
        return
    package = before.package("manifest")
    try:
        old = manifests.read(repo / ARCHIVES / package.name)
    except (AttributeError, OSError, manifests.ManifestError):
        raise ArchiveError(f"无法读取上一版本 {before.label} 的文件清单；"
                           f"请从 git 历史中恢复 {ARCHIVES}/ 中的文件。") from None
    lost = lost_paths([f.path for f in old.files], set(manifests.site_files(site)))
    if lost:
        listed = "\n".join(f"  {routes.public_url('', p)}" for p in lost)
        raise ArchiveError(f"以下网址在上一版本 {before.label} 中存在，本版本中消失了：\n{listed}\n"
                           "请为改名或改期号的记录填写 aliases（旧网址），然后再归档。")


def _store(repo: Path, editions: tuple[Edition, ...], edition: Edition, staging: Path, out) -> int:
    folder = repo / ARCHIVES
    same = next((e for e in editions if e.label == edition.label), None)
    if same is not None:
        if same.packages == edition.packages:
            print(f"版本 {edition.label} 已归档；重新生成的归档文件与索引中记录的完全一致。", file=out)
            return 0
        print(f"归档失败：版本 {edition.label} 已归档，但重新生成的文件与索引记录不一致，"
              "说明生成结果不可重现。已保留原有文件。", file=out)
        return 1
    folder.mkdir(parents=True, exist_ok=True)
    for package in edition.packages:
        shutil.move(staging / package.name, folder / package.name)
    save_editions(repo, (*editions, edition))
    print(f"已归档版本 {edition.label}（提交 {edition.commit}，"
          f"数据截至 {edition.as_of.isoformat()}）：", file=out)
    for package in edition.packages:
        print(f"  {ARCHIVES}/{package.name}  SHA-256 {package.sha256}", file=out)
    print(f"请提交 {ARCHIVES}/ 中的变更：git add {ARCHIVES} && git commit", file=out)
    return 0
