"""External links over HTTP, politely: a timeout per link, a limit on links checked at once, a user
agent that says who asks, and an on-disk cache so that a link is asked about once per expiry.

Each link gets one LinkResult. The inspection judges it: a definite answer that the page is gone
(404, 410, other client errors) or a redirect loop is a dead link; a timeout, a refused
connection or a server error may pass, so it is reported without blocking.
"""

from __future__ import annotations

import asyncio
import json
import time
from dataclasses import asdict, dataclass
from pathlib import Path

import httpx

USER_AGENT = "Jiandu-Inspect/0.1 (+{site}; government website self-inspection)"
MAX_REDIRECTS = 10
# Answers to HEAD that some servers give wrongly: ask again with GET before believing them.
RETRY_WITH_GET = range(400, 600)
# Outcomes worth remembering; a timeout or a refused connection is asked again next time.
CACHEABLE = ("ok", "redirect", "dead", "loop", "denied", "server")


@dataclass(frozen=True)
class LinkResult:
    url: str
    outcome: str  # ok, redirect, dead, loop, denied, server, timeout, unreachable
    status: int | None = None
    final: str | None = None  # where a redirect ends
    detail: str = ""
    checked: float = 0.0  # epoch seconds, for the cache's expiry only


def classify(url: str, response: httpx.Response) -> LinkResult:
    status, final = response.status_code, str(response.url)
    if status in (401, 403, 429):
        outcome = "denied"  # the server refuses robots; a person may still read it
    elif 400 <= status < 500:
        outcome = "dead"
    elif status >= 500:
        outcome = "server"
    elif response.history and final != url:
        outcome = "redirect"
    else:
        outcome = "ok"
    return LinkResult(url, outcome, status, final if final != url else None)


async def _check_one(client: httpx.AsyncClient, url: str, limit: asyncio.Semaphore) -> LinkResult:
    async with limit:
        try:
            response = await client.head(url)
            if response.status_code in RETRY_WITH_GET:
                async with client.stream("GET", url) as streamed:  # headers only; the body is not read
                    response = streamed
            return classify(url, response)
        except httpx.TooManyRedirects:
            return LinkResult(url, "loop", detail=f"重定向超过 {MAX_REDIRECTS} 次")
        except httpx.TimeoutException:
            return LinkResult(url, "timeout")
        except (httpx.HTTPError, OSError, ValueError) as err:
            return LinkResult(url, "unreachable", detail=type(err).__name__)


async def _check_all(urls: list[str], timeout: float, concurrency: int, site: str) -> list[LinkResult]:
    limit = asyncio.Semaphore(concurrency)
    headers = {"User-Agent": USER_AGENT.format(site=site or "https://github.com/"), "Accept": "*/*"}
    async with httpx.AsyncClient(timeout=httpx.Timeout(timeout), follow_redirects=True,
                                 max_redirects=MAX_REDIRECTS, headers=headers, trust_env=False) as client:
        return list(await asyncio.gather(*(_check_one(client, u, limit) for u in urls)))


def check_links(urls: list[str], cache_file: Path, *, timeout: float = 10, concurrency: int = 8,
                cache_days: float = 7, site: str = "", now: float | None = None) -> dict[str, LinkResult]:
    """A result for each URL: from the cache while it is fresh, else asked over HTTP."""
    now = time.time() if now is None else now
    cache = _read_cache(cache_file, now - cache_days * 86400)
    ask = sorted(set(urls) - set(cache))
    fresh = asyncio.run(_check_all(ask, timeout, concurrency, site)) if ask else []
    stamped = [LinkResult(**{**asdict(r), "checked": now}) for r in fresh]
    cache.update({r.url: r for r in stamped if r.outcome in CACHEABLE})
    _write_cache(cache_file, cache)
    results = {**cache, **{r.url: r for r in stamped}}
    return {u: results[u] for u in urls}


def _read_cache(cache_file: Path, oldest: float) -> dict[str, LinkResult]:
    try:
        rows = json.loads(cache_file.read_text(encoding="utf-8"))
        return {r["url"]: LinkResult(**r) for r in rows if r["checked"] >= oldest}
    except (OSError, ValueError, TypeError, KeyError):
        return {}  # no cache yet, or one written by another version: ask again


def _write_cache(cache_file: Path, cache: dict[str, LinkResult]) -> None:
    cache_file.parent.mkdir(parents=True, exist_ok=True)
    rows = [asdict(cache[u]) for u in sorted(cache)]
    temp = cache_file.with_suffix(".tmp")
    temp.write_text(json.dumps(rows, ensure_ascii=False, indent=1), encoding="utf-8")
    temp.replace(cache_file)
