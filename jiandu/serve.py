"""Local preview: build, serve output/ on localhost, rebuild and reload the browser on change."""

from __future__ import annotations

from pathlib import Path

from .build import build_or_report


def serve(conf: Path, output: Path, host: str = "127.0.0.1", port: int = 8000) -> None:
    from livereload import Server

    root = conf.parent

    def rebuild() -> None:
        build_or_report(conf, output)

    rebuild()
    server = Server()
    for watched in ("content", "theme", conf.name):
        server.watch(str(root / watched), rebuild, delay=0.2)
    print(f"预览地址：http://{host}:{port}/ （按 Ctrl+C 退出）")
    server.serve(host=host, port=port, root=str(output), open_url_delay=None)
