"""Hidden text: HTML that a browser would hide from readers while search engines read it.

The sanitizer removes every `style` attribute and `<style>` element, so on the site such text
becomes visible; the guards still flag it in the source, because hiding is the mark of an
injected spam link (黑链). The importer drops hidden elements of feed items altogether.

CSS is read declaration by declaration (split on `;`), never with patterns that look across
the whole text, so a long style cannot make the check slow.
"""

from __future__ import annotations

import re

from jiandu.content.visible import MARKUP_RE, LineIndex, attributes

HIDDEN_NAMES = {
    "display:none": "display:none", "visibility:hidden": "visibility:hidden",
    "font-size:0": "字号为 0 或不超过 1 像素", "off-screen": "移出屏幕的定位", "opacity:0": "完全透明",
    "clip": "裁剪为不可见", "hidden": "hidden 属性", "scale(0)": "缩放为 0",
    "size:0": "高度或宽度为 0 并隐藏溢出", "color": "文字颜色与背景相同或几乎相同",
}
WHITE = (255, 255, 255)
MIN_CONTRAST = 1.5  # WCAG contrast ratio below which text cannot be read (white on #eee is 1.16)
VOID_TAGS = frozenset({"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta",
                       "param", "source", "track", "wbr"})
NAMED_COLOURS = {
    "white": WHITE, "snow": (255, 250, 250), "ivory": (255, 255, 240), "whitesmoke": (245, 245, 245),
    "ghostwhite": (248, 248, 255), "floralwhite": (255, 250, 240), "seashell": (255, 245, 238),
    "linen": (250, 240, 230), "azure": (240, 255, 255), "mintcream": (245, 255, 250),
    "honeydew": (240, 255, 240), "aliceblue": (240, 248, 255), "lavenderblush": (255, 240, 245),
    "black": (0, 0, 0), "silver": (192, 192, 192), "gray": (128, 128, 128), "grey": (128, 128, 128),
    "red": (255, 0, 0), "maroon": (128, 0, 0), "yellow": (255, 255, 0), "olive": (128, 128, 0),
    "lime": (0, 255, 0), "green": (0, 128, 0), "aqua": (0, 255, 255), "cyan": (0, 255, 255),
    "teal": (0, 128, 128), "blue": (0, 0, 255), "navy": (0, 0, 128), "fuchsia": (255, 0, 255),
    "magenta": (255, 0, 255), "purple": (128, 0, 128), "orange": (255, 165, 0),
}
NUMBER_RE = re.compile(r"(-?\d{0,12}+(?:\.\d{1,12}+)?)([a-z%]{0,8}+)")
PX_PER_UNIT = {"px": 1, "": 1, "pt": 4 / 3, "pc": 16, "em": 16, "rem": 16, "%": 0.16, "mm": 3.78,
               "cm": 37.8, "in": 96, "q": 0.945, "ex": 8, "ch": 8, "vw": 0, "vh": 0}


def declarations(css: str) -> dict[str, str]:
    """`property: value` pairs of a style attribute or rule body, lower-case, comments removed."""
    out = {}
    for part in _without_comments(css).split(";"):
        name, sep, value = part.partition(":")
        if sep:
            value = value.strip().lower()
            out[name.strip().lower()] = value.removesuffix("!important").strip()
    return out


def _without_comments(css: str) -> str:
    pieces, pos = [], 0
    while (start := css.find("/*", pos)) >= 0:
        pieces.append(css[pos:start])
        end = css.find("*/", start + 2)
        pos = len(css) if end < 0 else end + 2
    pieces.append(css[pos:])
    return " ".join(pieces)


def hiding_styles(css: str, background: tuple | None = None) -> list[str]:
    """The ways `css` hides its element's text; `background` is the colour behind it (white)."""
    d = declarations(css) if ":" in css else {}
    if not d:
        return []
    found = []
    if d.get("display") == "none":
        found.append("display:none")
    if d.get("visibility") in ("hidden", "collapse"):
        found.append("visibility:hidden")
    if "font-size" in d and _at_most_px(d["font-size"], 1):
        found.append("font-size:0")
    if any(_far_negative(d.get(p, "")) for p in ("left", "top", "right", "bottom", "text-indent",
                                                   "margin", "margin-left", "margin-top")):
        found.append("off-screen")
    if "opacity" in d and _at_most_px(d["opacity"], 0):
        found.append("opacity:0")
    if d.get("clip", "").replace(" ", "").startswith("rect(0") or \
            d.get("clip-path", "").replace(" ", "").startswith(("inset(50%", "circle(0")):
        found.append("clip")
    if re.search(r"scale[xy]?\(\s*0*(?:\.0+)?\s*[,)]", d.get("transform", "")):
        found.append("scale(0)")
    if d.get("overflow") == "hidden" and any(
            p in d and _at_most_px(d[p], 1) for p in ("height", "width", "max-height", "max-width")):
        found.append("size:0")
    if "color" in d and _unreadable(d["color"], background_of(d) or background or WHITE):
        found.append("color")
    return found


