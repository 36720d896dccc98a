"""`invoke verify-deploy`: is the deployed site exactly the edition that should be live?

The deployed site (a local folder or a base URL) is compared with a reference manifest that does
not come from the server: built from the commit that should be live, or read from an archived
edition or a given file. The server's own /manifest.json is only one more file to check.

A folder can be listed, so every extra file is found. A web server cannot be listed; extra files
there are found by following every link and sitemap entry of the deployed pages (an injected page
is usually linked from a defaced one), by asking for every address of earlier editions (pages
that were removed but linger) and every file the server's own manifest.json names. An extra file
that nothing links to, that no edition had and that no manifest names stays invisible over HTTP;
check the server's folder for that.
"""

from __future__ import annotations

import hashlib
import sys
import tempfile
import urllib.error
import urllib.request
from collections import deque
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urldefrag, urljoin, urlsplit

from jiandu.build import manifest as manifests
from jiandu.content.edition_index import ARCHIVES, load_editions
from jiandu.core import routes
from jiandu.core.problems import Problems
from jiandu.editions.archive import ArchiveError, build_at_ref, public_url

MAX_PROBES = 5000  # addresses tried beyond the manifest over HTTP; bounds a crawl of a hostile site
TIMEOUT = 30
KINDS = {"changed": "被改动", "missing": "缺少", "extra": "多出", "unreadable": "无法读取"}


@dataclass(frozen=True, order=True)
class Finding:
    path: str
    kind: str  # a key of KINDS
    detail: str = ""

    def __str__(self) -> str:
        text = f"{KINDS[self.kind]}：{self.path}"
        return f"{text}（{self.detail}）" if self.detail else text


@dataclass(frozen=True)
class Reference:
    manifest: manifests.Manifest
    manifest_bytes: bytes  # what /manifest.json itself must contain
    description: str

    def expected(self) -> dict[str, str]:
        """path -> SHA-256 of every file the deployed site must hold, manifest.json included."""
        files = {f.path: f.sha256 for f in self.manifest.files}
        files[manifests.MANIFEST] = hashlib.sha256(self.manifest_bytes).hexdigest()
        return files


def _compare(path: str, want: str, body: bytes | None) -> Finding | None:
    if body is None:
        return Finding(path, "missing")
    got = hashlib.sha256(body).hexdigest()
    if got != want:
        return Finding(path, "changed", f"应为 SHA-256 {want[:16]}…，实际为 {got[:16]}…")
    return None


def verify_folder(folder: Path, reference: Reference) -> list[Finding]:
    expected = reference.expected()
    present = set(manifests.site_files(folder))
    findings = [Finding(p, "extra") for p in sorted(present - set(expected))]
    for path, want in expected.items():
        body = (folder / path).read_bytes() if path in present else None
        if finding := _compare(path, want, body):
            findings.append(finding)
    return sorted(findings)


