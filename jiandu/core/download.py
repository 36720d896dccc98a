"""Bounded HTTP GET for import-feed and verify-deploy: a size cap, a socket timeout and a deadline.

urllib alone waits forever on a server that trickles one byte at a time and reads a body of any
size into memory; a hostile feed or a defaced server does both.
"""

from __future__ import annotations

import socket
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from urllib.parse import urlsplit

CHUNK = 64 * 1024


class DownloadError(Exception):
    """No HTTP answer: the host is unreachable, the connection broke or the deadline passed."""


@dataclass(frozen=True)
class Response:
    status: int  # 200, 404, ...; a 3xx when a redirect leaves the site and was not followed
    body: bytes  # empty unless the status is 2xx
    truncated: bool  # the body is longer than max_bytes; `body` holds the first max_bytes + 1
    location: str = ""  # where an unfollowed redirect points
    content_type: str = ""


class _StayOnSite(urllib.request.HTTPRedirectHandler):
    """Follow redirects only within the requested host; others come back as a 3xx to report."""

    def redirect_request(self, req, fp, code, msg, headers, newurl):
        if urlsplit(newurl).netloc != urlsplit(req.full_url).netloc:
            return None
        return super().redirect_request(req, fp, code, msg, headers, newurl)


def get(url: str, headers: dict[str, str], *, max_bytes: int, timeout: float, deadline: float,
        stay_on_site: bool = False) -> Response:
    """GET `url`; `timeout` bounds each socket wait, `deadline` the whole download (seconds)."""
    handlers = [_StayOnSite()] if stay_on_site else []
    opener = urllib.request.build_opener(*handlers)
    request = urllib.request.Request(url, headers=headers)
    end = time.monotonic() + deadline
    try:
        with opener.open(request, timeout=timeout) as response:
            body, truncated = _read(response, max_bytes, end)
            return Response(response.status, body, truncated,
                            content_type=response.headers.get("Content-Type", ""))
    except urllib.error.HTTPError as err:
        err.close()
        return Response(err.code, b"", False, location=err.headers.get("Location", "") or "")
    except (urllib.error.URLError, OSError, ValueError) as err:
        raise DownloadError(_reason(getattr(err, "reason", err))) from None


def _reason(reason) -> str:
    """Why there was no answer, for staff; the original in brackets for the administrator."""
    if isinstance(reason, TimeoutError) or "timed out" in str(reason):
        return "等待超时"
    if isinstance(reason, ConnectionRefusedError):
        return "连接被拒绝"
    if isinstance(reason, socket.gaierror):
        return f"找不到服务器（{reason}）"
    return f"网络错误（{reason}）"


def _read(response, max_bytes: int, end: float) -> tuple[bytes, bool]:
    chunks: list[bytes] = []
    size = 0
    while size <= max_bytes:
        if time.monotonic() > end:
            raise DownloadError("下载超时")
        chunk = response.read1(CHUNK)  # returns what has arrived, so the deadline is checked often
        if not chunk:
            return b"".join(chunks), False
        chunks.append(chunk)
        size += len(chunk)
    return b"".join(chunks)[: max_bytes + 1], True
