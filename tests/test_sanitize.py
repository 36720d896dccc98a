"""The one sanitizer, against known XSS payloads: structurally, in a built page, and in Chromium."""

import io
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from hypothesis import given, settings
from hypothesis import strategies as st

from jiandu.commands.build import build_or_report
from jiandu.content.sanitize import _plain_markdown, sanitize_html
from jiandu.content.tree import render_body
from jiandu.core.source import control_refs
from tests.support.content import record, write
from tests.support.project import CONF, parse
from tests.support.tools import chromium

PAYLOADS = [line for line in (Path(__file__).parent / "xss_payloads.txt").read_text(
    encoding="utf-8").splitlines() if line.strip()]
DANGEROUS_TAGS = {"script", "style", "iframe", "object", "embed", "link", "meta", "base", "form",
                  "input", "button", "svg", "math", "frame", "frameset", "applet", "template",
                  "body", "video", "audio", "source", "details", "marquee", "textarea", "noscript"}
SAFE_SCHEMES = ("http://", "https://", "mailto:", "#", "/", "./", "../")


def assert_inert(html: str) -> None:
    soup = BeautifulSoup(html, "html.parser")
    for tag in soup.find_all(True):
        assert tag.name not in DANGEROUS_TAGS, html
        for name, value in tag.attrs.items():
            assert not name.lower().startswith("on"), html
            assert name.lower() not in {"style", "srcdoc", "formaction", "action", "background"}, html
            if name.lower() in {"href", "src", "cite"}:
                assert value.strip().lower().startswith(SAFE_SCHEMES) or "://" not in value and \
                    ":" not in value, html
    assert "javascript:" not in html.lower() or "&lt;" in html


def test_there_are_at_least_30_payloads():
    assert len(PAYLOADS) >= 30


@pytest.mark.parametrize("payload", PAYLOADS)
def test_sanitizer_leaves_nothing_executable(payload):
    assert_inert(sanitize_html(payload))


@pytest.mark.parametrize("payload", PAYLOADS)
def test_markdown_bodies_go_through_the_sanitizer(payload):
    assert_inert(render_body(f"正文。\n\n{payload}\n\n结尾。"))


def test_ordinary_markdown_survives():
    html = render_body("## 小标题\n\n**加粗**，[链接](https://www.jinan.gov.cn/)。\n\n"
                       "| 项目 | 状态 |\n| --- | --- |\n| 路灯 | 已修复 |\n\n- 一\n- 二\n\n注释[^1]\n\n"
                       "[^1]: 说明。\n")
    soup = BeautifulSoup(html, "html.parser")
    assert soup.h2.text == "小标题" and soup.strong.text == "加粗"
    assert soup.find("a", href="https://www.jinan.gov.cn/") is not None
    assert soup.table.find("td").text == "路灯" and len(soup.find_all("li")) >= 2
    assert soup.find("a", class_="footnote-ref") is not None


def test_built_page_carries_no_payload(tree, tmp_path):
    # A payload with a reference to a control character (&#14;) is refused by check itself.
    body = "\n\n".join(p for p in PAYLOADS if "://" not in p and "//" not in p and not control_refs(p))
    write(tree, "content/column/2016-009.md", record(f"正文。\n\n{body}", title="测试"))
    out = io.StringIO()
    assert build_or_report(CONF, tmp_path / "out", tree, out=out) == 0, out.getvalue()
    page = parse(tmp_path / "out/column/2016-009/index.html")
    article = page.find("main")
    assert "正文。" in article.text
    assert_inert(str(article))


# ---- in a real browser ----------------------------------------------------------------------

def dialogs_fired(html_fragments: list[str]) -> int:
    """Load the fragments in Chromium, offline, hover and click everything; count alert() calls."""
    fired = []
    with chromium() as browser:
        page = browser.new_page()
        page.route("**/*", lambda route: route.abort())
        page.on("dialog", lambda d: (fired.append(d.message), d.dismiss()))
        body = "\n".join(f"<section>{f}</section>" for f in html_fragments)
        page.set_content(f"<!doctype html><meta charset=utf-8><body>{body}</body>")
        page.wait_for_timeout(300)
        page.evaluate("""() => { for (const el of document.querySelectorAll('body *')) {
            for (const t of ['mouseover', 'focus', 'click']) {
              try { el.dispatchEvent(new Event(t)); if (t === 'click' && el.tagName !== 'A') el.click(); }
              catch (e) {} } } }""")
        page.wait_for_timeout(300)
    return len(fired)


def test_payloads_do_run_unsanitized_so_the_browser_check_can_fail():
    assert dialogs_fired(PAYLOADS) > 0


def test_sanitized_payloads_run_nothing_in_chromium():
    assert dialogs_fired([sanitize_html(p) for p in PAYLOADS]) == 0


def test_body_html_cannot_take_over_page_anchors_but_footnotes_work():
    from jiandu.content.sanitize import _markdown

    html = sanitize_html(_markdown().reset().convert('<a id="q1" href="#q1">x</a>\n\n正文[^1]。\n\n[^1]: 注释'))
    soup = BeautifulSoup(html, "html.parser")
    assert [t["id"] for t in soup.select("[id]")] == ["fnref:1", "fn:1"]
    assert soup.select_one("a.footnote-backref")["title"] == "返回正文第 1 处注释"


