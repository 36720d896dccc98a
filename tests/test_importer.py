"""import-feed: RSS 2.0, Atom, malformed, hostile, wrongly encoded and Traditional-character feeds;
idempotence; duplicate guids; limits; broken drafts."""

import contextlib
import io
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from xml.sax.saxutils import escape as xml_escape

import pytest
from bs4 import BeautifulSoup
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from jiandu.commands import importer
from jiandu.commands.build import check
from jiandu.commands.importer import CONTROL_RE, FeedError, import_feed
from jiandu.content.tree import render_body
from jiandu.core.problems import Problems
from jiandu.core.settings import DEFAULTS
from jiandu.core.source import read_markdown
from tests.support.content import body, front_matter
from tests.support.project import CONF, PROJECT
from tests.support.server import serving

FEEDS = Path(__file__).parent / "feeds"


def run(tree: Path, name: str, source: Path | None = None):
    return import_feed(str(source or FEEDS / name), tree, DEFAULTS)


def drafts(tree: Path) -> dict[str, str]:
    folder = tree / "content/drafts"
    return {p.name: p.read_text(encoding="utf-8") for p in sorted(folder.glob("*.md"))}


def one_draft(tree: Path) -> tuple[dict, str]:
    (text,) = drafts(tree).values()
    return front_matter(text), body(text)


def test_rss_items_become_drafts_with_link_guid_date_and_markdown(tree):
    report = run(tree, "rss2.xml")
    assert len(report.created) == 2
    texts = drafts(tree)
    first = next(t for t in texts.values() if "e23-minsheng-2017-0305-001" in t)
    meta = front_matter(first)
    assert meta["status"] == "draft"
    assert str(meta["date"]) == "2017-03-05"
    assert meta["imported"]["guid"] == "e23-minsheng-2017-0305-001"
    assert meta["imported"]["link"] == "https://www.e23.cn/minsheng/2017/0305/001.html"
    assert meta["departments"] == ["cgj"]
    assert "**济南市城市管理局**" in body(first) and "- 清运垃圾十余车" in body(first)


def test_unmatched_departments_are_listed_not_guessed(tree):
    run(tree, "rss2.xml")
    second = next(t for t in drafts(tree).values() if "0312-002" in t)
    meta = front_matter(second)
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


def publish_the_draft(tree: Path) -> None:
    """Import the Traditional-character feed's one item, and publish its draft as staff would:
    number and status filled in, moved into content/column/."""
    run(tree, "traditional.xml")
    (name, text), = drafts(tree).items()
    text = text.replace("number:\n", "number: 9\n").replace("status: draft", "status: 已受理")
    (tree / "content/column/2017-009.md").write_text(text, encoding="utf-8")
    (tree / "content/drafts" / name).unlink()


def test_a_moved_draft_is_published_once_and_not_imported_again(tree):
    publish_the_draft(tree)
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
    """The test feeds over http."""
    with serving(FEEDS) as server:
        yield server.url


def test_import_from_a_url(tree, feed_server):
    report = import_feed(f"{feed_server}/rss2.xml", tree, DEFAULTS)
    assert len(report.created) == 2
    meta = front_matter(next(iter(drafts(tree).values())))
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


# ---- duplicate guids: nothing is written over -----------------------------------------------

def test_a_guid_repeated_in_one_feed_keeps_the_first_draft_and_says_so(tree):
    report = run(tree, "duplicate-guid.xml")
    (name, text), = drafts(tree).items()
    assert front_matter(text)["title"] == "窨井盖缺失 市城管局当天补齐"
    assert report.created == [f"content/drafts/{name}"] and report.updated == []
    assert report.skipped == [
        "订阅第 2 个条目“小区噪音扰民 街道办协调解决”未导入：它的 guid（rexian-1）与第 1 个条目相同。"
        f"已保留第 1 个条目的 content/drafts/{name}；请核对订阅。"]
    assert report.lines()[-1] == "共 1 篇新草稿，0 篇更新，0 篇未变，1 个条目未导入。"
    again = run(tree, "duplicate-guid.xml")  # the same answer the next time, nothing changes
    assert again.skipped == report.skipped and again.updated == [] and drafts(tree) == {name: text}


