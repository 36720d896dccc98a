"""`invoke verify-deploy`: a built site served on localhost (and a local folder) is compared with
the manifest of the edition that should be live; every missing, extra or changed file is reported."""

import functools
import hashlib
import io
import shutil
import threading
from datetime import date
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer

import pytest

from jiandu.build.manifest import file_sha256
from jiandu.content.edition_index import Edition, Package, save_editions
from jiandu.editions.archive import build_at_ref
from jiandu.editions.verify import verify_deploy
from tests.gitutil import make_repo

SPAM = b'<p><a href="../../offers/casino.html">cheap offers</a></p></main>'


class QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format, *args):
        pass


@pytest.fixture
def deployed(fixture_site, tmp_path):
    """A copy of the fixture build, served over HTTP on 127.0.0.1 while the test runs."""
    root = tmp_path / "www"
    shutil.copytree(fixture_site, root)
    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(QuietHandler, directory=str(root)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield root, f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()
    thread.join(timeout=10)


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
