"""Guards judge what readers see: split and encoded personal data, links as browsers resolve them,
source lines, exact exemptions, spam words, hidden text, and bounded time on hostile input.

Each disguise is first shown to work: the page Python-Markdown and the sanitizer produce,
read by BeautifulSoup, shows the full value, or ada (the WHATWG parser browsers follow) resolves
the link to the foreign host. Only then is the guard asked about it. All numbers are made up.
"""

import io
import re
import time

import pytest
from ada_url import URL
from bs4 import BeautifulSoup

from jiandu.commands.build import check
from jiandu.content.guards import (
    HIDDEN,
    LINK,
    SPAM,
    GuardSettings,
    scan,
    scan_body,
)
from jiandu.content.hidden import hidden_in_html
from jiandu.content.sanitize import render_body
from jiandu.content.visible import MARKDOWN
from jiandu.core.settings import DEFAULTS
from tests.support.content import problems, write
from tests.support.personal import CARD16, GS, SPLIT_FORMS, entry, kinds, page_text
from tests.support.project import CONF

PAGE = "column/2016-009"


# ---- split and encoded personal data ---------------------------------------------------------

@pytest.mark.parametrize("markdown, shown, kind", SPLIT_FORMS, ids=lambda v: str(v)[:24])
def test_split_and_encoded_personal_data_is_found(markdown, shown, kind):
    visible = page_text(markdown)
    assert shown.replace(" ", "") in visible  # the disguise works: the page shows it in full
    assert kind in [k for _, k, _ in kinds(markdown)]


def test_the_message_says_when_a_value_was_split():
    (finding,) = scan_body("电话138<!-- -->00000000", 1, GS)
    assert finding.shown == "13*******00" and "原文经过拆分或变形" in finding.detail
    (plain,) = scan_body("电话13800000000", 1, GS)
    assert plain.detail == ""


def test_hidden_from_the_page_is_not_reported():
    # A comment or a script is not shown to readers; the guards judge the page.
    assert kinds("说明<!-- 电话13800000000 -->。") == []
    assert kinds("说明<script>var t = '13800000000';</script>。") == []


# ---- links as browsers resolve them ----------------------------------------------------------

BYPASSES = [
    "[看这里](https://evil。com/)",
    "[看这里](https://evil｡com/)",
    "[看这里](https://evil．com/)",
    '<a href="https:\\\\evil.com/">看这里</a>',
    "[看这里](https:\\\\evil.com)",
    '<a href="ht&#9;tps://evil.com/">看这里</a>',
    "[看这里](ht&#9;tps://evil.com/)",
    '<a href="https:/evil.com/">看这里</a>',
    "[看这里](https:evil.com)",
    "[看这里](//evil.com/)",
    '<a href="\\\\evil.com/">看这里</a>',
    "[看这里](HTTPS://EVIL.COM/)",
    "[看这里](https://www.jinan.gov.cn@evil.com/)",
    "[看这里](https://www.jinan.gov.cn:x@evil.com/)",
    '<a href="https://evil&#x3002;com/">看这里</a>',
    '<a href="https://evil%2Ecom/">看这里</a>',
    "<https://evil.com>",
    "[看这里][1]\n\n[1]: https://evil.com/",
    '<img src="//evil.com/a.png" alt="图">',
    '<q cite="https://evil.com/">引文</q>',
]


def hrefs(markdown: str) -> list[str]:
    soup = BeautifulSoup(render_body(markdown), "html.parser")
    return [t.get(a) for t in soup.find_all(True) for a in ("href", "src", "cite") if t.get(a)]


@pytest.mark.parametrize("markdown", BYPASSES, ids=lambda v: v[:28])
def test_links_are_judged_as_browsers_resolve_them(markdown):
    (href,) = hrefs(markdown)  # published as written
    https_page, http_page = "https://jiandu.example.gov.cn/column/2016-009/", "http://jiandu.example.gov.cn/"
    resolved = {URL(href, https_page).hostname, URL(href, http_page).hostname}
    assert "evil.com" in resolved  # a browser goes there from the page, under one scheme or both
    assert (LINK, "evil.com") in [(f.kind, f.shown) for f in scan_body(markdown, 1, GS, PAGE)]


def test_a_single_slash_is_relative_on_an_https_page_and_a_host_on_an_http_one():
    assert URL("https:/evil.com/", "https://jiandu.example.gov.cn/a/").hostname == "jiandu.example.gov.cn"
    assert URL("https:/evil.com/", "http://jiandu.example.gov.cn/a/").hostname == "evil.com"