def other_story_feed(tmp_path: Path, guid: str) -> Path:
    """A feed from another system whose only item reuses `guid` for a different story."""
    feed = tmp_path / "other.xml"
    feed.write_text((FEEDS / "duplicate-guid.xml").read_text(encoding="utf-8")
                    .replace("rexian-1", guid, 1).replace("rexian-1", "other-2"), encoding="utf-8")
    return feed


def test_an_item_reusing_a_drafts_guid_for_another_story_leaves_the_draft_alone(tree, tmp_path):
    run(tree, "rss2.xml")
    before = drafts(tree)
    path = next(f"content/drafts/{n}" for n, t in before.items() if "0305-001" in t)
    report = run(tree, "", other_story_feed(tmp_path, "e23-minsheng-2017-0305-001"))
    assert drafts(tree).items() >= before.items()  # the earlier draft is byte for byte the same
    assert report.updated == [] and len(report.created) == 1  # the item with a fresh guid
    assert report.skipped == [
        "订阅第 1 个条目“窨井盖缺失 市城管局当天补齐”未导入：它的 guid（e23-minsheng-2017-0305-001）"
        f"与 {path} 相同，但链接或标题不同，可能是另一篇稿件。{path} 保持不变；"
        f"如确为同一篇的更新，请删除 {path} 后重新导入。"]


def test_an_item_reusing_a_published_entrys_guid_is_not_taken_for_it(tree, tmp_path):
    publish_the_draft(tree)
    report = run(tree, "", other_story_feed(tmp_path, "dzwww-2017-0420-001"))
    assert report.published == []
    assert report.skipped[0].startswith("订阅第 1 个条目“窨井盖缺失 市城管局当天补齐”未导入：它的 guid"
                                        "（dzwww-2017-0420-001）与 content/column/2017-009.md 相同")


# ---- encodings ------------------------------------------------------------------------------

def test_an_undeclared_gbk_feed_reads_as_chinese_not_mojibake(tree):
    data = (FEEDS / "gbk-undeclared.xml").read_bytes()
    assert b"encoding" not in data.split(b"?>")[0]
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")
    report = run(tree, "gbk-undeclared.xml")
    assert report.warnings == ["提示：订阅没有声明编码，内容不是 UTF-8，已按 GB18030（GBK）编码读取。请核对草稿中的文字。"]
    texts = list(drafts(tree).values())  # by file name: by date
    assert [front_matter(t)["title"] for t in texts] == ["老旧小区路灯不亮 市城管局五天修复", "公交站牌字迹模糊 交通运输局更换新站牌"]
    assert [front_matter(t)["departments"] for t in texts] == [["cgj"], ["jtj"]]
    assert "记者联系**济南市城市管理局**，工作人员五天内更换了灯具和线路。" in body(texts[0])
    assert all("original_title" not in front_matter(t)["imported"] for t in texts)  # nothing to convert


def test_an_undeclared_gbk_feed_over_http_reads_as_chinese(tree, feed_server):
    report = import_feed(f"{feed_server}/gbk-undeclared.xml", tree, DEFAULTS)
    assert len(report.created) == 2
    assert any(front_matter(t)["title"] == "老旧小区路灯不亮 市城管局五天修复" for t in drafts(tree).values())


def test_gbk_bytes_in_a_feed_declared_utf8_are_read_as_gbk(tree, tmp_path):
    feed = tmp_path / "wrong.xml"
    feed.write_bytes((FEEDS / "gbk-undeclared.xml").read_bytes().replace(
        b'<?xml version="1.0"?>', b'<?xml version="1.0" encoding="UTF-8"?>'))
    report = run(tree, "", feed)
    assert report.warnings[0].startswith("提示：声明的编码 utf-8 与内容不符，内容不是 UTF-8，已按 GB18030（GBK）编码读取。")
    assert any(front_matter(t)["title"] == "老旧小区路灯不亮 市城管局五天修复" for t in drafts(tree).values())


