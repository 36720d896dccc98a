"""Guards run on every check and build: personal data, links to hosts not on the allowlist,
spam words and hidden text.

They judge what readers see. A body is rendered and sanitized exactly as for its page; the guards
read the folded visible text of that HTML (visible.py) and resolve each of its URLs as a browser
does (ada, the WHATWG URL parser), against the page's public address. Each finding is then found
again in the Markdown source, for its line and so that `invoke redact` can mask it in place; a
finding no source position explains is located by rendering parts of the body.

A finding shows its match with the middle masked (personal data is never printed in full). A record
may exempt one exact value by a reviewed `exemptions` entry in its front matter; an exemption that
matches nothing is itself reported, so stale ones do not linger.

Every pattern is linear in its input (possessive or bounded quantifiers, no nested repetition), so
no text makes a check hang.
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_right
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import accumulate
from pathlib import Path

from ada_url import URL as AdaURL
from ada_url import idna_to_unicode

from jiandu.content.hidden import HIDDEN_NAMES, hidden_in_html
from jiandu.content.sanitize import render_body
from jiandu.content.visible import (
    HTML,
    MARKDOWN,
    TEXT,
    URL,
    Folded,
    LineIndex,
    fold,
    fold_char,
    fold_plain,
)
from jiandu.core.problems import Problems
from jiandu.core.settings import Settings
from jiandu.core.source import Located, SourceFile, read_yaml_file

MOBILE, LANDLINE, ID_CARD, BANK_CARD, EMAIL = "手机号码", "固定电话", "身份证号码", "银行卡号", "电子邮箱"
LINK, HIDDEN, SPAM = "外部链接", "隐藏文字", "违规词语"
PERSONAL_KINDS = (MOBILE, LANDLINE, ID_CARD, BANK_CARD, EMAIL)
NUMBER_KINDS = (MOBILE, LANDLINE, ID_CARD, BANK_CARD)
KINDS = PERSONAL_KINDS + (LINK, SPAM, HIDDEN)

EXEMPTIONS_KEY = "exemptions"
WORD_LIST = "spam-words.yml"  # in the content folder: staff's additions to SPAM_WORDS
# Locating a finding by rendering parts of its body costs about 2·log2(lines) renders. A file
# may render this many characters for it (deterministic, unlike a time limit): a few hundred
# renders of a usual body, a few of a huge one. What is left over is reported at the body's
# first line.
RENDER_BUDGET = 2_000_000

# Spam that is injected into government sites: gambling and fake invoices. Simplified and
# Traditional forms; staff add more in content/spam-words.yml.
SPAM_WORDS = {
    "赌博": ("博彩", "赌场", "賭場", "澳门葡京", "澳門葡京", "百家乐", "百家樂", "六合彩", "时时彩",
           "時時彩", "娱乐城", "娛樂城", "真人荷官", "老虎机", "老虎機", "网上赌场", "網上賭場",
           "赌球", "賭球", "外围投注", "外圍投注"),
    "假发票": ("代开发票", "代開發票", "发票代开", "發票代開", "代开增值税", "代開增值稅", "代开普票",
            "代开专票", "出售发票", "出售發票", "真票代开", "真票代開"),
}

# ---- personal data --------------------------------------------------------------------------
# The text is folded (visible.py): ASCII digits, '-' for every dash, '.' for every full stop.
# A pattern that begins with a lookbehind is tried at every position of the text; each below
# starts with a lookahead naming every character its matches can start with, so that the regex
# engine passes over other positions at once (as visible.TOKENS does). Matches are unchanged.

_D = r"(?<![0-9A-Za-z])"  # not glued to a longer number or word
_E = r"(?![0-9A-Za-z])"
LOCAL_NUMBER = r"(?:[2-9]\d{6,7}|[2-9]\d{3}[-\s]\d{4}|[2-9]\d{2}[-\s]\d{4})"  # 8888 6666 too
MOBILE_RE = re.compile(r"(?=[+018])" + _D + r"(?:(?:\+|00)?86[-\s]?)?1[3-9]\d(?:[-\s]?\d{4}){2}" + _E)
LANDLINE_RE = re.compile(
    r"(?=[(0])" + _D + r"(?:(?:\(0\d{2,3}\)|0\d{2,3}[-\s])\s?" + LOCAL_NUMBER +
    r"|0(?:10|2\d|[3-9]\d{2})[2-9]\d{6,7})(?:-\d{1,4})?" + _E)
# A local number without area code, recognisable only by the word before it (电话 87654321).
LOCAL_LANDLINE_RE = re.compile(
    r"(?:电话|座机|联系方式|联系|热线|号码)[:\s是为]{0,3}(" + LOCAL_NUMBER + ")" + _E)
_DATE = r"(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])"
_ID_START = r"(?=[1-9])" + _D
ID_RE = re.compile(_ID_START + r"[1-9]\d{5}[-\s]?(?:18|19|20)\d{2}" + _DATE + r"[-\s]?\d{3}[\dXx]" + _E)
ID15_RE = re.compile(_ID_START + r"[1-9]\d{5}[-\s]?\d{2}" + _DATE + r"[-\s]?\d{3}" + _E)  # before 1999
PROVINCES = frozenset("11 12 13 14 15 21 22 23 31 32 33 34 35 36 37 41 42 43 44 45 46 50 51 52 53 "
                      "54 61 62 63 64 65 71 81 82 83".split())
# Runs of digit groups joined by one space or hyphen; card numbers are looked for inside them.
DIGIT_RUN_RE = re.compile(r"(?=[\d -]{16})" + _D + r"\d++(?:[ -]\d++)*+")  # 16 characters at least
EMAIL_RE = re.compile(r"(?<![A-Za-z0-9._%+-])([A-Za-z0-9._%+-]{1,64}+)@"
                      r"([A-Za-z0-9-]{1,63}+(?:\.[A-Za-z0-9-]{1,63}+){1,16}+)")  # a dot at least

# ---- links in text --------------------------------------------------------------------------
# A link ends at the first character that cannot stand in a URL, Chinese text included: Chinese
# prose puts no space after a link, and what follows must still be scanned for personal data.
URL_RE = re.compile(r"(?=[hHfF])(?<![A-Za-z0-9+.-])(?:https?|ftps?):[/\\]{0,8}+"
                    r"[A-Za-z0-9._~:/\\?#@!$&*+,;=%\[\]-]++", re.IGNORECASE)
# A scheme followed by a non-ASCII host (an internationalised domain): checked as a link too.
IDN_URL_RE = re.compile(r"(?=[hHfF])(?:https?|ftps?)://[^\s\"'<>()\[\]{},;:/?#\\]{1,63}+", re.IGNORECASE)
ASCII_HOST_RE = re.compile(r"[a-z0-9.-]*\.[a-z]{2,}")  # fullmatch only: one start, linear
CHINESE_DIGITS = dict(zip(map(ord, "〇零一二三四五六七八九幺壹贰叁肆伍陆柒捌玖貳參陸"),
                          "00123456789112345678923" + "6", strict=True))
# A cheap test of whether any personal-data pattern can match at all, read before the digits are
# translated (DIGITS turns exactly these characters, \d and the Chinese digits, into ASCII digits):
# every number pattern above needs seven digits, each at most one '-' or space from the next
# (a local number 888 6666 is the shortest), and an address needs '@'. Most texts have neither.
_ANY_DIGIT = r"[\d" + "".join(map(chr, CHINESE_DIGITS)) + "]"
NUMBER_OR_AT_RE = re.compile(_ANY_DIGIT + r"(?:[-\s]?" + _ANY_DIGIT + "){6}|@")


class _DigitTable(dict):
    """For str.translate: every way of writing a digit as its ASCII digit, one character for
    one, so that every position stays where it was. Digits written out in Chinese (一三八…,
    幺三八… as numbers are read aloud, 壹叁捌…) and digits of other scripts (١٣٨…) are the same
    number to whoever reads or dials them. Worked out once for each character met."""

    def __missing__(self, code: int):
        ch = chr(code)
        self[code] = CHINESE_DIGITS.get(code) or (str(unicodedata.decimal(ch)) if ch.isdecimal() else code)
        return self[code]


DIGITS = _DigitTable()
WWW_ANY_RE = re.compile(r"www", re.IGNORECASE)
WWW_RE = re.compile(r"(?=[wW])(?<![/\w.@-])www\.[A-Za-z0-9-]++(?:\.[A-Za-z0-9-]++)++", re.IGNORECASE)
SCHEME_RE = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")
WEB_PROTOCOLS = frozenset({"http:", "https:", "ftp:", "ftps:"})  # pages; other schemes dial or mail


@dataclass(frozen=True, order=True)
class Finding:
    line: int
    kind: str
    shown: str  # masked personal data, a link's host, a word or the hiding style: safe to print
    detail: str = ""  # how it was disguised, for the message
    value: str = field(default="", repr=False)  # the exact normalised value an exemption names
    spans: tuple = field(default=(), compare=False, repr=False)  # source ranges redact masks


@dataclass(frozen=True)
class Hit:
    """One thing a guard found in a piece of text: where in the source, and what exactly."""

    kind: str
    value: str
    shown: str
    start: int  # source range
    end: int
    masks: tuple = ()  # source ranges to mask (personal data)
    note: str = ""  # a link as written when the host is not plainly in it; a word's category

    @property
    def key(self) -> tuple[str, str]:
        return self.kind, self.value


def mask(text: str) -> str:
    """The middle of `text` replaced by *: enough to find it in the file, not enough to use it."""
    if "@" in text:  # both halves, so that a masked address is no longer an address
        local, _, domain = text.partition("@")
        return f"{mask(local)}@{mask(domain)}"
    keep = max(1, len(text) // 4) if len(text) > 2 else 0
    return text[:keep] + "*" * (len(text) - 2 * keep) + (text[-keep:] if keep else "")


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
    return re.sub(r"[^0-9Xx]", "", text.translate(DIGITS)).upper()


def number_value(kind: str, text: str) -> str:
    """The exact value of a number, however it is grouped: what findings and exemptions compare."""
    digits = _digits(text)
    if kind == MOBILE:
        return digits[-11:]  # without +86
    return digits if kind == ID_CARD else digits.replace("X", "")


def exemption_value(kind: str, match) -> str:
    """An exemption's `match` normalised as findings are."""
    text = fold_plain(str(match)).strip()
    if kind in NUMBER_KINDS:
        return number_value(kind, text)
    if kind == LINK:
        return ascii_host(text)
    return text.lower()


