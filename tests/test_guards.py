"""Guards: personal data, non-allowlisted links and hidden text, in `invoke check` and the build.

All numbers here are made up: they only satisfy the check digits the guards validate.
"""

import io
import re

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from jiandu.commands.build import build_or_report, check
from jiandu.content import guards
from jiandu.content.guards import (
    BANK_CARD,
    DIGITS,
    EMAIL,
    HIDDEN,
    ID_CARD,
    LANDLINE,
    LINK,
    MOBILE,
    GuardSettings,
    id_check_digit_ok,
    luhn_ok,
    mask,
    scan,
    scan_body,
)
from jiandu.content.visible import HTML
from jiandu.core.settings import jiandu_settings
from jiandu.core.source import Located
from tests.support.content import problems, write
from tests.support.personal import FAKE_CARD, FAKE_ID, GS, entry, kinds
from tests.support.project import CONF


def test_check_digit_helpers_agree_with_the_fakes():
    assert id_check_digit_ok(FAKE_ID) and luhn_ok(FAKE_CARD)
    assert not id_check_digit_ok(FAKE_ID[:17] + ("0" if FAKE_ID[17] != "0" else "1"))


@pytest.mark.parametrize("text, kind", [
    ("请联系13800000000。", MOBILE),
    ("手机 138-0000-0000 已关机", MOBILE),
    ("+86 139 0000 0000", MOBILE),
    ("座机0531-86000000转", LANDLINE),
    ("电话（0531）86000000", LANDLINE),
    ("010 66000000", LANDLINE),
    ("座机053186000000", LANDLINE),
    ("手机１３８００００００００", MOBILE),
    (f"身份证号{FAKE_ID}。", ID_CARD),
    (f"卡号{FAKE_CARD}。", BANK_CARD),
    (f"卡号 {FAKE_CARD[:4]} {FAKE_CARD[4:8]} {FAKE_CARD[8:12]} {FAKE_CARD[12:16]} {FAKE_CARD[16:]}",
     BANK_CARD),
    ("邮箱 someone.fake@example.com 联系", EMAIL),
    ("电话：一三八〇〇〇〇〇〇〇〇", MOBILE),  # written out in Chinese digits, as read aloud
    ("手机幺三九 〇〇〇〇 〇〇〇〇", MOBILE),
    ("打壹叁捌零零零零零零零零", MOBILE),
    ("手机138〇〇〇〇〇〇〇〇", MOBILE),  # partly
    ("座机〇五三一-八六〇〇〇〇〇〇", LANDLINE),
    ("手机١٣٨٠٠٠٠٠٠٠٠", MOBILE),  # Arabic-Indic digits
    ("手机१३८००००००००", MOBILE),  # Devanagari digits
])
def test_each_kind_of_personal_data_is_found_and_masked(text, kind):
    found = kinds(text)
    assert [k for _, k, _ in found] == [kind]
    shown = found[0][2]
    assert "*" in shown
    digits = "".join(ch for ch in text.translate(DIGITS) if ch.isdigit())
    if kind != EMAIL:
        assert digits[-9:] not in shown.replace(" ", "").replace("-", "")  # never in full
    else:
        assert "someone.fake" not in shown and "example.com" not in shown


@pytest.mark.parametrize("text", [
    "2016年1月5日，2016-01-05，20160105，2016.01.05",
    "第2016-045期，2017年第3期，inquiry/2017-03#q1，column/2016-045",
    "拨打12345热线，或12315、12369、110、120。",
    "网址 https://www.jinan.gov.cn/art/2016/1/5/art_13800000000_1.html",
    "工单号 201601050012，金额 1380000000 元，人口 8700000 人",
    f"身份证号{FAKE_ID[:17]}{'0' if FAKE_ID[17] != '0' else '1'}（校验位不对）",
    f"流水号{FAKE_CARD[:-1]}{(int(FAKE_CARD[-1]) + 1) % 10}（不满足 Luhn）",
    "面积 138.5 平方米，电压 220 伏，时间 13:45",
    "二〇一六年十二月三十一日，第一二三四五六七八九十条，拨打一二三四五热线",
    "一三八户居民、一千三百八十万元、三四五六七八九户",
])
def test_no_false_alarm(text):
    assert kinds(text) == []


