"""The live preview's one-edit rebuild gives byte for byte what a clean full build gives."""

import dataclasses
import os
import shutil
from pathlib import Path

import pytest

from jiandu.build.pipeline import Pipeline
from jiandu.commands.build import read_pelican_settings
from jiandu.commands.testing import FIXTURE_AS_OF
from jiandu.core.settings import jiandu_settings
from tests.support.project import CONF, PROJECT


def pipeline(root: Path, output: Path) -> Pipeline:
    settings = jiandu_settings(read_pelican_settings(CONF, root, JIANDU_AS_OF=FIXTURE_AS_OF))
    return Pipeline(settings, PROJECT / "theme", output)


def tree_bytes(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new), encoding="utf-8")
    stat = path.stat()
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000))


NEW_ENTRY = """---
title: 新增的一期
number: 7
date: 2016-06-20
departments: [jtj]
category: 交通
status: 已受理
---
新正文。
"""

EDITS = {
    "body": lambda c: edit(c / "column/2016-001.md", "早市占道。", "早市占道，已经整治。"),
    "title": lambda c: edit(c / "column/2016-002.md", "夜市整治回头看", "夜市整治再回头"),
    "status": lambda c: edit(c / "column/2016-004.md", "status: 办理中\nfollow_up", "status: 已受理\nfollow_up")
    or edit(c / "column/2016-004.md", "    status: 办理中\n    note", "    status: 已受理\n    note"),
    "department": lambda c: edit(c / "column/2016-001.md", "departments: [cgj, hy-zxj]", "departments: [jtj]"),
    "commitment": lambda c: edit(c / "inquiry/2016-01.md", "        due: 2016-12-31\n        status: 未启动\n",
                                      "        due: 2016-12-31\n        status: 已兑现\n        checked: 2016-06-01\n"),
    "year": lambda c: edit(c / "column/2016-005.md", "date: 2016-06-01", "date: 2017-01-05")
    or edit(c / "column/2016-005.md", "resolved: 2016-06-11", "resolved: 2017-01-15"),
    "routing": lambda c: edit(c / "column/2016-004.md", "    to: sh-zhzf\n", "    to: jtj\n"),
    "hop-added": lambda c: edit(c / "column/2016-004.md", "    action: 转办\n---",
                                "    action: 转办\n  - date: 2016-05-10\n    from: sh-zhzf\n    to: fgj\n"
                                "    action: 退回\n    note: 称不属于本部门职责\n---"),
    "added": lambda c: (c / "column/2016-007.md").write_text(NEW_ENTRY, encoding="utf-8"),
    "removed": lambda c: (c / "column/2016-005.md").unlink(),
}


@pytest.mark.parametrize("name", sorted(EDITS))
def test_one_edit_rebuild_equals_a_full_build(tree, tmp_path, name):
    live = pipeline(tree, tmp_path / "live")
    first = live.build()
    EDITS[name](tree / "content")
    update = live.update()
    assert 0 < len(update.written) < len(first.written) / 2, update.written
    clean = pipeline(tree, tmp_path / "clean")
    clean.build()
    assert tree_bytes(tmp_path / "live") == tree_bytes(tmp_path / "clean")


def test_an_update_without_changes_writes_nothing(tree, tmp_path):
    live = pipeline(tree, tmp_path / "live")
    live.build()
    assert live.update().written == []


def test_a_body_edit_rewrites_only_what_shows_the_record(tree, tmp_path):
    live = pipeline(tree, tmp_path / "live")
    live.build()
    EDITS["body"](tree / "content")
    written = set(live.update().written)
    assert "column/2016-001/index.html" in written
    assert "departments/cgj/index.html" in written and "departments/hy-zxj/index.html" in written
    assert "departments/jtj/index.html" not in written
    assert "column/2016-002/index.html" not in written


def test_a_registry_edit_rewrites_everything(tree, tmp_path):
    live = pipeline(tree, tmp_path / "live")
    first = live.build()
    edit(tree / "content/departments.yml", "domains: [城市管理]", "domains: [城市管理, 市容]")
    assert sorted(live.update().written) == sorted(first.written)
    clean = pipeline(tree, tmp_path / "clean")
    clean.build()
    assert tree_bytes(tmp_path / "live") == tree_bytes(tmp_path / "clean")


