"""The routing trail and the sources on the fixture site, checked against figures this test computes
itself from the raw front matter (yaml.safe_load of the files, never the model)."""

import csv
import io
import json
import re
from datetime import date

import feedparser
import pytest

from tests.support.fixture import ALIASES, REGISTRY, lineage_of, median_text, rate_text, records
from tests.support.project import parse

ORIGINS = {"12345热线", "监督局"}  # the default JIANDU_ROUTING_ORIGINS
HANDOFFS = {"交办", "转办", "退回", "认领"}
RELEASES = {"转办", "退回", "办结"}


def entries() -> list[dict]:
    out = []
    for e in records("column"):
        e["key"] = f"column/{e['date'].year}-{e['number']:03d}"
        out.append(e)
    return out


def routed() -> list[dict]:
    return [e for e in entries() if e.get("routing")]


def dept(name) -> str | None:
    return None if name in ORIGINS else ALIASES[name]


def read(entry: dict) -> dict:
    """Holdings, handoffs and bounce of one raw trail, by the definitions in the editor's guide."""
    held, let_go, holdings, came_back = {}, set(), [], False
    for hop in entry["routing"]:
        sender, receiver = dept(hop["from"]), dept(hop["to"])
        if sender in held and hop["action"] in RELEASES:
            holdings.append((sender, (hop["date"] - held.pop(sender)).days))
            let_go.add(sender)
        if receiver and hop["action"] != "办结" and receiver not in held:
            came_back = came_back or receiver in let_go
            held[receiver] = hop["date"]
    handoffs = sum(hop["action"] in HANDOFFS for hop in entry["routing"])
    return {"holdings": holdings, "handoffs": handoffs, "bounced": came_back or handoffs >= 3}


def involved(entry: dict) -> set[str]:
    return {d for hop in entry["routing"] for d in (dept(hop["from"]), dept(hop["to"])) if d}


def expected_routing(dept_id: str) -> dict:
    lineage = lineage_of(dept_id)
    received, passed, returned, bounced, held = set(), set(), set(), set(), []
    for e in routed():
        for hop in e["routing"]:
            sender, receiver = dept(hop["from"]), dept(hop["to"])
            if receiver in lineage and hop["action"] != "办结":
                received.add(e["key"])
            if sender in lineage and hop["action"] == "转办":
                passed.add(e["key"])
            if sender in lineage and hop["action"] == "退回":
                returned.add(e["key"])
        trail = read(e)
        held += [days for d, days in trail["holdings"] if d in lineage]
        if trail["bounced"] and involved(e) & lineage:
            bounced.add(e["key"])
    return {"received": len(received), "passed": len(passed), "returned": len(returned),
            "bounced": sorted(bounced), "held": median_text(held, "次"),
            "pass_rate": rate_text(len(passed), len(received), "件"),
            "return_rate": rate_text(len(returned), len(received), "件")}


def test_the_fixture_has_trails_of_every_kind():
    trails = [read(e) for e in routed()]
    assert sum(t["bounced"] for t in trails) == 1 and len(trails) == 4
    assert {hop["action"] for e in routed() for hop in e["routing"]} >= {"交办", "转办", "退回", "督办", "办结"}


@pytest.mark.parametrize("dept_id", sorted(REGISTRY))
def test_department_routing_figures_match_independent_counts(fixture_site, dept_id):
    want = expected_routing(dept_id)
    soup = parse(fixture_site / "departments" / dept_id / "index.html")
    table = soup.select_one("figure[aria-labelledby=fig-routing-caption] table")
    rows = {r.th.get_text(): [td.get_text() for td in r.select("td")] for r in table.select("tbody tr")}
    assert rows == {"收到交办": [str(want["received"])], "转办给其他部门": [str(want["passed"])],
                    "退回": [str(want["returned"])], "反复流转": [str(len(want["bounced"]))]}
    text = soup.select_one("ul[aria-labelledby=routing-figures]").get_text()
    assert f"转办率 {want['pass_rate']}" in text
    assert f"退回率 {want['return_rate']}" in text
    assert f"持有案件的天数中位数：{want['held']}" in text
    listed = [a["href"] for a in soup.select("section[aria-labelledby=bounced-title] tbody th a")]
    assert listed == [f"../../{key}/" for key in want["bounced"]]


