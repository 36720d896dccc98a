"""Functional tests: build the fixture site and assert on the parsed HTML that citizens get."""

import posixpath
import re
from pathlib import Path
from urllib.parse import urldefrag, urlsplit

import pytest

from tests.support.project import parse


def page(site: Path, url: str):
    return parse(site / url / "index.html")


def hrefs(soup, selector: str) -> list[str]:
    return [a["href"] for a in soup.select(selector)]


def test_every_record_and_department_has_a_page(fixture_site):
    for url in ("inquiry/2016-01", "inquiry/2016-02", "column/2016-001", "column/2016-002",
                "column/2016-004", "departments/cgj", "departments/sh-cgzf", "departments/hy-zxj",
                "inquiry/2016", "column/2016", "departments", ""):
        assert (fixture_site / url / "index.html").is_file(), url
    assert (fixture_site / "404.html").is_file()


def test_department_page_lists_exactly_its_records(fixture_site):
    soup = page(fixture_site, "departments/cgj")
    assert soup.h1.get_text() == "济南市城市管理局"
    assert hrefs(soup, "#cgj-segments + ul a") == ["../../inquiry/2016-01/#q1"]
    assert hrefs(soup, "section[aria-labelledby=cgj-entries] .jd-card__title a") == [
        "../../column/2016-001/", "../../column/2016-002/"]
    rows = soup.select("section[aria-labelledby=cgj-commitments] tbody tr")
    assert [r.select_one(".jd-commitment__text").get_text() for r in rows] == [
        "一个月内完成夜市规范整治", "建立占道经营长效巡查机制"]


def test_department_page_shows_commitment_status_with_overdue(fixture_site):
    rows = page(fixture_site, "departments/cgj").select("section[aria-labelledby=cgj-commitments] tbody tr")
    tags = [r.select_one("td[data-label=状态] .jd-tag") for r in rows]
    assert [t.get_text() for t in tags] == ["已兑现", "逾期"]
    assert "jd-tag--overdue" in tags[1]["class"]


def test_street_and_alias_references_land_on_the_right_department(fixture_site):
    street = page(fixture_site, "departments/hy-zxj")
    assert hrefs(street, "section[aria-labelledby=hy-zxj-entries] .jd-card__title a") == ["../../column/2016-001/"]
    # 2016-02 names its department in Traditional characters.
    housing = page(fixture_site, "departments/fgj")
    assert hrefs(housing, "#fgj-segments + ul a") == ["../../inquiry/2016-02/#wy"]


def test_merged_department_links_both_ways(fixture_site):
    old = page(fixture_site, "departments/sh-cgzf")
    assert "已于" in old.select_one(".jd-notice").get_text()
    assert hrefs(old, ".jd-notice a") == ["../sh-zhzf/"]
    new = page(fixture_site, "departments/sh-zhzf")
    facts = {dt.get_text(): dd for dt, dd in zip(new.select("dl.jd-facts dt"), new.select("dl.jd-facts dd"), strict=True)}
    assert hrefs(facts["前身部门"], "a") == ["../sh-cgzf/"]


def test_session_segments_have_anchors_departments_and_tags(fixture_site):
    soup = page(fixture_site, "inquiry/2016-01")
    sections = soup.select("section.jd-segment")
    assert [s["id"] for s in sections] == ["q1", "q2"]
    assert hrefs(sections[0], ".jd-segment__who a") == ["../../departments/cgj/"]
    status = "td[data-label=状态] .jd-tag"
    assert [t.get_text() for t in sections[0].select(status)] == ["已兑现", "逾期"]
    assert [t.get_text() for t in sections[1].select(status)] == ["未启动"]
    assert hrefs(soup, "nav.jd-toc a") == ["#q1", "#q2"]
    assert soup.select_one(".jd-sample-notice") is not None  # marked sample: true
    assert page(fixture_site, "inquiry/2016-02").select_one(".jd-sample-notice") is None