def test_an_undeclared_big5_feed_is_read_as_big5_and_converted(tree, tmp_path):
    feed = tmp_path / "big5.xml"
    feed.write_bytes((FEEDS / "traditional.xml").read_text(encoding="utf-8")
                     .replace(' encoding="UTF-8"', "").encode("big5"))
    report = run(tree, "", feed)
    assert "已按 Big5（繁体）编码读取" in report.warnings[0]
    meta, _ = one_draft(tree)
    assert meta["title"] == "旧楼区供暖管网改造启动"
    assert meta["imported"]["original_title"] == "舊樓區供暖管網改造啟動"


@pytest.mark.parametrize("data", [
    '<rss version="2.0"><channel><item><title>路燈</title><guid>a</guid></item></channel></rss>'.encode("big5"),
    b'<rss version="2.0"><channel><item><title>\xff\xfe\x80\xff</title><guid>a</guid></item></channel></rss>',
], ids=["too-short-to-tell", "no-chinese-encoding"])
def test_a_feed_whose_encoding_cannot_be_told_is_refused(tree, tmp_path, data):
    feed = tmp_path / "unknown.xml"
    feed.write_bytes(data)
    with pytest.raises(FeedError) as err:
        run(tree, "", feed)
    assert str(err.value).startswith(f"订阅“{feed}”无法读取：没有声明编码，内容不是 UTF-8，"
                                     "也不能确定是 GB18030（GBK）还是 Big5。")
    assert not (tree / "content/drafts").exists()


# ---- limits ---------------------------------------------------------------------------------

def test_a_feed_with_more_items_than_the_limit_is_refused(tree):
    with pytest.raises(FeedError) as err:
        import_feed(str(FEEDS / "rss2.xml"), tree, DEFAULTS.but(import_max_items=1))
    assert str(err.value) == (f"订阅“{FEEDS / 'rss2.xml'}”有 2 个条目，超过上限 1（JIANDU_IMPORT_MAX_ITEMS），"
                              "未导入。请分批导出订阅，或在 pelicanconf.py 中调高 JIANDU_IMPORT_MAX_ITEMS。")
    assert not (tree / "content/drafts").exists()
    assert len(import_feed(str(FEEDS / "rss2.xml"), tree, DEFAULTS.but(import_max_items=2)).created) == 2


def padded_feed(path: Path, size: int) -> Path:
    text = (FEEDS / "rss2.xml").read_text(encoding="utf-8")
    path.write_text(text.replace("</channel>", f"<!-- {'x' * size} --></channel>"), encoding="utf-8")
    return path


def test_a_feed_over_the_size_limit_is_refused_from_a_file_and_over_http(tree, tmp_path):
    big = padded_feed(tmp_path / "big.xml", 1024 * 1024)
    settings = DEFAULTS.but(import_max_mb=1)
    with serving(tmp_path) as server:
        for source in (str(big), f"{server.url}/big.xml"):
            with pytest.raises(FeedError) as err:
                import_feed(source, tree, settings)
            assert str(err.value) == (f"订阅“{source}”超过 1 MB（JIANDU_IMPORT_MAX_MB），未导入。请确认订阅地址；"
                                      "确需导入时，在 pelicanconf.py 中调高 JIANDU_IMPORT_MAX_MB。")
    assert not (tree / "content/drafts").exists()
    assert len(import_feed(str(big), tree, DEFAULTS.but(import_max_mb=2)).created) == 2


def test_the_limits_are_validated_settings():
    from jiandu.core.problems import ContentError
    from jiandu.core.settings import jiandu_settings

    assert (DEFAULTS.import_max_items, DEFAULTS.import_max_mb) == (500, 20)
    assert jiandu_settings({"JIANDU_IMPORT_MAX_ITEMS": 50}).import_max_items == 50
    with pytest.raises(ContentError) as err:
        jiandu_settings({"JIANDU_IMPORT_MAX_ITEMS": 0, "JIANDU_IMPORT_MAX_MB": "20"})
    assert [str(p) for p in err.value.problems.sorted()] == [
        "pelicanconf.py:1: JIANDU_IMPORT_MAX_ITEMS 应为正整数。 例如 JIANDU_IMPORT_MAX_ITEMS = 500。",
        "pelicanconf.py:1: JIANDU_IMPORT_MAX_MB 应为正整数。 例如 JIANDU_IMPORT_MAX_MB = 20。"]


