"""The fixture site's content read independently of the code under test: its raw front matter and
registry by plain YAML, and figures as the site must show them."""

import statistics

import yaml

from jiandu.commands.testing import FIXTURE, FIXTURE_MIN_SAMPLE
from tests.support.content import body, front_matter
from tests.support.project import PROJECT

CONTENT = PROJECT / FIXTURE / "content"

REGISTRY = {d["id"]: d for d in yaml.safe_load((CONTENT / "departments.yml").read_text(encoding="utf-8"))}
ALIASES = {name: d["id"] for d in REGISTRY.values()
           for name in [d["id"], d["name"], d.get("short"), *d.get("aliases", [])] if name}
ALIASES.update({"濟南市房產管理局": "fgj"})  # the fixture's Traditional spelling of 济南市房产管理局


def records(kind: str) -> list[dict]:
    """The front matter of every record of a kind (`inquiry`, `column`), in file order."""
    return [front_matter(p.read_text(encoding="utf-8")) for p in sorted((CONTENT / kind).glob("*.md"))]


def read_record(path: str) -> tuple[dict, str]:
    """The front matter and the stripped body of one record, by its path in the content folder."""
    text = (CONTENT / path).read_text(encoding="utf-8")
    return front_matter(text), body(text).strip()


def lineage_of(dept_id: str) -> set[str]:
    """A department and every predecessor it took over, directly or through others."""
    lineage, queue = {dept_id}, [dept_id]
    while queue:
        current = queue.pop()
        for d in REGISTRY.values():
            if d.get("successor") == current:
                lineage.add(d["id"])
                queue.append(d["id"])
    return lineage


def median_text(values: list, unit: str) -> str:
    """A median as the site must show it: 样本不足 below the fixture's minimum sample."""
    if not values:
        return "无数据"
    if len(values) < FIXTURE_MIN_SAMPLE:
        return f"样本不足（{len(values)} {unit}，少于 {FIXTURE_MIN_SAMPLE} {unit}）"
    return f"{statistics.median(values):g} 天（{len(values)} {unit}）"


def rate_text(numerator: int, denominator: int, unit: str) -> str:
    if not denominator:
        return "无数据"
    if denominator < FIXTURE_MIN_SAMPLE:
        return f"样本不足（{numerator}/{denominator}，少于 {FIXTURE_MIN_SAMPLE} {unit}）"
    return f"{round(100 * numerator / denominator)}%（{numerator}/{denominator}）"
