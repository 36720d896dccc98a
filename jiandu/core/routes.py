"""Every URL and output path of the site, and the references staff write to records.

URLs are site-relative and end with `/` for a page (`departments/cgj/`); the page's file is
`index.html` inside it. Templates and Python both build links only here, so the address scheme
is written once: moving a page is a change to this module and a redirect, nothing else.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from urllib.parse import quote

from jiandu.core.vocabulary import CommitmentStatus, EntryStatus, Kind, edition

# Pages and files at fixed addresses.
HOME = ""
DIRECTORY = "departments/"
LEDGER = "commitments/"
ARCHIVE = "archive/"
CATEGORIES = "categories/"
STATUSES = "status/"
DATA = "data/"
SEARCH = "search/"
BOUNCED = "column/bounced/"  # bounced cases (site/routing.py)
ELDER = "elder/"
NOT_FOUND = "404.html"
SITE_FEED = "feed.atom"
SITEMAP = "sitemap.xml"
ROBOTS = "robots.txt"
MANIFEST = "manifest.json"
ASSETS = "theme/"
CSS_BUNDLE = ASSETS + "jiandu.css"
SEARCH_INDEX = "search-index/"  # the search page's index (build/search_index.py)
SEARCH_ENTRY = SEARCH_INDEX + "entry.json"  # read first by every search; the rest is under its id

INDEX = "index.html"
FEED = "feed.atom"
QR = "qr.svg"
EXTERNAL = ("http://", "https://")

# Edition numbers in keys are zero-padded to the width each kind's numbering needs.
NUMBER_DIGITS = {Kind.INQUIRY: 2, Kind.COLUMN: 3}
_KINDS = "|".join(Kind)
_ANCHOR = r"(?:#([A-Za-z0-9_-]+))?"
# What staff write: `column/2017-045`, `inquiry/2017-03#q1` (numbers of up to three digits).
REF_RE = re.compile(rf"^({_KINDS})/(\d{{4}})-(\d{{1,3}}){_ANCHOR}$")
# A key or target this module made itself, whatever the number.
KEY_RE = re.compile(rf"^({_KINDS})/(\d{{4}})-(\d+){_ANCHOR}$")
# Later pages of a paginated list (`…/page/2/index.html`).
LATER_PAGE_RE = re.compile(r"(^|/)page/\d+/index\.html$")


@dataclass(frozen=True, slots=True)
class Ref:
    """A reference to a record (`column/2017-045`) or to a segment of a session (`…#q1`)."""

    kind: Kind
    year: int
    number: int
    anchor: str | None = None

    @property
    def edition(self) -> str:
        return edition(self.year, self.number)

    @property
    def key(self) -> str:
        """The record's key, without the anchor."""
        return record_key(self.kind, self.year, self.number)

    @property
    def target(self) -> str:
        """The reference as written in normal form: the key, and the anchor if there is one."""
        return segment_key(self.key, self.anchor) if self.anchor else self.key

    @property
    def url(self) -> str:
        page = record(self.key)
        return segment(page, self.anchor) if self.anchor else page


def parse_ref(text: str) -> Ref | None:
    """A reference as staff write it, or None if it is not one."""
    return _ref(REF_RE.match(text))


def parse_key(text: str) -> Ref | None:
    """A record key or segment key that this module made (see `record_key`, `segment_key`)."""
    return _ref(KEY_RE.match(text))


def _ref(match: re.Match | None) -> Ref | None:
    if not match:
        return None
    kind, year, number, anchor = match.groups()
    return Ref(Kind(kind), int(year), int(number), anchor)


# Records and their parts.
def edition_slug(kind: Kind, year: int, number: int) -> str:
    """`2016-045`: the edition in keys, URLs and content file names."""
    return f"{year}-{number:0{NUMBER_DIGITS[kind]}d}"


def record_key(kind: Kind, year: int, number: int) -> str:
    return f"{kind}/{edition_slug(kind, year, number)}"


def record(key: str) -> str:
    return key + "/"


def segment_key(record_key: str, segment_id: str) -> str:
    return f"{record_key}#{segment_id}"


def segment(record_url: str, segment_id: str) -> str:
    return f"{record_url}#{segment_id}"


def hop(record_url: str, position: int) -> str:
    """The hop at `position` (1-based) on its entry's routing trail."""
    return f"{record_url}#{hop_anchor(position)}"


def hop_anchor(position: int) -> str:
    return f"hop-{position}"


def hop_key(record_key: str, position: int) -> str:
    """A hop's identity in feeds (`column/2016-001/hops/2`): hops are appended, never renumbered."""
    return f"{record_key}/hops/{position}"


