"""`invoke inspect`: every seeded fault of tests/fixtures/inspect is found at its path:line, external
links are checked against a local HTTP server (dead, redirecting, slow, looping), the cache and
--offline work, and the demo site raises no false alarm."""

from __future__ import annotations

import io
import re
import shutil
import time
from collections import Counter
from http.server import BaseHTTPRequestHandler
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from jiandu.commands.inspect import inspect
from tests.support.project import PROJECT, PUBLISH_CONF
from tests.support.server import serving

FAULTS = PROJECT / "tests/fixtures/inspect"
SLOW = 1  # seconds of JIANDU_LINK_TIMEOUT in these tests; /slow answers later than that
OVERRIDES = {"JIANDU_AS_OF": "2016-06-30", "JIANDU_SEARCH": False, "JIANDU_LINK_TIMEOUT": SLOW,
             "JIANDU_LINK_ALLOWLIST": ["127.0.0.1", "gov.cn"]}


class Faults(BaseHTTPRequestHandler):
    """A small web with one link of each kind; it counts what it is asked."""

    asked: Counter = Counter()
    ROUTES = {"/ok": (200, None), "/dead": (404, None), "/dead-video": (410, None),
              "/moved": (301, "/ok"), "/loop": (302, "/loop2"), "/loop2": (302, "/loop")}

    def log_message(self, *args):
        pass

    def do_HEAD(self):
        self._answer(body=False)

    def do_GET(self):
        self._answer(body=True)

    def _answer(self, body: bool):
        Faults.asked[(self.path, self.command)] += 1
        if self.path == "/slow":
            time.sleep(SLOW + 1)
            status, location = 200, None
        else:
            status, location = self.ROUTES.get(self.path, (404, None))
        self.send_response(status)
        if location:
            self.send_header("Location", location)
        self.send_header("Content-Length", "2" if body else "0")
        self.end_headers()
        if body:
            self.wfile.write(b"ok")


@pytest.fixture(scope="module")
def server():
    with serving(handler=Faults) as httpd:
        yield httpd.url


@pytest.fixture
def faults(tmp_path, server) -> Path:
    """A copy of the seeded-fault fixture whose external links point at the local server."""
    root = tmp_path / "project"
    shutil.copytree(FAULTS / "content", root / "content")
    for file in (root / "content").rglob("*.md"):
        file.write_text(file.read_text(encoding="utf-8").replace("{server}", server), encoding="utf-8")
    return root


def run(root: Path, **kwargs) -> tuple[int, list[str]]:
    out = io.StringIO()
    status = inspect(PUBLISH_CONF, root, out=out, **{**OVERRIDES, **kwargs})
    return status, out.getvalue().splitlines()


def places(lines: list[str]) -> set[str]:
    """`path:line: severity［kind］` of every finding line."""
    return {m.group(0) for line in lines if (m := re.match(r"^\S+:\d+: \S+［\S+］", line))}


SEEDED = {
    # Stale: the newest column entry is 112 days old at the as-of date (home: 14, column list: 30).
    "content/column/2016-002.md:4: 阻断［栏目更新］",
    "content/inquiry/2016-01.md:4: 阻断［栏目更新］",  # the newest session: 131 days, limit 90
    "content/departments.yml:7: 阻断［空白栏目］",  # jtj has no record at all
    "content/departments.yml:14: 阻断［撤销部门］",  # zfj abolished without a successor
    "content/column/2016-001.md:8: 阻断［站内链接］",  # ../2016-009/ does not exist
    "content/column/2016-001.md:10: 阻断［站内链接］",  # an image that is not on the site
    "content/column/2016-001.md:12: 阻断［站内链接］",  # #q9: no such segment
    "content/column/2016-001.md:14: 阻断［外部链接］",  # /dead answers 404
    "content/column/2016-001.md:14: 提示［外部链接］",  # /moved redirects to /ok
    "content/column/2016-001.md:16: 提示［外部链接］",  # /slow times out
    "content/column/2016-001.md:16: 阻断［外部链接］",  # /loop redirects to itself
    "content/inquiry/2016-01.md:5: 阻断［外部链接］",  # the video link answers 410
    "content/column/2016-001.md:2: 提示［网页元数据］",  # two entries share one title
    "content/column/2016-002.md:2: 提示［网页元数据］",
}