def test_service_numbers_from_settings_are_allowed():
    gs = GuardSettings.from_settings(jiandu_settings({"JIANDU_SERVICE_NUMBERS": ["0531-86000000"]}))
    assert scan_body("值班电话 0531-86000000", 1, gs) == []
    assert [f.kind for f in scan_body("值班电话 0531-86000001", 1, gs)] == [LANDLINE]


def test_mask_hides_the_middle_of_each_kind():
    assert mask("13800000000") == "13*******00"
    assert mask(FAKE_ID).count("*") == 10
    masked = mask("someone.fake@example.com")
    assert masked.startswith("so") and "@" in masked and "someone" not in masked
    assert kinds(masked) == []  # a masked address is no longer found


@pytest.mark.parametrize("html, style", [
    ('<span style="display:none">娱乐城</span>', "display:none"),
    ('<div style="DISPLAY : none;">x</div>', "display:none"),
    ('<p style="visibility:hidden">x</p>', "visibility:hidden"),
    ('<p style="font-size:0">x</p>', "font-size:0"),
    ('<p style="font-size: 0px;">x</p>', "font-size:0"),
    ('<div style="position:absolute;left:-9999px">x</div>', "off-screen"),
    ('<div style="position:fixed; top:-1000px">x</div>', "off-screen"),
    ('<p style="text-indent:-9999em">x</p>', "off-screen"),
    ('<style>.a{display:none}</style><p class="a">x</p>', "display:none"),
    ('<p hidden>x</p>', "hidden"),
    ('<div style="height:0;overflow:hidden">x</div>', "size:0"),
    ('<p style="transform: scale(0)">x</p>', "scale(0)"),
    ('<p style="opacity:0">x</p>', "opacity:0"),
])
def test_each_kind_of_hidden_text_is_caught(html, style):
    assert (HIDDEN, style) in [(k, s) for _, k, s in kinds(html)]


def test_visible_styles_are_not_hidden_text():
    assert kinds('<p style="font-size:14px;left:0;margin-left:-10px;height:0">正文</p>') == []
    assert kinds('<p style="overflow:hidden;opacity:0.5">正文</p>') == []


@pytest.mark.parametrize("text, host", [
    ("[看这里](https://casino.example/)", "casino.example"),
    ('<a href="http://bet.example">x</a>', "bet.example"),
    ("https://gov.cn.evil.example/page", "gov.cn.evil.example"),
    ("https://evilgov.cn/", "evilgov.cn"),
    ("https://jinan.gov.cn@evil.example/", "evil.example"),
    ("https://evil.example\\@www.jinan.gov.cn/", "evil.example"),
    ('<a href="//spam.example/x">x</a>', "spam.example"),
    ("[x](//spam.example/x)", "spam.example"),
    ('<a href="&#104;ttps://hidden.example/">x</a>', "hidden.example"),
    ("访问 www.bet365.example 领取", "www.bet365.example"),
    ("<img src=\"https://img.example/a.png\">", "img.example"),
])
def test_non_allowlisted_links_are_caught(text, host):
    assert (LINK, host) in [(k, s) for _, k, s in kinds(text)]


@pytest.mark.parametrize("text", [
    "https://www.jinan.gov.cn/col/zfjd/",
    "https://gov.cn/",
    "[新闻](https://news.e23.cn/a.html)",
    '<a href="https://www.jnnews.tv/v/1.html">视频</a>',
    "[上一期](../2016-045/) 与 [锚点](#q1)",
])
def test_allowlisted_and_relative_links_pass(text):
    assert kinds(text) == []


