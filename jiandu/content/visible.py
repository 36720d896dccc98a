"""What a reader sees of a text, folded so that disguises fall away, with a map back to the source.

The guards judge this folded text, not what the author typed: HTML comments and tags removed
(block elements become blank lines, inline ones join their neighbours as on the page), character
references decoded, format characters (zero-width spaces and the like) dropped, compatibility
forms folded by NFKC (full-width digits, letters, `＠`), and every dash and full stop variant
written as ASCII `-` and `.`. `alt` and `title` texts count as visible; URL-valued attributes
are collected for the link guard.

Every folded character maps back to the source characters it came from, so a finding has a
source line and `invoke redact` can mask it where it was written. One tokeniser serves rendered
HTML (what the page shows) and the Markdown source (where a finding was written): the two only
differ in the Markdown markers the source mode also removes.

Every pattern here is linear: possessive or bounded quantifiers, and an unclosed comment is
found with one `str.find`.
"""

from __future__ import annotations

import html
import re
import unicodedata
from bisect import bisect_right
from dataclasses import dataclass, field
from functools import lru_cache

TEXT, ATTR, HTML, MARKDOWN, URL = "text", "attr", "html", "markdown", "url"

# Elements that start a new block on the page: text on either side is not joined.
BLOCK_TAGS = frozenset({
    "address", "article", "aside", "blockquote", "caption", "dd", "details", "dialog", "div", "dl",
    "dt", "fieldset", "figcaption", "figure", "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6",
    "header", "hr", "li", "main", "nav", "ol", "p", "pre", "section", "summary", "table", "tbody",
    "td", "tfoot", "th", "thead", "tr", "ul",
})
TEXT_ATTRS = frozenset({"alt", "title"})  # shown as a tooltip, read aloud, or shown instead of an image
URL_ATTRS = frozenset({"href", "src", "cite", "action", "formaction", "poster", "data",
                       "background", "longdesc", "srcset", "ping"})

# Characters that render as nothing although they are not format characters (category Cf).
INVISIBLE = frozenset("\u034f\u115f\u1160\u17b4\u17b5\u180e\u2800\u3164\uffa0") | frozenset(
    chr(c) for c in range(0xFE00, 0xFE10))
DASHES = frozenset("\u2212\u2043\u2e3a\u2e3b\u30fc\uff70")  # besides category Pd
FULL_STOPS = frozenset("\u3002\uff61\ufe12\ufe52\uff0e\u2024")

_COMMENT = r"""
  (?P<comment><!--)
"""
_TAG = r"""
 |(?P<tag></?(?P<name>[A-Za-z][A-Za-z0-9:-]{0,63}+)(?P<attrs>(?:[^<>"']++|"[^"]*+"|'[^']*+')*+)>)
"""
_ENTITY = r"""
 |(?P<entity>&(?:\#[0-9]{1,8}+|\#[xX][0-9A-Fa-f]{1,8}+|[A-Za-z][A-Za-z0-9]{1,31}+);?)
"""
_AUTOLINK = r"""
 |<(?P<auto>[A-Za-z][A-Za-z0-9+.-]{1,31}+:[^\s<>]*+)>
 |<(?P<automail>[^\s<>@]{1,64}+@[^\s<>@]{1,255}+)>
"""
_MARKDOWN = r"""
 |^[ ]{0,3}\[[^\]\n]{1,999}+\]:[ \t]*+<?(?P<refdest>[^\s<>]++)>?
 |\]\([ \t]*+<?(?P<dest>[^\s()<>]*+)>?[^()\n]*+\)
 |\\(?P<escaped>[!-/:-@\[-`{-~])
 |(?P<marker>[*`\[\]]|!\[|(?<![A-Za-z0-9])_|_(?![A-Za-z0-9]))
"""
TOKENS = {
    TEXT: None,
    ATTR: re.compile(_ENTITY.lstrip().lstrip("|"), re.VERBOSE),
    # An address as a mail or phone program reads it: character references and ASCII %-escapes.
    URL: re.compile(_ENTITY.lstrip().lstrip("|") + r" |(?P<percent>%[0-7][0-9A-Fa-f])", re.VERBOSE),
    # The lookahead names every character a token starts with: other positions fail at once.
    HTML: re.compile("(?=[<&])(?:" + _COMMENT + _TAG + _ENTITY + ")", re.VERBOSE),
    MARKDOWN: re.compile(r"(?=[<&\]\\*`\[!_]|^[ ]{1,3}\[)(?:"
                         + _COMMENT + _AUTOLINK + _TAG + _MARKDOWN + _ENTITY + ")",
                         re.VERBOSE | re.MULTILINE),
}
MARKUP_RE = re.compile("(?=<)(?:" + _COMMENT + _TAG + ")", re.VERBOSE)  # for other readers of tags
ATTR_RE = re.compile(r"""([^\s"'>/=]++)(?:\s*+=\s*+(?:"([^"]*+)"|'([^']*+)'|([^\s"'=<>`]++)))?""")


