"""Accountability views on the fixture site at a fixed as-of date, checked against figures the
test computes itself from the fixture's front matter."""

import csv
import io
import json
import statistics
import subprocess
from collections import Counter
from datetime import date
from pathlib import Path
from xml.etree import ElementTree

import feedparser
import pytest

from jiandu.commands.testing import FIXTURE_AS_OF, FIXTURE_MIN_SAMPLE, build_fixture_site
from tests.support.fixture import ALIASES, REGISTRY, lineage_of, median_text, rate_text, records
from tests.support.project import PROJECT, parse

AS_OF = date.fromisoformat(FIXTURE_AS_OF)


def commitments() -> list[dict]:
    out = []
    for session in records("inquiry"):
        for seg in session["segments"]:
            for c in seg.get("commitments", []):
                out.append({**c, "department": ALIASES[seg["department"]], "session": session})
    return out


def shown_status(c: dict) -> str:
    return "逾期" if c["status"] != "已兑现" and c.get("due") and c["due"] < AS_OF else c["status"]


def ledger_texts(site: Path, url: str) -> list[str]:
    soup = parse(site / url / "index.html")
    return [t.get_text() for t in soup.select("table.jd-ledger .jd-commitment__text")]


def test_overdue_set_is_exact(fixture_site):
    expected = sorted(c["text"] for c in commitments() if shown_status(c) == "逾期")
    assert expected == ["建立占道经营长效巡查机制"]
    assert sorted(ledger_texts(fixture_site, "commitments/overdue")) == expected


def test_ledger_lists_every_commitment_once_per_view(fixture_site):
    every = sorted(c["text"] for c in commitments())
    assert sorted(ledger_texts(fixture_site, "commitments")) == every
    by_view = []
    for slug in ("kept", "in-progress", "not-started", "overdue"):
        by_view += ledger_texts(fixture_site, f"commitments/{slug}")
    assert sorted(by_view) == every
    as_of = parse(fixture_site / "commitments/index.html").select_one("main .jd-lead time")
    assert as_of["datetime"] == FIXTURE_AS_OF


def test_every_page_showing_a_status_shows_the_as_of_date(fixture_site):
    for file in fixture_site.rglob("*.html"):
        soup = parse(file)
        if soup.select(".jd-tag"):
            assert soup.select_one("footer time")["datetime"] == FIXTURE_AS_OF, file


def test_history_timeline_in_date_order(fixture_site):
    entry = parse(fixture_site / "column/2016-004/index.html")
    items = entry.select("section[aria-labelledby=history-title] .jd-timeline__item")
    assert [(i.time["datetime"], i.select_one(".jd-tag").get_text()) for i in items] == [
        ("2016-05-06", "已受理"), ("2016-05-20", "办理中")]
    assert items[1].select_one(".jd-timeline__note").get_text() == "已选定物业公司"
    session = parse(fixture_site / "inquiry/2016-01/index.html")
    dates = [t["datetime"] for t in session.select("#q1 .jd-timeline time")]
    assert dates == ["2016-02-20", "2016-04-01"]


def test_follow_up_trail_both_ways(fixture_site):
    session = parse(fixture_site / "inquiry/2016-01/index.html")
    assert [a["href"] for a in session.select("#q1 .jd-follow-ups a")] == ["../../column/2016-002/"]
    evidence = session.select("#q1 td[data-label=佐证] a")
    assert [a["href"] for a in evidence] == ["../../column/2016-002/"]
    entry = parse(fixture_site / "column/2016-002/index.html")
    assert "../../inquiry/2016-01/#q1" in [a["href"] for a in entry.select("dl.jd-facts a")]
    cited = entry.select("section[aria-labelledby=cited-title] li")
    assert [li.a["href"] for li in cited] == ["../../inquiry/2016-01/#q1"]
    assert "一个月内完成夜市规范整治" in cited[0].get_text()