@pytest.mark.parametrize("markdown", [
    "[上一期](../2016-045/)", "[锚点](#q1)", "[本站](/departments/cgj/)",
    "[政府](https://www.jinan.gov.cn/)", "[政府](HTTPS://WWW.JINAN.GOV.CN/)",
    "[新闻](//news.e23.cn/a.html)", "[写信](mailto:12345@jinan.gov.cn)",
])
def test_relative_and_allowlisted_links_pass(markdown):
    assert [f for f in scan_body(markdown, 1, GS, PAGE) if f.kind == LINK] == []


def test_hosts_are_compared_idna_normalised():
    gs = GuardSettings.from_settings(DEFAULTS.but(link_allowlist=("gov.cn", "济南.中国")))
    assert scan_body("[x](https://www.济南.中国/)", 1, gs, PAGE) == []
    ascii_form = URL("https://www.济南.中国/").hostname
    assert ascii_form.startswith("www.xn--")
    assert scan_body(f"[x](https://{ascii_form.upper()}/)", 1, gs, PAGE) == []
    (f,) = scan_body("[x](https://赌场.com/)", 1, gs, PAGE)
    assert (f.shown, f.value) == ("赌场.com", URL("https://赌场.com/").hostname)


def test_the_message_shows_a_link_as_it_was_written_when_the_host_hides_in_it():
    (f,) = scan_body("[x](https://www.jinan.gov.cn@evil.com/)", 1, GS, PAGE)
    assert f.detail == "浏览器会把“https://www.jinan.gov.cn@evil.com/”解析为这个域名。"
    (plain,) = scan_body("[x](https://evil.com/)", 1, GS, PAGE)
    assert plain.detail == ""


# ---- source lines ---------------------------------------------------------------------------

def test_each_finding_is_reported_at_its_source_line(tree):
    body = "\n".join([
        "第一段，电话1380**000**0000。",                     # 9
        "",                                                  # 10
        "- 列表项 [链接](https:\\\\evil.com)",                 # 11
        "- 另一项 someone&#64;example.com",                   # 12
        "",                                                  # 13
        "| 项目 | 说明 |",                                     # 14
        "| --- | --- |",                                     # 15
        f"| 卡 | {CARD16[:6]} {CARD16[6:12]} {CARD16[12:]} |",  # 16
        "",                                                  # 17
        "段落开头 138<!--",                                    # 18
        "注释跨行 -->00000000 结尾",                             # 19
        "",                                                  # 20
        "> 引用 澳门葡京 [注][1]",                                # 21
        "",                                                  # 22
        "[1]: https://evil.org/x",                           # 23
    ])
    write(tree, "content/column/2016-009.md", entry(body))
    lines = problems(tree)
    found = sorted((int(line.split(":")[1]), re.search(r"（(.+?)）|域名|违规词语", line).group())
                   for line in lines)
    assert found == [(9, "（手机号码）"), (11, "域名"), (12, "（电子邮箱）"), (16, "（银行卡号）"),
                     (18, "（手机号码）"), (21, "违规词语"), (23, "域名")], lines


def test_a_value_only_the_page_assembles_is_located_by_rendering():
    # An abbreviation's title appears wherever the word is used; the source has it once.
    body = "问题由 ABC 受理。\n\n第二段。\n\n*[ABC]: 电话13800000000\n"
    assert "13800000000" in page_text(body)
    lines = sorted({f.line for f in scan_body(body, 1, GS)})
    assert lines and all(1 <= line <= 5 for line in lines) and 5 in lines


# ---- exemptions ------------------------------------------------------------------------------

EXEMPT = ("exemptions:\n  - kind: 固定电话\n    match: \"{match}\"\n"
          "    reason: 街道办公开的值班电话\n    reviewer: 办公室主任\n")


@pytest.mark.parametrize("match", ["0531-86000000", "(0531)86000000", "０５３１－８６００００００"])
def test_an_exemption_covers_exactly_one_number(tree, match):
    write(tree, "content/column/2016-009.md", entry(
        "值班电话0531-86000000，（0531）8600-0000 同上；另一部0531-86000100。", EXEMPT.format(match=match)))
    lines = problems(tree)
    # 0531-86000100 masks exactly as 0531-86000000 does, and is still reported.
    assert len(lines) == 1 and lines[0].startswith("content/column/2016-009.md:14: 发现个人信息（固定电话）：053*******100"), lines


def test_a_masked_exemption_is_refused(tree):
    write(tree, "content/column/2016-009.md", entry(
        "值班电话0531-86000000。", EXEMPT.format(match="053*******000")))
    lines = problems(tree)
    assert any(line.startswith("content/column/2016-009.md:8: 豁免登记（exemptions）的 match“053*******000”是打码后的样子")
               for line in lines), lines
    assert any("发现个人信息（固定电话）" in line for line in lines)