def test_check_reports_path_line_kind_and_masked_match(tree):
    write(tree, "content/column/2016-009.md", entry(
        "王女士的手机13800000000。\n<span style=\"display:none\"><a href=\"https://casino.example/\">x</a></span>"))
    lines = problems(tree)
    assert any(line.startswith("content/column/2016-009.md:9: 发现个人信息（手机号码）：13*******00。")
               for line in lines)
    assert any(line.startswith("content/column/2016-009.md:10: 发现隐藏文字（display:none）")
               for line in lines)
    assert any(line.startswith("content/column/2016-009.md:10: 外部链接指向不在白名单内的域名：casino.example")
               for line in lines)
    assert not any("13800000000" in line for line in lines)


def test_front_matter_urls_are_guarded(tree):
    path = tree / "content/inquiry/2016-02.md"
    path.write_text(path.read_text(encoding="utf-8").replace(
        "number: 2\n", "number: 2\nvideo: https://casino.example/x\n"), encoding="utf-8")
    assert [line.split(" ")[0] for line in problems(tree)] == ["content/inquiry/2016-02.md:4:"]


def test_department_website_is_guarded(tree):
    registry = tree / "content/departments.yml"
    registry.write_text(registry.read_text(encoding="utf-8").replace(
        "name: 济南市城市管理局", "name: 济南市城市管理局\n  website: https://cgj.jinan.gov.cn.evil.example/",
        1), encoding="utf-8")
    lines = problems(tree)
    assert len(lines) == 1 and lines[0].startswith("content/departments.yml:")
    assert "cgj.jinan.gov.cn.evil.example" in lines[0]


@pytest.mark.parametrize("kind, match, body, shown", [
    ("固定电话", "0531-86000000", "值班电话0531-86000000，另一部0531-86000001。", "053*******001"),
    # written in Chinese digits, the number is the same one: only the other is reported
    ("手机号码", "13800000000", "值班手机一三八〇〇〇〇〇〇〇〇，另一部幺三八〇〇〇〇〇〇〇一。", "幺三*******〇一"),
], ids=["landline", "chinese_digits"])
def test_reviewed_exemption_silences_exactly_its_finding(tree, kind, match, body, shown):
    exemption = (f"exemptions:\n  - kind: {kind}\n    match: \"{match}\"\n"
                 "    reason: 公开的值班电话\n    reviewer: 办公室主任\n")
    write(tree, "content/column/2016-009.md", entry(body, exemption))
    lines = problems(tree)
    assert len(lines) == 1 and shown in lines[0], lines


def test_exemption_needs_reason_and_reviewer_and_must_match(tree):
    exemption = "exemptions:\n  - kind: 手机号码\n    match: \"13900000099\"\n"
    write(tree, "content/column/2016-009.md", entry("", exemption))
    lines = problems(tree)
    assert any("缺少必填字段 reason（理由）" in line for line in lines)
    assert any("缺少必填字段 reviewer（审核人）" in line for line in lines)
    assert any("“手机号码 13*******99”没有对应任何发现" in line for line in lines)
    assert not any("13900000099" in line for line in lines)  # the value is masked in the message


def test_build_refuses_content_with_findings(tree, tmp_path):
    write(tree, "content/column/2016-009.md", entry(f"卡号{FAKE_CARD}"))
    output = tmp_path / "out"
    out = io.StringIO()
    assert build_or_report(CONF, output, tree, out=out) == 1
    assert not output.exists()
    assert "发现个人信息（银行卡号）" in out.getvalue()


def test_demo_content_passes_the_guards():
    out = io.StringIO()
    assert check(CONF, out=out) == 0, out.getvalue()


def test_allowlist_comes_from_the_settings(tree):
    write(tree, "content/column/2016-009.md", entry("[报道](https://news.example.org/a.html)"))
    assert len(problems(tree)) == 1
    out = io.StringIO()
    status = check(CONF, tree, out=out, JIANDU_AS_OF="2016-06-30",
                   JIANDU_LINK_ALLOWLIST=["gov.cn", "example.org"])
    assert status == 0, out.getvalue()


