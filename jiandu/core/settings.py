"""Jiandu's settings: one typed, frozen object, read from Pelican's settings in one place.

Each field is the setting `JIANDU_<NAME>` of pelicanconf.py (or the Pelican key named in its
metadata); its default is declared here and nowhere else. Unknown `JIANDU_*` keys and values of the
wrong type are problems, reported together.
"""

from __future__ import annotations

import difflib
import subprocess
import types
import typing
from collections.abc import Mapping
from dataclasses import dataclass, field, fields, replace
from datetime import date
from pathlib import Path

from jiandu.core.identity import IDENTITY_KEYS, Contact, setting_lines, validate_identity
from jiandu.core.problems import ContentError, Problems
from jiandu.core.schema import URL_RE, Invalid, parse_date
from jiandu.core.source import MAX_FILE_BYTES

SETTINGS_FILE = "pelicanconf.py"


@dataclass(frozen=True, slots=True)
class UpdateDays:
    """Days within which the home page and each kind's list must show a new record (inspection)."""

    home: int = 14
    inquiry: int = 90
    column: int = 30


@dataclass(frozen=True, slots=True)
class Settings:
    root: Path = Path(".")  # the project folder; content/ and git live here
    content: str = "content"  # the content folder, relative to root
    as_of: date | None = None  # date statuses are judged at; None: last git commit touching content/
    program: str = "电视问政"  # name of the televised programme when a session names none
    page_size: int = 50  # records per list page
    latest: int = 5  # records per kind on the home page
    search: bool = True  # build the search index after the pages (benchmarks turn it off)
    feed_size: int = 50  # entries per Atom feed, most recently updated first
    tag_authority: str = "jiandu.example.gov.cn,2016"  # tag URI authority and date of feed ids
    # Official service numbers that are not personal data (digits; separators are ignored).
    service_numbers: tuple[str, ...] = ("12345", "12315", "12369", "12358", "12333", "12320", "12319",
                                        "12366", "12348", "12310", "12388", "110", "119", "120", "122")
    # Domains external links may point to; their subdomains are allowed too.
    link_allowlist: tuple[str, ...] = ("gov.cn", "jinan.gov.cn", "jnnews.tv", "e23.cn", "dzwww.com",
                                       "jnnews.com.cn", "people.com.cn", "xinhuanet.com", "news.cn")
    # Where `invoke publish` deploys: a folder, `rsync:/path`, or `[user@]host:/path` (rsync + ssh).
    deploy_target: str | None = None
    keep_releases: int = 5  # releases kept on the target; the live one is never removed
    import_max_items: int = 500  # items `invoke import-feed` takes from one feed
    import_max_mb: int = 20  # size of a feed `invoke import-feed` reads, in MB
    max_file_bytes: int = MAX_FILE_BYTES  # a larger content file is reported, never parsed
    site_name: str = field(default="", metadata={"key": "SITENAME"})
    site_url: str = field(default="", metadata={"key": "SITEURL"})
    # Where a case's routing starts: the first hop of every trail comes from one of these.
    routing_origins: tuple[str, ...] = ("12345热线", "监督局")
    # A rate, median or ranking needs at least this many cases; below it a figure reads 样本不足.
    min_sample: int = 5
    # The site's permanent public address, for canonical links, metadata and QR codes while
    # site_url is empty (the preview); publishconf.py's SITEURL defaults to it.
    public_url: str | None = None
    # Site identity for every footer and the page metadata, validated in core/identity.py at its
    # pelicanconf.py line; publishing needs all but the 党政机关网站 mark (conac_url).
    sponsor: str | None = None  # 主办单位
    operator: str | None = None  # 承办单位
    contact: Contact | None = None  # {"phone": ..., "email": ..., "address": ...}, at least one
    site_code: str | None = None  # 网站标识码
    icp: str | None = None  # ICP 备案号, linked to the MIIT lookup page
    police_record: str | None = None  # 公安机关备案号, linked to its lookup page
    conac_url: str | None = None  # certificate page of the 党政机关网站 mark (shown as a local image)
    # Self-inspection (`invoke inspect`): update periods judged at the as-of date; external links.
    update_days: UpdateDays = UpdateDays()
    link_timeout: int = 10  # seconds per external link
    link_concurrency: int = 8  # external links checked at once
    link_cache_days: int = 7  # days a checked link's answer is reused (reports/link-cache.json)
    # Hosts never asked over HTTP: the filing lookup pages in every footer turn robots away.
    link_skip: tuple[str, ...] = ("beian.miit.gov.cn", "beian.mps.gov.cn", "bszs.conac.cn")

    @property
    def content_folder(self) -> Path:
        return self.root / self.content

    @property
    def public_base(self) -> str:
        """The site's absolute address: SITEURL when publishing, else the declared public URL."""
        return (self.site_url or self.public_url or "").rstrip("/")

    def but(self, **changes) -> Settings:
        return replace(self, **changes)