def expected_stats(dept_id: str) -> dict:
    """Own records plus every predecessor's, computed from the raw front matter."""
    lineage = lineage_of(dept_id)
    segments = Counter(s["date"].year for s in records("inquiry") for seg in s["segments"]
                       if ALIASES[seg["department"]] in lineage)
    entries = [e for e in records("column")
               if lineage & {ALIASES[d] for d in (e["departments"] if isinstance(e["departments"], list)
                                                   else [e["departments"]])}]
    closed = [e for e in entries if e["status"] == "已办结"]
    statuses = Counter(shown_status(c) for c in commitments() if c["department"] in lineage)
    for e in closed:  # a closed entry without `resolved` is resolved on its closing hop
        e.setdefault("resolved", e["routing"][-1]["date"])
    days = [(e["resolved"] - e["date"]).days for e in closed]
    yearly = {y: [d for e, d in zip(closed, days, strict=True) if e["date"].year == y]
              for y in sorted({e["date"].year for e in closed})}
    return {
        "years": {f"{y}年": [str(segments[y]), str(Counter(e["date"].year for e in entries)[y])]
                  for y in sorted(set(segments) | {e["date"].year for e in entries})},
        "commitments": {s: [str(statuses[s])] for s in ("已兑现", "推进中", "未启动", "逾期")},
        "closed": {"已办结": [str(len(closed))], "未办结": [str(len(entries) - len(closed))]},
        "median": median_text(days, "期"),
        "closed_share": rate_text(len(closed), len(entries), "期"),
        "days": {f"{y}年": [f"{statistics.median(d):g} 天"] for y, d in yearly.items()
                 if len(d) >= FIXTURE_MIN_SAMPLE},
    }


def figure_table(soup, fig_id: str) -> dict:
    table = soup.select_one(f"figure[aria-labelledby={fig_id}-caption] table")
    if table is None:
        return {}
    return {r.th.get_text(): [td.get_text() for td in r.select("td")] for r in table.select("tbody tr")}


@pytest.mark.parametrize("dept_id", sorted(REGISTRY))
def test_department_statistics_match_independent_counts(fixture_site, dept_id):
    soup = parse(fixture_site / "departments" / dept_id / "index.html")
    want = expected_stats(dept_id)
    assert figure_table(soup, "fig-years") == want["years"]
    assert figure_table(soup, "fig-commitments") == want["commitments"]
    assert figure_table(soup, "fig-closed") == want["closed"]
    assert figure_table(soup, "fig-days") == want["days"]
    text = soup.select_one("section[aria-labelledby=figures] .jd-figures").get_text()
    assert f"从刊发到办结的天数中位数：{want['median']}" in text
    assert f"专栏办结率：{want['closed_share']}" in text
    for fig in soup.select("figure.jd-chart"):
        svg = fig.select_one("svg")
        if svg is not None:
            assert svg.title.get_text() and svg.desc.get_text()
            assert fig.select_one("table") is not None


def test_successor_says_which_records_came_from_its_predecessor(fixture_site):
    soup = parse(fixture_site / "departments/sh-zhzf/index.html")
    inherited = soup.select_one("section.jd-inherited")
    assert "商河县城市管理行政执法局" in inherited.h2.get_text()
    assert [a["href"] for a in inherited.select(".jd-card__title a")] == ["../../column/2016-005/"]
    assert [a["href"] for a in inherited.select("ul.jd-list a")] == ["../../inquiry/2016-02/#q2"]
    old = parse(fixture_site / "departments/sh-cgzf/index.html")
    assert "由" in old.select_one(".jd-notice").get_text()


def test_directory_sorted_by_each_figure_without_javascript(fixture_site):
    soup = parse(fixture_site / "departments/by/overdue/index.html")
    rows = soup.select("table.jd-ranking tbody tr")
    overdue = [int(r.select_one("td[data-label=逾期承诺]").get_text()) for r in rows]
    assert overdue == sorted(overdue, reverse=True) and overdue[0] == 1
    assert rows[0].th.a["href"] == "../../cgj/"
    days = parse(fixture_site / "departments/by/median-days/index.html")
    cells = [r.select_one("td[data-label=办结用时中位数]").get_text() for r in days.select("tbody tr")]
    numbers = [float(c.split(" 天")[0]) for c in cells]
    assert numbers == sorted(numbers) and numbers
    assert all("样本不足" not in c for c in cells)  # thin samples are listed apart, not ranked
    # The sorting is in the HTML; the one script on the page is the optional 长辈版 switch.
    assert [s.get("src") for s in soup.find_all("script")] == ["../../../theme/elder.js"]