@pytest.mark.parametrize("value", ["gov.cn", None, [["gov.cn"]]])
def test_list_settings_must_be_lists(tree, value):
    out = io.StringIO()
    assert check(CONF, tree, out=out, JIANDU_LINK_ALLOWLIST=value) == 1
    assert "pelicanconf.py:1: JIANDU_LINK_ALLOWLIST 应为文字列表。" in out.getvalue()


@pytest.mark.parametrize("text, kind", [
    ("详见https://www.gov.cn/x联系王女士13800000000", "手机号码"),
    (f"网址http://www.gov.cn身份证{FAKE_ID}", "身份证号码"),
])
def test_personal_data_right_after_a_link_is_found(text, kind):
    gs = GS
    findings = scan_body(text, 1, gs)
    assert [f.kind for f in findings] == [kind]
    assert not any(FAKE_ID in f.shown or "13800000000" in f.shown for f in findings)


def test_internationalised_domains_are_checked_and_long_numbers_never_shown():
    gs = GS
    assert [f.shown for f in scan_body("[x](http://赌场.com/a)", 1, gs)] == ["赌场.com"]
    assert [f.shown for f in scan_body("http://evil.com123456789", 1, gs)] == ["evil.com12*****89"]


@pytest.mark.parametrize("text, found", [
    ("请拨打座机 87654321 联系", [LANDLINE]),
    ("联系电话：6543210。", [LANDLINE]),
    ("本期共处理 87654321 元罚款", []),  # a number without a telephone word is not a phone
    ("热线电话12345", []),
])
def test_local_landline_without_area_code(text, found):
    assert [f.kind for f in scan_body(text, 1, GS)] == found


# ---- the patterns' start lookaheads change no match --------------------------------------------

# The patterns as they were before each got a lookahead naming the characters its matches start
# with (and before _emails skipped texts without '@'): kept here as the reference.
_D, _E = r"(?<![0-9A-Za-z])", r"(?![0-9A-Za-z])"
_LOCAL = r"(?:[2-9]\d{6,7}|[2-9]\d{3}[-\s]\d{4}|[2-9]\d{2}[-\s]\d{4})"
_DATE = r"(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])"
REFERENCE_PATTERNS = {
    "MOBILE_RE": (_D + r"(?:(?:\+|00)?86[-\s]?)?1[3-9]\d(?:[-\s]?\d{4}){2}" + _E, 0),
    "LANDLINE_RE": (_D + r"(?:(?:\(0\d{2,3}\)|0\d{2,3}[-\s])\s?" + _LOCAL +
                    r"|0(?:10|2\d|[3-9]\d{2})[2-9]\d{6,7})(?:-\d{1,4})?" + _E, 0),
    "ID_RE": (_D + r"[1-9]\d{5}[-\s]?(?:18|19|20)\d{2}" + _DATE + r"[-\s]?\d{3}[\dXx]" + _E, 0),
    "ID15_RE": (_D + r"[1-9]\d{5}[-\s]?\d{2}" + _DATE + r"[-\s]?\d{3}" + _E, 0),
    "DIGIT_RUN_RE": (_D + r"(?=[\d -]{16})\d++(?:[ -]\d++)*+", 0),
    "URL_RE": (r"(?<![A-Za-z0-9+.-])(?:https?|ftps?):[/\\]{0,8}+[A-Za-z0-9._~:/\\?#@!$&*+,;=%\[\]-]++",
               re.IGNORECASE),
    "IDN_URL_RE": (r"(?:https?|ftps?)://[^\s\"'<>()\[\]{},;:/?#\\]{1,63}+", re.IGNORECASE),
    "WWW_RE": (r"(?<![/\w.@-])www\.[A-Za-z0-9-]++(?:\.[A-Za-z0-9-]++)++", re.IGNORECASE),
    "EMAIL_RE": (r"(?<![A-Za-z0-9._%+-])([A-Za-z0-9._%+-]{1,64}+)@"
                 r"([A-Za-z0-9-]{1,63}+(?:\.[A-Za-z0-9-]{1,63}+){1,16}+)", 0),
}
# What the patterns look for, and what could confuse a start lookahead: every ASCII letter and
# digit, signs, Unicode digits, letters that match others when case is ignored (ſ, K for Kelvin,
# ı, İ), full-width forms and Chinese.
HOSTILE = st.lists(st.one_of(
    st.sampled_from(list("0123456789+()-. \n\t@:/\\_%#?=&xXwWhHtTpPsSfFkK")
                    + ["00", "86", "138", "0531", "http", "https://", "ftp:", "www.", "电话", "号码",
                       "ſ", "\u212a", "ı", "İ", "٣", "１", "＠", "。", "中", "a.cn", "gov",
                       # whole findings, so that most examples match something
                       "13912345678", "8613912345678", "+86 139 1234 5678", "0086-139-1234-5678",
                       "0531-86000000", "(0531)8600-0000", "053186000000", "电话86000000",
                       FAKE_ID, FAKE_ID[:6] + FAKE_ID[8:17], FAKE_CARD, "6222 0200 0000 0000 003",
                       "wang.li@example.com.cn", "HTTPS://evil.example/x", "ftp:\\x.cn",
                       "http://例子.中国", "WWW.evil.com"]),
    st.characters(codec="utf-8")), max_size=60).map("".join)


