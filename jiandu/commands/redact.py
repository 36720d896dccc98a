"""`invoke redact PATH`: mask the personal data the guards find, in place, after asking.

It masks exactly what `invoke check` reports, found by the same code: in the body, what the page
would show, however it was written (`&#49;`, a comment or emphasis inside a number, zero-width
characters, full-width forms); in the front matter, the text as written. Each character of a
match is masked where it was written, so markup around it stays as it was. The guards then run
again on the result: what they still find is listed for a person to handle.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from jiandu.content.guards import (
    EXEMPTIONS_KEY,
    PERSONAL_KINDS,
    Finding,
    GuardSettings,
    exemption_value,
    scan,
    scan_body,
    scan_values,
)
from jiandu.content.visible import TEXT, LineIndex
from jiandu.core.problems import Problems
from jiandu.core.settings import Settings
from jiandu.core.source import SourceFile, read_markdown

MAX_PASSES = 3  # a masked match can uncover one that paired with it; never loop forever


def exempted(source: SourceFile | None) -> set[tuple[str, str]]:
    """(kind, exact value) pairs the file's front matter exempts; those stay as they are."""
    data = source.meta.data if source else None
    rows = data.get(EXEMPTIONS_KEY) if isinstance(data, dict) else None
    return {(str(r.get("kind")), exemption_value(str(r.get("kind")), r.get("match", "")))
            for r in rows or [] if isinstance(r, dict)}


def located(file: Path, settings: Settings) -> list[Finding]:
    """Personal data in a Markdown file, exemptions left out, each with the ranges of the file's
    text that mask it (none when the guards see it but cannot tell where it was written)."""
    text, _ = _read(file)
    source = read_markdown(file, file.name, Problems())
    gs = GuardSettings.from_settings(settings)
    body_start = len(text) - len(source.body) if source else len(text)
    lines = LineIndex(text, 1)
    found = [Finding(lines.line(h.start), h.kind, h.shown, value=h.value, spans=h.masks)
             for h in scan(text[:body_start], TEXT, gs) if h.kind in PERSONAL_KINDS]
    if source is not None:
        # Values the raw scan cannot see as written (YAML escapes, folded lines): listed, not masked.
        raw = {f.value for f in found}
        found += [f for f in scan_values(source.meta.data, source.meta, gs)
                  if f.kind in PERSONAL_KINDS and f.value not in raw]
        found += [Finding(f.line, f.kind, f.shown, f.detail, f.value,
                          tuple((s + body_start, e + body_start) for s, e in f.spans))
                  for f in scan_body(source.body, source.body_line, gs) if f.kind in PERSONAL_KINDS]
    return sorted(f for f in found if (f.kind, f.value) not in exempted(source))


def masked(text: str, findings: list[Finding]) -> str:
    """`text` with each character of the findings masked where it was written: one * for a
    digit, and one for a reference such as &#49; too."""
    chars = list(text)
    for start, end in {span for f in findings for span in f.spans}:
        chars[start:end] = ["*"] + [""] * (end - start - 1)
    return "".join(chars)


def redact(file: Path, settings: Settings, confirm: Callable[[str], bool], out=print) -> int:
    """Show each finding masked, ask once, then mask them all; return how many were masked."""
    found = located(file, settings)
    if not found:
        out(f"{file}：没有发现个人信息。")
        return 0
    for f in found:
        out(f"{file}:{f.line}: {f.kind} {f.shown}")
    if not confirm(f"将以上 {len(found)} 处个人信息替换为打码后的内容（直接修改文件）。继续吗？[y/N] "):
        out("未修改。")
        return 0
    left = found
    for _ in range(MAX_PASSES):
        maskable = [f for f in left if f.spans]
        if not maskable:
            break
        text, bom = _read(file)
        file.write_text(masked(text, maskable), encoding="utf-8-sig" if bom else "utf-8")
        left = located(file, settings)
    out(f"已打码 {len(found) - len(left)} 处：{file}。请检查改动后再提交。")
    for f in left:
        out(f"{file}:{f.line}: 未能自动打码的{f.kind} {f.shown}，请手工处理。")
    return len(found) - len(left)


def _read(file: Path) -> tuple[str, bool]:
    data = file.read_bytes()
    bom = data.startswith(b"\xef\xbb\xbf")
    return data.decode("utf-8-sig"), bom