def ascii_host(text: str) -> str:
    """A host name, or the host of a URL, in the ASCII (IDNA) form ada gives; '' if it has none."""
    text = text.strip().lower()
    try:
        url = AdaURL(text if "//" in text or SCHEME_RE.match(text) else "http://" + text)
    except ValueError:
        return ""
    return url.hostname.rstrip(".")


def personal_data(text: str, service_numbers: frozenset[str]) -> list[tuple[int, int, str]]:
    """(start, end, kind) of each piece of personal data in folded `text`; URLs are not scanned.
    Numbers may be written in Chinese digits, whole or in part."""
    if not NUMBER_OR_AT_RE.search(text):
        return []
    text = text.translate(DIGITS)
    text = URL_RE.sub(lambda m: " " * len(m.group()), text)
    found: list[tuple[int, int, str]] = []
    starts: list[int] = []  # of the matches taken, sorted; matches never overlap
    ends: list[int] = []

    def add(start: int, end: int, kind: str) -> None:
        i = bisect_right(starts, start)
        if (i and ends[i - 1] > start) or (i < len(starts) and starts[i] < end):
            return  # overlaps a match taken by an earlier, more specific pattern
        starts.insert(i, start)
        ends.insert(i, end)
        found.append((start, end, kind))

    def is_service(match: str) -> bool:
        digits = _digits(match)
        return digits in service_numbers or any(
            digits.endswith(n) and len(digits) - len(n) <= 4 for n in service_numbers if len(n) >= 7)

    for m in ID_RE.finditer(text):
        if _digits(m.group())[:2] in PROVINCES and id_check_digit_ok(_digits(m.group())):
            add(m.start(), m.end(), ID_CARD)
    for start, end in _cards(text):
        add(start, end, BANK_CARD)
    for m in ID15_RE.finditer(text):
        if _digits(m.group())[:2] in PROVINCES:
            add(m.start(), m.end(), ID_CARD)
    for m in MOBILE_RE.finditer(text):
        if not is_service(m.group()):
            add(m.start(), m.end(), MOBILE)
    for m in LANDLINE_RE.finditer(text):
        if not is_service(m.group()):
            add(m.start(), m.end(), LANDLINE)
    for m in LOCAL_LANDLINE_RE.finditer(text):
        if not is_service(m.group(1)):
            add(m.start(1), m.end(1), LANDLINE)
    for start, end in _emails(text):
        add(start, end, EMAIL)
    return sorted(found)


