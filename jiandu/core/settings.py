"""Jiandu's settings: read from Pelican's settings in one place, with defaults and validation."""

from __future__ import annotations

import subprocess
from datetime import date
from pathlib import Path

from jiandu.core.identity import setting_lines, validate_identity
from jiandu.core.problems import ContentError, Problems
from jiandu.core.schema import URL_RE, Invalid, parse_date

DEFAULTS = {
    "JIANDU_ROOT": ".",  # the project folder; content/ and git live here
    "JIANDU_CONTENT": "content",
    "JIANDU_AS_OF": None,  # date override for "as of"; default: last git commit touching content/
    "JIANDU_PROGRAM": "电视问政",  # default name of the televised programme
    "JIANDU_PAGE_SIZE": 50,  # records per list page
    "JIANDU_LATEST": 5,  # records per kind on the home page
    "JIANDU_SEARCH": True,  # build the search index after the pages (benchmarks turn it off)
    "JIANDU_FEED_SIZE": 50,  # entries per Atom feed, most recently updated first
    "JIANDU_TAG_AUTHORITY": "jiandu.example.gov.cn,2016",  # tag URI authority and date of feed ids
    # Official service numbers that are not personal data (digits; separators are ignored).
    "JIANDU_SERVICE_NUMBERS": ("12345", "12315", "12369", "12358", "12333", "12320", "12319",
                               "12366", "12348", "12310", "12388", "110", "119", "120", "122"),
    # Domains external links may point to; their subdomains are allowed too.
    "JIANDU_LINK_ALLOWLIST": ("gov.cn", "jinan.gov.cn", "jnnews.tv", "e23.cn", "dzwww.com",
                              "jnnews.com.cn", "people.com.cn", "xinhuanet.com", "news.cn"),
    # Where `invoke publish` deploys: a folder, `rsync:/path`, or `[user@]host:/path` (rsync + ssh).
    "JIANDU_DEPLOY_TARGET": None,
    "JIANDU_KEEP_RELEASES": 5,  # releases kept on the target; the live one is never removed
    # The site's permanent public address, for canonical links, metadata and QR codes when
    # SITEURL is empty (the preview); publishconf.py's SITEURL defaults to it.
    "JIANDU_PUBLIC_URL": None,
    # Site identity for the footer and page metadata (see core/identity.py); publish needs all
    # but the 党政机关网站 mark.
    "JIANDU_SPONSOR": None,  # 主办单位
    "JIANDU_OPERATOR": None,  # 承办单位
    "JIANDU_CONTACT": None,  # {"phone": ..., "email": ..., "address": ...}, at least one
    "JIANDU_SITE_CODE": None,  # 网站标识码
    "JIANDU_ICP": None,  # ICP 备案号, linked to the MIIT lookup page
    "JIANDU_POLICE_RECORD": None,  # 公安机关备案号, linked to its lookup page
    "JIANDU_CONAC_URL": None,  # certificate page of the 党政机关网站 mark (shown as a local image)
    # Self-inspection (`invoke inspect`): days within which the home page and each kind's list
    # must have a new record, judged at the as-of date; external link checking.
    "JIANDU_UPDATE_DAYS": {"home": 14, "inquiry": 90, "column": 30},
    "JIANDU_LINK_TIMEOUT": 10,  # seconds per external link
    "JIANDU_LINK_CONCURRENCY": 8,  # external links checked at once
    "JIANDU_LINK_CACHE_DAYS": 7,  # how long a checked link's answer is reused (reports/link-cache.json)
    # Hosts never asked over HTTP: the filing lookup pages in every footer turn robots away.
    "JIANDU_LINK_SKIP": ("beian.miit.gov.cn", "beian.mps.gov.cn", "bszs.conac.cn"),
}

LIST_SETTINGS = ("JIANDU_SERVICE_NUMBERS", "JIANDU_LINK_ALLOWLIST", "JIANDU_LINK_SKIP")


