"""The one HTML sanitizer: used for rendered Markdown bodies and for imported feed items alike.

Content HTML is untrusted (pasted pages, feed items): only plain structural tags survive, with
no script, style, event handler, iframe, form or `javascript:` URL. No `style` attribute
survives either, so text that a style would hide (white on white, a 1 px font) is shown.

`render_body` is the one way a Markdown body becomes page HTML: the guards read exactly what it
returns.
"""

from __future__ import annotations

import re
from functools import lru_cache

import markdown
import nh3
from markdown.blockprocessors import BlockQuoteProcessor, SetextHeaderProcessor
from markdown.extensions.def_list import DefListProcessor
from markdown.extensions.md_in_html import HtmlBlockPreprocessor
from markdown.treeprocessors import InlineProcessor

ALLOWED_TAGS = frozenset({
    "a", "abbr", "b", "blockquote", "br", "caption", "code", "dd", "del", "div", "dl", "dt", "em",
    "figcaption", "figure", "h1", "h2", "h3", "h4", "h5", "h6", "hr", "i", "img", "ins", "li", "ol", "p",
    "pre", "q", "s", "small", "span", "strong", "sub", "sup", "table", "tbody", "td", "tfoot", "th",
    "thead", "tr", "u", "ul",
})
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title", "id"},
    "abbr": {"title"},
    "img": {"src", "alt", "title", "width", "height"},
    "td": {"colspan", "rowspan"},
    "th": {"colspan", "rowspan", "scope"},
    "li": {"id"},  # footnotes
    "sup": {"id"},
    "ol": {"start"},
    "q": {"cite"},
}
# Classes Python-Markdown's footnotes use; no other class can borrow the theme's styles.
ALLOWED_CLASSES = {
    "a": {"footnote-ref", "footnote-backref"},
    "div": {"footnote"},
}
URL_SCHEMES = frozenset({"http", "https", "mailto"})
DROP_WITH_CONTENT = frozenset({"script", "style", "iframe", "object", "embed", "template",
                               "noscript", "svg", "math", "textarea", "select", "title"})


URL_ATTRIBUTES = frozenset({"href", "src", "cite"})
SCHEME_RE = re.compile(r"^[^/?#]*:")


# Python-Markdown's footnote ids; any other id could take over a page anchor such as #q1.
FOOTNOTE_ID_RE = re.compile(r"^fn(?:ref)?(?:\d*-)?:[\w-]+$")


def _url_filter(tag: str, attribute: str, value: str) -> str | None:
    """Stricter than the URL standard: a value that looks like any other scheme once blanks,
    control characters and backticks are removed (`jav ascript:`) is dropped, not kept as relative.
    Ids survive only in the footnotes' own form."""
    if attribute == "id":
        return value if FOOTNOTE_ID_RE.match(value) else None
    if attribute not in URL_ATTRIBUTES:
        return value
    compact = re.sub(r"[\x00-\x20`]", "", value).lower()
    if SCHEME_RE.match(compact) and compact.split(":", 1)[0] not in URL_SCHEMES:
        return None
    return value


def sanitize_html(html: str) -> str:
    """Untrusted HTML reduced to the allowed tags, attributes and URL schemes."""
    return _cleaner().clean(html)


@lru_cache(maxsize=1)
def _cleaner() -> nh3.Cleaner:
    """The sanitizer's rules, converted for nh3 once rather than for every body."""
    return nh3.Cleaner(
        tags=set(ALLOWED_TAGS),
        clean_content_tags=set(DROP_WITH_CONTENT),
        attributes={tag: set(attrs) for tag, attrs in ALLOWED_ATTRIBUTES.items()},
        allowed_classes={tag: set(c) for tag, c in ALLOWED_CLASSES.items()},
        url_schemes=set(URL_SCHEMES),
        attribute_filter=_url_filter,
        link_rel="noopener noreferrer",
        strip_comments=True,
    )