def _cards(text: str) -> list[tuple[int, int]]:
    """Card numbers in any grouping (6-6-4, 4-4-4-4, ...): 16 to 19 digits in groups of at least
    three (the last may be shorter), passing the Luhn check."""
    found = []
    for run in DIGIT_RUN_RE.finditer(text):
        written = run.group()
        if len(written) < 16 or len(written) - written.count(" ") - written.count("-") < 16:
            continue  # most runs: dates, amounts, phone numbers
        groups = written.replace("-", " ").split(" ")
        if run.end() < len(text) and text[run.end()].isascii() and text[run.end()].isalpha():
            groups.pop()  # glued to a word: not a number of its own
        digits_before = list(accumulate(map(len, groups), initial=0))
        after = 0  # groups before this one belong to a card found already
        for i in [i for i, g in enumerate(groups) if len(g) >= 3]:  # a card starts with 3 digits
            end = _card_from(groups, i) if i >= after else None
            if end is not None:
                found.append((run.start() + digits_before[i] + i,
                              run.start() + digits_before[end + 1] + end))
                after = end + 1
    return found


def _card_from(groups: list[str], i: int) -> int | None:
    """The last group of a card number that starts with group i, or None."""
    digits = ""
    for j in range(i, min(len(groups), i + 7)):
        if j > i and len(groups[j - 1]) < 3:
            return None
        digits += groups[j]
        if len(digits) > 19:
            return None
        if len(digits) >= 16 and digits[0] in "3456" and luhn_ok(digits):
            return j
    return None


