"""`invoke redact PATH`: mask the personal data the guards find, in place, after asking."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from jiandu.content.guards import GuardSettings, mask, personal_data
from jiandu.core.problems import Problems
from jiandu.core.settings import Settings
from jiandu.core.source import read_markdown


def exempted(file: Path) -> set[tuple[str, str]]:
    """(kind, masked match) pairs the file's front matter exempts; those stay as they are."""
    source = read_markdown(file, file.name, Problems())
    data = source.meta.data if source else None
    rows = data.get("exemptions") if isinstance(data, dict) else None
    return {(str(r.get("kind")), str(r.get("match"))) for r in rows or [] if isinstance(r, dict)}


def located_findings(text: str, settings: Settings, skip: set) -> list[tuple[int, str, str]]:
    """(offset, kind, match) of personal data in `text`, exemptions left out. Offsets index the
    original text: full-width digits are folded one character for one, so they still line up."""
    gs = GuardSettings.from_settings(settings)
    return [(pos, kind, match) for pos, kind, match in personal_data(text, gs.service_numbers)
            if (kind, mask(match)) not in skip]


def findings(file: Path, settings: Settings) -> list[tuple[int, str, str]]:
    """(line, kind, match) of personal data in the whole file, exemptions left out."""
    text = file.read_text(encoding="utf-8")
    return [(text.count("\n", 0, pos) + 1, kind, match)
            for pos, kind, match in located_findings(text, settings, exempted(file))]


def redact(file: Path, settings: Settings, confirm: Callable[[str], bool], out=print) -> int:
    """Show each finding masked, ask once, then mask them all; return how many were masked."""
    found = findings(file, settings)
    if not found:
        out(f"{file}：没有发现个人信息。")
        return 0
    for line, kind, match in found:
        out(f"{file}:{line}: {kind} {mask(match)}")
    if not confirm(f"将以上 {len(found)} 处个人信息替换为打码后的内容（直接修改文件）。继续吗？[y/N] "):
        out("未修改。")
        return 0
    text = file.read_text(encoding="utf-8")
    skip = exempted(file)
    # By position, last first, so that a link or a repeated number elsewhere is never touched.
    for pos, _, match in sorted(located_findings(text, settings, skip), reverse=True):
        original = text[pos:pos + len(match)]
        text = text[:pos] + mask(original) + text[pos + len(match):]
    file.write_text(text, encoding="utf-8")
    left = located_findings(text, settings, skip)
    out(f"已打码 {len(found) - len(left)} 处：{file}。请检查改动后再提交。")
    for pos, kind, match in left:
        out(f"{file}:{text.count(chr(10), 0, pos) + 1}: 未能自动打码的{kind} {mask(match)}，请手工处理。")
    return len(found) - len(left)
