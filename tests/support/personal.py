"""Made-up personal data that passes the guards' check digits, what the guards find in a text, and
the text a reader sees on the page. No number here belongs to anyone."""

import unicodedata

from bs4 import BeautifulSoup

from jiandu.content.guards import (
    BANK_CARD,
    EMAIL,
    ID_CARD,
    LANDLINE,
    MOBILE,
    GuardSettings,
    luhn_ok,
    scan_body,
)
from jiandu.content.sanitize import render_body
from jiandu.core.settings import DEFAULTS
from tests.support.content import record

GS = GuardSettings.from_settings(DEFAULTS)


def fake_id(prefix17: str) -> str:
    """A made-up resident ID with a valid check digit."""
    weights = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
    total = sum(int(d) * w for d, w in zip(prefix17, weights, strict=True))
    return prefix17 + "10X98765432"[total % 11]


def fake_card(prefix: str) -> str:
    """A made-up card number that passes the Luhn check."""
    for last in "0123456789":
        if luhn_ok(prefix + last):
            return prefix + last
    raise AssertionError


FAKE_ID = fake_id("11010519491231002")
FAKE_CARD = fake_card("622202000000000000")  # 19 digits
CARD16 = fake_card("622202000000000")  # 16 digits
ID15 = "370102800101123"  # born 1980-01-01, the form issued before 1999


def kinds(text: str) -> list[tuple[int, str, str]]:
    """(line, kind, masked match) of each finding in a body, with the default settings."""
    return [(f.line, f.kind, f.shown) for f in sorted(set(scan_body(text, 1, GS)))]


def entry(body: str, extra: str = "") -> str:
    """A column record whose body is a first line and then `body`, which starts on line 9 plus the
    lines of `extra` (front matter such as exemptions)."""
    return record(f"正文第一行。\n{body}", extra)


def page_text(markdown: str) -> str:
    """What a reader reads on the page, by a real HTML parser: text, alt and title, and the
    addresses of mailto links, with invisible characters and spacing removed."""
    soup = BeautifulSoup(render_body(markdown), "html.parser")
    parts = [soup.get_text()]
    parts += [t[a] for a in ("alt", "title") for t in soup.find_all(attrs={a: True})]
    parts += [a["href"] for a in soup.find_all("a", href=True) if a["href"].startswith("mailto:")]
    text = unicodedata.normalize("NFKC", "".join(parts))
    return "".join(ch for ch in text if unicodedata.category(ch) != "Cf" and not ch.isspace())


# Personal data split or encoded in the source: (Markdown as written, what the page shows once
# spacing is ignored, kind).
SPLIT_FORMS = [
    ("电话&#49;3800000000", "13800000000", MOBILE),
    ("电话&#x31;3800000000", "13800000000", MOBILE),
    ("邮箱 someone&#64;example.com", "someone@example.com", EMAIL),
    ("电话138<!-- 拆开 -->00000000", "13800000000", MOBILE),
    ("电话138<!--\n-->00000000", "13800000000", MOBILE),
    ("电话138<b></b>00000000", "13800000000", MOBILE),
    ("电话138<span></span>0000<i></i>0000", "13800000000", MOBILE),
    ("电话1380**000**0000", "13800000000", MOBILE),
    ("电话1380*000*0000", "13800000000", MOBILE),
    ("电话138\u200b0000\u200d0000", "13800000000", MOBILE),
    ("电话138\u2060\ufeff00000000", "13800000000", MOBILE),
    ("电话１３８－００００－００００", "138-0000-0000", MOBILE),
    ("电话138—0000—0000", "138—0000—0000", MOBILE),
    ("电话138‐0000‒0000", "138‐0000‒0000", MOBILE),
    ("邮箱 someone@example。com", "someone@example。com", EMAIL),
    ("邮箱 someone@example．com", "someone@example.com", EMAIL),
    ("邮箱 someone＠example.com", "someone@example.com", EMAIL),
    ("[138](#)00000000", "13800000000", MOBILE),
    ("见图 ![13800000000](a.png)", "13800000000", MOBILE),
    ('<abbr title="电话13800000000">联系人</abbr>', "13800000000", MOBILE),
    ("[写信](mailto:someone@example.com)", "someone@example.com", EMAIL),
    ("座机0531-8888 6666", "0531-88886666", LANDLINE),
    ("座机（0531）8888-6666", "(0531)8888-6666", LANDLINE),
    (f"身份证号{ID15}", ID15, ID_CARD),
    (f"身份证 {FAKE_ID[:6]} {FAKE_ID[6:14]} {FAKE_ID[14:]}", FAKE_ID, ID_CARD),
    (f"卡号 {CARD16[:6]} {CARD16[6:12]} {CARD16[12:]}", CARD16, BANK_CARD),
    (f"卡号 {CARD16[:4]}-{CARD16[4:8]}-{CARD16[8:12]}-{CARD16[12:]}",
     f"{CARD16[:4]}-{CARD16[4:8]}-{CARD16[8:12]}-{CARD16[12:]}", BANK_CARD),
    (f"卡号 {CARD16[:6]} {CARD16[6:]}", CARD16, BANK_CARD),
]
