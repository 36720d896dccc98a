"""A local HTTP server on 127.0.0.1 for the tests that fetch, inspect, verify or browse: never the
outside network."""

import contextlib
import functools
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path


class QuietHandler(SimpleHTTPRequestHandler):
    """Serves a folder without a request log."""

    def log_message(self, *args):
        pass


class SiteHandler(QuietHandler):
    """Serves a built site like a static host: 404.html for unknown paths."""

    def send_error(self, code, message=None, explain=None):
        page = Path(self.directory) / "404.html"
        if code != 404 or not page.is_file():
            return super().send_error(code, message, explain)
        body = page.read_bytes()
        self.send_response(404)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)


@contextlib.contextmanager
def serving(root: Path | None = None, handler=QuietHandler):
    """`root` (or whatever `handler` answers) over HTTP on 127.0.0.1 while the block runs. Yields
    the server: its base URL, without a trailing slash, in `.url`, and an empty `.requests` list in
    which a handler may record what it was asked."""
    if root is not None:
        handler = functools.partial(handler, directory=str(root))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.url = f"http://127.0.0.1:{server.server_address[1]}"
    server.requests = []
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)