def test_removed_pages_are_deleted(tree, tmp_path):
    live = pipeline(tree, tmp_path / "live")
    live.build()
    (tree / "content/column/2016-005.md").unlink()
    update = live.update()
    assert "column/2016-005/index.html" in update.removed
    assert not (tmp_path / "live/column/2016-005/index.html").exists()
    shutil.rmtree(tmp_path / "live/column/2016-005")


def test_preview_rewrites_a_page_when_its_file_is_saved(tree, tmp_path):
    import threading
    import time

    from jiandu.commands.serve import Preview

    lines = []
    preview = Preview(CONF, tmp_path / "output", root=tree, out=lines.append, JIANDU_AS_OF=FIXTURE_AS_OF)
    preview.rebuild_all()
    stop = threading.Event()
    watcher = threading.Thread(target=preview.watch, args=(stop,), daemon=True)
    watcher.start()
    time.sleep(0.5)  # let the watcher start before the edit
    EDITS["title"](tree / "content")
    deadline = time.monotonic() + 20
    while not lines and time.monotonic() < deadline:
        time.sleep(0.05)
    stop.set()
    assert lines and lines[0].startswith("已更新 "), lines
    assert "从保存到写完用时" in lines[0]
    page = (tmp_path / "output/column/2016-002/index.html").read_text(encoding="utf-8")
    assert "夜市整治再回头" in page


def test_a_new_hop_rewrites_the_pages_and_feeds_that_show_the_trail(tree, tmp_path):
    live = pipeline(tree, tmp_path / "live")
    live.build()
    EDITS["hop-added"](tree / "content")  # the case comes back to fgj: now it bounced
    written = set(live.update().written)
    assert {"column/2016-004/index.html", "column/bounced/index.html", "departments/fgj/feed.atom",
            "departments/sh-zhzf/feed.atom", "departments/fgj/index.html", "data/hops.json",
            "departments/by/bounced/index.html"} <= written
    assert "departments/jtj/feed.atom" not in written and "column/2016-001/index.html" not in written


def test_the_preview_never_writes_while_a_build_holds_the_output(tree, tmp_path):
    """`invoke serve` and `invoke build` share one lock per output folder: a save made while a
    build writes the folder is reported and left out, and the next save is written."""
    from jiandu.commands.serve import Preview
    from jiandu.core import staging

    output, lines = tmp_path / "output", []
    preview = Preview(CONF, output, root=tree, out=lines.append, JIANDU_AS_OF=FIXTURE_AS_OF,
                      JIANDU_SEARCH=True)
    preview.rebuild_all()
    before = tree_bytes(output)
    saved = tree / "content/column/2016-002.md"
    EDITS["title"](tree / "content")
    with staging.hold(staging.output_lock(output)):  # what a running build holds
        preview.on_change({saved}, saved.stat().st_mtime)
        assert tree_bytes(output) == before
    assert lines[-1].startswith(f"另一个生成正在写入 {output}：进程 {os.getpid()}（"), lines
    assert lines[-1].endswith("本次修改未写入预览；请等它结束后再保存一次。")
    edit(saved, "夜市整治再回头", "夜市整治又回头")
    preview.on_change({saved}, saved.stat().st_mtime)
    assert lines[-1].startswith("已更新 ")
    assert "夜市整治又回头" in (output / "column/2016-002/index.html").read_text(encoding="utf-8")
    preview.pipeline.wait_for_search()


def test_the_previews_search_writer_waits_for_the_output_lock(tree, tmp_path):
    from jiandu.core import staging
    from tests.support.search_index import Bundle

    live = pipeline(tree, tmp_path / "live")
    live.settings = dataclasses.replace(live.settings, search=True)
    live.build()
    first = Bundle(tmp_path / "live" / "search-index").entry["id"]
    EDITS["title"](tree / "content")
    with staging.hold(staging.output_lock(tmp_path / "live")):
        live.update(search_later=True)
        live.search_process.join(timeout=2)
        assert live.search_process.is_alive()  # waiting for the lock, nothing written
        assert Bundle(tmp_path / "live" / "search-index").entry["id"] == first
    live.wait_for_search()
    assert Bundle(tmp_path / "live" / "search-index").entry["id"] != first