def test_follow_up_links_both_ways(fixture_site):
    entry = page(fixture_site, "column/2016-002")
    assert "../../inquiry/2016-01/#q1" in hrefs(entry, "dl.jd-facts a")
    session = page(fixture_site, "inquiry/2016-01")
    assert hrefs(session, "#q1 .jd-follow-ups a") == ["../../column/2016-002/"]


def test_home_counts_per_year_and_latest(fixture_site):
    soup = parse(fixture_site / "index.html")
    assert [li.get_text() for li in soup.select("ul.jd-years li")] == ["2016年：电视问政 2 期，专栏 4 期"]
    assert hrefs(soup, "section[aria-labelledby=latest-column] .jd-card__title a") == [
        "column/2016-005/", "column/2016-004/", "column/2016-002/", "column/2016-001/"]


def test_directory_groups_by_level_and_district(fixture_site):
    soup = page(fixture_site, "departments")
    assert [h.get_text() for h in soup.select("main h2")] == ["市直部门", "区县"]
    assert [h.get_text() for h in soup.select("main h3")] == ["商河县人民政府", "槐荫区人民政府"]
    tables = soup.select("table.jd-directory")
    city = [(r.th.get_text(strip=True), [td.get_text() for td in r.select("td")])
            for r in tables[0].select("tbody tr")]
    assert city == [("济南市交通运输局", ["1", "0", "1", "0"]), ("济南市城市管理局", ["1", "2", "2", "1"]),
                    ("济南市房产管理局", ["1", "1", "1", "0"])]
    shanghe = [r.th.a.get_text() for r in tables[1].select("tbody tr")]
    assert shanghe == ["商河县人民政府", "商河县综合行政执法局", "商河县城市管理行政执法局"]


def test_pages_are_chinese_with_one_h1(fixture_site):
    for file in fixture_site.rglob("*.html"):
        soup = parse(file)
        assert soup.html["lang"] == "zh-CN", file
        assert len(soup.find_all("h1")) == 1, file
        assert soup.select_one("a.jd-skip-link")["href"] == "#main"


def test_every_internal_link_resolves(fixture_site):
    ids: dict[Path, set[str]] = {}
    for file in sorted(fixture_site.rglob("*.html")):
        if file.name == "404.html":
            continue
        soup = parse(file)
        for tag in soup.select("a[href], link[href]"):
            href = tag["href"]
            if urlsplit(href).scheme:
                continue
            path, anchor = urldefrag(href)
            path = urlsplit(path).path
            target = Path(posixpath.normpath(posixpath.join(file.parent.as_posix(), path or file.name)))
            if target.is_dir():
                target = target / "index.html"
            assert target.is_file(), f"{file.relative_to(fixture_site)}: {href}"
            if anchor:
                if target not in ids:
                    ids[target] = {t["id"] for t in parse(target).select("[id]")}
                assert anchor in ids[target], f"{file.relative_to(fixture_site)}: {href}"


def test_html_is_escaped(tree, tmp_path):
    from jiandu.commands.testing import build_fixture_site
    from tests.support.project import PROJECT

    path = tree / "content/column/2016-001.md"
    path.write_text(path.read_text(encoding="utf-8").replace(
        "title: 小区门口的早市搬走了", "title: '<script>alert(1)</script>早市'"), encoding="utf-8")
    site = build_fixture_site(PROJECT, tmp_path / "out", root=tree)
    soup = page(site, "column/2016-001")
    # The only script is the theme's 长辈版 switch, by reference; the title's script is text.
    assert [s.get("src") for s in soup.find_all("script")] == ["../../theme/elder.js"]
    assert not soup.find("script").string
    assert soup.h1.get_text() == "<script>alert(1)</script>早市"


@pytest.mark.parametrize("url", ["inquiry/2016-01", "departments/cgj", "departments"])
def test_narrow_screen_layout_has_labelled_table_cells(fixture_site, url):
    for td in page(fixture_site, url).select("table.jd-table--stack td"):
        assert td.get("data-label"), url
    assert re.search(r"@media \(max-width: 40rem\)", (fixture_site / "theme/jiandu.css").read_text())
