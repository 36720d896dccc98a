"""Page metadata as 《政府网站发展指引》 defines it, plus description, canonical link and Open Graph.

Every page carries the site's name, domain and identification code and its column's name,
description, keywords and type; record pages also carry the article fields (title, publication
time as `YYYY-MM-DD HH:MM`, source, keywords, author, description, image, URL). The page plan
attaches one PageMeta to each page, so templates only print it.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, replace
from urllib.parse import urlsplit

from jiandu.content.model import Department, Record, Site
from jiandu.core import routes
from jiandu.core.routes import absolute
from jiandu.core.settings import Settings
from jiandu.core.vocabulary import Kind

SHARE_IMAGE = routes.image("share.png")  # the site's image for pages that have none of their own
DESCRIPTION_LENGTH = 120  # characters; harvesters show about this much
PUB_TIME = "00:00"  # records carry a date only; the guideline's PubDate wants a time as well


@dataclass(frozen=True)
class Column:
    """A column (栏目) of the site: what the guideline's Column* fields say about it."""

    name: str
    description: str
    keywords: str
    type: str


# The site's columns. `type` names the kind of column in the guideline's terms.
COLUMNS = {
    "home": Column(
        "首页", "电视问政中部门负责人当众作出的承诺、《民生无小事、件件有人管》专栏跟踪的每一件民生问题，"
        "都在这里按部门公开，可查、可追、可核对。", "电视问政,民生专栏,承诺,行政执法监督", "首页"),
    Kind.INQUIRY: Column(
        Kind.INQUIRY.label, "电视问政：部门负责人就媒体和市民曝光的问题现场答问，"
        "并公开作出限期承诺，之后逐项跟踪兑现。", "电视问政,现场答问,承诺,兑现", "互动交流"),
    Kind.COLUMN: Column(
        Kind.COLUMN.label, "《民生无小事、件件有人管》专栏：每期跟踪一位市民反映的问题，"
        "从受理、办理到办结。", "民生,专栏,市民反映,办理,办结", "回应关切"),
    "commitments": Column(
        "承诺台账", "电视问政中部门负责人作出的每一项承诺，逐项登记期限、状态和核实日期。",
        "承诺,兑现,逾期,台账", "数据发布"),
    "departments": Column(
        "部门", "各部门和单位在电视问政中被问到的问题、作出的承诺和兑现情况，以及专栏跟踪的每一件事。",
        "部门,名录,承诺,办结率", "机构职能"),
    "archive": Column(
        "往期", "电视问政和专栏的全部往期，按年份和期号排列，缺号一并列出；以及归档版本。",
        "往期,目录,归档", "信息公开目录"),
    "data": Column(
        "开放数据", "记录、承诺和部门的开放数据，JSON 和 CSV 格式，可自由下载使用。",
        "开放数据,JSON,CSV", "数据发布"),
    "search": Column(
        "搜索", "搜索电视问政和专栏的全部记录，可按类型、部门、年份和状态筛选。", "搜索", "搜索服务"),
    "elder": Column(
        "长辈版", "字更大、行距更宽、对比更强、按钮更大的长辈版，方便老年人和视力不便的读者阅读。",
        "长辈版,适老化,无障碍,大字", "无障碍服务"),
}


@dataclass(frozen=True)
class SiteMeta:
    name: str
    domain: str
    id_code: str
    base: str  # absolute URL of the site root, without the trailing slash ("" when unknown)


@dataclass(frozen=True)
class ArticleMeta:
    title: str
    pub_date: str  # YYYY-MM-DD HH:MM, as the guideline writes it
    published: str  # ISO 8601 date, for article:published_time
    source: str
    keywords: str
    author: str
    url: str


@dataclass(frozen=True)
class PageMeta:
    site: SiteMeta
    title: str
    description: str
    canonical: str  # absolute; "" for pages without an address of their own (404)
    column: Column
    image: str
    article: ArticleMeta | None = None
    noindex: bool = False

    @property
    def og_type(self) -> str:
        return "article" if self.article else "website"


def site_meta(settings: Settings) -> SiteMeta:
    base = settings.public_base
    return SiteMeta(name=settings.site_name, domain=urlsplit(base).hostname or "",
                    id_code=settings.site_code or "", base=base)


def page_title(title: str, pagination=None) -> str:
    return f"{title}（第 {pagination.number} 页）" if pagination and pagination.number > 1 else title


def describe(site: Site, sm: SiteMeta, url: str, title: str, column: str, description: str = "",
             record: Record | None = None, canonical: str | None = None, noindex: bool = False) -> PageMeta:
    """The metadata of the page at site-relative `url`."""
    col = COLUMNS[column]
    image = absolute(sm.base, SHARE_IMAGE)
    article = None
    if record is not None:
        image = _first_image(record, sm.base, url) or image
        article = _article(site, sm, record, absolute(sm.base, url))
        description = description or record_description(record)
    if canonical is None:
        canonical = absolute(sm.base, url) if sm.base else ""
    return PageMeta(site=sm, title=title, description=_shorten(description or col.description),
                    canonical=canonical, column=col, image=image, article=article, noindex=noindex)


def _article(site: Site, sm: SiteMeta, record: Record, url: str) -> ArticleMeta:
    source = record.program if record.kind == Kind.INQUIRY else f"《{Kind.COLUMN.label}》专栏"
    return ArticleMeta(
        title=record.title, pub_date=f"{record.date.isoformat()} {PUB_TIME}",
        published=record.date.isoformat(), source=source, keywords=record_keywords(record, site),
        author=site.settings.sponsor or sm.name, url=url)


def record_keywords(record: Record, site: Site) -> str:
    """Its departments and district by their short names, its category, and the kind."""
    depts: list[Department] = [site.departments[d] for d in record.departments]
    if record.kind == Kind.COLUMN and record.district:
        depts.append(site.departments[record.district])
    words = [d.label for d in depts]
    if record.kind == Kind.COLUMN and record.category:
        words.append(record.category)
    words.append(Kind.INQUIRY.label if record.kind == Kind.INQUIRY else "民生专栏")
    return ",".join(dict.fromkeys(words))


def record_description(record: Record) -> str:
    """A session by its segments' topics; an entry by the start of its body text."""
    if record.kind == Kind.INQUIRY:
        topics = "；".join(s.topic for s in record.segments)
        return f"{record.edition}{record.program}，{len(record.segments)} 个问政环节：{topics}。"
    text = plain_text(record.body_html)
    return text or f"{record.edition}{Kind.COLUMN.label}：{record.title}。"


TAG_RE = re.compile(r"<[^>]+>")
SPACE_RE = re.compile(r"\s+")
IMG_RE = re.compile(r"<img\b[^>]*\bsrc=\"([^\"]+)\"", re.IGNORECASE)


def plain_text(body_html: str) -> str:
    return SPACE_RE.sub(" ", html.unescape(TAG_RE.sub(" ", body_html))).strip()


def _shorten(text: str) -> str:
    return text if len(text) <= DESCRIPTION_LENGTH else text[: DESCRIPTION_LENGTH - 1] + "…"


def _first_image(record: Record, base: str, url: str) -> str | None:
    """The first image of the body, as an absolute URL (relative sources resolve against the page)."""
    match = IMG_RE.search(record.body_html)
    if not match:
        return None
    src = html.unescape(match.group(1))
    if src.startswith(("http://", "https://")):
        return src
    from posixpath import join, normpath

    path = normpath(join(url, src)) if not src.startswith("/") else src.lstrip("/")
    return absolute(base, path.lstrip("/"))


def with_meta(page, meta: PageMeta):
    return replace(page, context={**page.context, "meta": meta})
