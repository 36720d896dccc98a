"""`invoke verify-deploy`: a built site served on localhost (and a local folder) is compared with
the manifest of the edition that should be live; every missing, extra or changed file is reported,
and so is a server that answers browsers or Baiduspider differently from verify-deploy itself."""

import contextlib
import hashlib
import io
import json
import shutil
import time
from datetime import date
from pathlib import Path

import pytest

from jiandu.build.manifest import file_sha256
from jiandu.content.edition_index import Edition, Package, save_editions
from jiandu.editions import verify
from jiandu.editions.archive import build_at_ref
from jiandu.editions.verify import verify_deploy
from tests.support.git import make_repo
from tests.support.server import QuietHandler, serving

SPAM = b'<p><a href="../../offers/casino.html">cheap offers</a></p></main>'


@pytest.fixture
def deployed(fixture_site, tmp_path):
    """A copy of the fixture build, served over HTTP on 127.0.0.1 while the test runs."""
    root = tmp_path / "www"
    shutil.copytree(fixture_site, root)
    with serving(root) as server:
        yield root, server.url


def run(repo, target, manifest) -> tuple[int, list[str]]:
    out = io.StringIO()
    status = verify_deploy(repo, str(target), manifest=str(manifest), out=out)
    return status, out.getvalue().splitlines()


def deface(root) -> None:
    """An injected spam link on one page, and the page it points to."""
    page = root / "column/2016-001/index.html"
    page.write_bytes(page.read_bytes().replace(b"</main>", SPAM))
    (root / "offers").mkdir()
    (root / "offers/casino.html").write_text("<html><body>spam</body></html>", encoding="utf-8")


def test_untouched_deployment_passes(deployed, fixture_site, tmp_path):
    root, url = deployed
    for target in (url, root):
        status, lines = run(tmp_path, target, fixture_site / "manifest.json")
        assert status == 0, lines
        assert lines[-1] == "部署的网站与应上线的版本完全一致。"


def test_defaced_page_and_stray_file_are_reported_over_http(deployed, fixture_site, tmp_path):
    root, url = deployed
    deface(root)
    status, lines = run(tmp_path, url, fixture_site / "manifest.json")
    assert status == 1
    changed = [line for line in lines if line.startswith("被改动：")]
    extra = [line for line in lines if line.startswith("多出：")]
    assert [line.split("（")[0] for line in changed] == ["被改动：column/2016-001/index.html"]
    assert extra == ["多出：offers/casino.html（由 column/2016-001/index.html 链接）"]
    assert lines[-1] == "共发现 2 处不一致，部署的网站与应上线的版本不符。"


def test_folder_check_finds_unlinked_stray_files_and_missing_files(deployed, fixture_site, tmp_path):
    root, url = deployed
    deface(root)
    (root / "hidden.php").write_text("<?php ?>", encoding="utf-8")  # linked from nowhere
    (root / "column/2016-002/index.html").unlink()
    status, lines = run(tmp_path, root, fixture_site / "manifest.json")
    assert status == 1
    assert sorted(line.split("（")[0] for line in lines[1:-1]) == [
        "多出：hidden.php", "多出：offers/casino.html", "缺少：column/2016-002/index.html",
        "被改动：column/2016-001/index.html"]
    # Over HTTP nothing links to hidden.php, so it cannot be found there: the documented limit.
    status, lines = run(tmp_path, url, fixture_site / "manifest.json")
    assert not any("hidden.php" in line for line in lines)
    # This test server answers the page's address with a directory listing: a different page.
    assert any(line.startswith("被改动：column/2016-002/index.html") for line in lines)


def test_tampered_server_manifest_is_reported(deployed, fixture_site, tmp_path):
    root, url = deployed
    manifest = root / "manifest.json"
    manifest.write_bytes(manifest.read_bytes().replace(b'"site_url": ""', b'"site_url": "x"'))
    status, lines = run(tmp_path, url, fixture_site / "manifest.json")
    assert status == 1
    assert [line.split("（")[0] for line in lines[1:-1]] == ["被改动：manifest.json"]