@settings(max_examples=400, deadline=None)
@given(text=HOSTILE)
def test_start_lookaheads_change_no_match(text):
    for name, (pattern, flags) in REFERENCE_PATTERNS.items():
        reference = re.compile(pattern, flags)
        current = getattr(guards, name)
        assert ([m.span() for m in current.finditer(text)]
                == [m.span() for m in reference.finditer(text)]), name


# Texts without some of the characters the quick tests in personal_data and text_urls look for.
PLAIN = st.one_of(*(HOSTILE.map(lambda text, left_out=left_out: re.sub(left_out, "", text))
                    for left_out in (r"[0-9]", r"[0-9@]", ":", r":|(?i:www)")))


@settings(max_examples=300, deadline=None)
@given(text=st.one_of(HOSTILE, PLAIN))
def test_personal_data_and_links_as_before(text):
    """The former patterns, without the quick tests that pass over most texts, find the same."""
    reference = {name: re.compile(p, f) for name, (p, f) in REFERENCE_PATTERNS.items()}
    reference |= {"NUMBER_OR_AT_RE": re.compile(""), "WWW_ANY_RE": re.compile("")}  # match always
    before = {}
    try:
        for name, rx in reference.items():
            before[name] = getattr(guards, name)
            setattr(guards, name, rx)
        expected = guards.personal_data(text, GS.service_numbers), guards.text_urls(text)
    finally:
        for name, rx in before.items():
            setattr(guards, name, rx)
    assert (guards.personal_data(text, GS.service_numbers), guards.text_urls(text)) == expected


# Runs of digits near the seven the quick test in personal_data asks for: digits of every kind
# (Chinese, full-width, Arabic-Indic) with the separators the patterns allow and some they do not,
# among the words and signs around numbers.
DIGIT_RUN = st.lists(st.tuples(
    st.sampled_from(list("0123456789一二三四五六七八九〇零幺壹贰叁肆伍陆柒捌玖貳參陸") + ["１", "٣"]),
    st.sampled_from([""] * 12 + [" ", "-", "\n", "  ", "十", "."])),
    min_size=5, max_size=9).map(lambda pairs: "".join(d + sep for d, sep in pairs))
NUMBERS = st.lists(st.one_of(
    DIGIT_RUN,
    st.sampled_from(["电话", "号码：", "+86 ", "0086-", "(0531)", "0531-", "@", "a@b.cn", "x", "X",
                     "http://a.cn/", " ", "中", FAKE_ID, FAKE_CARD]),
    st.characters(codec="utf-8")), max_size=4).map("".join)