def test_open_data_hops_match_the_raw_trails(fixture_site):
    rows = json.loads((fixture_site / "data/hops.json").read_text(encoding="utf-8"))
    expected = []
    for e in routed():
        trail = read(e)
        for i, hop in enumerate(e["routing"]):
            sender, receiver = dept(hop["from"]) or hop["from"], dept(hop["to"]) or hop["to"]
            gap = (hop["date"] - e["routing"][i - 1]["date"]).days if i else None
            expected.append((e["key"], i + 1, hop["date"].isoformat(), hop["action"], sender, receiver,
                             hop.get("note"), gap, trail["bounced"]))
    assert [(r["record"], r["position"], r["date"], r["action"], r["from"], r["to"], r["note"], r["days"],
             r["bounced"]) for r in rows] == expected


@pytest.mark.parametrize("fmt", ["json", "csv"])
def test_department_figures_recomputed_from_the_open_data_match(fixture_site, fmt):
    """Anyone can recompute every department's figures from the published hops table alone."""
    raw = (fixture_site / f"data/hops.{fmt}").read_text(encoding="utf-8-sig")
    rows = json.loads(raw) if fmt == "json" else list(csv.DictReader(io.StringIO(raw)))
    trails: dict[str, list] = {}
    for r in rows:
        trails.setdefault(r["record"], []).append(
            {"date": date.fromisoformat(r["date"]), "action": r["action"],
             "from": r["from"] if r["from"] in REGISTRY else r["from_name"],
             "to": r["to"] if r["to"] in REGISTRY else r["to_name"]})
    for dept_id in REGISTRY:
        lineage = lineage_of(dept_id)
        received = {k for k, hops in trails.items()
                    if any(h["to"] in lineage and h["action"] != "办结" for h in hops)}
        returned = {k for k, hops in trails.items() if any(h["from"] in lineage and h["action"] == "退回" for h in hops)}
        held = [d for hops in trails.values() for owner, d in read({"routing": hops})["holdings"] if owner in lineage]
        want = expected_routing(dept_id)
        assert (len(received), len(returned), median_text(held, "次")) == (
            want["received"], want["returned"], want["held"]), dept_id


def test_a_bounced_case_is_on_its_list_page_and_in_both_departments_figures(fixture_site):
    bounced = [e for e in routed() if read(e)["bounced"]]
    soup = parse(fixture_site / "column/bounced/index.html")
    assert [a["href"] for a in soup.select("table.jd-bounced tbody th a")] == [
        f"../{e['key'].split('/')[1]}/" for e in bounced]
    [case] = bounced
    assert involved(case) == {"cgj", "hy-zxj"}
    for dept_id in involved(case):
        page = parse(fixture_site / "departments" / dept_id / "index.html")
        table = page.select_one("figure[aria-labelledby=fig-routing-caption] table")
        assert table.select_one("tr:-soup-contains('反复流转') td").get_text() == "1"
        assert [a["href"] for a in page.select("section[aria-labelledby=bounced-title] tbody th a")] == [
            "../../column/2016-001/"]
    path = [li.get_text() for li in soup.select(".jd-bounced__path li")]
    assert path == ["12345热线", "市城管局", "12345热线", "振兴街街道", "市城管局"]
    directory = parse(fixture_site / "departments/index.html")
    row = directory.select_one("tr:has(a[href='cgj/'])")
    assert row.select_one("td[data-label=反复流转]").get_text() == "1"


def test_entry_timeline_shows_days_between_hops_and_in_total(fixture_site):
    for e in routed():
        soup = parse(fixture_site / e["key"] / "index.html")
        steps = soup.select("ol.jd-trail > li")
        assert [s["id"] for s in steps] == [f"hop-{i + 1}" for i in range(len(e["routing"]))]
        for i, (step, hop) in enumerate(zip(steps, e["routing"], strict=True)):
            assert step.time["datetime"] == hop["date"].isoformat()
            assert step.select_one(".jd-trail__action").get_text() == hop["action"]
            gap = step.select_one(".jd-trail__gap")
            if i == 0:
                assert gap is None
            else:
                days = (hop["date"] - e["routing"][i - 1]["date"]).days
                assert gap.get_text() == (f"（距上一条 {days} 天）" if days else "（与上一条同日）")
        end = e.get("resolved") or e["routing"][-1]["date"]
        total = (end - e["routing"][0]["date"]).days
        summary = soup.select_one(".jd-trail__summary")
        assert summary.strong.get_text() == str(total)
        assert ("反复流转" in summary.get_text()) == read(e)["bounced"]
        # Readable without JavaScript: the only script is the optional 长辈版 switch.
        assert [s.get("src") for s in soup.find_all("script")] == ["../../theme/elder.js"]