def _emails(text: str) -> list[tuple[int, int]]:
    found = []
    if "@" not in text:  # most texts: no need to try every position
        return found
    for m in EMAIL_RE.finditer(text):
        labels = m.group(2).split(".")
        for k in range(len(labels) - 1, 0, -1):  # the last label that starts with a TLD
            tld = re.match(r"[A-Za-z]{2,}", labels[k])
            if tld:
                length = sum(len(label) + 1 for label in labels[:k]) + tld.end()
                found.append((m.start(), m.start(2) + length))
                break
    return found


# ---- links ----------------------------------------------------------------------------------

def hosts(url: str, base: str | None) -> list[str]:
    """The hosts a browser would go to for `url` (ASCII, IDNA-normalised): resolved against the
    page's address, and on its own, because a page served under the other scheme (or a feed
    reader) reads `https:/x` or `https:x` as the host x."""
    found = []
    for b in (base, None) if base else (None,):
        try:
            host = (AdaURL(url, b) if b else AdaURL(url)).hostname
        except ValueError:
            continue
        if host and host.rstrip(".") not in found:
            found.append(host.rstrip("."))
    return found


def allowed_host(host: str, allowlist: tuple[str, ...]) -> bool:
    """The host is an allowed domain or a subdomain of one (gov.cn.evil.com is not gov.cn)."""
    if not re.fullmatch(r"[a-z0-9.-]+", host) or ".." in host:
        return False
    return any(host == d or host.endswith("." + d) for d in allowlist)


def shown_host(host: str) -> str:
    """A host as staff read it (赌场.com rather than xn--mes317j.com), long numbers masked."""
    try:
        readable = idna_to_unicode(host) or host
    except (ValueError, UnicodeError):
        readable = host
    return re.sub(r"\d{5,}", lambda m: mask(m.group()), readable)


def text_urls(text: str) -> list[tuple[int, int, str]]:
    """(start, end, url) of links written as text: a scheme, or a bare www. address."""
    if ":" not in text and not WWW_ANY_RE.search(text):
        return []  # a scheme ends with ':'
    found = [(m.start(), m.end(), m.group()) for m in URL_RE.finditer(text)]
    # A whole ASCII host followed by Chinese is a link and then prose (www.gov.cn身份证…); a host
    # cut short by non-ASCII letters (www.赌场.com) is an internationalised domain.
    complete = {start for start, _, url in found if ASCII_HOST_RE.fullmatch(ascii_host(url))}
    found += [(m.start(), m.end(), m.group()) for m in IDN_URL_RE.finditer(text)
              if not m.group().isascii() and m.start() not in complete]
    found += [(m.start(), m.end(), "http://" + m.group()) for m in WWW_RE.finditer(text)]
    return sorted(found)