def moment(video_url: str, at: str) -> str:
    """A video opening at `at` (HH:MM:SS): a W3C Media Fragments URI 1.0 temporal fragment in NPT
    clock form, `…/video.mp4#t=00:12:30`; any fragment the address had is replaced."""
    return f"{video_url.partition('#')[0]}#t={at}"


def record_page(path: str) -> Ref | None:
    """The record whose own page is the output file `path`, if it is one."""
    if not path.endswith("/" + INDEX):
        return None
    ref = parse_key(path[: -len(INDEX) - 1])
    return ref if ref and ref.anchor is None else None


# Lists and views.
def kind_index(kind: Kind) -> str:
    return f"{kind}/"


def year_list(kind: Kind, year: int) -> str:
    return f"{kind}/{year}/"


def category(slug: str) -> str:
    return f"{CATEGORIES}{slug}/"


def entry_status(status: EntryStatus) -> str:
    return f"{STATUSES}{status.slug}/"


def ledger(status: CommitmentStatus | None = None) -> str:
    """The commitment ledger: all commitments, or those of one status (overdue included)."""
    return f"{LEDGER}{status.slug}/" if status else LEDGER


def department(dept_id: str) -> str:
    return f"{DIRECTORY}{dept_id}/"


def district(dept_id: str) -> str:
    return f"districts/{dept_id}/"


def ranking(slug: str) -> str:
    return f"{DIRECTORY}by/{slug}/"


def archive_year(year: int) -> str:
    return f"{ARCHIVE}{year}/"


def page(first: str, number: int) -> str:
    """Page `number` of the list whose first page is at `first`."""
    return first if number == 1 else f"{first}page/{number}/"


def later_page(path: str) -> bool:
    """Whether an output file is a second or later page of a list (its address moves)."""
    return bool(LATER_PAGE_RE.search(path))


# Feeds, data and assets.
def kind_feed(kind: Kind) -> str:
    return kind_index(kind) + FEED


def department_feed(dept_id: str) -> str:
    return department(dept_id) + FEED


def data_file(dataset: str, ext: str) -> str:
    return f"{DATA}{dataset}.{ext}"


def asset(name: str) -> str:
    return ASSETS + name


def image(name: str) -> str:
    return f"{ASSETS}images/{name}"


def record_qr(record_url: str) -> str:
    """The QR code of a record's permanent address, published beside its page."""
    return record_url + QR


def versioned(url: str, content: bytes) -> str:
    """`url` with a digest of the file's content, so that browsers fetch a changed file again."""
    return f"{url}?v={hashlib.sha256(content).hexdigest()[:10]}"


# URLs and files.
def output_path(url: str) -> str:
    """The file that serves a site-relative URL: `index.html` for a directory URL."""
    return url + INDEX if url == "" or url.endswith("/") else url


def url_of(path: str) -> str:
    """The URL of an output file: its directory for `index.html`."""
    return path.removesuffix(INDEX) if path == INDEX or path.endswith("/" + INDEX) else path


def is_external(target: str) -> bool:
    return target.startswith(EXTERNAL)


def public_url(site_url: str, path: str) -> str:
    """The address an output file is served at: directory URLs for index.html, %-quoted."""
    return absolute(site_url.rstrip("/"), quote(url_of(path), safe="/"))


def absolute(base: str, target: str) -> str:
    """`target` under the site's base URL (`SITEURL`); external URLs stay as they are."""
    return target if is_external(target) else f"{base}/{target}"


def relative(page_path: str, target: str) -> str:
    """A link from the output file `page_path` to the site-relative `target`, valid under any prefix."""
    return PageLinks(page_path)(target)


class PageLinks:
    """`relative` from one page: the page's folders are split once, not for each of its links.
    Most links share no folder with their page and are the way up to the root, then the target."""

    __slots__ = ("_here", "_up", "_first")

    def __init__(self, page_path: str):
        self._here = page_path.split("/")[:-1]
        self._up = "../" * len(self._here)
        self._first = self._here[0] + "/" if self._here else None

    def __call__(self, target: str) -> str:
        if target.startswith(_NOT_RELATIVE):
            return target
        if self._first is None or not target.startswith(self._first):
            return (self._up + target) or "./"
        path, sep, anchor = target.partition("#")
        here, there = self._here, path.split("/")
        common = 0
        while common < len(here) and common < len(there) - 1 and here[common] == there[common]:
            common += 1
        rel = "../" * (len(here) - common) + "/".join(there[common:])
        return (rel or "./") + sep + anchor


_NOT_RELATIVE = (*EXTERNAL, "mailto:", "#")