class _Links(HTMLParser):
    ATTRS = {"href", "src", "action", "poster", "data"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.links: list[str] = []

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if value and name in self.ATTRS:
                self.links.append(value)
            elif value and name == "srcset":
                self.links += [part.split()[0] for part in value.split(",") if part.strip()]
            elif value and name == "content" and "url=" in value.lower():  # meta refresh
                self.links.append(value[value.lower().index("url=") + 4:].strip())


def links_in(body: bytes, path: str) -> list[str]:
    """Addresses named by an HTML page, a sitemap or robots.txt."""
    text = body.decode("utf-8", errors="replace")
    if path.endswith((".html", ".htm")):
        parser = _Links()
        parser.feed(text)
        return parser.links
    if path.endswith(".xml"):
        return [part.split("</loc>")[0].strip() for part in text.split("<loc>")[1:]]
    if path.endswith("robots.txt"):
        return [line.split(":", 1)[1].strip() for line in text.splitlines()
                if line.lower().startswith("sitemap:")]
    return []


class _Site:
    """A deployed site at a base URL: fetch a path, map a URL back to a path."""

    def __init__(self, base: str):
        self.base = base.rstrip("/") + "/"
        self.root = urlsplit(self.base)

    def url(self, path: str) -> str:
        return public_url(self.base, path)

    def path_of(self, url: str) -> str | None:
        """The site path an address points to, or None if it is outside the site."""
        parts = urlsplit(urldefrag(url)[0])
        if parts.scheme not in ("http", "https") or parts.netloc != self.root.netloc:
            return None
        if not parts.path.startswith(self.root.path):
            return None
        path = unquote(parts.path[len(self.root.path):])
        return routes.output_path(path)

    def fetch(self, path: str) -> bytes | None:
        """The body at `path`; None when the server says it is not there (404, 410)."""
        request = urllib.request.Request(self.url(path), headers={"User-Agent": "jiandu-verify-deploy"})
        try:
            with urllib.request.urlopen(request, timeout=TIMEOUT) as response:
                return response.read()
        except urllib.error.HTTPError as err:
            if err.code in (404, 410):
                return None
            raise


def verify_url(base: str, reference: Reference, earlier_paths: set[str] = frozenset()) -> list[Finding]:
    site, expected = _Site(base), reference.expected()
    findings: list[Finding] = []
    bodies: dict[str, bytes] = {}
    for path, want in expected.items():
        try:
            body = site.fetch(path)
        except (urllib.error.URLError, OSError) as err:
            findings.append(Finding(path, "unreadable", str(err)))
            continue
        if finding := _compare(path, want, body):
            findings.append(finding)
        if body is not None:
            bodies[path] = body
    findings += _extras(site, expected, bodies, earlier_paths)
    return sorted(findings)


def _is_expected(path: str, expected: dict[str, str]) -> bool:
    # `dir` without its slash is redirected by servers to `dir/`, i.e. dir/index.html.
    return path in expected or routes.output_path(path + "/") in expected


def _extras(site: _Site, expected: dict[str, str], bodies: dict[str, bytes],
            earlier_paths: set[str]) -> list[Finding]:
    """Files the server has beyond the reference: linked from deployed pages or left from earlier editions."""
    queue = deque((path, "上一归档版本中的文件，仍在服务器上") for path in sorted(earlier_paths))
    queue += [(path, "服务器上的 manifest.json 列出") for path in _listed_by_server(bodies)]
    queue += _linked(site, bodies)
    tried: set[str] = set()
    findings = []
    while queue and len(tried) < MAX_PROBES:
        path, why = queue.popleft()
        if path in tried or _is_expected(path, expected):
            continue
        tried.add(path)
        try:
            body = site.fetch(path)
        except (urllib.error.URLError, OSError):
            continue
        if body is not None:
            findings.append(Finding(path, "extra", why))
            queue += _linked(site, {path: body})  # an injected page may lead to more
    return findings


def _listed_by_server(bodies: dict[str, bytes]) -> list[str]:
    """The server's own manifest is not trusted, but the files it names are worth asking for."""
    try:
        return [f.path for f in manifests.parse(bodies[manifests.MANIFEST]).files]
    except (KeyError, manifests.ManifestError):
        return []


def _linked(site: _Site, bodies: dict[str, bytes]) -> list[tuple[str, str]]:
    found = []
    for source, body in sorted(bodies.items()):
        for link in links_in(body, source):
            path = site.path_of(urljoin(site.url(source), link))
            if path is not None:
                found.append((path, f"由 {source} 链接"))
    return found


def reference_from(repo: Path, manifest: str | None = None, edition: str | None = None,
                   ref: str = "HEAD") -> Reference:
    """The reference manifest: a given file, an archived edition, or a fresh build of `ref`."""
    if manifest:
        data = Path(manifest).read_bytes()
        return Reference(manifests.parse(data, manifest), data, f"清单文件 {manifest}")
    if edition:
        problems = Problems()
        found = next((e for e in load_editions(repo, problems) if e.label == edition), None)
        if problems or found is None or found.package("manifest") is None:
            raise ArchiveError(f"归档索引中没有版本 {edition}。")
        file = repo / ARCHIVES / found.package("manifest").name
        data = file.read_bytes()
        return Reference(manifests.parse(data, str(file)), data, f"归档版本 {edition}")
    with tempfile.TemporaryDirectory(prefix="jiandu-verify-") as tmp:
        source = build_at_ref(repo, ref, Path(tmp) / "site")
        data = (Path(tmp) / "site" / manifests.MANIFEST).read_bytes()
    return Reference(manifests.parse(data), data, f"提交 {source.commit} 的生成结果")


def earlier_edition_paths(repo: Path) -> set[str]:
    """Every file any archived edition had, from the manifests kept in archives/."""
    paths: set[str] = set()
    for file in sorted((repo / ARCHIVES).glob("*-manifest.json")):
        try:
            paths |= {f.path for f in manifests.read(file).files}
        except manifests.ManifestError:
            continue
    return paths


def verify_deploy(repo: Path, target: str, manifest: str | None = None, edition: str | None = None,
                  ref: str = "HEAD", out=sys.stdout) -> int:
    try:
        reference = reference_from(repo, manifest, edition, ref)
    except (ArchiveError, manifests.ManifestError, OSError) as err:
        print(f"无法取得对照清单：{err}", file=out)
        return 2
    if target.startswith(("http://", "https://")):
        findings = verify_url(target, reference, earlier_edition_paths(repo))
    elif Path(target).is_dir():
        findings = verify_folder(Path(target), reference)
    else:
        print(f"目标 {target} 既不是文件夹，也不是 http(s) 网址。", file=out)
        return 2
    print(f"对照：{reference.description}，共 {len(reference.expected())} 个文件。", file=out)
    for finding in findings:
        print(str(finding), file=out)
    if findings:
        print(f"共发现 {len(findings)} 处不一致，部署的网站与应上线的版本不符。", file=out)
        return 1
    print("部署的网站与应上线的版本完全一致。", file=out)
    return 0
