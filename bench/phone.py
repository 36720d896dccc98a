"""Bytes a phone downloads to see the first ten results of a search, measured in Chromium.

    python bench/phone.py SITE [QUERY ...]      # SITE: a built output folder

The site is served as a real web server serves it: text, scripts, JSON and WebAssembly are
gzip-compressed when the browser accepts gzip; files that are gzip already (the search index's
.jds files, and Pagefind's chunks before issue 12) go out as they are. Each query opens
`search/?q=QUERY` in a fresh browser context (an empty cache), waits until ten results are listed
in `#search-results` (or the search has finished with fewer), lets the network go quiet, and sums
the bytes that came over the network: status line, headers and body as the server wrote them
(compressed). The server counts them, not the browser: Chromium reports no size for some responses
(a worker's script; a worker's own requests are invisible to the page's CDP session). Where
Chromium does report a body size, the run checks that it agrees.
"""

from __future__ import annotations

import gzip
import mimetypes
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import quote, unquote, urlsplit

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
QUERIES = ["暖气", "城管", "槐荫区", "违章建筑", "拖欠工资"]
SHOWN = 10  # results a phone shows first
GZIP_LEVEL = 6  # nginx and Apache deployments commonly use 5 or 6
COMPRESSIBLE = ("text/", "application/javascript", "application/json", "application/wasm",
                "application/xml", "application/manifest+json", "image/svg+xml")

# Ten results listed, or the search has answered with fewer (the status no longer says 正在…).
DONE = f"""() => {{
  const shown = document.querySelectorAll("#search-results > li").length;
  const status = (document.getElementById("search-status") || {{}}).textContent || "";
  return shown >= {SHOWN} || (status.trim() !== "" && !status.includes("正在"));
}}"""


class GzipHandler(SimpleHTTPRequestHandler):
    """Static files with on-the-fly gzip, like nginx's `gzip on` for these types."""

    protocol_version = "HTTP/1.1"  # keep-alive, as a phone's browser talks to a real server
    extensions_map = {**SimpleHTTPRequestHandler.extensions_map, ".wasm": "application/wasm",
                      ".js": "text/javascript", ".json": "application/json"}

    def log_message(self, *args):
        pass

    def do_GET(self):
        path = Path(self.translate_path(self.path))
        if path.is_dir():
            if not urlsplit(self.path).path.endswith("/"):
                return self._send(301, b"", "text/plain", location=urlsplit(self.path).path + "/")
            path = path / "index.html"
        if not path.is_file():
            return self._send(404, b"not found", "text/plain")
        body = path.read_bytes()
        ctype = self.guess_type(str(path))
        accepts = "gzip" in self.headers.get("Accept-Encoding", "")
        squeeze = accepts and ctype.startswith(COMPRESSIBLE) and not body.startswith(b"\x1f\x8b")
        if squeeze:
            body = gzip.compress(body, GZIP_LEVEL, mtime=0)
        self._send(200, body, ctype, gzipped=squeeze)

    def end_headers(self):
        self.header_bytes = sum(map(len, self._headers_buffer)) + 2  # status, headers, blank line
        super().end_headers()

    def _send(self, code: int, body: bytes, ctype: str, gzipped: bool = False, location: str = ""):
        self.send_response(code)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        if gzipped:
            self.send_header("Content-Encoding", "gzip")
            self.send_header("Vary", "Accept-Encoding")
        if location:
            self.send_header("Location", location)
        self.end_headers()
        self.wfile.write(body)
        self.server.sent.append({"path": _path(self.path), "status": code, "body": len(body),
                                 "bytes": self.header_bytes + len(body), "gzip": gzipped})


@contextmanager
def serve(site: Path) -> Iterator[tuple[str, list[dict]]]:
    """Serve `site` on 127.0.0.1; yield its base URL and the list of responses sent."""
    handler = lambda *a, **kw: GzipHandler(*a, directory=str(site), **kw)
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.sent = []
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/", server.sent
    finally:
        server.shutdown()
        server.server_close()


def measure(site: Path, queries: list[str] = QUERIES, executable: str = CHROMIUM) -> list[dict]:
    """One row per query: results shown, requests, and bytes over the network."""
    from playwright.sync_api import sync_playwright

    mimetypes.init()
    rows = []
    with serve(site) as (base, sent), sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        try:
            for query in queries:
                sent.clear()
                rows.append(_one_query(browser, base, query, sent))
        finally:
            browser.close()
    return rows


def _one_query(browser, base: str, query: str, sent: list[dict]) -> dict:
    context = browser.new_context()  # a fresh, empty cache
    finished = []
    context.on("requestfinished", lambda request: finished.append(request))
    try:
        page = context.new_page()
        page.goto(f"{base}search/?q={quote(query)}", wait_until="load")
        page.wait_for_function(DONE, timeout=120_000)
        page.wait_for_load_state("networkidle")
        shown = page.locator("#search-results > li").count()
        status = page.locator("#search-status").text_content() or ""
        seen = {_path(request.url): request.sizes()["responseBodySize"] for request in finished}
    finally:
        context.close()
    # The server's count is the network's: Chromium reports no size for some responses (a worker's
    # script), and requests made inside a worker escape the page's CDP session.
    page_bytes = sum(s["bytes"] for s in sent[:1])
    after = sent[1:]
    return {
        "query": query, "shown": shown, "status": status.strip(), "requests": len(sent),
        "page_bytes": page_bytes,
        "after_page_bytes": sum(s["bytes"] for s in after),
        "index_bytes": sum(s["bytes"] for s in after if s["path"].startswith(INDEX)),
        "total_bytes": sum(s["bytes"] for s in sent),
        "first": sent[0]["path"] if sent else None,
        "files": list(sent),
        # Where Chromium did report a body, it must be what the server sent.
        "disagree": sorted(p for p, body in seen.items()
                           if body and body != sum(s["body"] for s in sent if s["path"] == p)),
        "unseen_by_server": sorted(set(seen) - {s["path"] for s in sent}),
    }


def _path(url: str) -> str:
    return unquote(urlsplit(url).path)


def kb(n: int) -> str:
    return f"{n / 1024:.1f}"


INDEX = "/search-index/"
PARTS = [("search script", "/search.js"), ("index entry", INDEX + "entry.json"), ("word lists", "/w/"),
         ("filters", "/f/"), ("results", "/r/")]


def breakdown(row: dict) -> dict[str, int]:
    """A query's bytes after the page, by kind of file; "other" is the rest (CSS, images, …)."""
    files = row["files"][1:]
    parts = {label: sum(f["bytes"] for f in files if part in f["path"]) for label, part in PARTS}
    return {**parts, "other": sum(f["bytes"] for f in files) - sum(parts.values())}


def report(rows: list[dict]) -> str:
    lines = ["| query | results shown | requests | page KB | after the page KB | total KB | "
             + " | ".join(f"{label} KB" for label, _ in PARTS) + " | other after the page KB |",
             "|---|---|---|---|---|---|" + "---|" * (len(PARTS) + 1)]
    for r in rows:
        parts = " | ".join(kb(v) for v in breakdown(r).values())
        lines.append(f"| {r['query']} | {r['shown']} | {r['requests']} | {kb(r['page_bytes'])} | "
                     f"{kb(r['after_page_bytes'])} | {kb(r['total_bytes'])} | {parts} |")
    return "\n".join(lines)


if __name__ == "__main__":
    print(report(measure(Path(sys.argv[1]), sys.argv[2:] or QUERIES)))
