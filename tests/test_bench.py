"""The benchmark harness keeps working: a tiny corpus, generated and measured end to end."""

import io
import re
from contextlib import redirect_stdout

from bench import generate, run
from jiandu.commands.build import check
from tests.support.project import CONF


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
    assert all(300 <= len(b.replace("\n", "")) <= 900 for b in bodies)
    years = {p.name[:4] for p in (tmp_path / "a/jiandu/content/column").glob("*.md")}
    assert len(years) == 10


def test_runner_measures_both_builds_and_a_preview_edit(tmp_path):
    out = io.StringIO()
    with redirect_stdout(out):
        run.main(["--sizes", "60", "--repeat", "1", "--edits", "1", "--work", str(tmp_path)])
    row = out.getvalue().strip().splitlines()[-1]
    cells = [c.strip() for c in row.strip("|").split("|")]
    assert cells[0] == "60"
    assert all(re.fullmatch(r"\d+(\.\d+)?", c) for c in cells[1:]), row
    assert float(cells[-1]) > 0