def background_of(d: dict[str, str]) -> tuple | None:
    for prop in ("background-color", "background"):
        value = d.get(prop, "")
        for candidate in [value] + value.split():
            colour = parse_colour(candidate)
            if colour is not None and len(colour) == 3:
                return colour
    return None


def _at_most_px(value: str, limit: float) -> bool:
    m = NUMBER_RE.fullmatch(value.strip())
    if not m or m.group(1) in ("", "-"):
        return False
    number, unit = float(m.group(1)), m.group(2)
    return unit in PX_PER_UNIT and number * PX_PER_UNIT[unit] <= limit


def _far_negative(value: str) -> bool:
    return any(re.fullmatch(r"-\d{3,}+(?:\.\d++)?[a-z%]*+", token) for token in value.split())


def parse_colour(value: str) -> tuple | None:
    """(r, g, b), or (r, g, b, 0) for a transparent colour; None if not understood."""
    value = value.strip().lower()
    if value == "transparent":
        return (0, 0, 0, 0)
    if value in NAMED_COLOURS:
        return NAMED_COLOURS[value]
    m = re.fullmatch(r"#([0-9a-f]{3,4}|[0-9a-f]{6}|[0-9a-f]{8})", value)
    if m:
        h = m.group(1)
        if len(h) <= 4:
            h = "".join(c * 2 for c in h)
        rgb = tuple(int(h[i:i + 2], 16) for i in (0, 2, 4))
        return rgb + (0,) if len(h) == 8 and h[6:] == "00" else rgb
    m = re.fullmatch(r"rgba?\(([^()]{1,80})\)", value)
    if m:
        parts = [p for p in re.split(r"[\s,/]+", m.group(1).strip()) if p]
        try:
            rgb = tuple(round(float(p[:-1]) * 2.55) if p.endswith("%") else round(float(p))
                        for p in parts[:3])
            alpha = float(parts[3].rstrip("%")) if len(parts) > 3 else 1
        except ValueError:
            return None
        if len(rgb) == 3:
            return rgb + (0,) if alpha == 0 else rgb
    return None


def _unreadable(colour: str, background: tuple) -> bool:
    fg = parse_colour(colour)
    if fg is None:
        return False
    if len(fg) == 4:
        return True  # transparent text
    light, dark = sorted((_luminance(fg), _luminance(background[:3])), reverse=True)
    return (light + 0.05) / (dark + 0.05) < MIN_CONTRAST


def _luminance(rgb: tuple) -> float:
    def channel(c: int) -> float:
        c = max(0, min(255, c)) / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4
    r, g, b = (channel(c) for c in rgb)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def hiding_classes(css: str) -> set[str]:
    """Classes a style sheet hides: `.spam{display:none}` gives {'spam'}."""
    classes = set()
    for rule in css.split("}"):
        selector, sep, body = rule.partition("{")
        if sep and hiding_styles(body):
            classes.update(re.findall(r"\.([\w-]++)", selector))
    return classes


def hidden_in_html(text: str) -> list[tuple[int, str]]:
    """(line, style) of each element raw HTML in `text` hides; lines count from 1. Tags are read
    with the guards' own linear tokeniser; the background behind an element is the nearest
    one an open ancestor declares, white by default."""
    hidden: list[tuple[int, str]] = []
    lines = LineIndex(text)
    stack: list[tuple[str, tuple]] = []  # open elements and the background behind their text
    pos = 0
    while (m := MARKUP_RE.search(text, pos)) is not None:
        pos = m.end()
        if m.lastgroup == "comment":
            close = text.find("-->", pos)
            pos = len(text) if close < 0 else close + 3
            continue
        name, line = m.group("name").lower(), lines.line(m.start())
        if text.startswith("</", m.start()):
            _close(stack, name)
            continue
        background = stack[-1][1] if stack else WHITE
        attrs = attributes(text, m) if m.group("attrs").strip() else {}
        hidden += [(line, style) for style in _element_hides(name, attrs, background)]
        if name == "style":
            close = re.compile("</style", re.IGNORECASE).search(text, pos)
            end = close.start() if close else len(text)
            hidden += [(line, style) for rule in text[pos:end].split("}")
                       for style in hiding_styles(rule.partition("{")[2])]
            pos = end
        elif name not in VOID_TAGS and not m.group().endswith("/>"):
            own = _background(attrs) if attrs else None
            stack.append((name, own or background))
    return hidden


def _element_hides(name: str, attrs: dict[str, str], background: tuple) -> list[str]:
    found = hiding_styles(attrs.get("style", ""), background)
    if "hidden" in attrs:
        found.append("hidden")
    if name == "font" and attrs.get("color") and _unreadable(
            attrs["color"], parse_colour(attrs.get("bgcolor", "")) or background):
        found.append("color")
    return found


def _background(attrs: dict[str, str]) -> tuple | None:
    own = background_of(declarations(attrs.get("style", ""))) or parse_colour(attrs.get("bgcolor", ""))
    return own if own and len(own) == 3 else None


def _close(stack: list[tuple[str, tuple]], name: str) -> None:
    for i in range(len(stack) - 1, -1, -1):
        if stack[i][0] == name:
            del stack[i:]
            return