# ---- spam words -----------------------------------------------------------------------------

@lru_cache(maxsize=8)
def spam_pattern(words: tuple[tuple[str, str], ...]) -> re.Pattern | None:
    """One pattern for all words; spaces between the characters of a word do not hide it."""
    if not words:
        return None
    alternatives = [r"\s{0,3}".join(map(re.escape, w)) for w, _ in sorted(
        words, key=lambda item: -len(item[0]))]
    return re.compile("|".join(alternatives), re.IGNORECASE)


# ---- one scanner for rendered HTML, Markdown source and plain values -------------------------

@dataclass(frozen=True)
class GuardSettings:
    service_numbers: frozenset[str]
    allowlist: tuple[str, ...]
    words: tuple[tuple[str, str], ...] = ()  # (folded word, category)
    site: str = ""  # SITEURL: the public address pages are read at

    @classmethod
    def from_settings(cls, settings: Settings) -> GuardSettings:
        words_file = settings.content_folder / WORD_LIST
        return _guard_settings(settings.service_numbers, settings.link_allowlist,
                               settings.public_base, str(words_file),
                               _stamp(words_file))

    def page_address(self, page: str) -> str:
        """The public address of a page (`column/2016-009`); links are resolved against it."""
        site = self.site.rstrip("/") if SCHEME_RE.match(self.site) else "https://jiandu.invalid"
        return f"{site}/{page.strip('/')}/" if page else site + "/"

    def own_host(self, base: str) -> str:
        return ascii_host(base)

    def word_category(self, text: str) -> tuple[str, str] | None:
        folded = re.sub(r"\s+", "", text).lower()
        return next(((w, c) for w, c in self.words if w.lower() == folded), None)


@lru_cache(maxsize=8)
def _guard_settings(numbers: tuple, allowlist: tuple, site: str, words_file: str,
                    stamp) -> GuardSettings:
    words = _default_words() + load_word_list(Path(words_file), WORD_LIST, Problems())
    return GuardSettings(frozenset(_digits(str(n)) for n in numbers),
                         tuple(ascii_host(str(d)) or str(d).lower().strip(".") for d in allowlist),
                         tuple(dict.fromkeys(words)), site)


def _stamp(file: Path):
    try:
        st = file.stat()
    except OSError:
        return None
    return st.st_mtime_ns, st.st_size


def _default_words() -> tuple[tuple[str, str], ...]:
    return tuple((fold_plain(w), category) for category, ws in SPAM_WORDS.items() for w in ws)


def scan(src: str, mode: str, gs: GuardSettings, base: str | None = None) -> list[Hit]:
    """Everything the guards find in `src` read in `mode` (visible.py), in source order.
    URL attributes are resolved against `base`, the page's address."""
    folded = fold(src, mode)
    hits = _personal(folded, src, gs) + _spam(folded, gs) + _text_links(folded, src, gs, base)
    for url in folded.urls:
        protocol = _protocol(url.value)
        if protocol and protocol not in WEB_PROTOCOLS:  # mailto:, tel:, sms:: an address or number in use
            hits += _personal(fold(src, URL, url.start, url.end), src, gs)
        if protocol != "mailto:":
            hits += _link_hits(url.value, src[url.start:url.end], url.start, url.end, gs, base,
                               attribute=True)
    return sorted(hits, key=lambda h: (h.start, h.end))


def _protocol(url: str) -> str | None:
    """The scheme of an absolute URL, as a browser parses it ("tel:"); None for a relative one."""
    try:
        return AdaURL(url).protocol
    except ValueError:
        return None


def _personal(folded: Folded, src: str, gs: GuardSettings) -> list[Hit]:
    hits = []
    for start, end, kind in personal_data(folded.text, gs.service_numbers):
        match = folded.text[start:end]
        masked = mask(match)
        masks = tuple(dict.fromkeys(  # whitespace stays: masking never joins lines
            folded.source_span(i, i + 1) for i in range(start, end)
            if masked[i - start] == "*" and match[i - start] not in "* \t\n\r\f\v"))
        value = number_value(kind, match) if kind in NUMBER_KINDS else match.lower()
        s, e = folded.source_span(start, end)
        # Written otherwise than shown, beyond full-width forms: split or spelt with references.
        split = "".join(fold_char(c) or c for c in src[s:e]) != match
        hits.append(Hit(kind, value, masked, s, e, masks=masks, note="split" if split else ""))
    return hits


