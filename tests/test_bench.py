"""The benchmark harness keeps working: a tiny corpus, generated and measured end to end."""

import gzip
import io
import json
import re
import sys
import urllib.request
from collections import Counter
from contextlib import redirect_stdout

import yaml

from bench import generate, phone, run
from jiandu.commands.build import check
from tests.support.project import CONF


def _front(path):
    return yaml.safe_load(path.read_text(encoding="utf-8").split("---\n")[1])


def test_generator_is_deterministic_and_valid(tmp_path):
    generate.write_corpus(120, tmp_path / "a")
    generate.write_corpus(120, tmp_path / "b")
    files = sorted(p.relative_to(tmp_path / "a") for p in (tmp_path / "a").rglob("*") if p.is_file())
    assert files == sorted(p.relative_to(tmp_path / "b") for p in (tmp_path / "b").rglob("*") if p.is_file())
    assert all((tmp_path / "a" / f).read_bytes() == (tmp_path / "b" / f).read_bytes() for f in files)
    out = io.StringIO()
    assert check(CONF, tmp_path / "a/jiandu", out=out, JIANDU_AS_OF="2022-06-30") == 0, out.getvalue()
    assert out.getvalue().startswith("检查通过：")
    levels = {d["level"] for d in generate.departments()}
    assert len(generate.departments()) >= 100 and levels == {"市直部门", "区县", "区县部门", "镇街"}
    bodies = [p.read_text(encoding="utf-8").split("\n\n", 1)[1] for p in (tmp_path / "a/pelican/content").glob("*.md")]
    assert len(bodies) == 120
    assert all(600 <= generate.han_count(b) <= 1200 for b in bodies)
    years = {p.name[:4] for p in (tmp_path / "a/jiandu/content/column").glob("*.md")}
    assert len(years) == 10


def test_corpus_is_as_heavy_as_the_issue_asks_and_speaks_as_citizens_do(tmp_path):
    generate.write_corpus(300, tmp_path)
    content = tmp_path / "jiandu/content"
    sessions = [_front(p) for p in (content / "inquiry").glob("*.md")]
    entries = [_front(p) for p in (content / "column").glob("*.md")]
    assert sessions and all(len(s["segments"]) == 5 for s in sessions)
    counts = Counter(len(e["departments"]) for e in entries)
    assert set(counts) == {1, 2, 3}, counts
    bodies = "".join(p.read_text(encoding="utf-8").split("\n\n", 1)[1]
                     for p in (tmp_path / "pelican/content").glob("*.md"))
    for word in ["暖气", "供暖", "供热", "欠薪", "讨薪", "拖欠工资", "噪音", "噪声", "违建", "违章建筑",
                 "违法建设", "槐荫区", "商河县", "振兴街街道", "经十路", "市城管局", "市人社局"]:
        assert word in bodies, word
    # Invented people only (王女士, 李先生), and no number but the 12345 hotline's.
    assert not re.search(r"\d", bodies.replace("12345热线", "")), "a number in a body"


def test_memory_counts_every_process_of_the_build():
    """A child that holds 200 MB while its parent holds little: the tree's PSS must include it."""
    child = "import time; b = bytearray(b'x') * (200 * 2**20); time.sleep(1.5)"
    parent = f"import subprocess, sys; subprocess.run([sys.executable, '-c', {child!r}], check=True)"
    measured = run.measure([sys.executable, "-c", parent])
    assert measured["pss_mb"] >= 190, measured
    assert "search_s" not in measured


def test_search_time_comes_from_the_timed_step_or_a_stage_the_build_reports():
    samples = [(1.0, 100 * 1024), (2.0, 700 * 1024), (3.0, 900 * 1024)]
    step = run.STEP_MARK + json.dumps({"step": "build_search_index", "start": 1.5, "end": 2.5})
    other = run.STEP_MARK + json.dumps({"step": "write_manifest", "start": 2.5, "end": 3.5})
    found = run.search_step(f"生成页面：完成 9/9，用时 0.3 秒\n{step}\n{other}\n", samples)
    assert found["search_s"] == 1.0 and found["search_pss_mb"] == 700
    assert found["stages"] == {"生成页面": 0.3}
    reported = run.search_step("搜索索引：完成 400/400，用时 12.5 秒\n", samples)
    assert reported["search_s"] == 12.5 and reported["search_from"] == "搜索索引"
    assert "search_s" not in run.search_step("生成页面：完成 9/9，用时 0.3 秒\n", samples)