def fold_char(ch: str) -> str:
    """One character as the guards read it: '' if invisible, else NFKC with dashes and stops."""
    return _FOLD[ord(ch)]


def _fold_char(ch: str) -> str:
    if ch in INVISIBLE or unicodedata.category(ch) == "Cf":
        return ""
    out = unicodedata.normalize("NFKC", ch)
    return "".join("-" if c in DASHES or unicodedata.category(c) == "Pd"
                   else "." if c in FULL_STOPS else c for c in out)


class _FoldTable(dict):
    """For str.translate: each character's folded form, computed once when first met."""

    def __missing__(self, code: int) -> str:
        self[code] = _fold_char(chr(code))
        return self[code]


class _IrregularTable(dict):
    """For str.translate: keeps only characters that do not fold to exactly one character."""

    def __missing__(self, code: int) -> int | None:
        self[code] = None if len(_FOLD[code]) == 1 else code
        return self[code]


_FOLD, _IRREGULAR = _FoldTable(), _IrregularTable()
# Characters outside the blocks Chinese text is written in: ASCII, general punctuation (less ‗ ‥ …),
# CJK symbols and punctuation, CJK ideographs and full-width forms. Only these can be irregular
# (tests/test_guards_visible.py checks every character of those blocks), so only these are looked up.
_UNCOMMON_RE = re.compile("[^\x00-\x7f\u2010-\u2016\u2018-\u2024\u2027\u3000-\u303f"
                          "\u3400-\u4dbf\u4e00-\u9fff\uff01-\uff60]")
# ASCII and CJK ideographs fold to themselves (tests/test_guards_visible.py checks every one).
_CHANGING_RE = re.compile("[^\x00-\x7f\u3400-\u4dbf\u4e00-\u9fff]")


def fold_plain(text: str) -> str:
    """`text` folded as plain text, without the map (for settings, exemptions, word lists)."""
    return fold(text, TEXT).text


@dataclass(frozen=True)
class Url:
    """A URL as written: its decoded value and where its raw text lies in the source."""

    start: int
    end: int
    value: str
    attr: str = ""  # the attribute it came from, '' for a Markdown link or an autolink


@dataclass
class Folded:
    """Folded text, the URLs met on the way, and the map from folded positions to the source."""

    text: str
    urls: list[Url] = field(default_factory=list)
    # Pieces whose length changed or that were not contiguous in the source:
    # (folded start, folded length, source start, source end); plain runs between map 1:1.
    _outs: list[int] = field(default_factory=list, repr=False)
    _pieces: list[tuple[int, int, int, int]] = field(default_factory=list, repr=False)
    _base: int = 0

    def source_start(self, pos: int) -> int:
        i = bisect_right(self._outs, pos) - 1
        if i < 0:
            return self._base + pos
        out, length, start, end = self._pieces[i]
        return start if pos < out + length else end + (pos - out - length)

    def source_end(self, pos: int) -> int:
        """Where the source of the folded character at `pos` ends."""
        i = bisect_right(self._outs, pos) - 1
        if i >= 0:
            out, length, _, end = self._pieces[i]
            if pos < out + length:
                return end
        return self.source_start(pos) + 1

    def source_span(self, start: int, end: int) -> tuple[int, int]:
        """The source range that folded text [start, end) came from."""
        return self.source_start(start), self.source_end(max(start, end - 1))


class _Builder:
    def __init__(self, base: int):
        self.parts: list[str] = []
        self.length = 0
        self.expected = base  # source position a 1:1 continuation would come from
        self.folded = Folded("", _base=base)

    def emit(self, start: int, end: int, text: str) -> None:
        if start != self.expected or len(text) != end - start:
            self.folded._outs.append(self.length)
            self.folded._pieces.append((self.length, len(text), start, end))
        self.expected = end
        if text:
            self.parts.append(text)
            self.length += len(text)


def fold(src: str, mode: str = TEXT, start: int = 0, end: int | None = None) -> Folded:
    """src[start:end] as the guards read it (see the module docstring); positions map to `src`."""
    b = _Builder(start)
    _fold_into(b, src, start, len(src) if end is None else end, mode)
    b.folded.text = "".join(b.parts)
    return b.folded


def _fold_into(b: _Builder, src: str, pos: int, end: int, mode: str) -> None:
    rx = TOKENS[mode]
    while pos < end:
        m = rx.search(src, pos, end) if rx else None
        if m is None:
            _plain(b, src, pos, end)
            return
        if m.start() > pos:
            _plain(b, src, pos, m.start())
        pos = _token(b, src, m, end, mode)