DEFAULTS = Settings()
HINTS = typing.get_type_hints(Settings)
KEYS = {f.metadata.get("key", f"JIANDU_{f.name.upper()}"): f.name for f in fields(Settings)}


def jiandu_settings(pelican_settings: Mapping) -> Settings:
    """The validated settings from a Pelican settings mapping; every problem is reported at once."""
    problems = Problems()
    for key in sorted(k for k in pelican_settings if k.startswith("JIANDU_") and k not in KEYS):
        near = difflib.get_close_matches(key, KEYS, n=1)
        hint = f"是否指 {near[0]}？" if near else ""
        problems.add(SETTINGS_FILE, 1, f"未知设置 {key}。",
                     f"{hint}可用设置：{', '.join(sorted(k for k in KEYS if k.startswith('JIANDU_')))}。")
    values = {}
    for key, name in KEYS.items():
        if key not in pelican_settings or key in IDENTITY_KEYS:
            continue
        try:
            values[name] = _convert(HINTS[name], pelican_settings[key], key)
        except Invalid as err:
            problems.add(SETTINGS_FILE, 1, err.message, err.suggestion)
    if values.get("routing_origins") == ():  # every routing trail must be able to start somewhere
        problems.add(SETTINGS_FILE, 1, "JIANDU_ROUTING_ORIGINS 不能为空。",
                     '例如 JIANDU_ROUTING_ORIGINS = ["12345热线", "监督局"]。')
    # The identity is validated like content: each problem at the line where the value is written.
    root = pelican_settings.get("JIANDU_ROOT")
    values.update(validate_identity(pelican_settings, setting_lines(root) if root else {}, problems))
    if problems:
        raise ContentError(problems)
    return Settings(**values)


def _convert(kind, value, key: str):
    """`value` as the annotated type `kind`, or Invalid with an example of a good value."""
    if isinstance(kind, types.UnionType) and value is None:
        return None
    if isinstance(kind, types.UnionType):
        kind = next(k for k in typing.get_args(kind) if k is not type(None))
    example = getattr(DEFAULTS, KEYS[key])
    if kind is UpdateDays:
        return _update_days(value, key)
    if key == "JIANDU_PUBLIC_URL":
        if isinstance(value, str) and URL_RE.match(value.strip()):
            return value.strip().rstrip("/")
        raise Invalid(f"{key} 不是有效的网址：“{value}”。", f'例如 {key} = "https://jiandu.example.gov.cn"。')
    if kind is date:
        try:
            return parse_date(value)
        except Invalid as err:
            raise Invalid(f"{key}：{err.message}", err.suggestion) from None
    if kind is Path:
        if isinstance(value, (str, Path)) and str(value):
            return Path(value)
        raise Invalid(f"{key} 应为文件夹路径。", f'例如 {key} = "."。')
    if kind is bool:
        if isinstance(value, bool):
            return value
        raise Invalid(f"{key} 应为 True 或 False。", f"例如 {key} = {example!r}。")
    if kind is int:
        if isinstance(value, int) and not isinstance(value, bool) and value >= 1:
            return value
        raise Invalid(f"{key} 应为正整数。", f"例如 {key} = {example}。")
    if kind is str:
        if isinstance(value, str):
            return value
        raise Invalid(f"{key} 应为文字。", f'例如 {key} = "{example or "……"}"。')
    if typing.get_origin(kind) is tuple:
        if isinstance(value, (list, tuple)) and all(isinstance(v, (str, int)) and not isinstance(v, bool)
                                                   for v in value):
            return tuple(str(v).strip().lower() for v in value)
        raise Invalid(f"{key} 应为文字列表。", f'例如 {key} = ["{(example or ("……",))[0]}"]。')
    raise TypeError(f"no converter for {kind}")  # a programming error in Settings, not in content


def _update_days(value, key: str) -> UpdateDays:
    known = [f.name for f in fields(UpdateDays)]
    if isinstance(value, Mapping) and all(k in known and isinstance(v, int) and not isinstance(v, bool)
                                          and v >= 1 for k, v in value.items()):
        return UpdateDays(**value)
    raise Invalid(f"{key} 应为“栏目: 天数”的字典，天数为正整数。",
                  f'可用栏目：{", ".join(known)}；例如 {key} = {{"home": 14, "inquiry": 90, "column": 30}}。')


def as_of_date(settings: Settings, fallback: date | None = None) -> date:
    """The date statuses are judged at: the override, else the last commit that touched content/."""
    if settings.as_of:
        return settings.as_of
    try:
        out = subprocess.run(["git", "log", "-1", "--format=%cs", "--", settings.content], cwd=settings.root,
                             capture_output=True, text=True, check=True, timeout=30).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        out = ""
    return date.fromisoformat(out) if out else (fallback or date(1970, 1, 1))