def jiandu_settings(pelican_settings: dict) -> dict:
    """Defaults merged with the JIANDU_* keys of a Pelican settings dict, validated."""
    settings = dict(DEFAULTS)
    settings.update({k: v for k, v in pelican_settings.items() if k.startswith("JIANDU_")})
    for key in ("SITENAME", "SITEURL"):
        settings[key] = pelican_settings.get(key, "")
    problems = Problems()
    unknown = sorted(k for k in settings if k.startswith("JIANDU_") and k not in DEFAULTS
                     and k not in EXTRA_KEYS)
    for key in unknown:
        problems.add("pelicanconf.py", 1, f"未知设置 {key}。", f"可用设置：{', '.join(sorted(DEFAULTS))}。")
    if settings["JIANDU_AS_OF"] is not None:
        try:
            settings["JIANDU_AS_OF"] = parse_date(settings["JIANDU_AS_OF"])
        except Invalid as err:
            problems.add("pelicanconf.py", 1, f"JIANDU_AS_OF：{err.message}", err.suggestion)
    _validate_public_url(settings, problems)
    _validate_inspection(settings, problems)
    validate_identity(settings, problems)
    for key in LIST_SETTINGS:
        value = settings[key]
        if not isinstance(value, (list, tuple)) or not all(isinstance(v, (str, int)) for v in value):
            problems.add("pelicanconf.py", 1, f"{key} 应为文字列表。", f'例如 {key} = ["12345"]。')
        else:
            settings[key] = tuple(str(v).strip().lower() for v in value)
    if problems:
        raise ContentError(problems)
    return settings


def _validate_public_url(settings: dict, problems: Problems) -> None:
    value = settings["JIANDU_PUBLIC_URL"]
    if value is not None and not (isinstance(value, str) and URL_RE.match(value.strip())):
        problems.add("pelicanconf.py", setting_lines(settings).get(("JIANDU_PUBLIC_URL",), 1),
                     f"JIANDU_PUBLIC_URL 不是有效的网址：“{value}”。",
                     '例如 JIANDU_PUBLIC_URL = "https://jiandu.example.gov.cn"。')
    elif value:
        settings["JIANDU_PUBLIC_URL"] = value.strip().rstrip("/")


def _validate_inspection(settings: dict, problems: Problems) -> None:
    lines = setting_lines(settings)
    days = settings["JIANDU_UPDATE_DAYS"]
    known = DEFAULTS["JIANDU_UPDATE_DAYS"]
    if not isinstance(days, dict) or any(k not in known or not _positive(v) for k, v in days.items()):
        problems.add("pelicanconf.py", lines.get(("JIANDU_UPDATE_DAYS",), 1),
                     "JIANDU_UPDATE_DAYS 应为“栏目: 天数”的字典，天数为正整数。",
                     f"可用栏目：{', '.join(known)}；例如 JIANDU_UPDATE_DAYS = {{\"home\": 14}}。")
    else:
        settings["JIANDU_UPDATE_DAYS"] = {**known, **days}
    for key in ("JIANDU_LINK_TIMEOUT", "JIANDU_LINK_CONCURRENCY", "JIANDU_LINK_CACHE_DAYS"):
        if not _positive(settings[key]):
            problems.add("pelicanconf.py", lines.get((key,), 1),
                         f"{key} 应为正整数，实际为“{settings[key]}”。", f"例如 {key} = {DEFAULTS[key]}。")


def _positive(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value > 0


# Settings other modules declare; listed here so that unknown-key checking stays in one place.
EXTRA_KEYS: set[str] = set()


def as_of_date(settings: dict, fallback: date | None = None) -> date:
    """The date statuses are judged at: the override, else the last commit that touched content/."""
    if settings.get("JIANDU_AS_OF"):
        return settings["JIANDU_AS_OF"]
    root = Path(settings.get("JIANDU_ROOT", "."))
    content = settings.get("JIANDU_CONTENT", "content")
    try:
        out = subprocess.run(["git", "log", "-1", "--format=%cs", "--", content], cwd=root,
                             capture_output=True, text=True, check=True, timeout=30).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        out = ""
    return date.fromisoformat(out) if out else (fallback or date(1970, 1, 1))