def _plain(b: _Builder, src: str, start: int, end: int) -> None:
    """Text between tokens, folded by str.translate; only characters that vanish or expand
    (zero-width spaces, `…`) are mapped one by one."""
    piece = src[start:end]
    irregular = "".join(_UNCOMMON_RE.findall(piece)).translate(_IRREGULAR)
    if not irregular:
        b.emit(start, end, _fold_text(piece))
        return
    pos = start
    for m in _irregular_re(frozenset(irregular)).finditer(src, start, end):
        if m.start() > pos:
            b.emit(pos, m.start(), _fold_text(src[pos:m.start()]))
        b.emit(m.start(), m.end(), _FOLD[ord(m.group())])
        pos = m.end()
    if pos < end:
        b.emit(pos, end, _fold_text(src[pos:end]))


def _fold_text(text: str) -> str:
    """text.translate(_FOLD), looking up only the characters that may change: in Chinese prose
    a punctuation mark every few characters, where str.translate looks up every one."""
    return _CHANGING_RE.sub(_fold_match, text)


def _fold_match(m: re.Match) -> str:
    return _FOLD[ord(m.group())]


@lru_cache(maxsize=256)
def _irregular_re(chars: frozenset[str]) -> re.Pattern:
    return re.compile("[" + "".join(re.escape(c) for c in sorted(chars)) + "]")


def _token(b: _Builder, src: str, m: re.Match, end: int, mode: str) -> int:
    """Emit one token's folded text; return where the next token may start."""
    kind = m.lastgroup
    s, e = m.start(), m.end()
    if kind == "entity":
        b.emit(s, e, html.unescape(m.group()).translate(_FOLD))
    elif kind == "comment":
        close = src.find("-->", e, end)
        e = end if close < 0 else close + 3  # an unclosed comment hides the rest, as in browsers
        b.emit(s, e, "")
    elif kind == "tag":
        _tag(b, src, m, mode)
    elif kind in ("auto", "automail"):
        b.emit(s, m.start(kind), "")
        b.folded.urls.append(Url(m.start(kind), m.end(kind), m.group(kind)))
        _fold_into(b, src, m.start(kind), m.end(kind), ATTR)
        b.emit(m.end(kind), e, "")
    elif kind in ("dest", "refdest"):
        b.folded.urls.append(Url(m.start(kind), m.end(kind), _unescape_markdown(m.group(kind))))
        b.emit(s, e, "")
    elif kind == "escaped":
        b.emit(s, e, m.group(kind))
    elif kind == "percent":
        b.emit(s, e, chr(int(m.group()[1:], 16)).translate(_FOLD))
    else:  # an emphasis, code or link marker
        b.emit(s, e, "")
    return e


def _tag(b: _Builder, src: str, m: re.Match, mode: str) -> None:
    name = m.group("name").lower()
    closing = src.startswith("</", m.start())
    b.emit(m.start(), m.end(), "\n" if name == "br" else "\n\n" if name in BLOCK_TAGS else "")
    if closing:
        return
    for a in ATTR_RE.finditer(src, m.start("attrs"), m.end("attrs")):
        attr = a.group(1).lower()
        group = next((g for g in (2, 3, 4) if a.group(g) is not None), None)
        if group is None:
            continue
        if attr in TEXT_ATTRS:
            b.emit(m.end(), m.end(), "\n\n")
            _fold_into(b, src, a.start(group), a.end(group), ATTR)
            b.emit(a.end(group), a.end(group), "\n\n")
            b.emit(m.end(), m.end(), "")  # what follows the tag maps from the tag's end again
        elif attr in URL_ATTRS:
            b.folded.urls.append(Url(a.start(group), a.end(group), html.unescape(a.group(group)),
                                     attr))


def attributes(src: str, tag: re.Match) -> dict[str, str]:
    """The attributes of a tag matched by MARKUP_RE or TOKENS, names lower-case, values decoded."""
    out = {}
    for a in ATTR_RE.finditer(src, tag.start("attrs"), tag.end("attrs")):
        value = next((a.group(g) for g in (2, 3, 4) if a.group(g) is not None), "")
        out.setdefault(a.group(1).lower(), html.unescape(value))
    return out


def _unescape_markdown(dest: str) -> str:
    """A Markdown link destination as Python-Markdown writes it into href: escapes and
    character references resolved."""
    return html.unescape(re.sub(r"\\([!-/:-@\[-`{-~])", r"\1", dest))


class LineIndex:
    """Line numbers of positions in a text, by binary search over its newlines."""

    def __init__(self, text: str, first_line: int = 1):
        self.starts = [m.end() for m in re.finditer("\n", text)]
        self.first = first_line

    def line(self, pos: int) -> int:
        return self.first + bisect_right(self.starts, pos)