def _spam(folded: Folded, gs: GuardSettings) -> list[Hit]:
    pattern = spam_pattern(gs.words)
    if pattern is None:
        return []
    hits = []
    for m in pattern.finditer(folded.text):
        word, category = gs.word_category(m.group()) or (m.group(), "")
        hits.append(Hit(SPAM, word.lower(), word, *folded.source_span(m.start(), m.end()),
                        note=category))
    return hits


def _text_links(folded: Folded, src: str, gs: GuardSettings, base: str | None) -> list[Hit]:
    hits = []
    for start, end, url in text_urls(folded.text):
        s, e = folded.source_span(start, end)
        hits += _link_hits(url, src[s:e], s, e, gs, base, attribute=False)
    return hits


def _link_hits(url: str, written: str, start: int, end: int, gs: GuardSettings,
               base: str | None, attribute: bool) -> list[Hit]:
    """A finding for each host `url` leads to that is not allowed; `written` is the URL as it
    stands in the source, shown when the host is not plain to see in it."""
    own = gs.own_host(base) if base else ""
    hits = []
    for host in hosts(url, base if attribute else None):
        if host != own and not allowed_host(host, gs.allowlist):
            note = "" if _plain_link(written, host) else re.sub(
                r"\d{5,}", lambda m: mask(m.group()), written.strip()[:80])
            hits.append(Hit(LINK, host, shown_host(host), start, end, note=note))
    return hits


def _plain_link(url: str, host: str) -> bool:
    """`url` names its host plainly, as `scheme://host/...`: nothing to explain in the message."""
    scheme = re.match(r"(?:[A-Za-z]{1,10}:)?//", url.strip())
    rest = url.strip()[scheme.end():].lower() if scheme else ""
    return any(rest.startswith(name) and rest[len(name):len(name) + 1] in ("", ":", "/", "?", "#")
               for name in {host, shown_host(host).lower()})


# ---- a Markdown body: what the page shows, located in the source -----------------------------

def scan_body(body: str, first_line: int, gs: GuardSettings, page: str = "") -> list[Finding]:
    """Findings in a Markdown body that starts at `first_line`, judged on its rendered page."""
    base = gs.page_address(page)
    seen = scan(render_body(body), HTML, gs, base)
    # The source is scanned only to place what the page shows: a clean page needs no second scan.
    if not seen and "<" not in body:
        return []  # nothing shown, and no HTML to hide text in
    written = scan(body, MARKDOWN, gs, base) if seen else []
    lines = LineIndex(body, first_line)
    findings = []
    unplaced: list[tuple[Hit, int]] = []
    by_key: dict[tuple, list[Hit]] = {}
    for hit in written:
        by_key.setdefault(hit.key, []).append(hit)
    used: dict[tuple, int] = {}
    for hit in seen:
        n = used.get(hit.key, 0)
        used[hit.key] = n + 1
        candidates = by_key.get(hit.key, [])
        if n < len(candidates):
            source = candidates[n]
            findings.append(_finding(source, lines.line(source.start), body))
        else:
            unplaced.append((hit, n + 1))
    budget = RENDER_BUDGET + 4 * len(body)
    for hit, nth in unplaced:
        cost = 2 * (body.count("\n") + 1).bit_length() * len(body)
        line = _rendered_line(body, hit.key, nth, gs, base) if cost <= budget else 0
        budget -= cost
        findings.append(_finding(hit, first_line + line, None))
    if "<" in body:
        findings += [Finding(first_line + line - 1, HIDDEN, style, value=style)
                     for line, style in hidden_in_html(body)]
    return findings


def _finding(hit: Hit, line: int, source: str | None, spans: bool = True) -> Finding:
    """A hit as reported; `source` is the text its positions index, if they index one, and
    `spans` whether redact may mask those positions in the file."""
    detail = ""
    if hit.kind in PERSONAL_KINDS and hit.note and source is not None:
        detail = "（原文经过拆分或变形，页面上显示的仍是完整内容）"
    elif hit.kind in (LINK, SPAM) and hit.note:
        detail = (f"浏览器会把“{hit.note}”解析为这个域名。" if hit.kind == LINK else f"（{hit.note}）")
    return Finding(line, hit.kind, hit.shown, detail, hit.value,
                   hit.masks if spans and source is not None else ())