def test_more_indexes(fixture_site):
    from jiandu.site.indexes import category_slug

    slug = category_slug("违建")
    assert slug.startswith("wei-jian-") and slug != category_slug("围建")
    assert parse(fixture_site / f"categories/{slug}/index.html").h1.get_text() == "问题类别：违建"
    district = parse(fixture_site / "districts/sh/index.html")
    assert [a["href"] for a in district.select(".jd-card__title a")] == [
        "../../column/2016-004/", "../../column/2016-005/"]
    closed = parse(fixture_site / "status/closed/index.html")
    assert len(closed.select(".jd-card")) == 3


def test_edition_archive_shows_gaps(fixture_site):
    soup = parse(fixture_site / "archive/2016/index.html")
    items = soup.select("#archive-column ~ ol li") or soup.select("section[aria-labelledby=archive-column] li")
    assert [li.get_text() for li in items][2] == "第3期：未收录"
    assert [li["value"] for li in items] == ["1", "2", "3", "4", "5"]
    assert "jd-archive__item--missing" in items[2]["class"]


FEEDS = ["feed.atom", "inquiry/feed.atom", "column/feed.atom"] + [
    f"departments/{d}/feed.atom" for d in sorted(REGISTRY)]


@pytest.mark.parametrize("path", FEEDS)
def test_every_feed_parses_cleanly(fixture_site, path):
    feed = feedparser.parse((fixture_site / path).read_bytes())
    assert feed.bozo == 0, feed.get("bozo_exception")
    assert feed.version == "atom10"
    ids = [e.id for e in feed.entries]
    assert len(ids) == len(set(ids))
    assert all(i.startswith("tag:jiandu.example.gov.cn,2016:") for i in ids)


def test_feed_entries_counts_ids_and_updated(fixture_site):
    site = feedparser.parse((fixture_site / "feed.atom").read_bytes())
    assert len(site.entries) == 2 + 4
    entry = next(e for e in site.entries if e.id.endswith(":column/2016-004"))
    assert entry.updated.startswith("2016-05-20")  # the last history date, not the publication date
    session = next(e for e in site.entries if e.id.endswith(":inquiry/2016-01"))
    assert session.updated.startswith("2016-04-01")
    dept = feedparser.parse((fixture_site / "departments/cgj/feed.atom").read_bytes())
    assert sorted(e.id.split(":")[-1] for e in dept.entries if "/hops/" not in e.id) == [
        "column/2016-001", "column/2016-002", "inquiry/2016-01"]


def test_feed_ids_survive_a_title_change(tree, tmp_path):
    path = tree / "content/column/2016-001.md"
    path.write_text(path.read_text(encoding="utf-8").replace("小区门口的早市搬走了", "新标题"),
                    encoding="utf-8")
    site = build_fixture_site(PROJECT, tmp_path / "out", root=tree)
    feed = feedparser.parse((site / "column/feed.atom").read_bytes())
    entry = next(e for e in feed.entries if "新标题" in e.title)
    assert entry.id == "tag:jiandu.example.gov.cn,2016:column/2016-001"


def test_pages_link_their_feeds(fixture_site):
    soup = parse(fixture_site / "departments/cgj/index.html")
    links = [link["href"] for link in soup.select('link[rel=alternate][type="application/atom+xml"]')]
    assert links == ["../../feed.atom", "feed.atom"]
    for href in links:
        assert (fixture_site / "departments/cgj" / href).resolve().is_file()


@pytest.mark.parametrize("dataset", ["records", "commitments", "departments", "hops", "sources"])
def test_every_csv_row_matches_its_json_record(fixture_site, dataset):
    records = json.loads((fixture_site / f"data/{dataset}.json").read_text(encoding="utf-8"))
    raw = (fixture_site / f"data/{dataset}.csv").read_bytes()
    assert raw.startswith("\ufeff".encode("utf-8"))
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))
    assert len(rows) == len(records) > 0
    for row, record in zip(rows, records, strict=True):
        assert list(row) == list(record)
        for key, value in record.items():
            cell = row[key].removeprefix("'") if row[key][1:2] in "=+-@" else row[key]
            if isinstance(value, list):
                assert (cell.split("|") if cell else []) == value
            elif isinstance(value, bool):
                assert cell == str(value).lower()
            else:
                assert cell == ("" if value is None else str(value))


