"""The index of archived editions, archives/editions.json: written by `invoke archive`, committed
by staff, read by the build for the /archive/ page and by `invoke check` for permanent URLs."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from datetime import date
from pathlib import Path

from jiandu.core.problems import Problems

ARCHIVES = "archives"
INDEX = "editions.json"
FORMAT = "jiandu-editions/1"
PACKAGE_KINDS = {"bag": "BagIt 包（RFC 8493）", "warc": "WARC 网页存档（ISO 28500）", "manifest": "文件清单"}


@dataclass(frozen=True)
class Package:
    kind: str  # a key of PACKAGE_KINDS
    name: str  # file name inside archives/
    sha256: str
    size: int

    @property
    def description(self) -> str:
        return PACKAGE_KINDS.get(self.kind, self.kind)


@dataclass(frozen=True)
class Edition:
    label: str  # as-of date and short commit, e.g. 2016-06-30-1a2b3c4d
    as_of: date
    commit: str
    commit_time: str  # the commit's time in UTC, ISO 8601; the time stamped into the packages
    site_url: str
    sessions: int
    entries: int
    departments: int
    packages: tuple[Package, ...]

    def package(self, kind: str) -> Package | None:
        return next((p for p in self.packages if p.kind == kind), None)

    def to_json(self) -> dict:
        data = asdict(self)
        data["as_of"] = self.as_of.isoformat()
        return data


def index_path(root: Path) -> Path:
    return root / ARCHIVES / INDEX


def load_editions(root: Path, problems: Problems) -> tuple[Edition, ...]:
    """The editions listed in archives/editions.json, oldest first; none if there is no index yet."""
    path = index_path(root)
    shown = f"{ARCHIVES}/{INDEX}"
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return ()
    try:
        raw = json.loads(text)
    except json.JSONDecodeError as err:
        problems.add(shown, err.lineno, f"归档索引不是有效的 JSON：{err.msg}。",
                     "该文件由 invoke archive 生成，请勿手工修改；可从 git 历史中恢复。")
        return ()
    try:
        if raw.get("format") != FORMAT:
            raise ValueError(raw.get("format"))
        editions = tuple(_edition(item) for item in raw["editions"])
    except (AttributeError, KeyError, TypeError, ValueError) as err:
        problems.add(shown, 1, f"归档索引的结构无效（{err!r}）。",
                     "该文件由 invoke archive 生成，请勿手工修改；可从 git 历史中恢复。")
        return ()
    return tuple(sorted(editions, key=lambda e: (e.as_of, e.commit_time, e.label)))


def _edition(item: dict) -> Edition:
    return Edition(
        label=str(item["label"]), as_of=date.fromisoformat(item["as_of"]), commit=str(item["commit"]),
        commit_time=str(item["commit_time"]), site_url=str(item["site_url"]),
        sessions=int(item["sessions"]), entries=int(item["entries"]),
        departments=int(item["departments"]),
        packages=tuple(Package(str(p["kind"]), str(p["name"]), str(p["sha256"]), int(p["size"]))
                       for p in item["packages"]),
    )


def render_index(editions: tuple[Edition, ...]) -> bytes:
    ordered = sorted(editions, key=lambda e: (e.as_of, e.commit_time, e.label))
    data = {"format": FORMAT, "editions": [e.to_json() for e in ordered]}
    return (json.dumps(data, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def save_editions(root: Path, editions: tuple[Edition, ...]) -> None:
    path = index_path(root)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(render_index(editions))