def test_the_phone_server_compresses_as_a_web_server_does(tmp_path):
    script = "const x = 1;\n" * 500
    (tmp_path / "a.js").write_text(script, encoding="utf-8")
    packed = gzip.compress(b"word list " * 100)
    (tmp_path / "chunk.jds").write_bytes(packed)
    (tmp_path / "dir").mkdir()
    (tmp_path / "dir/index.html").write_text("<p>你好</p>", encoding="utf-8")
    with phone.serve(tmp_path) as (base, sent):
        def get(path, accept="gzip, deflate"):
            request = urllib.request.Request(base + path, headers={"Accept-Encoding": accept})
            with urllib.request.urlopen(request) as response:
                return response.headers, response.read()

        headers, body = get("a.js")
        assert headers["Content-Encoding"] == "gzip" and gzip.decompress(body).decode() == script
        assert len(body) < len(script) / 10
        headers, body = get("a.js", accept="identity")
        assert headers["Content-Encoding"] is None and body.decode() == script
        headers, body = get("chunk.jds")
        assert headers["Content-Encoding"] is None and body == packed  # gzip already: as it is
        headers, body = get("dir/?q=x")
        assert gzip.decompress(body).decode() == "<p>你好</p>"
    assert [s["path"] for s in sent] == ["/a.js", "/a.js", "/chunk.jds", "/dir/"]
    assert [s["gzip"] for s in sent] == [True, False, False, True]
    assert all(s["bytes"] > s["body"] > 0 for s in sent)


def _table(text: str, header_start: str) -> list[list[str]]:
    lines = text.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith(header_start))
    rows = []
    for line in lines[start + 2:]:
        if not line.startswith("|"):
            break
        rows.append([c.strip() for c in line.strip("|").split("|")])
    return rows


def test_runner_measures_both_builds_a_preview_edit_and_a_phone_search(tmp_path):
    out = io.StringIO()
    with redirect_stdout(out):
        run.main(["--sizes", "60", "--repeat", "1", "--edits", "1", "--phone", "60",
                  "--work", str(tmp_path), "--json", str(tmp_path / "bench.json")])
    text = out.getvalue()
    [cells] = _table(text, "| N | Jiandu s")
    assert cells[0] == "60"
    assert all(re.fullmatch(r"\d+(\.\d+)?", c) for c in cells[1:]), cells
    search_s, search_pss, rest_s = float(cells[10]), float(cells[11]), float(cells[12])
    assert 0 < search_s < float(cells[1]) and 0 < rest_s < float(cells[1])
    assert 0 < search_pss <= float(cells[6])  # the step's peak is within the build's
    written, findable = float(cells[-2]), float(cells[-1])
    assert 0 < written < findable  # the preview writes the pages, then the search bundle
    assert (tmp_path / "corpus-60/out-jiandu/search-index/entry.json").is_file()

    rows = _table(text, "| query |")
    assert [r[0] for r in rows] == phone.QUERIES
    for query, shown, requests, page_kb, after_kb, total_kb, *parts in rows:
        assert int(shown) > 0 and int(requests) > 5, query
        assert 0 < float(page_kb) < float(total_kb) and 0 < float(after_kb) < float(total_kb)
        assert abs(float(page_kb) + float(after_kb) - float(total_kb)) <= 0.11
        script, entry, words, filters, results, other = map(float, parts)
        assert script > 0 and entry > 0 and words > 0 and results > 0 and other > 0, query
        assert abs(script + entry + words + filters + results + other - float(after_kb)) <= 0.3
    for row in json.loads((tmp_path / "bench.json").read_text(encoding="utf-8"))["phone"]:
        assert row["first"] == "/search/" and row["disagree"] == [] and row["unseen_by_server"] == []
        paths = [f["path"] for f in row["files"]]
        assert "/search-index/entry.json" in paths and any("/search-index/" in p and "/r/" in p for p in paths)
        assert all(f["gzip"] for f in row["files"] if f["path"].endswith((".js", ".css", "/")))


def test_a_kept_corpus_is_used_again_only_while_the_generator_is_unchanged(tmp_path):
    folder = run.corpus(20, tmp_path)
    marker = folder / "jiandu/content/kept.txt"
    marker.write_text("kept", encoding="utf-8")
    assert run.corpus(20, tmp_path) == folder and marker.exists()
    (folder / "generator.sha256").write_text("an older generator", encoding="utf-8")
    run.corpus(20, tmp_path)
    assert not marker.exists() and (folder / "jiandu/content/departments.yml").is_file()