@settings(max_examples=500, deadline=None)
@given(text=NUMBERS)
@example(text="电话888 6666")  # the shortest: seven digits, one space
@example(text="热线：八八八-六六六六")
@example(text="a@b.cn")
def test_quick_test_passes_over_no_personal_data(text):
    """A text the quick test passes over holds nothing the patterns would find without it."""
    found = guards.personal_data(text, GS.service_numbers)
    before = guards.NUMBER_OR_AT_RE
    try:
        guards.NUMBER_OR_AT_RE = re.compile("")  # matches always
        assert guards.personal_data(text, GS.service_numbers) == found
    finally:
        guards.NUMBER_OR_AT_RE = before


def _values_one_by_one(data, located, gs, key=()):
    """scan_values as it was: one scan for each value."""
    if isinstance(data, dict):
        return [f for k, v in data.items() if not (key == () and k == guards.EXEMPTIONS_KEY)
                for f in _values_one_by_one(v, located, gs, key + (k,))]
    if isinstance(data, list):
        return [f for i, v in enumerate(data) for f in _values_one_by_one(v, located, gs, key + (i,))]
    if isinstance(data, str):
        return guards.scan_text(data, located.line(key), gs)
    return []


# Words that a join of values could complete: spaced, ASCII, around the separator's neighbours.
WORDY_GS = GuardSettings(GS.service_numbers, GS.allowlist,
                         GS.words + (("ab", "测试"), ("x y", "测试"), ("场赌", "测试"), ("8 6", "测试")),
                         GS.site)
VALUE = st.one_of(HOSTILE, NUMBERS, st.sampled_from(["赌", "场", "a", "b", "x", " y", "<", "", "ab"]),
                  st.integers(), st.none())
VALUES = st.recursive(VALUE, lambda inner: st.one_of(
    st.lists(inner, max_size=5),
    st.dictionaries(st.sampled_from(["title", "exemptions", "a", "b", 1]), inner, max_size=4)),
    max_leaves=12)


@settings(max_examples=300, deadline=None)
@given(data=VALUES, gs=st.sampled_from([GS, WORDY_GS]))
@example(data=["赌", "场"], gs=GS)  # 赌场 across two values is neither
@example(data=["电话", "888 6666", "138", "12345678"], gs=GS)
@example(data=["http://例子", "中国"], gs=GS)
@example(data=["a@b", ".cn"], gs=GS)
def test_values_scanned_as_one_text_find_what_each_value_scanned_alone_does(data, gs):
    lines = {}

    def number(key, value):  # a distinct line for every value
        lines[key] = len(lines) + 1
        for i, v in (value.items() if isinstance(value, dict) else
                     enumerate(value) if isinstance(value, list) else ()):
            number(key + (i,), v)

    number((), data)
    located = Located(data, lines)
    assert sorted(guards.scan_values(data, located, gs)) == sorted(
        _values_one_by_one(data, located, gs))


@pytest.mark.parametrize("body, kind, shown", [
    ('<a href="mailto:someone%2efake%40example.com">写信</a>', EMAIL, "som******ake@ex*******om"),
    ('<a href="mailto:%31%33%38%30%30%30%30%30%30%30%30@example.com">写信</a>', MOBILE, "13*******00"),
    ("[写信](mailto:someone&#46;fake&#64;example.com)", EMAIL, "som******ake@ex*******om"),
])
def test_a_mail_address_written_with_escapes_is_read_as_the_mail_program_reads_it(body, kind, shown):
    found = scan_body(body, 1, GS)
    assert [(f.kind, f.shown) for f in found] == [(kind, shown)]


def test_a_dialling_link_is_checked_wherever_a_page_keeps_it():
    """The sanitizer drops tel: and sms: links from bodies (nothing to report there); HTML that
    keeps them, read as it is, gives the number up."""
    assert scan_body('<a href="tel:13800000000">拨打</a>', 1, GS) == []
    hits = scan('<a href="tel:13800000000">拨打</a> <a href="sms:%31%33%39%30%30%30%30%30%30%30%30">', HTML, GS)
    assert [h.kind for h in hits] == [MOBILE, MOBILE]
    assert scan('<a href="https://www.jinan.gov.cn/art_13800000000_1.html">政府网站</a>', HTML, GS) == []