def test_an_entry_closed_by_its_last_hop_is_resolved_on_that_day(fixture_site):
    [entry] = [e for e in routed() if e["status"] == "已办结" and "resolved" not in e]
    closing = entry["routing"][-1]
    assert closing["action"] == "办结"
    records = {r["key"]: r for r in json.loads((fixture_site / "data/records.json").read_text(encoding="utf-8"))}
    assert records[entry["key"]]["resolved"] == closing["date"].isoformat()
    facts = parse(fixture_site / entry["key"] / "index.html").select_one("dl.jd-facts")
    assert closing["date"].isoformat() in [t["datetime"] for t in facts.select("time")]


def test_rates_and_rankings_need_the_minimum_sample(fixture_site):
    ranking = parse(fixture_site / "departments/by/sent-back/index.html")
    ranked = [r.th.a["href"].split("/")[-2] for r in ranking.select("table.jd-ranking tbody tr")]
    thin = [a["href"].split("/")[-2] for a in ranking.select(".jd-unranked__list a")]
    for dept_id in REGISTRY:
        want = expected_routing(dept_id)
        page = parse(fixture_site / "departments" / dept_id / "index.html")
        shown = page.select_one("ul[aria-labelledby=routing-figures]").get_text()
        if 0 < want["received"] < 2:
            assert "退回率 样本不足" in shown and dept_id in thin and dept_id not in ranked
        elif want["received"] >= 2:
            assert dept_id in ranked and dept_id not in thin
        else:
            assert dept_id not in ranked + thin
    assert ranked == ["cgj", "sh-zhzf"]  # 50%, then 0%
    assert "fgj" in thin
    assert "未参加排序" in ranking.select_one(".jd-unranked h2").get_text()
    for rate in ranking.select("td[data-label=退回率]"):  # every rate shows numerator/denominator
        assert re.fullmatch(r"\d+%（\d+/\d+）", rate.get_text())


def test_department_feeds_announce_their_hops(fixture_site):
    for dept_id in REGISTRY:
        feed = feedparser.parse((fixture_site / f"departments/{dept_id}/feed.atom").read_bytes())
        assert feed.bozo == 0
        hops = {e.id.split(":", 2)[-1]: e for e in feed.entries if "/hops/" in e.id}
        want = {f"{e['key']}/hops/{i + 1}": hop for e in routed() for i, hop in enumerate(e["routing"])
                if dept_id in {dept(hop["from"]), dept(hop["to"])}}
        assert sorted(hops) == sorted(want)
        for key, hop in want.items():
            entry = hops[key]
            assert hop["action"] in entry.title
            assert entry.updated.startswith(hop["date"].isoformat())
            assert entry.link.endswith("#hop-" + key.rsplit("/", 1)[1])


def test_a_new_hop_updates_its_entry_in_the_feeds(fixture_site):
    feed = feedparser.parse((fixture_site / "column/feed.atom").read_bytes())
    updated = {e.id.split(":", 2)[-1]: e.updated[:10] for e in feed.entries}
    for e in routed():
        dates = [e["date"], *(h["date"] for h in e.get("history", [])), *(h["date"] for h in e["routing"])]
        assert updated[e["key"]] == max(dates).isoformat()


def test_a_segment_video_link_opens_at_its_moment(fixture_site):
    session = records("inquiry")[0]
    [source] = session["segments"][1]["sources"]
    soup = parse(fixture_site / "inquiry/2016-01/index.html")
    link = soup.select_one("#q2 .jd-citation--video a")
    # W3C Media Fragments URI 1.0, temporal dimension, NPT clock time.
    url, fragment = link["href"].split("#")
    assert url == source["url"] and re.fullmatch(r"t=\d\d:[0-5]\d:[0-5]\d", fragment)
    assert fragment == f"t={source['at']}"
    data = json.loads((fixture_site / "data/sources.json").read_text(encoding="utf-8"))
    assert [r["link"] for r in data if r["at"]] == [link["href"]]


def test_citation_lines_and_sources_in_open_data(fixture_site):
    entry = parse(fixture_site / "column/2016-001/index.html")
    assert entry.select_one(".jd-citation").get_text() == "来源：《济南日报》2016年1月10日 A3版"
    rows = json.loads((fixture_site / "data/sources.json").read_text(encoding="utf-8"))
    raw = [(f"inquiry/{s['date'].year}-{s['number']:02d}", seg.get("id", f"q{i + 1}"), src)
           for s in records("inquiry") for i, seg in enumerate(s["segments"]) for src in seg.get("sources", [])]
    raw += [(e["key"], None, src) for e in entries() for src in e.get("sources", [])]
    assert sorted((r["record"], r["segment"], r["type"], r["title"], r["page"], r["url"]) for r in rows) == sorted(
        (key, seg, src["type"], src["title"], src.get("page"), src.get("url")) for key, seg, src in raw)