def test_file_left_from_an_earlier_edition_is_found_over_http(deployed, fixture_site, tmp_path):
    """A page an earlier edition had, removed since but still on the server, is probed and reported."""
    root, url = deployed
    earlier = tmp_path / "archives/jiandu-2016-05-31-00000000-manifest.json"
    earlier.parent.mkdir()
    lingering = "inquiry/2015-09/index.html"
    text = (fixture_site / "manifest.json").read_text(encoding="utf-8").replace(
        '"files": [\n', f'"files": [\n{{"path": "{lingering}", "sha256": "{"0" * 64}", "size": 1}},\n')
    earlier.write_text(text, encoding="utf-8")
    package = Package("manifest", earlier.name, file_sha256(earlier), earlier.stat().st_size)
    save_editions(tmp_path, (Edition("2016-05-31-00000000", date(2016, 5, 31), "0" * 40, "2016-05-31T00:00:00Z",
                                     "", 1, 1, 1, (package,)),))
    (root / "inquiry/2015-09").mkdir(parents=True)
    (root / "inquiry/2015-09/index.html").write_text("旧页面", encoding="utf-8")
    status, lines = run(tmp_path, url, fixture_site / "manifest.json")
    assert status == 1
    assert lines[1:-1] == ["多出：inquiry/2015-09/index.html（上一归档版本中的文件，仍在服务器上）"]


def test_reference_built_from_the_commit_that_should_be_live(tmp_path):
    """Without a manifest, the reference is a fresh build of the ref, not anything on the server."""
    repo = make_repo(tmp_path / "repo")
    live = tmp_path / "live"
    build_at_ref(repo, "HEAD", live)
    out = io.StringIO()
    assert verify_deploy(repo, str(live), out=out) == 0, out.getvalue()
    page = live / "index.html"
    page.write_bytes(page.read_bytes() + b"<!-- x -->")
    out = io.StringIO()
    assert verify_deploy(repo, str(live), out=out) == 1
    want = hashlib.sha256(page.read_bytes()).hexdigest()[:16]
    assert f"实际为 {want}…" in out.getvalue()


def test_files_named_by_a_rewritten_server_manifest_are_probed(deployed, fixture_site, tmp_path):
    """An intruder who lists an unlinked file in the server's manifest.json gets both reported."""
    root, url = deployed
    (root / "promo").mkdir()
    (root / "promo/index.html").write_text("<p>spam</p>", encoding="utf-8")
    manifest = root / "manifest.json"
    manifest.write_text(manifest.read_text(encoding="utf-8").replace(
        '"files": [\n', f'"files": [\n{{"path": "promo/index.html", "sha256": "{"1" * 64}", "size": 11}},\n'),
        encoding="utf-8")
    status, lines = run(tmp_path, url, fixture_site / "manifest.json")
    assert status == 1
    assert [line.split("（")[0] for line in lines[1:-1]] == ["被改动：manifest.json", "多出：promo/index.html"]
    assert "（服务器上的 manifest.json 列出）" in lines[2]


# ---- cloaking: spam for browsers and search engines, the genuine site for the webmaster -------

BROWSER = "浏览器（Chrome，从百度搜索点入）"
PHONE = "手机浏览器（安卓，从百度搜索点入）"
SPIDER = "百度蜘蛛（Baiduspider）"
SELF = "本工具（jiandu-verify-deploy）"
CLOAKED_PAGES = ("/", "/column/2016-001/")


class Cloaking(QuietHandler):
    """Injected spam as it is found on defaced sites: the genuine files for verify-deploy's own
    User-Agent, a page with a spam link (and the spam page) for every User-Agent in `fooled`."""

    fooled = ("Chrome/", "Baiduspider")

    def do_GET(self):
        agent = self.headers.get("User-Agent", "")
        self.server.requests.append((agent, self.path))
        if any(word in agent for word in self.fooled) and self.path in CLOAKED_PAGES + ("/offers/casino.html",):
            return self.send_bytes(spammed(Path(self.directory), self.path))
        return super().do_GET()

    def send_bytes(self, body: bytes):
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


