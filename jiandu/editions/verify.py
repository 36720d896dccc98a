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

Over HTTP every file is fetched four times: as this tool (saying so), as a Chrome browser and as a
phone's browser that arrive from a Baidu search, and as Baiduspider. A defaced government site
usually serves its spam only to visitors from search results, often only on phones, and to search
engines ("cloaking"), so that the
webmaster, opening the site directly, sees nothing wrong. Different answers to the same address
are reported as cloaking, naming who got what. A server that cloaks by the visitor's IP address
(real Baiduspider addresses only) cannot be caught from outside: check its folder.
"""

from __future__ import annotations

import hashlib
import sys
import tempfile
from collections import deque
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urldefrag, urljoin, urlsplit

from jiandu.build import manifest as manifests
from jiandu.content.edition_index import ARCHIVES, load_editions
from jiandu.core import download, routes
from jiandu.core.problems import Problems
from jiandu.editions.archive import ArchiveError, build_at_ref

MAX_PROBES = 5000  # addresses tried beyond the manifest over HTTP; bounds a crawl of a hostile site
TIMEOUT = 30  # seconds a silent server is waited for
DEADLINE = 120  # seconds for one whole response, however slowly it trickles in
MAX_BODY_BYTES = 8 * 1024 * 1024  # read at most this (or twice the expected size) of one answer
MAX_UNANSWERED = 5  # files nobody got any answer for before giving up on an unreachable server
KINDS = {"changed": "被改动", "missing": "缺少", "extra": "多出", "unreadable": "无法读取",
         "cloaked": "伪装"}


class Unreachable(Exception):
    """The server answers nobody: stop rather than wait out every timeout of every file."""


@dataclass(frozen=True)
class Agent:
    """Who verify-deploy says it is for one of its fetches."""

    label: str  # for staff
    headers: tuple[tuple[str, str], ...]


SELF = Agent("本工具（jiandu-verify-deploy）", (("User-Agent", "jiandu-verify-deploy"),))
BROWSER = Agent("浏览器（Chrome，从百度搜索点入）", (
    ("User-Agent", "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
                   "Chrome/131.0.0.0 Safari/537.36"),
    ("Accept", "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"),
    ("Accept-Language", "zh-CN,zh;q=0.9"),
    ("Referer", "https://www.baidu.com/"),  # spam is often shown only to visitors from search results
))
PHONE = Agent("手机浏览器（安卓，从百度搜索点入）", (  # mobile hijacking shows spam to phones only
    ("User-Agent", "Mozilla/5.0 (Linux; Android 14; V2309A) AppleWebKit/537.36 (KHTML, like Gecko) "
                   "Chrome/131.0.0.0 Mobile Safari/537.36"),
    ("Accept", "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"),
    ("Accept-Language", "zh-CN,zh;q=0.9"),
    ("Referer", "https://m.baidu.com/"),
))
BAIDUSPIDER = Agent("百度蜘蛛（Baiduspider）", (
    ("User-Agent", "Mozilla/5.0 (compatible; Baiduspider/2.0; +http://www.baidu.com/search/spider.html)"),
))
AGENTS = (SELF, BROWSER, PHONE, BAIDUSPIDER)


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

    def files(self) -> dict[str, manifests.FileEntry]:
        """Every file the deployed site must hold, manifest.json included."""
        return manifests.files_with_manifest(self.manifest, self.manifest_bytes)

    def expected(self) -> dict[str, str]:
        """path -> SHA-256 of every file the deployed site must hold."""
        return {path: entry.sha256 for path, entry in self.files().items()}


def _compare(path: str, want: str, body: bytes | None) -> Finding | None:
    if body is None:
        return Finding(path, "missing")
    return _changed(path, want, hashlib.sha256(body).hexdigest())


def _changed(path: str, want: str, got: str) -> Finding | None:
    if got != want:
        return Finding(path, "changed", f"应为 SHA-256 {want[:16]}…，实际为 {got[:16]}…")
    return None


def verify_folder(folder: Path, reference: Reference) -> list[Finding]:
    """The folder against the reference, by the same comparison as a build's own check."""
    planned, found = reference.files(), manifests.tree_files(folder)
    mismatch = manifests.compare(planned, found)
    findings = [Finding(p, "extra") for p in mismatch.extra]
    findings += [Finding(p, "missing") for p in mismatch.missing]
    findings += [_changed(p, planned[p].sha256, found[p].sha256) or Finding(p, "changed")
                 for p in mismatch.changed]
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