def test_link_and_word_exemptions_name_one_host_and_one_word(tree):
    extra = ("exemptions:\n  - kind: 外部链接\n    match: news.example.org\n    reason: 合作媒体\n"
             "    reviewer: 办公室主任\n  - kind: 违规词语\n    match: 赌场\n    reason: 查处地下赌场的报道\n"
             "    reviewer: 办公室主任\n")
    write(tree, "content/column/2016-009.md", entry(
        "[报道](https://NEWS.example.org/a) 查处地下赌场。[另一篇](https://cdn.example.org/b)", extra))
    lines = problems(tree)
    assert len(lines) == 1 and "cdn.example.org" in lines[0], lines


# ---- spam words ------------------------------------------------------------------------------

@pytest.mark.parametrize("text, word", [
    ("欢迎光临澳门葡京娱乐", "澳门葡京"),
    ("百家 乐 在线", "百家乐"),
    ("博\u200b彩", "博彩"),
    ("专业代开发票，税点低", "代开发票"),
    ("發票代開", "發票代開"),
    ("<b>赌</b>场", "赌场"),
])
def test_spam_words_are_found_as_readers_see_them(text, word):
    assert (SPAM, word) in [(k, s) for _, k, s in kinds(text)]


def test_staff_extend_the_word_list_in_content(tree):
    write(tree, "content/spam-words.yml", "# 补充的违规词语\n赌博:\n  - 某某国际\n")
    write(tree, "content/column/2016-009.md", entry("欢迎来到某某国际。"))
    lines = problems(tree)
    assert len(lines) == 1 and lines[0].startswith("content/column/2016-009.md:9: 发现违规词语（赌博）：“某某国际”")


def test_the_word_list_is_validated_with_lines(tree):
    write(tree, "content/spam-words.yml", "赌博:\n  - 某某国际\n  - 赌\n  - 某某国际\n假发票: 代开\n")
    lines = problems(tree)
    assert [line.split(" ")[0] for line in lines] == [
        "content/spam-words.yml:3:", "content/spam-words.yml:4:", "content/spam-words.yml:5:"], lines
    assert "太短" in lines[0] and "重复" in lines[1] and "应为词语列表" in lines[2]


# ---- hidden text -----------------------------------------------------------------------------

@pytest.mark.parametrize("html", [
    '<span style="color:#fff">网上娱乐城</span>',
    '<span style="color: white; background: #ffffff">网上娱乐城</span>',
    '<span style="color:#333;background-color:#333">网上娱乐城</span>',
    '<div style="background:#000"><span style="color:rgb(0,0,0)">网上娱乐城</span></div>',
    '<span style="color:#fefefe">网上娱乐城</span>',
    '<span style="color:transparent">网上娱乐城</span>',
    '<span style="color:rgba(0,0,0,0)">网上娱乐城</span>',
    '<font color="#FFFFFF">网上娱乐城</font>',
    '<span style="font-size:1px">网上娱乐城</span>',
    '<span style="font-size:0.5px">网上娱乐城</span>',
    '<span style="font-size:0.05em">网上娱乐城</span>',
    '<span style="width:1px;height:1px;overflow:hidden">网上娱乐城</span>',
])
def test_white_on_white_and_tiny_text_are_flagged(html):
    assert HIDDEN in [k for _, k, _ in kinds(html)]


@pytest.mark.parametrize("html", [
    '<span style="color:#333">正文</span>',
    '<span style="color:red">正文</span>',
    '<div style="background:#003366"><span style="color:#fff">正文</span></div>',
    '<span style="font-size:12px">正文</span>',
    '<span style="font-size:0.8em">正文</span>',
])
def test_readable_styles_are_not_flagged(html):
    assert kinds(html) == []


def test_the_sanitizer_drops_every_style_so_hidden_text_shows():
    html = render_body('<span style="color:#fff;font-size:0">网上娱乐城</span>')
    soup = BeautifulSoup(html, "html.parser")
    assert soup.find(style=True) is None and "网上娱乐城" in soup.get_text()


# ---- bounded time ----------------------------------------------------------------------------

