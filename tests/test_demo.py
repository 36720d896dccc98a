"""The shipped demo content: valid, and every department and record gets a page."""

import io
import re

import pytest

from jiandu.commands.build import build, check, read_pelican_settings
from jiandu.content.tree import load_site
from jiandu.core.settings import jiandu_settings
from tests.support.project import CONF, parse


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    site = load_site(CONF.parent, jiandu_settings(read_pelican_settings(CONF)))
    output = tmp_path_factory.mktemp("demo") / "output"
    build(CONF, output)
    return site, output


def test_demo_content_passes_check():
    out = io.StringIO()
    assert check(CONF, out=out) == 0, out.getvalue()


def test_demo_content_is_large_enough_and_marked_sample(demo):
    site, _ = demo
    by_year = {}
    for r in site.inquiries + site.entries:
        by_year.setdefault((r.kind, r.year), 0)
        by_year[(r.kind, r.year)] += 1
        assert r.sample, r.path
    assert max(n for (kind, _), n in by_year.items() if kind == "inquiry") >= 11
    assert max(n for (kind, _), n in by_year.items() if kind == "column") >= 40
    assert len(site.departments) >= 20
    assert {d.level for d in site.departments.values()} == {"市直部门", "区县", "区县部门", "镇街"}
    assert any(d.successor and d.until for d in site.departments.values())


def test_demo_build_has_a_page_for_every_department_and_record(demo):
    site, output = demo
    for r in site.inquiries + site.entries:
        soup = parse(output / r.url / "index.html")
        assert soup.h1.get_text() == r.title
        assert soup.select_one(".jd-sample-notice") is not None
    for dept in site.departments.values():
        assert parse(output / dept.url / "index.html").h1.get_text() == dept.name


def test_demo_trails_sources_and_fair_figures(demo):
    site, output = demo
    routed = [e for e in site.entries if e.routing]
    assert len(routed) >= 10
    bounced = parse(output / "column/bounced/index.html").select("table.jd-bounced tbody tr")
    assert len(bounced) >= 2
    for session in site.inquiries:  # every session has a segment video link at its moment
        links = parse(output / session.url / "index.html").select(".jd-segment .jd-citation--video a")
        assert links and all(re.search(r"#t=\d\d:\d\d:\d\d$", a["href"]) for a in links), session.key
    # The default minimum sample is 5: szj received five cases, cgj one.
    ranking = parse(output / "departments/by/sent-back/index.html")
    ranked = [r.th.a["href"] for r in ranking.select("table.jd-ranking tbody tr")]
    thin = [a["href"] for a in ranking.select(".jd-unranked__list a")]
    assert "../../szj/" in ranked and "../../cgj/" in thin and "../../cgj/" not in ranked
    cgj = parse(output / "departments/cgj/index.html").select_one("ul[aria-labelledby=routing-figures]")
    assert "退回率 样本不足（0/1，少于 5 件）" in cgj.get_text()
