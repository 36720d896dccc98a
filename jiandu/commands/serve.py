"""Local preview: build, serve output/ on localhost, and on every save write again only what
the edit touches, then reload the browser.

Content edits go through the live Pipeline (one file re-read, affected pages re-rendered); theme
and settings edits rebuild everything through Pelican. The search bundle is rewritten after each
save in a forked process; the manifest is made by full builds only.
"""

from __future__ import annotations

import threading
import time
from pathlib import Path

from jiandu.build.pipeline import Pipeline
from jiandu.commands.build import build_or_report, read_pelican_settings
from jiandu.core import staging
from jiandu.core.problems import ContentError
from jiandu.core.settings import jiandu_settings

DEBOUNCE_MS = 30


class Preview:
    def __init__(self, conf: Path, output: Path, root: Path | None = None, out=None, **overrides):
        self.conf, self.output, self.overrides = conf, output, overrides
        self.out = out or (lambda text: print(text, flush=True))
        self.root = root or conf.parent
        self.reload_marker = output.with_name(f".{output.name}.reload")
        self.pipeline: Pipeline | None = None

    def rebuild_all(self) -> None:
        if self.pipeline is not None:
            self.pipeline.wait_for_search(cancel=True)  # the full build writes its own bundle
        if build_or_report(self.conf, self.output, self.root, **self.overrides) == 0:
            settings = read_pelican_settings(self.conf, self.root, **self.overrides)
            self.pipeline = Pipeline(jiandu_settings(settings), Path(settings["THEME"]), self.output)
            self.pipeline.adopt()
        self._touch_marker()

    def on_change(self, paths: set[Path], saved_at: float) -> None:
        content = self.root / "content"
        if self.pipeline is None or any(content not in p.parents for p in paths):
            self.rebuild_all()
            return
        self.pipeline.wait_for_search(cancel=True)  # it would wait for the lock taken below
        try:
            with staging.hold(staging.output_lock(self.output)):
                update = self.pipeline.update(search_later=True)
        except ContentError as err:
            self.out(err.problems.report())
            return
        except staging.LockHeld as err:
            self.out(f"另一个生成正在写入 {self.output}：{err.holder}。本次修改未写入预览；"
                     "请等它结束后再保存一次。")
            return
        self._touch_marker()
        self.out(f"已更新 {len(update.written)} 个文件，删除 {len(update.removed)} 个；"
                 f"从保存到写完用时 {time.time() - saved_at:.3f} 秒"
                 f"（重建 {update.seconds:.3f} 秒）")

    def watch(self, stop: threading.Event) -> None:
        import watchfiles

        theme = Path(read_pelican_settings(self.conf, self.root, **self.overrides)["THEME"])
        watched = [self.root / "content", theme, self.conf]
        for changes in watchfiles.watch(*watched, debounce=DEBOUNCE_MS, step=10, stop_event=stop):
            paths = {Path(p) for _, p in changes}
            self.on_change(paths, _saved_at(paths))

    def _touch_marker(self) -> None:
        self.reload_marker.write_text(str(time.time_ns()), encoding="utf-8")


def _saved_at(paths: set[Path]) -> float:
    """When the edit was saved: the newest mtime among the changed files that still exist."""
    times = [p.stat().st_mtime for p in paths if p.exists()]
    return max(times, default=time.time())


def serve(conf: Path, output: Path, host: str = "127.0.0.1", port: int = 8000,
          root: Path | None = None, **overrides) -> None:
    from livereload import Server

    preview = Preview(conf, output, root, **overrides)
    preview.rebuild_all()
    stop = threading.Event()
    threading.Thread(target=preview.watch, args=(stop,), daemon=True).start()
    server = Server()
    server.watch(str(preview.reload_marker), delay=0)
    print(f"预览地址：http://{host}:{port}/ （修改内容或主题后自动更新；按 Ctrl+C 退出）", flush=True)
    try:
        server.serve(host=host, port=port, root=str(output), open_url_delay=None)
    finally:
        stop.set()