def test_every_seeded_fault_is_found_at_its_line(faults):
    Faults.asked.clear()
    status, lines = run(faults)
    assert status == 1
    assert places(lines) == SEEDED, "\n".join(lines)
    text = "\n".join(lines)
    assert "链接 ../2016-009/ 指向不存在的页面或文件。（见 /column/2016-001/）" in text
    assert "资源 ../../images/missing.png 指向不存在的页面或文件" in text
    assert "链接 ../../inquiry/2016-01/#q9 指向的页面上没有位置 #q9" in text
    assert re.search(r"外部链接 http://127\.0\.0\.1:\d+/dead 已失效（HTTP 404）", text)
    assert re.search(r"外部链接 http://127\.0\.0\.1:\d+/moved 已跳转到 http://127\.0\.0\.1:\d+/ok", text)
    assert re.search(r"外部链接 http://127\.0\.0\.1:\d+/slow 在规定时间内没有响应", text)
    assert re.search(r"外部链接 http://127\.0\.0\.1:\d+/loop 陷入重定向循环", text)
    assert "首页已 112 天没有新记录：最新一期是 2016-03-10 的《早市搬走了》，规定 14 天内更新" in text
    assert "部门“济南市交通运输局”的页面没有任何问政或专栏记录" in text
    assert "网页标题“早市搬走了”与其他页面重复：/column/2016-001/、/column/2016-002/" in text
    assert lines[-2].startswith("自查 ") and "阻断 11 项，提示 4 项" in lines[-2]
    assert lines[-1] == "报告：reports/inspection.html"
    # Polite: HEAD first, GET only to confirm an error; /ok is asked for itself and at the end
    # of /moved, and the loop is given up after ten redirects.
    assert Faults.asked[("/ok", "HEAD")] == 2 and Faults.asked[("/ok", "GET")] == 0
    assert Faults.asked[("/dead", "HEAD")] == 1 and Faults.asked[("/dead", "GET")] == 1
    assert Faults.asked[("/loop", "HEAD")] + Faults.asked[("/loop2", "HEAD")] == 11


def test_the_html_report_counts_each_kind_and_lists_department_ages(faults):
    run(faults, offline=True)
    report = BeautifulSoup((faults / "reports/inspection.html").read_text(encoding="utf-8"), "html.parser")
    counts = {(tr.find_all("td")[0].get_text(), tr.find_all("td")[1].get_text()): int(tr.find_all("td")[2].get_text())
              for tr in report.find_all("table")[0].select("tbody tr")}
    assert counts == {("栏目更新", "阻断"): 3, ("空白栏目", "阻断"): 1, ("站内链接", "阻断"): 3,
                      ("网页元数据", "提示"): 2, ("撤销部门", "阻断"): 1}
    places_in_report = [tr.find("code").get_text() for tr in report.find_all("table")[1].select("tbody tr")]
    assert "content/column/2016-001.md:8" in places_in_report
    ages = {tr.find_all("td")[0].get_text(): tr.find_all("td")[-1].get_text()
            for tr in report.find_all("table")[2].select("tbody tr")}
    assert ages == {"济南市城市管理局": "112", "济南市综合执法局（已撤销）": "131", "济南市交通运输局": "暂无记录"}


def test_offline_asks_nothing_over_the_network(faults):
    Faults.asked.clear()
    status, lines = run(faults, offline=True)
    assert status == 1 and not Faults.asked
    assert not any("［外部链接］" in line for line in lines)
    assert "未检查外部链接（--offline）" in lines[-2]


def test_link_answers_are_cached_until_they_expire(faults):
    now = time.time()
    run(faults, now=now)
    Faults.asked.clear()
    _, lines = run(faults, now=now + 3600)
    # Definite answers come from the cache; only the link that timed out is asked again.
    assert {path for path, _ in Faults.asked} == {"/slow"}
    assert places(lines) == SEEDED
    Faults.asked.clear()
    run(faults, now=now + 8 * 86400)  # JIANDU_LINK_CACHE_DAYS is 7
    assert {path for path, _ in Faults.asked} >= {"/ok", "/dead", "/moved", "/loop", "/dead-video"}


def test_a_fresh_tree_with_working_links_passes(faults, server):
    page = faults / "content/column/2016-001.md"
    page.write_text("\n".join(page.read_text(encoding="utf-8").splitlines()[:8]).replace(
        "，见[上一期](../2016-009/)的报道", "") + "\n", encoding="utf-8")
    shutil.rmtree(faults / "content/inquiry")
    (faults / "content/column/2016-002.md").unlink()
    registry = faults / "content/departments.yml"
    registry.write_text(registry.read_text(encoding="utf-8").split("- id: jtj")[0], encoding="utf-8")
    status, lines = run(faults, JIANDU_AS_OF="2016-03-10")
    assert places(lines) == {"content/inquiry/:1: 阻断［空白栏目］"}  # now no session at all
    assert status == 1


def test_demo_site_has_no_false_alarms_offline():
    out = io.StringIO()
    # At an as-of date when the demo content was current: nothing to report at all.
    assert inspect(PUBLISH_CONF, PROJECT, out=out, offline=True, JIANDU_AS_OF="2017-03-31",
                   JIANDU_SEARCH=False) == 0, out.getvalue()
    lines = out.getvalue().splitlines()
    assert lines[0].startswith("自查 ") and "阻断 0 项，提示 0 项" in lines[0]


def test_demo_site_today_is_stale_and_says_so():
    out = io.StringIO()
    assert inspect(PUBLISH_CONF, PROJECT, out=out, offline=True, JIANDU_AS_OF="2017-09-30",
                   JIANDU_SEARCH=False) == 1
    assert places(out.getvalue().splitlines()) == {
        "content/column/2017-006.md:4: 阻断［栏目更新］", "content/inquiry/2017-02.md:4: 阻断［栏目更新］"}


def test_invalid_content_is_reported_not_inspected(faults):
    (faults / "content/column/2016-002.md").write_text("---\ntitle: 缺字段\n---\n", encoding="utf-8")
    status, lines = run(faults, offline=True)
    assert status == 1
    assert lines[-1] == "内容检查未通过，无法自查；请先改正以上问题。"
    assert any(line.startswith("content/column/2016-002.md:") for line in lines)