# ---- the inline pass that leaves plain text alone ----------------------------------------------

REFERENCE_MARKDOWN = _plain_markdown()  # Python-Markdown's own inline pass

MARKDOWN_PIECES = st.sampled_from([
    "*", "**", "_", "__", "`", "``", "\\", "\\*", "[", "]", "(", ")", "!", "![", "<", ">", "&", "#",
    "##", "-", "+", "1.", "2)", ">", " ", "  ", "  \n", "\n", "\n\n", "\t", ":", "|", "---", "~", "^",
    "[^1]", "\n\n[^1]: 注释", "[链接](http://x.gov.cn)", "[a]: http://x.gov.cn", "<http://x.gov.cn>",
    "<a@x.cn>", "<b>", "</b>", "<!-- x -->", "&amp;", "&#12345;", "&copy", "\n*[HTML]: 超文本\n", "HTML",
    "{: .x }", "\n    代码\n", "\n```\n", "\n~~~\n", "| a | b |\n|---|---|\n| 1 | 2 |\n", "\n: 定义\n",
    "<div markdown=\"1\">", "</div>", "王女士", "反映", "12345", "abc", "x_y", "。", "，",
])


PROSE = st.sampled_from(["王女士", "反映", "问题", "。", "，", "abc", " ", "12345"])


@settings(max_examples=500, deadline=None)
@given(st.lists(st.one_of(MARKDOWN_PIECES, PROSE, PROSE, PROSE), max_size=40).map("".join))
def test_plain_text_inline_pass_renders_as_markdown_does(text):
    """The renderer's inline pass that skips plain text gives Python-Markdown's own HTML."""
    from jiandu.content.sanitize import _markdown

    assert _markdown().reset().convert(text) == REFERENCE_MARKDOWN.reset().convert(text)


@pytest.mark.parametrize("text", [  # each inline pattern alone in a line of prose
    "王女士*反映*问题", "王女士**反映**问题", "王女士 _反映_ 问题", "王女士 __反映__ 问题", "代码`x`反映",
    "反映\\*问题", "[链接](http://x.gov.cn)反映", "![图](x.png)反映", "[链接]反映\n\n[链接]: http://x.cn",
    "反映[^1]\n\n[^1]: 注释", "反映<http://x.gov.cn>", "反映<a@x.gov.cn>", "反映<b>问题</b>",
    "第一行  \n第二行",
])  # entities (&amp;) are left out: the serializer keeps them as they are with or without the pass
def test_each_inline_pattern_still_applies(text):
    from jiandu.content.sanitize import _markdown

    assert _markdown().reset().convert(text) == REFERENCE_MARKDOWN.reset().convert(text)
    without_inline_pass = _plain_markdown()
    without_inline_pass.treeprocessors.deregister("inline")
    assert without_inline_pass.convert(text) != REFERENCE_MARKDOWN.reset().convert(text)  # it matters


def test_plain_text_inline_pass_is_in_use():
    from markdown.treeprocessors import InlineProcessor

    from jiandu.content.sanitize import PlainTextInline, _markdown

    inline = _markdown().treeprocessors["inline"]
    assert isinstance(inline, PlainTextInline)
    # The method it overrides is still the one Python-Markdown calls for each text.
    assert "_InlineProcessor__handleInline" in vars(InlineProcessor)
    _markdown().reset().convert("王女士反映了问题。")
    assert inline.known_patterns  # every pattern is one it knows the markup of


@pytest.mark.parametrize("text", [  # each block the quick tests look for, in prose
    "> 王女士反映", "问题\n> 王女士反映", "标题\n===\n\n正文", "标题\n---\n\n正文", "术语\n: 定义",
    "术语\n:   定义\n\n正文", "王女士:反映", "问题\n-反映", "问题\n=反映",
    "<div>王女士</div>\n\n反映", "王女士 &amp; 反映", "王女士&copy反映", "反映\n\n<!-- x -->\n\n问题",
    "王女士\t反映\n\n\n    代码\n\n问题",
])
def test_quick_block_tests_change_nothing(text):
    from jiandu.content.sanitize import _markdown

    assert _markdown().reset().convert(text) == REFERENCE_MARKDOWN.reset().convert(text)


def test_quick_processors_are_in_use_in_markdowns_order():
    from jiandu.content.sanitize import QUICK_BLOCKS, QuickHtmlBlock, _markdown

    md, reference = _markdown(), REFERENCE_MARKDOWN
    assert type(md.preprocessors["html_block"]) is QuickHtmlBlock
    assert [type(md.parser.blockprocessors[name]) for _, name, _ in QUICK_BLOCKS] == [
        quick for quick, _, _ in QUICK_BLOCKS]
    extended = {quick: quick.__base__ for quick in [quick for quick, _, _ in QUICK_BLOCKS] + [QuickHtmlBlock]}
    for mine, theirs in ((md.preprocessors, reference.preprocessors),
                         (md.parser.blockprocessors, reference.parser.blockprocessors)):
        assert [extended.get(type(p), type(p)) for p in mine] == [type(p) for p in theirs]