@lru_cache(maxsize=16)
def render_body(text: str) -> str:
    """A Markdown body as page HTML, sanitized. Cached: the guards and the page read the same body
    one after the other."""
    return sanitize_html(_markdown().reset().convert(text))


@lru_cache(maxsize=1)
def _markdown() -> markdown.Markdown:
    md = _plain_markdown()
    md.treeprocessors.register(PlainTextInline(md), "inline", 20)  # in place of Markdown's own
    blocks = md.parser.blockprocessors
    for quick, name, priority in QUICK_BLOCKS:  # each in place of the one it extends
        if type(blocks[name]) is quick.__base__:
            blocks.register(quick(md.parser), name, priority)
    if type(md.preprocessors["html_block"]) is HtmlBlockPreprocessor:
        md.preprocessors.register(QuickHtmlBlock(md), "html_block", 20)
    return md


def _plain_markdown() -> markdown.Markdown:
    """Python-Markdown as configured for bodies, with its own inline pass."""
    footnotes = {"BACKLINK_TITLE": "返回正文第 %d 处注释", "SUPERSCRIPT_TEXT": "{}"}
    return markdown.Markdown(extensions=["extra", "sane_lists"], output_format="html",
                             extension_configs={"extra": {"footnotes": footnotes}})


# The inline patterns of the renderer above, and text every one of them needs to match: a
# backtick, backslash, bracket (links, images, footnotes), '<' (HTML, autolinks), '&' (entities),
# '*' or '_' (emphasis), or two spaces before a line break.
INLINE_PATTERNS = ("backtick", "escape", "footnote", "reference", "link", "image_link",
                   "image_reference", "short_reference", "short_image_ref", "autolink", "automail",
                   "linebreak", "html", "entity", "em_strong")
INLINE_MARKUP_RE = re.compile(r"[`\\\[<&*_]|  \n")


class PlainTextInline(InlineProcessor):
    """Python-Markdown's inline pass, except that a text in which no inline pattern can match is
    returned as it is instead of being tried against each of the 15 patterns in turn: most
    paragraphs of a record are plain Chinese prose, and this pass was half of rendering them.
    If the patterns are not exactly those listed, every text takes Markdown's own way."""

    def run(self, tree, ancestors=None):
        self.known_patterns = len(self.inlinePatterns) == len(INLINE_PATTERNS) and all(
            name in self.inlinePatterns for name in INLINE_PATTERNS)
        return super().run(tree, ancestors)

    def _InlineProcessor__handleInline(self, data: str, patternIndex: int = 0) -> str:
        if self.known_patterns and not INLINE_MARKUP_RE.search(data):
            return data
        return super()._InlineProcessor__handleInline(data, patternIndex)


# Block processors whose test searches every paragraph with a regular expression that needs one
# ASCII sign that Chinese prose seldom has: the sign is looked for first.

class QuickBlockQuote(BlockQuoteProcessor):
    def test(self, parent, block: str) -> bool:
        return ">" in block and super().test(parent, block)  # a line starting with '>'


class QuickDefList(DefListProcessor):
    def test(self, parent, block: str) -> bool:
        return ":" in block and super().test(parent, block)  # a line starting with ': '


class QuickSetextHeader(SetextHeaderProcessor):
    def test(self, parent, block: str) -> bool:  # a second line of '=' or '-'
        return ("\n=" in block or "\n-" in block) and super().test(parent, block)


# (class, name, priority): as Python-Markdown and its def_list extension register them.
QUICK_BLOCKS = ((QuickBlockQuote, "quote", 20), (QuickDefList, "deflist", 25),
                (QuickSetextHeader, "setextheader", 60))


class QuickHtmlBlock(HtmlBlockPreprocessor):
    """md_in_html's raw HTML pass, which runs an HTML parser over the whole body: a body without
    '<' or '&' is one piece of text to that parser, returned as it came."""

    def run(self, lines: list[str]) -> list[str]:
        source = "\n".join(lines)
        if "<" in source or "&" in source:
            return super().run(lines)
        return source.split("\n")
