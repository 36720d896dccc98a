"""Jiandu's settings: read from Pelican's settings in one place, with defaults and validation."""

from __future__ import annotations

import subprocess
from datetime import date
from pathlib import Path

from .problems import ContentError, Problems
from .schema import Invalid, parse_date

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
    "JIANDU_IMPORT_MAX_ITEMS": 500,  # items `invoke import-feed` takes from one feed
    "JIANDU_IMPORT_MAX_MB": 20,  # size of a feed `invoke import-feed` reads, in MB
}

LIST_SETTINGS = ("JIANDU_SERVICE_NUMBERS", "JIANDU_LINK_ALLOWLIST")
POSITIVE_INT_SETTINGS = ("JIANDU_IMPORT_MAX_ITEMS", "JIANDU_IMPORT_MAX_MB")


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
    for key in LIST_SETTINGS:
        value = settings[key]
        if not isinstance(value, (list, tuple)) or not all(isinstance(v, (str, int)) for v in value):
            problems.add("pelicanconf.py", 1, f"{key} 应为文字列表。", f'例如 {key} = ["12345"]。')
        else:
            settings[key] = tuple(str(v).strip().lower() for v in value)
    for key in POSITIVE_INT_SETTINGS:
        value = settings[key]
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            problems.add("pelicanconf.py", 1, f"{key} 应为正整数。", f"例如 {key} = {DEFAULTS[key]}。")
    if problems:
        raise ContentError(problems)
    return settings


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