class CloakingForBaiduspider(Cloaking):
    fooled = ("Baiduspider",)


def spammed(root: Path, url_path: str) -> bytes:
    if url_path == "/offers/casino.html":
        return b"<html><body>spam</body></html>"
    return (root / url_path.lstrip("/") / "index.html").read_bytes().replace(b"</main>", SPAM)


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()[:16]


def cloaked_line(page: str, genuine: list[str], fooled: list[str], root: Path) -> str:
    url_path = "/" + page.removesuffix("index.html")
    return (f"伪装：{page}（同一网址对不同的 User-Agent 返回了不同内容：{'、'.join(genuine)}收到正确文件；"
            f"{'、'.join(fooled)}收到其他内容（SHA-256 {sha(spammed(root, url_path))}…））")


def manifest_files(fixture_site) -> int:
    return len(json.loads((fixture_site / "manifest.json").read_text(encoding="utf-8"))["files"]) + 1


def test_spam_served_to_browsers_and_baiduspider_only_is_reported_as_cloaking(fixture_site, tmp_path, monkeypatch):
    root = tmp_path / "www"
    shutil.copytree(fixture_site, root)
    with serving(root, Cloaking) as server:
        status, lines = run(tmp_path, server.url, fixture_site / "manifest.json")
        requests = len(server.requests)
        # The blind spot this closes: asking only as itself, verify-deploy saw the genuine site.
        monkeypatch.setattr(verify, "AGENTS", (verify.SELF,))
        assert run(tmp_path, server.url, fixture_site / "manifest.json") == (0, [
            lines[0], "部署的网站与应上线的版本完全一致。"])
    assert status == 1
    assert lines[1:] == [
        cloaked_line("column/2016-001/index.html", [SELF], [BROWSER, PHONE, SPIDER], root),
        cloaked_line("index.html", [SELF], [BROWSER, PHONE, SPIDER], root),
        f"多出：offers/casino.html（由 column/2016-001/index.html 链接；只对{BROWSER}、{PHONE}、{SPIDER}可见）",
        "其中 2 处是伪装：服务器对不同的访问者（浏览器、手机浏览器、百度蜘蛛、本工具）返回了不同的内容。"
        "这是挂黑链和博彩推广的常见手法，网站很可能已被入侵，请立即通知管理员检查服务器。",
        "共发现 3 处不一致，部署的网站与应上线的版本不符。"]
    # Four requests per file and for the one address probed, no crawl beyond that.
    assert requests == 4 * (manifest_files(fixture_site) + 1)


def test_a_server_that_cloaks_only_for_baiduspider_is_caught(fixture_site, tmp_path):
    root = tmp_path / "www"
    shutil.copytree(fixture_site, root)
    with serving(root, CloakingForBaiduspider) as server:
        status, lines = run(tmp_path, server.url, fixture_site / "manifest.json")
    assert status == 1
    assert lines[1:4] == [
        cloaked_line("column/2016-001/index.html", [SELF, BROWSER, PHONE], [SPIDER], root),
        cloaked_line("index.html", [SELF, BROWSER, PHONE], [SPIDER], root),
        f"多出：offers/casino.html（由 column/2016-001/index.html 链接；只对{SPIDER}可见）"]
    assert lines[-1] == "共发现 3 处不一致，部署的网站与应上线的版本不符。"


class CloakingForPhones(Cloaking):
    fooled = ("Mobile",)


def test_a_server_that_shows_spam_to_phones_only_is_caught(fixture_site, tmp_path):
    """Mobile hijacking: a phone arriving from Baidu gets the spam, a desktop browser does not."""
    root = tmp_path / "www"
    shutil.copytree(fixture_site, root)
    with serving(root, CloakingForPhones) as server:
        status, lines = run(tmp_path, server.url, fixture_site / "manifest.json")
    assert status == 1
    assert lines[1:4] == [
        cloaked_line("column/2016-001/index.html", [SELF, BROWSER, SPIDER], [PHONE], root),
        cloaked_line("index.html", [SELF, BROWSER, SPIDER], [PHONE], root),
        f"多出：offers/casino.html（由 column/2016-001/index.html 链接；只对{PHONE}可见）"]
    assert lines[-1] == "共发现 3 处不一致，部署的网站与应上线的版本不符。"