# ---- broken drafts --------------------------------------------------------------------------

def test_a_draft_cut_off_mid_character_is_reported_and_the_import_goes_on(tree, tmp_path):
    run(tree, "rss2.xml")
    folder = tree / "content/drafts"
    cut = next(p for p in folder.glob("*.md") if "2017-03-05" in p.name)
    data = cut.read_bytes()
    data = data[: data.index("垃圾".encode()) + 1]  # the first byte of a three-byte character
    cut.write_bytes(data)
    (folder / "notes.md").write_text("---\ntitle: [未完\n---\n", encoding="utf-8")
    before = drafts_bytes(tree)
    feed = tmp_path / "more.xml"
    feed.write_text((FEEDS / "rss2.xml").read_text(encoding="utf-8").replace(
        "</channel>", "<item><title>新条目</title><guid>e23-new-003</guid>"
        "<description>市城管局处理完毕。</description></item></channel>"), encoding="utf-8")
    report = run(tree, "", feed)  # no exception
    shown = cut.relative_to(tree).as_posix()
    line = data.count(b"\n") + 1
    assert len(report.problems) == 2, report.problems
    assert report.problems[0].startswith(f"{shown}:{line}: 文件在一个字的中间结束"), report.problems
    assert re.match(r"content/drafts/notes\.md:[23]: YAML 格式错误", report.problems[1]), report.problems
    assert report.lines()[:2] == report.problems
    assert report.skipped == [f"订阅第 1 个条目“背街小巷垃圾堆积 城管局三天清运完毕”未导入：{shown} 已存在，"
                              "但不是这个条目的草稿（或无法读取），未覆盖。修复或删除该文件后重新导入。"]
    assert len(report.created) == 1 and len(report.unchanged) == 1
    after = drafts_bytes(tree)
    assert {name: after[name] for name in before} == before  # the broken files are left as they are
    cut.unlink()  # once staff delete the broken draft, the item comes back
    assert len(run(tree, "", feed).created) == 1


def drafts_bytes(tree: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted((tree / "content/drafts").glob("*.md"))}


# ---- hostile, empty, huge and malformed feeds: a message, never a traceback ------------------

def rss(*items: str, declaration: str = '<?xml version="1.0" encoding="UTF-8"?>') -> bytes:
    return f'{declaration}<rss version="2.0"><channel><title>x</title>{"".join(items)}</channel></rss>'.encode()


def entry(title="路灯不亮", text="市城管局已修复。", guid="g-1", date="Sun, 05 Mar 2017 01:30:00 GMT") -> str:
    return f"<item><title>{title}</title><guid>{guid}</guid><pubDate>{date}</pubDate><description>{text}</description></item>"


LAUGHS = "".join(f'<!ENTITY l{i + 1} "{f"&l{i};" * 10}">' for i in range(8))
HOSTILE = {
    "empty": b"",
    "spaces": b"   \n\n",
    "binary": bytes(range(256)) * 64,
    "json": b'{"items": [1, 2]}',
    "html page": b"<!doctype html><title>x</title><p>not a feed</p>",
    "no items": rss(),
    "entity bomb": rss(entry(title="&l8;"), declaration=f'<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY l0 "lol">{LAUGHS}]>'),
    "external entity": rss(entry(title="&x;"), declaration='<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY x SYSTEM "file:///etc/passwd">]>'),
    "deep nesting": rss(entry(text="&lt;b&gt;" * 20000 + "x")),
    "surrogate reference": rss(entry(title="a&#xD800;b", text="&amp;#xDFFF;")),
    "huge references": rss(entry(title="&#99999999999;&#x110000;&#1114112;")),
    "control references": rss(entry(title="a&#0;b&#11;c", text="x&amp;#11;y")),
    "raw control bytes": rss(entry(title="a\x00b\x0bc", text="<![CDATA[x\x1by]]>")),
    "hidden line breaks and escaped references": rss(entry(title="a\u2028b", guid="g\u2029h",
                                                          text="x\u2028y\x85z &amp;#11; &amp;#&amp;#0;11;")),
    "year 9999": rss(entry(date="Fri, 31 Dec 9999 23:00:00 GMT")),
    "no guid, title or date": rss("<item><description>只有正文</description></item>"),
    "blank guid": rss(entry(guid="   ")),
    "utf-16": '<?xml version="1.0" encoding="UTF-16"?><rss version="2.0"><channel><item><title>路灯</title><guid>g</guid></item></channel></rss>'.encode("utf-16"),
    "cut off": rss(entry())[:-40],
    "one 5 MB item": rss(entry(text="&lt;p&gt;" + "读者反映情况。" * 250_000)),
}