def _rendered_line(body: str, key: tuple, nth: int, gs: GuardSettings, base: str) -> int:
    """The 0-based body line where the nth occurrence of `key` on the page begins: the fewest
    leading lines whose page shows it n times, then the most lines that can be dropped from the
    front with the page still showing it."""
    lines = body.splitlines(keepends=True)

    def count(part: list[str]) -> int:
        return sum(1 for h in scan(render_body("".join(part)), HTML, gs, base) if h.key == key)

    lo, hi = 1, len(lines)
    while lo < hi:
        mid = (lo + hi) // 2
        if count(lines[:mid]) >= nth:
            hi = mid
        else:
            lo = mid + 1
    end = lo
    lo, hi = 0, end - 1
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if count(lines[mid:end]) >= 1:
            lo = mid
        else:
            hi = mid - 1
    return lo


# ---- front matter and YAML files ------------------------------------------------------------

def scan_text(text: str, line: int, gs: GuardSettings) -> list[Finding]:
    """A value shown as plain text (escaped on the page): personal data, words and links."""
    hits = scan(text, TEXT, gs)
    if SCHEME_RE.match(text.strip()):
        hits += _url_field(text, gs)
    return [_finding(h, line, text, spans=False) for h in hits]


def _url_field(text: str, gs: GuardSettings) -> list[Hit]:
    """A URL field: the page links to it as written."""
    return _link_hits(text.strip(), text.strip(), 0, len(text), gs, None, attribute=True)


# Between the values of a file when they are scanned as one text: no pattern above matches '<'
# and every lookaround reads it as the end of a text, so each match lies within one value and is
# the match scanning that value alone finds. Words from the list that contain it end the join.
VALUE_SEPARATOR = "<"


def scan_values(data, located: Located, gs: GuardSettings, key: tuple = ()) -> list[Finding]:
    """Every text value in front matter or a YAML file, except the exemptions themselves."""
    texts = list(_text_values(data, key))
    if not _joinable(gs.words):
        return [f for k, text in texts for f in scan_text(text, located.line(k), gs)]
    # One scan of all values, rather than one per value: a record has dozens, most of them short.
    starts = list(accumulate((len(text) + len(VALUE_SEPARATOR) for _, text in texts), initial=0))
    findings = []
    for hit in scan(VALUE_SEPARATOR.join(text for _, text in texts), TEXT, gs):
        k, text = texts[bisect_right(starts, hit.start) - 1]
        findings.append(_finding(hit, located.line(k), text, spans=False))
    for k, text in texts:
        if SCHEME_RE.match(text.strip()):
            findings += [_finding(h, located.line(k), text, spans=False) for h in _url_field(text, gs)]
    return findings


def _text_values(data, key: tuple):
    """(key, text) of each text value, in order."""
    if isinstance(data, dict):
        for k, v in data.items():
            if not (key == () and k == EXEMPTIONS_KEY):
                yield from _text_values(v, key + (k,))
    elif isinstance(data, list):
        for i, v in enumerate(data):
            yield from _text_values(v, key + (i,))
    elif isinstance(data, str):
        yield key, data


@lru_cache(maxsize=8)
def _joinable(words: tuple[tuple[str, str], ...]) -> bool:
    return not any(VALUE_SEPARATOR in word for word, _ in words)


def guard_source(source: SourceFile, exemptions: list[dict] | None, settings: Settings,
                 problems: Problems, page: str = "", gs: GuardSettings | None = None) -> None:
    """Report every finding in one Markdown file that no exemption covers, and unused exemptions.
    `page` is the record's address (`column/2016-009`), that relative links resolve against;
    `gs`, if given, the guard settings read once for a batch of files."""
    gs = gs or GuardSettings.from_settings(settings)
    findings = scan_values(source.meta.data, source.meta, gs)
    findings += scan_body(source.body, source.body_line, gs, page)
    report(source.path, findings, exemptions or [], problems)


def guard_yaml(located: Located, path: str, settings: Settings, problems: Problems) -> None:
    report(path, scan_values(located.data, located, GuardSettings.from_settings(settings)), [],
           problems)


# ---- the word list staff extend --------------------------------------------------------------