@dataclass(frozen=True)
class Answer:
    """What one agent got at one address."""

    status: int
    digest: str = ""  # SHA-256 of a complete 2xx body
    note: str = ""  # otherwise, what came instead, as a predicate for staff

    @property
    def found(self) -> bool:
        """The server serves something here: a file, or a redirect away from the site."""
        return 200 <= self.status < 400

    def key(self) -> str:
        return self.digest or self.note

    def got(self, want: str) -> str:
        if self.digest == want:
            return "收到正确文件"
        return f"收到其他内容（SHA-256 {self.digest[:16]}…）" if self.digest else self.note


def _answer(response: download.Response, limit: int) -> Answer:
    if 200 <= response.status < 300 and response.truncated:
        return Answer(response.status, note=f"收到超过 {limit} 字节的内容")
    if 200 <= response.status < 300:
        return Answer(response.status, hashlib.sha256(response.body).hexdigest())
    if 300 <= response.status < 400:
        return Answer(response.status, note=f"被跳转到 {response.location or '（未写明的地址）'}")
    gone = "（不存在）" if response.status in (404, 410) else ""
    return Answer(response.status, note=f"得到 HTTP {response.status}{gone}")


@dataclass
class Fetched:
    """One address as each agent saw it."""

    answers: dict[Agent, Answer]
    bodies: list[bytes]  # distinct 2xx bodies, for the links they hold
    errors: dict[str, list[str]]  # reason -> agents that got no answer at all


class _Site:
    """A deployed site at a base URL: fetch a path as every agent, map a URL back to a path."""

    def __init__(self, base: str):
        self.base = base.rstrip("/") + "/"
        self.root = urlsplit(self.base)

    def url(self, path: str) -> str:
        return routes.public_url(self.base, path)

    def path_of(self, url: str) -> str | None:
        """The site path an address points to, or None if it is outside the site."""
        parts = urlsplit(urldefrag(url)[0])
        if parts.scheme not in ("http", "https") or parts.netloc != self.root.netloc:
            return None
        if not parts.path.startswith(self.root.path):
            return None
        path = unquote(parts.path[len(self.root.path):])
        return routes.output_path(path)

    def fetch(self, path: str, size: int = 0) -> Fetched:
        """`path` as each agent; redirects are followed within the site only (one off it is reported)."""
        limit = max(MAX_BODY_BYTES, 2 * size)
        fetched = Fetched({}, [], {})
        for agent in AGENTS:
            try:
                response = download.get(self.url(path), dict(agent.headers), max_bytes=limit,
                                        timeout=TIMEOUT, deadline=DEADLINE, stay_on_site=True)
            except download.DownloadError as err:
                fetched.errors.setdefault(str(err), []).append(agent.label)
                continue
            fetched.answers[agent] = _answer(response, limit)
            if 200 <= response.status < 300 and response.body not in fetched.bodies:
                fetched.bodies.append(response.body)
        return fetched


def verify_url(base: str, reference: Reference, earlier_paths: set[str] = frozenset()) -> list[Finding]:
    site, expected = _Site(base), reference.expected()
    sizes = {f.path: f.size for f in reference.manifest.files}
    findings: list[Finding] = []
    bodies: list[tuple[str, bytes]] = []
    unanswered = 0
    for path, want in expected.items():
        fetched = site.fetch(path, sizes.get(path, len(reference.manifest_bytes)))
        unanswered += not fetched.answers
        if unanswered >= MAX_UNANSWERED:
            raise Unreachable("；".join(fetched.errors))
        if fetched.errors:
            findings.append(Finding(path, "unreadable", "；".join(
                f"{'、'.join(agents)}：{reason}" for reason, agents in fetched.errors.items())))
        if finding := _judge(path, want, fetched.answers):
            findings.append(finding)
        bodies += [(path, body) for body in fetched.bodies]
    findings += _extras(site, expected, bodies, earlier_paths)
    return sorted(findings)


