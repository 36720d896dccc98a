"""Guards run on every check and build: personal data, non-allowlisted links, hidden text.

A finding names its kind and shows the match with its middle masked (personal data is never
printed in full). A record may exempt a finding by an explicit, reviewed `exemptions` entry in its
front matter; an exemption that matches nothing is itself reported, so stale ones do not linger.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from html.parser import HTMLParser
from urllib.parse import urlsplit

from jiandu.core.problems import Problems
from jiandu.core.settings import Settings
from jiandu.core.source import Located, SourceFile

MOBILE, LANDLINE, ID_CARD, BANK_CARD, EMAIL = "手机号码", "固定电话", "身份证号码", "银行卡号", "电子邮箱"
LINK, HIDDEN = "外部链接", "隐藏文字"
PERSONAL_KINDS = (MOBILE, LANDLINE, ID_CARD, BANK_CARD, EMAIL)
KINDS = PERSONAL_KINDS + (LINK, HIDDEN)

EXEMPTIONS_KEY = "exemptions"

_D = r"(?<![\dA-Za-z])"  # not glued to a longer number or word
_E = r"(?![\dA-Za-z])"
MOBILE_RE = re.compile(_D + r"(?:(?:\+|00)?86[-\s]?)?1[3-9]\d(?:[-\s]?\d{4}){2}" + _E)
LANDLINE_RE = re.compile(
    _D + r"(?:(?:\(0\d{2,3}\)|（0\d{2,3}）|0\d{2,3}[-－\s])\s?[2-9]\d{6,7}"
    r"|0(?:10|2\d|[3-9]\d{2})[2-9]\d{6,7})(?:-\d{1,4})?" + _E)
# A local number without area code, recognisable only by the word before it (电话 87654321).
LOCAL_LANDLINE_RE = re.compile(r"(?:电话|座机|联系方式|联系|热线|号码)[：:\s是为]{0,3}([2-9]\d{6,7})" + _E)
ID_RE = re.compile(_D + r"[1-9]\d{5}(?:18|19|20)\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])"
                   r"\d{3}[\dXx]" + _E)
CARD_RE = re.compile(_D + r"(?:[3-6]\d{15,18}|[3-6]\d{3}(?:[\s-]?\d{4}){3}(?:[\s-]?\d{1,3})?)" + _E)
EMAIL_RE = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}")

# A link ends at the first character that cannot stand in a URL, Chinese text included: Chinese
# prose puts no space after a link, and what follows must still be scanned for personal data.
URL_RE = re.compile(r"(?:https?|ftps?)://[A-Za-z0-9._~:/?#@!$&*+,;=%\-]+", re.IGNORECASE)
# A scheme followed by a non-ASCII host (an internationalised domain): checked as a link too.
ASCII_HOST_RE = re.compile(r"[a-z0-9-]+(?:\.[a-z0-9-]+)*\.[a-z]{2,}")
IDN_URL_RE = re.compile(r"(?:https?|ftps?)://[^\s\"'<>()\[\]{}，。、；）（:/?#]{1,63}", re.IGNORECASE)
SCHEMELESS_RE = re.compile(
    r"(?:(?:href|src|action|poster)\s*=\s*[\"']?\s*|\]\(\s*)(//[^\s\"'<>)]+)", re.IGNORECASE)
WWW_RE = re.compile(r"(?<![/\w.@-])www\.[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+", re.IGNORECASE)

HIDDEN_STYLE_RES = (
    (re.compile(r"display\s*:\s*none", re.I), "display:none"),
    (re.compile(r"visibility\s*:\s*(?:hidden|collapse)", re.I), "visibility:hidden"),
    (re.compile(r"font-size\s*:\s*0*(?:\.0+)?(?:[a-z%]+)?\s*(?:!important)?\s*(?:;|$|})", re.I),
     "font-size:0"),
    (re.compile(r"(?:^|[;{\s])(?:left|top|right|bottom|text-indent|margin(?:-left|-top)?)\s*:"
                r"\s*-\s*\d{3,}", re.I), "off-screen"),
    (re.compile(r"opacity\s*:\s*0*(?:\.0+)?\s*(?:;|$|})", re.I), "opacity:0"),
    (re.compile(r"clip\s*:\s*rect\(\s*0|clip-path\s*:\s*inset\(\s*50%", re.I), "clip"),
    (re.compile(r"transform\s*:[^;]*scale\(\s*0(?:\.0+)?\s*[,)]", re.I), "scale(0)"),
    (re.compile(r"(?:^|[;{\s])(?:max-)?(?:height|width)\s*:\s*0(?:px|em|rem|%)?\s*(?:;|$|})"
                r"(?=.*overflow\s*:\s*hidden)|overflow\s*:\s*hidden(?=.*(?:^|[;{\s])(?:max-)?"
                r"(?:height|width)\s*:\s*0(?:px|em|rem|%)?\s*(?:;|$|}))", re.I | re.S), "size:0"),
)
HIDDEN_NAMES = {
    "display:none": "display:none", "visibility:hidden": "visibility:hidden",
    "font-size:0": "字号为 0", "off-screen": "移出屏幕的定位", "opacity:0": "完全透明",
    "clip": "裁剪为不可见", "hidden": "hidden 属性", "scale(0)": "缩放为 0",
    "size:0": "高度或宽度为 0 并隐藏溢出",
}


@dataclass(frozen=True, order=True)
class Finding:
    line: int
    kind: str
    shown: str  # masked personal data, a link's host, or the hiding style: safe to print
    detail: str = ""


def mask(text: str) -> str:
    """The middle of `text` replaced by *: enough to find it in the file, not enough to use it."""
    if "@" in text:  # both halves, so that a masked address is no longer an address
        local, _, domain = text.partition("@")
        return f"{mask(local)}@{mask(domain)}"
    keep = max(1, len(text) // 4) if len(text) > 2 else 0
    return text[:keep] + "*" * (len(text) - 2 * keep) + (text[-keep:] if keep else "")


# Full-width digits, letters and signs as ASCII, one character for one: offsets stay valid.
FULL_WIDTH = {cp: cp - 0xFEE0 for cp in range(0xFF01, 0xFF5F)}
FULL_WIDTH_RE = re.compile("[０-９Ａ-Ｚａ-ｚ＠]")  # not "，": Chinese text is full of it
CANDIDATE_RE = re.compile(r"\d[\d\s()（）+-]{5,}\d|@")


# ---- personal data --------------------------------------------------------------------------

def id_check_digit_ok(number: str) -> bool:
    weights = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
    total = sum(int(d) * w for d, w in zip(number[:17], weights, strict=True))
    return "10X98765432"[total % 11] == number[17].upper()


def luhn_ok(digits: str) -> bool:
    total = 0
    for i, d in enumerate(reversed(digits)):
        n = int(d) * (2 if i % 2 else 1)
        total += n - 9 if n > 9 else n
    return total % 10 == 0


def _digits(text: str) -> str:
    return re.sub(r"\D", "", text)


class _Span:
    """One group of a match, shaped like a match, for `add`."""

    def __init__(self, match: re.Match, group: int):
        self._m, self._g = match, group

    def start(self) -> int:
        return self._m.start(self._g)

    def end(self) -> int:
        return self._m.end(self._g)

    def group(self) -> str:
        return self._m.group(self._g)


def personal_data(text: str, service_numbers: frozenset[str]) -> list[tuple[int, str, str]]:
    """(offset, kind, match) of each piece of personal data in `text`; URLs are not scanned."""
    if FULL_WIDTH_RE.search(text):
        text = text.translate(FULL_WIDTH)
    if not CANDIDATE_RE.search(text):
        return []  # most text: no run of digits long enough, no @
    text = URL_RE.sub(lambda m: " " * len(m.group()), text)
    found: list[tuple[int, str, str]] = []
    taken: list[range] = []

    def add(m: re.Match, kind: str) -> None:
        if any(m.start() in r or m.end() - 1 in r for r in taken):
            return
        taken.append(range(m.start(), m.end()))
        found.append((m.start(), kind, m.group().strip()))

    def is_service(match: str) -> bool:
        digits = _digits(match)
        return digits in service_numbers or any(
            digits.endswith(n) and len(digits) - len(n) <= 4 for n in service_numbers if len(n) >= 7)

    for m in ID_RE.finditer(text):
        if id_check_digit_ok(m.group()):
            add(m, ID_CARD)
    for m in CARD_RE.finditer(text):
        digits = _digits(m.group())
        if 16 <= len(digits) <= 19 and luhn_ok(digits):
            add(m, BANK_CARD)
    for m in MOBILE_RE.finditer(text):
        if not is_service(m.group()):
            add(m, MOBILE)
    for m in LANDLINE_RE.finditer(text):
        if not is_service(m.group()):
            add(m, LANDLINE)
    for m in LOCAL_LANDLINE_RE.finditer(text):
        if not is_service(m.group(1)):
            add(_Span(m, 1), LANDLINE)
    for m in EMAIL_RE.finditer(text):
        add(m, EMAIL)
    return sorted(found)


# ---- links ----------------------------------------------------------------------------------

def host_of(url: str) -> str:
    """The host a browser would go to, lower-case; '' if it cannot be read."""
    url = url.strip().replace("\\", "/")  # browsers treat \ as /, urlsplit does not
    if url.lower().startswith("www."):
        url = "//" + url
    try:
        host = urlsplit(url).hostname or ""
    except ValueError:
        return ""
    return host.rstrip(".")


def allowed_host(host: str, allowlist: tuple[str, ...]) -> bool:
    """The host is an allowed domain or a subdomain of one (gov.cn.evil.com is not gov.cn)."""
    if not re.fullmatch(r"[a-z0-9.-]+", host) or ".." in host:
        return False
    return any(host == d or host.endswith("." + d) for d in allowlist)


def link_urls(text: str) -> list[tuple[int, str]]:
    """(offset, url) of absolute and scheme-relative links and bare www. addresses in `text`."""
    found = [(m.start(), m.group()) for m in URL_RE.finditer(text)]
    # A whole ASCII host followed by Chinese is a link and then prose (www.gov.cn身份证…); a host
    # cut short by non-ASCII letters (www.赌场.com) is an internationalised domain.
    complete = {start for start, url in found if ASCII_HOST_RE.fullmatch(host_of(url))}
    found += [(m.start(), m.group()) for m in IDN_URL_RE.finditer(text)
              if not m.group().isascii() and m.start() not in complete]
    found += [(m.start(1), m.group(1)) for m in SCHEMELESS_RE.finditer(text)]
    found += [(m.start(), m.group()) for m in WWW_RE.finditer(text)]
    return sorted(found)


# ---- hidden text ----------------------------------------------------------------------------

def hiding_styles(css: str) -> list[str]:
    return [name for rx, name in HIDDEN_STYLE_RES if rx.search(css)]


class _HtmlScan(HTMLParser):
    """Raw HTML in a Markdown body: hiding styles and attributes, and every URL-valued attribute."""

    URL_ATTRS = {"href", "src", "action", "poster", "data", "background", "cite", "formaction"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.hidden: list[tuple[int, str]] = []
        self.urls: list[tuple[int, str]] = []
        self._in_style = False

    def handle_starttag(self, tag, attrs):
        line = self.getpos()[0]
        self._in_style = tag == "style"
        for name, value in attrs:
            if name == "style" and value:
                self.hidden += [(line, s) for s in hiding_styles(value)]
            elif name == "hidden":
                self.hidden.append((line, "hidden"))
            elif name in self.URL_ATTRS and value:
                self.urls.append((line, value))

    def handle_data(self, data):
        if self._in_style:
            self.hidden += [(self.getpos()[0], s) for s in hiding_styles(data)]

    def handle_endtag(self, tag):
        self._in_style = False


# ---- running the guards on a file -----------------------------------------------------------

@dataclass(frozen=True)
class GuardSettings:
    service_numbers: frozenset[str]
    allowlist: tuple[str, ...]

    @classmethod
    def from_settings(cls, settings: Settings) -> GuardSettings:
        return _guard_settings(settings.service_numbers, settings.link_allowlist)


@lru_cache(maxsize=8)
def _guard_settings(numbers: tuple, allowlist: tuple) -> GuardSettings:
    return GuardSettings(frozenset(_digits(str(n)) for n in numbers),
                         tuple(str(d).lower().strip(".") for d in allowlist))


def scan_text(text: str, first_line: int, gs: GuardSettings) -> list[Finding]:
    """Personal data and non-allowlisted links in a piece of text starting at `first_line`."""
    line_at = _line_finder(text, first_line)
    out = [Finding(line_at(pos), kind, mask(match)) for pos, kind, match in
           personal_data(text, gs.service_numbers)]
    out += _link_findings([(line_at(pos), url) for pos, url in link_urls(text)], gs)
    return out


def _link_findings(urls: list[tuple[int, str]], gs: GuardSettings) -> list[Finding]:
    out = []
    for line, url in urls:
        host = host_of(url)
        if not allowed_host(host, gs.allowlist):
            # Never echo a long number: a host glued to text may carry personal data.
            shown = re.sub(r"\d{5,}", lambda m: mask(m.group()), host or url[:40])
            out.append(Finding(line, LINK, shown))
    return out


def scan_body(body: str, first_line: int, gs: GuardSettings) -> list[Finding]:
    findings = scan_text(body, first_line, gs)
    if "<" not in body:
        return findings  # no raw HTML: nothing hidden, no attribute to decode
    html = _HtmlScan()
    html.feed(body)
    html.close()
    offset = first_line - 1
    findings += [Finding(line + offset, HIDDEN, style) for line, style in html.hidden]
    # Attribute values decoded by the parser: catches links spelt with character references.
    decoded = [(line + offset, url) for line, url in html.urls
               if url.strip().lower().startswith(("http", "//", "\\\\", "www."))]
    findings += _link_findings(decoded, gs)
    return findings


def scan_values(data, located: Located, gs: GuardSettings, key: tuple = ()) -> list[Finding]:
    """Every text value in front matter or a YAML file, except the exemptions themselves."""
    if isinstance(data, dict):
        return [f for k, v in data.items() if not (key == () and k == EXEMPTIONS_KEY)
                for f in scan_values(v, located, gs, key + (k,))]
    if isinstance(data, list):
        return [f for i, v in enumerate(data) for f in scan_values(v, located, gs, key + (i,))]
    if isinstance(data, str):
        return scan_text(data, located.line(key), gs)
    return []


def guard_source(source: SourceFile, exemptions: list[dict] | None, settings: Settings,
                 problems: Problems) -> None:
    """Report every finding in one Markdown file that no exemption covers, and unused exemptions."""
    gs = GuardSettings.from_settings(settings)
    findings = scan_values(source.meta.data, source.meta, gs)
    findings += scan_body(source.body, source.body_line, gs)
    report(source.path, findings, exemptions or [], problems)


def guard_yaml(located: Located, path: str, settings: Settings, problems: Problems) -> None:
    report(path, scan_values(located.data, located, GuardSettings.from_settings(settings)), [],
           problems)


def report(path: str, findings: list[Finding], exemptions: list[dict], problems: Problems) -> None:
    used: set[int] = set()
    for f in sorted(set(findings)):
        match = next((i for i, e in enumerate(exemptions)
                      if e.get("kind") == f.kind and e.get("match") == f.shown), None)
        if match is not None:
            used.add(match)
            continue
        problems.add(path, f.line, *message(f))
    for i, e in enumerate(exemptions):
        if i not in used:
            problems.add(path, e["_line"],
                         f"豁免登记（exemptions）“{e.get('kind')} {e.get('match')}”没有对应任何发现。",
                         "内容已修改时请删除这条豁免；match 须与检查结果显示的内容完全一致。")


def message(f: Finding) -> tuple[str, str]:
    exempt = (f"如经审核确需保留，请在 front matter 的 exemptions 中登记："
              f"kind: {f.kind}，match: \"{f.shown}\"，并写明 reason（理由）和 reviewer（审核人）。")
    if f.kind in PERSONAL_KINDS:
        return (f"发现个人信息（{f.kind}）：{f.shown}。公开当事人的个人信息违反《个人信息保护法》。",
                "请删除或改写（例如“王女士拨打了热线”），或运行 invoke redact 打码。" + exempt)
    if f.kind == LINK:
        return (f"外部链接指向不在白名单内的域名：{f.shown}（可能是黑链）。",
                "请删除该链接；如确为政府或本市媒体网站，请联系管理员将域名加入 "
                "JIANDU_LINK_ALLOWLIST。" + exempt)
    return (f"发现隐藏文字（{HIDDEN_NAMES.get(f.shown, f.shown)}），常见于网页中被植入的黑链。",
            "请删除这段隐藏的 HTML，只保留读者能看到的正文。" + exempt)


def _line_finder(text: str, first_line: int):
    return lambda pos: first_line + text.count("\n", 0, pos)