MB = 1_000_000
HOSTILE = {
    "at-then-letters": "x@" + "a" * MB,
    "letters-then-at": "a" * MB + "@",
    "at-pairs": "a@" * (MB // 2),
    "dotted-domain": "a@" + "b." * (MB // 2),
    "digits": "1" * MB,
    "digit-groups": "1 " * (MB // 2),
    "digit-dashes": "1-" * (MB // 2),
    "three-digit-groups": "123 " * (MB // 4),
    "dashes": "-" * MB,
    "full-width-dashes": "－" * MB,
    "spaces": " " * MB,
    "zero-width": "1\u200b" * (MB // 2),
    "unclosed-attribute": '<a title="' + "x" * MB,
    "unclosed-comments": "<!--" * (MB // 4),
    "url": "https://" + "a" * MB,
    "www": "www." + "a." * (MB // 2),
    "entities": "&#49;" * (MB // 5),
    "style": '<p style="' + "height:0;" * (MB // 9) + '">x</p>',
    "style-comments": '<p style="' + "/*" * (MB // 2) + '">x</p>',
    "many-tags": "<div>" * (MB // 5),
    "style-sheet": "<style>" + ".a{" * (MB // 3),
}


@pytest.mark.parametrize("name", HOSTILE)
def test_the_guards_read_a_hostile_megabyte_in_bounded_time(name):
    """The guards' own work on the source (fold, every pattern, hidden styles), in CPU time so
    that other processes on the machine do not count. A quadratic pattern takes minutes here."""
    text = HOSTILE[name]
    start = time.process_time()
    scan(text, MARKDOWN, GS, "https://jiandu.example.gov.cn/")
    hidden_in_html(text)
    scan_body(text[:1000], 1, GS)  # and the whole path, on a piece
    assert time.process_time() - start < 2.0


def test_an_at_sign_before_200_kb_of_letters_is_checked_well_under_a_second():
    start = time.process_time()
    assert scan_body("邮箱 x@" + "a" * 200_000, 1, GS) == []
    assert time.process_time() - start < 1.0


def test_import_feed_does_not_hang_on_an_email_bomb(tree, tmp_path):
    from jiandu.commands.importer import import_feed

    feed = tmp_path / "bomb.xml"
    feed.write_text(
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>t</title>'
        '<item><guid>bomb-1</guid><title>测试</title><description>联系 x@' + "a" * 200_000 +
        "</description></item></channel></rss>", encoding="utf-8")
    start = time.process_time()
    report_ = import_feed(str(feed), tree, DEFAULTS)
    assert len(report_.created) == 1 and time.process_time() - start < 5.0


# ---- no false alarms -------------------------------------------------------------------------

@pytest.mark.parametrize("text", [
    "2016年1月5日至2017年3月1日，2016－01－05，2016—2017年度，2016.01.05，2016。01。05",
    "第2016-045期，2017年第3期，本期编号 2017－003，inquiry/2017-03#q1",
    "投入资金 1 380 000 000 元，人口 8 700 000 人，面积 1 380.5 平方公里",
    "工单号 201601050012345，受理编号 2016 0105 0012 3456",
    "热线 12345、12315、0531-12345，邮编 250001，区号 0531",
    "时间 08:30—17:30，电压 220 伏，门牌 138 号 0000 室",
    "网址 https://www.jinan.gov.cn/art/2016/1/5/art_13800000000_1.html",
    "赌博危害大，群众举报后，公安机关依法查处。发票请向税务机关申领。",
    "代开证明请到街道办。开具发票后请妥善保管。",
])
def test_no_false_alarm_on_ordinary_text(text):
    assert kinds(text) == []


def test_the_demo_content_passes():
    out = io.StringIO()
    assert check(CONF, out=out) == 0, out.getvalue()


def test_front_matter_values_are_read_as_shown_and_resolved(tree):
    path = tree / "content/inquiry/2016-02.md"
    path.write_text(path.read_text(encoding="utf-8").replace(
        "number: 2\n", "number: 2\nvideo: https://www.jinan.gov.cn@evil.com/v\n").replace(
        "title: ", "title: 电话138\u200b0000\u200b0000 ", 1), encoding="utf-8")
    lines = problems(tree)
    assert any(":4: 外部链接指向不在白名单内的域名：evil.com" in line for line in lines), lines
    assert any("发现个人信息（手机号码）：13*******00（原文经过拆分或变形" in line for line in lines), lines


def test_characters_the_fold_does_not_look_up_fold_to_one_character():
    """visible._plain looks up only characters outside the common blocks: each inside them must
    fold to exactly one character, or a vanished or expanded one would be mapped wrongly."""
    from jiandu.content.visible import _UNCOMMON_RE, fold_char

    common = [chr(c) for c in range(0x110000) if not _UNCOMMON_RE.match(chr(c))]
    assert len(common) > 27_000 and "\u200b" not in common and "…" not in common
    assert [c for c in common if len(fold_char(c)) != 1] == []


def test_characters_the_fold_does_not_look_up_fold_to_themselves():
    """visible._fold_text replaces only the characters _CHANGING_RE matches."""
    from jiandu.content.visible import _CHANGING_RE, fold_char

    kept = [chr(c) for c in range(0x110000) if not _CHANGING_RE.match(chr(c))]
    assert len(kept) > 27_000 and "，" not in kept and "\u2014" not in kept
    assert [c for c in kept if fold_char(c) != c] == []