@pytest.mark.parametrize("name", HOSTILE)
def test_a_hostile_feed_gets_an_answer_in_chinese_and_drafts_that_read_back(tree, tmp_path, name):
    feed = tmp_path / "hostile.xml"
    feed.write_bytes(HOSTILE[name])
    start = time.monotonic()
    try:
        report = run(tree, "", feed)
    except FeedError as err:
        assert str(err).startswith(f"订阅“{feed}”"), err
        return
    finally:
        assert time.monotonic() - start < 20
    if name == "one 5 MB item":  # a draft over JIANDU_MAX_FILE_BYTES would be refused by check
        [skipped] = report.skipped
        assert "超过内容文件的上限 1048576 字节（JIANDU_MAX_FILE_BYTES）" in skipped, skipped
        return
    assert report.created
    assert_drafts_read_back(tree)
    assert all(re.search(r"[\u4e00-\u9fff]", line) for line in report.lines())


BAD_REF_RE = re.compile(r"&#(0*([0-8]|1[124-9]|2[0-9]|3[01]|12[7-9]|1[3-5][0-9])|[xX]0*([0-8bcBC]|1[0-9a-fA-F]|[dD][89a-fA-F][0-9a-fA-F]{2}));")


def assert_drafts_read_back(tree: Path) -> None:
    """Every draft is UTF-8 with front matter staff (and invoke check) can read, and nothing an
    editor would not show: no control character, no reference to one, no line break but "\n"."""
    for path in (tree / "content/drafts").glob("*.md"):
        problems = Problems()
        source = read_markdown(path, path.name, problems)
        assert source is not None and not problems, problems.report()
        text = path.read_bytes().decode("utf-8")
        assert not CONTROL_RE.search(text) and not re.search("[\r\u2028\u2029]", text), ascii(text)
        assert not BAD_REF_RE.search(source.body), ascii(source.body)
        assert source.meta.data["status"] == "draft"


TRICKY = st.sampled_from(["\x00", "\x0b", "\x1b", "\x7f", "\x85", "\u2028", "\u2029", "\r", "\r\n", "\ufffe",
                          "\u200b", "&#11;", "&#x0B;", "&#xD800;", "&#99999999;", "&amp;#0;", "&#&#0;11;", "&lt;b&gt;",
                          "<b>", "</p>", "<", "&", "]]>", "@", "---", "\n---\n", ": ", "#", "'", '"'])
TEXT = st.lists(st.one_of(st.text(max_size=20), TRICKY), max_size=12).map("".join)


@given(title=TEXT, text=TEXT, guid=TEXT, link=TEXT, date=TEXT)
@settings(max_examples=60, deadline=None, derandomize=True, database=None,
          suppress_health_check=[HealthCheck.too_slow])
def test_any_item_text_imports_or_is_refused_with_a_message(title, text, guid, link, date):
    """Whatever the item holds (escaped for XML, or raw in CDATA): drafts that read back, or a FeedError."""
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        (root / "content/column").mkdir(parents=True)
        shutil.copy(PROJECT / "tests/fixtures/site/content/departments.yml", root / "content")
        feed = root / "feed.xml"
        item = (f"<item><title>{xml_escape(title)}</title><guid>{xml_escape(guid)}</guid>"
                f"<link>{xml_escape(link)}</link><pubDate>{xml_escape(date)}</pubDate>"
                f"<description><![CDATA[{text.replace(']]>', '')}]]></description></item>")
        feed.write_bytes(rss(item).decode().encode("utf-8", "surrogatepass"))
        try:
            report = import_feed(str(feed), root, DEFAULTS)
        except FeedError as err:
            assert str(err).startswith(f"订阅“{feed}”")
            return
        assert len(report.created) == 1
        assert_drafts_read_back(root)


