"""import-feed: RSS 2.0, Atom, malformed, hostile and Traditional-character feeds; idempotence."""

import io
import shutil
from pathlib import Path

import pytest
import yaml
from bs4 import BeautifulSoup

from jiandu.commands.build import check
from jiandu.commands.importer import FeedError, import_feed
from jiandu.content.tree import render_body
from jiandu.core.settings import DEFAULTS
from tests.conftest import CONF

FEEDS = Path(__file__).parent / "feeds"


def run(tree: Path, name: str, source: Path | None = None):
    return import_feed(str(source or FEEDS / name), tree, DEFAULTS)


def drafts(tree: Path) -> dict[str, str]:
    folder = tree / "content/drafts"
    return {p.name: p.read_text(encoding="utf-8") for p in sorted(folder.glob("*.md"))}


def front(text: str) -> dict:
    return yaml.safe_load(text.split("---\n")[1])


def body(text: str) -> str:
    return text.split("\n---\n", 1)[1]


def one_draft(tree: Path) -> tuple[dict, str]:
    (text,) = drafts(tree).values()
    return front(text), body(text)


def test_rss_items_become_drafts_with_link_guid_date_and_markdown(tree):
    report = run(tree, "rss2.xml")
    assert len(report.created) == 2
    texts = drafts(tree)
    first = next(t for t in texts.values() if "e23-minsheng-2017-0305-001" in t)
    meta = front(first)
    assert meta["status"] == "draft"
    assert str(meta["date"]) == "2017-03-05"
    assert meta["imported"]["guid"] == "e23-minsheng-2017-0305-001"
    assert meta["imported"]["link"] == "https://www.e23.cn/minsheng/2017/0305/001.html"
    assert meta["departments"] == ["cgj"]
    assert "**济南市城市管理局**" in body(first) and "- 清运垃圾十余车" in body(first)


def test_unmatched_departments_are_listed_not_guessed(tree):
    run(tree, "rss2.xml")
    second = next(t for t in drafts(tree).values() if "0312-002" in t)
    meta = front(second)
    assert meta["departments"] == []
    assert any(u.startswith("市质监局") for u in meta["imported"]["unmatched_departments"])


def test_atom_entry_date_is_taken_in_the_bureau_time_zone(tree):
    run(tree, "atom.xml")
    meta, text = one_draft(tree)
    assert str(meta["date"]) == "2017-04-01"  # 23:30 +08:00, not the UTC day
    assert meta["imported"]["guid"] == "tag:jinan.gov.cn,2017:case-0401"
    assert "[市政府网站](https://www.jinan.gov.cn/art/2017/4/1/art_1.html)" in text


def test_malformed_feed_is_read_as_far_as_possible_with_a_warning(tree):
    report = run(tree, "malformed.xml")
    assert len(report.created) == 1
    assert any("格式不规范" in w for w in report.warnings)
    meta, _ = one_draft(tree)
    assert meta["title"] == "路灯不亮 & 无人维修"
    assert "link" not in meta["imported"]  # the guid is not a URL


@pytest.mark.parametrize("name", ["truncated.xml", "not-a-feed.txt", "missing.xml"])
def test_unreadable_feed_writes_nothing(tree, name):
    with pytest.raises(FeedError) as err:
        run(tree, name)
    assert "订阅" in str(err.value)
    assert drafts(tree) == {} if (tree / "content/drafts").exists() else True


def test_hostile_html_is_sanitized_and_hidden_spam_dropped(tree):
    report = run(tree, "hostile.xml")
    assert any("已删除 4 处隐藏文字" in w for w in report.warnings)
    meta, text = one_draft(tree)
    assert meta["title"] == "路面塌陷 已修复"
    for bad in ("script", "alert", "onclick", "onerror", "iframe", "javascript", "style",
                "casino", "bet.example", "porn", "娱乐城", "博彩", "六合彩", "phish", "svg"):
        assert bad not in text.lower(), bad
    assert "市城管局对塌陷路面进行了修复。" in text
    html = BeautifulSoup(render_body(text), "html.parser")
    assert html.find(["script", "iframe", "form", "style"]) is None


def test_traditional_text_is_converted_and_the_original_kept(tree):
    run(tree, "traditional.xml")
    meta, text = one_draft(tree)
    assert meta["title"] == "旧楼区供暖管网改造启动"
    assert "济南市城市管理局表示，将对旧楼区" in text
    assert meta["imported"]["original_title"] == "舊樓區供暖管網改造啟動"
    assert "濟南市城市管理局表示" in meta["imported"]["original_text"]
    assert meta["departments"] == ["cgj"]


