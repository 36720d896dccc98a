"""Permanent URLs: an address published in an archived edition keeps working.

A page may move only if the record's `aliases` keep its old address alive as a redirect page.
`invoke check`, and every build before it writes anything, compare the addresses the current
content would produce with the manifest of the last archived edition and report every address
that would disappear.
"""

from __future__ import annotations

from pathlib import Path

from jiandu.build import manifest as manifests
from jiandu.content.edition_index import ARCHIVES, Edition
from jiandu.content.model import Site
from jiandu.core import routes
from jiandu.core.problems import Problems
from jiandu.site.indexes import Indexes, build_indexes
from jiandu.site.pages import site_pages

GUARDED_SUFFIXES = (".html", ".htm", ".atom", ".xml", ".txt")


def guarded(path: str) -> bool:
    """Addresses that must not disappear: pages, feeds and open data, not search-index internals."""
    # Later pages of a paginated list move when records are added: not an address to keep.
    return (path.endswith(GUARDED_SUFFIXES) or path.startswith(routes.DATA)) and not routes.later_page(path)


def lost_paths(before: list[str], now: set[str]) -> list[str]:
    return sorted(p for p in before if guarded(p) and p not in now)


def planned_paths(site: Site, idx: Indexes | None = None, outputs: list | None = None) -> set[str]:
    """Every file a build of `site` writes, without rendering anything; from `outputs`, the page
    plan of `site`, when the caller has it already."""
    if outputs is None:
        outputs = site_pages(site, idx or build_indexes(site))
    return {o.path for o in outputs} | {routes.CSS_BUNDLE, routes.MANIFEST}


def address_problems(site: Site, root: Path, idx: Indexes | None = None,
                     outputs: list | None = None) -> Problems:
    """What `invoke check` and every build refuse about addresses: an alias that takes a page's
    address (raises ContentError while planning) and a published address that would disappear."""
    return last_edition_problems(site, root, planned_paths(site, idx, outputs))


def last_edition_problems(site: Site, root: Path, now: set[str]) -> Problems:
    """Every guarded address of the last archived edition missing from `now` (the planned paths)."""
    problems = Problems()
    if not site.editions:
        return problems
    last: Edition = site.editions[-1]
    package = last.package("manifest")
    shown = f"{ARCHIVES}/{package.name}" if package else f"{ARCHIVES}/editions.json"
    try:
        old = manifests.read(root / shown)
    except (OSError, manifests.ManifestError):
        problems.add(shown, 1, f"无法读取上一归档版本 {last.label} 的文件清单。",
                     "该文件由 invoke archive 生成并应随 editions.json 一起提交；请从 git 历史中恢复。")
        return problems
    published = old.by_path()
    appeared = sorted(p for p in now if routes.record_page(p) and p not in published)
    for path in lost_paths([f.path for f in old.files], now):
        url = "/" + routes.url_of(path)
        problems.add(shown, old.line_of(path),
                     f"网址 {url} 在上一归档版本 {last.label} 中已发布，按现在的内容生成后将不再存在。",
                     _suggest(path, appeared, site))
    return problems


def _suggest(path: str, appeared: list[str], site: Site) -> str:
    """If a record of the same kind and year got a new address, name the file that should keep the old one."""
    old = routes.record_page(path)
    if old:
        candidates = [ref for p in appeared if (ref := routes.record_page(p))
                      and (ref.kind, ref.year) == (old.kind, old.year)]
        if candidates:
            best = min(candidates, key=lambda ref: (abs(ref.number - old.number), ref.number))
            record = next(r for r in (*site.inquiries, *site.entries) if r.key == best.key)
            return (f"若该记录已改为 {best.key}，请在 {record.path} 的 front matter 中加入 "
                    f"aliases: [{routes.url_of(path)}]。")
    return "已发布的网址不能消失：请恢复该页面，或在接替它的记录中用 aliases 填写这个旧网址。"