class RedirectingVisitorsFromBaidu(QuietHandler):
    """Visitors who come from a Baidu search are sent to a gambling site; nobody else is."""

    def do_GET(self):
        if self.path == "/" and "baidu.com" in self.headers.get("Referer", ""):
            self.send_response(302)
            self.send_header("Location", "https://casino.example/")
            self.end_headers()
            return None
        return super().do_GET()


def test_visitors_sent_off_the_site_are_reported_and_the_redirect_is_not_followed(deployed_with, fixture_site, tmp_path):
    server = deployed_with(RedirectingVisitorsFromBaidu)
    status, lines = run(tmp_path, server.url, fixture_site / "manifest.json")
    assert status == 1
    assert lines[1:-2] == [
        f"伪装：index.html（同一网址对不同的 User-Agent 返回了不同内容：{SELF}、{SPIDER}收到正确文件；"
        f"{BROWSER}、{PHONE}被跳转到 https://casino.example/）"]


class Stalling(QuietHandler):
    """The home page never ends; one column page never starts."""

    def do_GET(self):
        if self.path == "/":
            self.send_response(200)
            self.end_headers()
            with contextlib.suppress(OSError):
                for _ in range(2000):
                    self.wfile.write(b"x" * 4096)
            return None
        if self.path == "/column/2016-002/":
            time.sleep(3)
            return None
        return super().do_GET()


def test_endless_and_silent_answers_are_bounded_and_reported(deployed_with, fixture_site, tmp_path, monkeypatch):
    monkeypatch.setattr(verify, "MAX_BODY_BYTES", 1024 * 1024)
    monkeypatch.setattr(verify, "TIMEOUT", 0.5)
    server = deployed_with(Stalling)
    start = time.monotonic()
    status, lines = run(tmp_path, server.url, fixture_site / "manifest.json")
    assert time.monotonic() - start < 60
    assert status == 1
    assert lines[1:-1] == [
        f"无法读取：column/2016-002/index.html（{SELF}、{BROWSER}、{PHONE}、{SPIDER}：等待超时）",
        "被改动：index.html（收到超过 1048576 字节的内容）"]


@pytest.fixture
def deployed_with(fixture_site, tmp_path):
    """A copy of the fixture build served by a given handler class."""
    with contextlib.ExitStack() as stack:
        def start(handler):
            root = tmp_path / "www"
            shutil.copytree(fixture_site, root)
            return stack.enter_context(serving(root, handler))
        yield start


def test_every_verify_message_is_explained_in_the_guide():
    guide = (Path(__file__).parent.parent / "docs/编辑指南.md").read_text(encoding="utf-8")
    for kind in verify.KINDS.values():
        assert f"| {kind}：" in guide or f"/ {kind}：" in guide, kind
    for phrase in ("同一网址对不同的 User-Agent 返回了不同内容", "收到正确文件", "收到其他内容", "被跳转到",
                   "只对 … 可见", "等待超时", "连接被拒绝", "没有任何响应", *(agent.label.split("（")[0] for agent in verify.AGENTS)):
        assert phrase in guide, phrase


def test_an_unreachable_server_stops_the_check_early(fixture_site, tmp_path):
    with serving(tmp_path) as server:
        url = server.url  # a port nobody listens on once this server is closed
    start = time.monotonic()
    status, lines = run(tmp_path, url, fixture_site / "manifest.json")
    assert status == 2 and time.monotonic() - start < 30
    assert lines == [f"无法核对 {url}：已有 5 个文件没有任何响应（连接被拒绝），已停止。请检查网址和网络。"]