def test_csv_cells_cannot_start_a_formula(tree, tmp_path):
    path = tree / "content/column/2016-001.md"
    path.write_text(path.read_text(encoding="utf-8").replace(
        "title: 小区门口的早市搬走了", "title: '=HYPERLINK(\"x\")'"), encoding="utf-8")
    site = build_fixture_site(PROJECT, tmp_path / "out", root=tree)
    rows = list(csv.DictReader(io.StringIO((site / "data/records.csv").read_text(encoding="utf-8-sig"))))
    assert [r["title"] for r in rows if r["key"] == "column/2016-001"] == ["'=HYPERLINK(\"x\")"]


def test_open_data_carries_history_and_the_as_of_date(fixture_site):
    records = {r["key"]: r for r in json.loads((fixture_site / "data/records.json").read_text(encoding="utf-8"))}
    assert records["column/2016-004"]["history"] == ["2016-05-06 已受理", "2016-05-20 办理中 已选定物业公司"]
    commitments = json.loads((fixture_site / "data/commitments.json").read_text(encoding="utf-8"))
    assert {c["as_of"] for c in commitments} == {FIXTURE_AS_OF}


def test_open_data_page_documents_every_field(fixture_site):
    soup = parse(fixture_site / "data/index.html")
    records = json.loads((fixture_site / "data/records.json").read_text(encoding="utf-8"))
    documented = [c.get_text() for c in soup.select("section[aria-labelledby=data-records] tbody code")]
    assert documented == list(records[0])
    assert len(records) == 6


def test_sitemap_and_robots(fixture_site):
    ns = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
    sitemap = ElementTree.parse(fixture_site / "sitemap.xml")
    locs = {loc.text for loc in sitemap.findall("s:url/s:loc", ns)}
    html = {"/" + p.relative_to(fixture_site).as_posix().removesuffix("index.html")
            for p in fixture_site.rglob("*.html") if p.name != "404.html"
            and 'http-equiv="refresh"' not in p.read_text(encoding="utf-8")}  # redirects stay out
    assert locs == html
    assert (fixture_site / "robots.txt").read_text().startswith("User-agent: *")


def test_same_commit_builds_byte_identical_html(tmp_path):
    first = build_fixture_site(PROJECT, tmp_path / "one")
    second = build_fixture_site(PROJECT, tmp_path / "two")
    files = sorted(p.relative_to(first) for p in first.rglob("*") if p.is_file())
    assert files == sorted(p.relative_to(second) for p in second.rglob("*") if p.is_file())
    for rel in files:
        assert (first / rel).read_bytes() == (second / rel).read_bytes(), rel


def test_as_of_is_the_last_commit_touching_content(tree):
    from jiandu.core.settings import as_of_date, jiandu_settings

    env = {"GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.invalid",
           "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.invalid", "PATH": "/usr/bin:/bin"}

    def commit(paths, when):
        subprocess.run(["git", "add", *paths], cwd=tree, check=True, env=env)
        subprocess.run(["git", "commit", "-qm", "x"], cwd=tree, check=True,
                       env={**env, "GIT_COMMITTER_DATE": when, "GIT_AUTHOR_DATE": when})

    subprocess.run(["git", "init", "-q"], cwd=tree, check=True)
    commit(["content"], "2017-03-04T10:00:00+08:00")
    (tree / "notes.txt").write_text("not content")
    commit(["notes.txt"], "2018-01-01T10:00:00+08:00")
    settings = jiandu_settings({"JIANDU_ROOT": str(tree), "JIANDU_CONTENT": "content"})
    assert as_of_date(settings) == date(2017, 3, 4)
    assert as_of_date(settings.but(as_of=date(2016, 1, 1))) == date(2016, 1, 1)


def test_feed_titles_name_the_edition_once(fixture_site):
    feed = feedparser.parse((fixture_site / "departments/cgj/feed.atom").read_bytes())
    titles = {e.id.split(":")[-1]: e.title for e in feed.entries}
    assert titles["inquiry/2016-01"] == "2016年第1期电视问政：占道经营为何屡禁不止"
    assert titles["column/2016-002"] == "2016年第2期民生无小事、件件有人管：夜市整治回头看"