def _judge(path: str, want: str, answers: dict[Agent, Answer]) -> Finding | None:
    """The finding for one expected file from every agent's answer; None if all got it right."""
    if not answers:
        return None  # nobody got an answer: reported as unreadable
    if len({a.key() for a in answers.values()}) > 1:
        return Finding(path, "cloaked", _who_got_what(want, answers))
    answer = next(iter(answers.values()))
    if answer.digest == want:
        return None
    if answer.status in (404, 410):
        return Finding(path, "missing")
    if answer.digest:
        return Finding(path, "changed", f"应为 SHA-256 {want[:16]}…，实际为 {answer.digest[:16]}…")
    return Finding(path, "changed" if answer.found else "unreadable", answer.note)


def _who_got_what(want: str, answers: dict[Agent, Answer]) -> str:
    """'A、B 收到正确文件；C 收到其他内容（…）', agents grouped by what they got, in AGENTS order."""
    groups: dict[str, list[str]] = {}
    for agent, answer in answers.items():
        groups.setdefault(answer.got(want), []).append(agent.label)
    parts = [f"{'、'.join(labels)}{got}" for got, labels in groups.items()]
    return f"同一网址对不同的 User-Agent 返回了不同内容：{'；'.join(parts)}"


def _is_expected(path: str, expected: dict[str, str]) -> bool:
    # `dir` without its slash is redirected by servers to `dir/`, i.e. dir/index.html.
    return path in expected or routes.output_path(path + "/") in expected


def _extras(site: _Site, expected: dict[str, str], bodies: list[tuple[str, bytes]],
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
        fetched = site.fetch(path)
        seen_by = [agent for agent, answer in fetched.answers.items() if answer.found]
        if not seen_by:
            continue
        if len(seen_by) < len(AGENTS):
            why += f"；只对{'、'.join(agent.label for agent in seen_by)}可见"
        findings.append(Finding(path, "extra", why))
        queue += _linked(site, [(path, body) for body in fetched.bodies])  # an injected page may lead on
    return findings


def _listed_by_server(bodies: list[tuple[str, bytes]]) -> list[str]:
    """The server's own manifest is not trusted, but the files it names are worth asking for."""
    listed: list[str] = []
    for path, body in bodies:
        if path == manifests.MANIFEST:
            try:
                listed += [f.path for f in manifests.parse(body).files]
            except manifests.ManifestError:
                continue
    return listed


def _linked(site: _Site, bodies: list[tuple[str, bytes]]) -> list[tuple[str, str]]:
    found = []
    for source, body in sorted(bodies):
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
        try:
            findings = verify_url(target, reference, earlier_edition_paths(repo))
        except Unreachable as err:
            print(f"无法核对 {target}：已有 {MAX_UNANSWERED} 个文件没有任何响应（{err}），已停止。"
                  "请检查网址和网络。", file=out)
            return 2
    elif Path(target).is_dir():
        findings = verify_folder(Path(target), reference)
    else:
        print(f"目标 {target} 既不是文件夹，也不是 http(s) 网址。", file=out)
        return 2
    print(f"对照：{reference.description}，共 {len(reference.expected())} 个文件。", file=out)
    for finding in findings:
        print(str(finding), file=out)
    if cloaked := sum(f.kind == "cloaked" for f in findings):
        print(f"其中 {cloaked} 处是伪装：服务器对不同的访问者（浏览器、手机浏览器、百度蜘蛛、本工具）"
              "返回了不同的内容。这是挂黑链和博彩推广的常见手法，网站很可能已被入侵，"
              "请立即通知管理员检查服务器。", file=out)
    if findings:
        print(f"共发现 {len(findings)} 处不一致，部署的网站与应上线的版本不符。", file=out)
        return 1
    print("部署的网站与应上线的版本完全一致。", file=out)
    return 0