def test_importing_twice_creates_and_changes_nothing(tree):
    run(tree, "rss2.xml")
    before = drafts(tree)
    report = run(tree, "rss2.xml")
    assert report.created == [] and report.updated == [] and len(report.unchanged) == 2
    assert drafts(tree) == before
    run(tree, "hostile.xml")
    assert run(tree, "hostile.xml").warnings == []  # nothing new to say about an unchanged draft


def test_a_draft_a_person_edited_is_never_changed(tree, tmp_path):
    run(tree, "rss2.xml")
    path = next(p for p in (tree / "content/drafts").glob("*.md") if "2017-03-05" in p.name)
    edited = path.read_text(encoding="utf-8").replace("读者李先生", "读者")
    path.write_text(edited, encoding="utf-8")
    changed_feed = tmp_path / "changed.xml"
    changed_feed.write_text((FEEDS / "rss2.xml").read_text(encoding="utf-8").replace(
        "三天内清运完毕", "两天内清运完毕"), encoding="utf-8")
    report = run(tree, "", changed_feed)
    assert report.kept_edited == [path.relative_to(tree).as_posix()]
    assert path.read_text(encoding="utf-8") == edited
    assert len(report.updated) == 0 and len(drafts(tree)) == 2


def test_an_unedited_draft_follows_a_changed_item(tree, tmp_path):
    run(tree, "rss2.xml")
    changed_feed = tmp_path / "changed.xml"
    changed_feed.write_text((FEEDS / "rss2.xml").read_text(encoding="utf-8").replace(
        "三天内清运完毕", "两天内清运完毕"), encoding="utf-8")
    report = run(tree, "", changed_feed)
    assert len(report.updated) == 1 and report.created == []
    assert any("两天内清运完毕" in t for t in drafts(tree).values())


def test_a_moved_draft_is_published_once_and_not_imported_again(tree):
    run(tree, "traditional.xml")
    (name, text), = drafts(tree).items()
    text = text.replace("number:\n", "number: 9\n").replace("status: draft", "status: 已受理")
    (tree / "content/column/2017-009.md").write_text(text, encoding="utf-8")
    (tree / "content/drafts" / name).unlink()
    out = io.StringIO()
    assert check(CONF, tree, out=out, JIANDU_AS_OF="2017-06-30") == 0, out.getvalue()
    report = run(tree, "traditional.xml")
    assert report.created == [] and report.published == ["content/column/2017-009.md"]
    assert drafts(tree) == {}


def test_drafts_are_never_built(tree):
    run(tree, "rss2.xml")
    out = io.StringIO()
    assert check(CONF, tree, out=out, JIANDU_AS_OF="2016-06-30") == 0, out.getvalue()
    shutil.rmtree(tree / "content/drafts")
    out2 = io.StringIO()
    check(CONF, tree, out=out2, JIANDU_AS_OF="2016-06-30")
    assert out.getvalue() == out2.getvalue()


@pytest.fixture
def feed_server():
    """The test feeds over http on 127.0.0.1 (no outside network)."""
    import functools
    import threading
    from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer

    class Quiet(SimpleHTTPRequestHandler):
        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Quiet, directory=str(FEEDS)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def test_import_from_a_url(tree, feed_server):
    report = import_feed(f"{feed_server}/rss2.xml", tree, DEFAULTS)
    assert len(report.created) == 2
    meta = front(next(iter(drafts(tree).values())))
    assert meta["imported"]["feed"] == f"{feed_server}/rss2.xml"
    with pytest.raises(FeedError, match="无法下载订阅"):
        import_feed(f"{feed_server}/no-such-feed.xml", tree, DEFAULTS)


def test_import_warns_about_what_the_guards_will_reject(tree, tmp_path):
    feed = tmp_path / "leaky.xml"
    feed.write_text((FEEDS / "rss2.xml").read_text(encoding="utf-8").replace(
        "<p>读者李先生反映", '<p>读者李先生（13800000000）反映，详见<a href="https://bbs.example.net/t/1">论坛</a>。'),
        encoding="utf-8")
    report = run(tree, "", feed)
    warnings = "\n".join(report.warnings)
    assert "发现个人信息（手机号码）：13*******00" in warnings
    assert "bbs.example.net" in warnings
    assert "13800000000" not in warnings