def test_an_item_with_a_long_run_of_letters_after_an_at_sign_imports_in_seconds(tree, tmp_path):
    """200 KB of `@aaaa…` made the e-mail pattern backtrack for minutes; in a child process so a
    hang fails the test instead of the suite."""
    feed = tmp_path / "at.xml"
    feed.write_bytes(rss(entry(text="联系方式 @" + "a" * 200_000)))
    code = ("import sys; from pathlib import Path; from jiandu.commands.importer import import_feed; "
            "from jiandu.core.settings import DEFAULTS; "
            "print(len(import_feed(sys.argv[1], Path(sys.argv[2]), DEFAULTS).created))")
    try:
        done = subprocess.run([sys.executable, "-c", code, str(feed), str(tree)], cwd=PROJECT,
                              capture_output=True, text=True, timeout=AT_SIGN_BOUND)
    except subprocess.TimeoutExpired:
        pytest.fail(f"importing a 200 KB item took more than {AT_SIGN_BOUND} s")
    assert done.returncode == 0 and done.stdout.strip() == "1", done.stderr


AT_SIGN_BOUND = 15  # seconds, Python's start and imports included


def test_a_server_that_trickles_the_feed_is_given_up_on(tree, tmp_path, monkeypatch):
    from http.server import BaseHTTPRequestHandler

    class Trickle(BaseHTTPRequestHandler):
        def __init__(self, *args, directory=None, **kwargs):
            super().__init__(*args, **kwargs)

        def do_GET(self):
            self.send_response(200)
            self.send_header("Content-Type", "application/rss+xml")
            self.end_headers()
            with contextlib.suppress(OSError):
                for _ in range(100):  # a byte every 0.2 s: each read is quick, the whole is not
                    self.wfile.write(b" ")
                    self.wfile.flush()
                    time.sleep(0.2)

        def log_message(self, *args):
            pass

    monkeypatch.setattr(importer, "FETCH_DEADLINE", 1)
    start = time.monotonic()
    with serving(tmp_path, Trickle) as server, pytest.raises(FeedError) as err:
        import_feed(f"{server.url}/feed.xml", tree, DEFAULTS)
    assert str(err.value) == f"无法下载订阅“{server.url}/feed.xml”：下载超时。请检查网址和网络。"
    assert time.monotonic() - start < 10


def test_every_import_message_is_explained_in_the_guide():
    guide = (PROJECT / "docs/编辑指南.md").read_text(encoding="utf-8")
    for phrase in ("未导入：它的 guid（…）与第 M 个条目相同", "但链接或标题不同，可能是另一篇稿件",
                   "已存在，但不是这个条目的草稿（或无法读取），未覆盖", "文件不是 UTF-8 编码",
                   "已按 GB18030（GBK）/ Big5（繁体）编码读取", "也不能确定是 GB18030（GBK）还是 Big5",
                   "（JIANDU_IMPORT_MAX_ITEMS），未导入", "（JIANDU_IMPORT_MAX_MB），未导入", "下载超时",
                   "网页和订阅无法使用的字符", "已删除 N 个控制字符", "已删除 N 处隐藏文字"):
        assert phrase in guide, phrase


def test_a_feed_declared_big5_that_is_not_is_refused_not_misread(tree, tmp_path):
    feed = tmp_path / "wrong.xml"
    feed.write_bytes(b'<?xml version="1.0" encoding="big5"?><rss version="2.0"><channel><item>'
                     b"<title>\xff\xfe\x80\xff</title><guid>a</guid></item></channel></rss>")
    with pytest.raises(FeedError) as err:
        run(tree, "", feed)
    assert str(err.value).startswith(f"订阅“{feed}”无法读取：声明的编码 big5 与内容不符，内容不是 UTF-8，")