def load_word_list(file: Path, shown: str, problems: Problems) -> tuple[tuple[str, str], ...]:
    """content/spam-words.yml: `类别: [词语, …]`. Problems are reported with their lines."""
    if not file.is_file():
        return ()
    located = read_yaml_file(file, shown, problems)
    if located is None or located.data is None:
        return ()
    if not isinstance(located.data, dict):
        problems.add(shown, located.start, "违规词语清单应为“类别: 词语列表”的结构。",
                     "例如：\n赌博:\n  - 某某娱乐")
        return ()
    words: list[tuple[str, str]] = []
    seen: dict[str, int] = {}
    for category, items in located.data.items():
        line = located.line((category,))
        if not isinstance(items, list) or not all(isinstance(w, (str, int)) for w in items):
            problems.add(shown, line, f"类别“{category}”下应为词语列表。", "每个词语单独一行，以“- ”开头。")
            continue
        for i, item in enumerate(items):
            word, item_line = fold_plain(str(item)).strip(), located.line((category, i))
            if len(re.sub(r"\s", "", word)) < 2:
                problems.add(shown, item_line, f"违规词语“{item}”太短。",
                             "每个词语至少两个字，单字会在正常文字中造成大量误报。")
            elif word.lower() in seen:
                problems.add(shown, item_line, f"违规词语“{item}”重复（第 {seen[word.lower()]} 行已有）。",
                             "请删除重复的一行。")
            else:
                seen[word.lower()] = item_line
                words.append((word, str(category)))
    return tuple(words)


# ---- reporting ------------------------------------------------------------------------------

def report(path: str, findings: list[Finding], exemptions: list[dict], problems: Problems) -> None:
    used: set[int] = set()
    values = [(e.get("kind"), exemption_value(str(e.get("kind")), e.get("match", ""))) for e in exemptions]
    for f in sorted(set(findings)):
        match = next((i for i, (kind, value) in enumerate(values)
                      if kind == f.kind and value and value == f.value), None)
        if match is not None:
            used.add(match)
            continue
        problems.add(path, f.line, *message(f))
    for i, e in enumerate(exemptions):
        if i in used:
            continue
        kind, match = e.get("kind"), str(e.get("match", ""))
        if kind in PERSONAL_KINDS and "*" in match:
            problems.add(path, e["_line"], f"豁免登记（exemptions）的 match“{match}”是打码后的样子。",
                         f"打码后的值会同时豁免所有打码结果相同的号码；请写完整的{kind}，"
                         "豁免只对这一个值生效。")
            continue
        shown = mask(match) if kind in PERSONAL_KINDS else match
        problems.add(path, e["_line"], f"豁免登记（exemptions）“{kind} {shown}”没有对应任何发现。",
                     "内容已修改时请删除这条豁免；match 须与被豁免的内容完全一致。")


def message(f: Finding) -> tuple[str, str]:
    how = "并写明 reason（理由）和 reviewer（审核人）。"
    if f.kind in PERSONAL_KINDS:
        return (f"发现个人信息（{f.kind}）：{f.shown}{f.detail}。"
                "公开当事人的个人信息违反《个人信息保护法》。",
                "请删除或改写（例如“王女士拨打了热线”），或运行 invoke redact 打码。"
                f"如经审核确需保留，请在 front matter 的 exemptions 中登记：kind: {f.kind}，"
                f"match: 完整的{f.kind}（只豁免这一个），" + how)
    exempt = (f"如经审核确需保留，请在 front matter 的 exemptions 中登记：kind: {f.kind}，"
              f"match: \"{f.shown}\"，" + how)
    if f.kind == LINK:
        return (f"外部链接指向不在白名单内的域名：{f.shown}（可能是黑链）。{f.detail}",
                "请删除该链接；如确为政府或本市媒体网站，请联系管理员将域名加入 "
                "JIANDU_LINK_ALLOWLIST。" + exempt)
    if f.kind == SPAM:
        return (f"发现违规词语{f.detail}：“{f.shown}”，常见于被植入的赌博、假发票等垃圾广告。",
                "请删除这段文字；如为正常报道（例如查处赌场的新闻）确需保留，" + exempt[2:])
    return (f"发现隐藏文字（{HIDDEN_NAMES.get(f.shown, f.shown)}），常见于网页中被植入的黑链。",
            "请删除这段隐藏的 HTML，只保留读者能看到的正文。" + exempt)
