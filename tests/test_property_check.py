"""Property: any front matter and body, valid or broken, gets an answer, never a traceback.

Hypothesis writes generated records (YAML-ish scalars, control characters, huge numbers, anchors
and aliases, line separators, nested structures, truncated or invalid bytes, CRLF) and registry
entries into a copy of the fixture site and runs `invoke check` in-process. Exactly one of two
outcomes is allowed: a clean result, after which the site also builds; or problems, each with a
path and a line within its file. Every example must finish within the deadline.

The budget is fixed; under CI (`CI=true`) the examples are derandomized, so a run is repeatable.
"""

import io
import os
import re
import shutil
import textwrap
import time
from datetime import timedelta
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from jiandu.commands.build import build_or_report, check
from jiandu.commands.testing import FIXTURE, FIXTURE_AS_OF
from tests.support.project import CONF, PROJECT
from tests.support.tools import under_ci

CI = under_ci()
EXAMPLES = int(os.environ.get("JIANDU_PROPERTY_EXAMPLES", "100"))  # raise it for a deeper search
# Generous for a shared CI runner: on an idle machine the worst body is checked in about 2 s.
BUDGET = settings(max_examples=EXAMPLES, deadline=timedelta(seconds=20), derandomize=CI,
                  database=None if CI else settings.default.database,
                  suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                         HealthCheck.function_scoped_fixture])
SECONDS_PER_FILE = 10
PROBLEM_RE = re.compile(r"^(?P<path>[^:\s][^:]*):(?P<line>\d+): \S")

# ---- what staff might type, and what a careless paste or a hostile hand might add ----------------

TRICKY = [
    "0101", "08", "0x1F", "0o17", "0b101", "1_000", "1:30", "190:20:30", "1e3", "-1", "0", "999", "1000",
    ".inf", "-.inf", ".nan", "yes", "No", "on", "OFF", "y", "~", "null", "true", "False", "=", "<<",
    "2016-13-45", "2016-02-30", "2016-06-01", "2016-6-1", "20161230", "1" * 19,
    "&a x", "*a", "&a [cgj, *a]", "!!int 12", "!!binary aGk=", "!!python/object:os.system ls",
    "!!timestamp 2016-99-99", "!!float 1e999", "!foo bar", "!!str 9", "[a, b", "{a: 1}", "{", "[]", "{}",
    "- x", "'unterminated", '"\\x0b"', '"\\ud800"', '"\\uFFFE"', '"\\L"', '"\\0"', "|", ">", "@x", "`x",
    "%TAG ! x", "? a", "a: b", "#comment", "'", '"', "\t", "column/2016-001", "column/2016-002",
    "inquiry/2016-01#q1", "inquiry/2016-01#q9", "feed.atom/x.html", "../x", "index.html", "theme/x.html",
    "Column/2016-001/", "old/a.html", "old/a.html/b.html", "cgj", "市城管局", "濟南市交通運輸局", "hy",
    "已受理", "已办结", "办理中", "draft", "https://www.jinan.gov.cn/", "https://evil.example.com/",
    "javascript:alert(1)", "13800000000", "王女士", "\u2028", "\x85", "\ufeff", "\x00", "\x0b", "\r",
]
CHARS = st.one_of(
    st.characters(min_codepoint=0x20, max_codepoint=0x7E),
    st.characters(min_codepoint=0x4E00, max_codepoint=0x4FFF),
    st.sampled_from(list("\x00\x01\x08\x0b\x0c\x0e\x1f\x7f\x85\x9f\u2028\u2029\ufeff\ufffe\uffff\r\t"
                         "：，。“”【】０１２３４５６７８９")),
    st.characters(codec="utf-8"),
)
TEXT = st.text(CHARS, max_size=30)
HUGE = st.integers(4000, 6000).map(lambda n: "9" * n)  # past int()'s 4300-digit limit
SCALAR = st.one_of(st.sampled_from(TRICKY), TEXT, HUGE,
                   st.integers(-10 ** 40, 10 ** 40).map(str), st.integers(0, 1200).map(str))


def flow(items: list[str]) -> str:
    return "[" + ", ".join(items) + "]"


VALUE = st.recursive(
    SCALAR,
    lambda inner: st.one_of(st.lists(inner, max_size=4).map(flow),
                            st.lists(st.tuples(SCALAR, inner), max_size=3).map(
                                lambda kv: "{" + ", ".join(f"{k}: {v}" for k, v in kv) + "}")),
    max_leaves=8,
)

ENTRY_FIELDS = {
    "title": "测试条目", "number": "9", "date": "2016-06-01", "departments": "[cgj]", "status": "已受理",
}
OPTIONAL = ["aliases", "category", "source", "district", "resolved", "follow_up", "sample", "history",
            "exemptions", "imported", "unknown_key", "<<"]


@st.composite
def front_matter(draw) -> list[str]:
    fields = dict(ENTRY_FIELDS)
    for name in draw(st.lists(st.sampled_from(list(ENTRY_FIELDS) + OPTIONAL), max_size=5)):
        fields[name] = draw(VALUE)
    for name in draw(st.lists(st.sampled_from(list(ENTRY_FIELDS)), max_size=2)):
        fields.pop(name, None)
    lines = [f"{name}: {value}" for name, value in fields.items()]
    if draw(st.booleans()):  # block structures too: lists and nested mappings, maybe mis-indented
        lines += draw(st.lists(st.sampled_from([
            "aliases:", "  - column/2016-003/", "  - 'a b'", "  - old/page.html", "history:",
            "  - date: 2016-06-02", "    status: 已受理", "   status: 办理中", "\t- x", "  - &h {date: 1}",
            "  - *h", "segments:", "  - topic: x", "    department: cgj", "- orphan",
        ]), max_size=6))
    return draw(st.permutations(lines))


# Shapes that make Markdown or HTML parsing quadratic, up to ~100 KB: refused or parsed in time.
HEAVY = st.tuples(st.sampled_from(["[", "![", "[a](", "<a ", "> ", "- a\n", "  - b\n", "*a* ", "`", "&amp;",
                                   "[a](b) ", "<b>a</b>", "民生", "a\n"]),
                  st.integers(0, 25_000)).map(lambda shape: shape[0] * shape[1])
BODY = st.lists(st.one_of(
    TEXT, HEAVY,
    st.sampled_from(["&#11;", "&#0;", "&#x1F;", "&#65535;", "&amp;", "&#99999999;", "\u2028", "\x0b",
                     "<span style='display:none'>x</span>", "[外链](https://evil.example.com/)",
                     "电话 13800000000", "\n---\n", "\n\n", "\r\n", "*", "[", "`", "<", "> "]),
), max_size=12).map("".join)


@st.composite
def record_bytes(draw) -> bytes:
    text = "---\n" + "\n".join(draw(front_matter())) + "\n---\n" + draw(BODY) + "\n"
    data = text.encode("utf-8", "surrogatepass")
    damage = draw(st.sampled_from(["none", "none", "crlf", "bom", "truncate", "bytes"]))
    if damage == "crlf":
        data = data.replace(b"\n", b"\r\n")
    elif damage == "bom":
        data = b"\xef\xbb\xbf" + data
    elif damage == "truncate":
        data = data[: draw(st.integers(0, len(data)))]
    elif damage == "bytes":
        at = draw(st.integers(0, len(data)))
        data = data[:at] + draw(st.binary(min_size=1, max_size=4)) + data[at:]
    return data


@st.composite
def registry_entry(draw) -> str:
    fields = {"id": "new-dept", "name": "新设部门", "level": "市直部门"}
    for name in draw(st.lists(st.sampled_from(["id", "name", "short", "level", "parent", "aliases",
                                               "domains", "website", "until", "successor", "x"]),
                              max_size=4)):
        fields[name] = draw(VALUE)
    return "\n- " + "\n  ".join(f"{k}: {v}" for k, v in fields.items()) + "\n"


# Well-formed records with unusual values: most pass check, so that the build meets them too.
PRINTABLE = st.characters(codec="utf-8", exclude_categories=["Cc", "Cs", "Zl", "Zp"],
                          exclude_characters="\ufffe\uffff")
ALIAS = st.from_regex(r"/?[A-Za-z0-9._~-]{1,12}(/[A-Za-z0-9._~-]{1,12}){0,3}(/|\.html)?", fullmatch=True)


@st.composite
def plausible_record(draw) -> bytes:
    fields = {
        "title": draw(st.text(PRINTABLE, min_size=1, max_size=40)),
        "number": draw(st.integers(1, 999)),
        "date": draw(st.dates()).isoformat(),
        "departments": draw(st.lists(st.sampled_from(["cgj", "jtj", "市城管局", "槐荫区", "ＪＴＪ"]),
                                     min_size=1, max_size=3)),
        "status": draw(st.sampled_from(["已受理", "办理中"])),
    }
    optional = {
        "aliases": st.lists(ALIAS, max_size=3),
        "category": st.text(PRINTABLE, min_size=1, max_size=20),
        "source": st.text(PRINTABLE, min_size=1, max_size=20),
        "district": st.sampled_from(["hy", "sh"]),
        "sample": st.booleans(),
    }
    for name in draw(st.lists(st.sampled_from(sorted(optional)), unique=True)):
        fields[name] = draw(optional[name])
    body = draw(st.text(PRINTABLE, max_size=200))
    front = yaml.safe_dump(fields, allow_unicode=True, sort_keys=False)
    return f"---\n{front}---\n{body}\n".encode()


# ---- the property -------------------------------------------------------------------------------

TARGET = "content/column/2016-009.md"
REGISTRY = "content/departments.yml"


@pytest.fixture(scope="module")
def site_copy(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("property")
    shutil.copytree(PROJECT / FIXTURE / "content", root / "content")
    return root


def lines_in(root: Path, path: str) -> int:
    return (root / path).read_bytes().count(b"\n") + 1


def assert_answered(root: Path, status: int, output: str, written: str, tmp: Path) -> None:
    lines = output.splitlines()
    event("clean" if status == 0 else "problems")
    if status == 0:
        assert lines == [lines[-1]] and lines[-1].startswith("检查通过"), output
        out = io.StringIO()
        assert build_or_report(CONF, tmp / "out", root, out=out, JIANDU_AS_OF=FIXTURE_AS_OF,
                               JIANDU_SEARCH=False) == 0, out.getvalue()
        return
    assert status == 1 and lines and lines[-1].startswith("共发现"), output
    for line in lines[:-1]:
        match = PROBLEM_RE.match(line)
        assert match, f"not a path:line: problem: {line!r}"
        number = int(match["line"])
        assert number >= 1, line
        if match["path"] in (written, REGISTRY):
            assert number <= lines_in(root, match["path"]), line


def run_check(root: Path) -> tuple[int, str]:
    out = io.StringIO()
    started = time.monotonic()
    status = check(CONF, root, out=out, JIANDU_AS_OF=FIXTURE_AS_OF)
    assert time.monotonic() - started < SECONDS_PER_FILE
    return status, out.getvalue()


def answer_record(root: Path, tmp_path_factory, data: bytes) -> None:
    target = root / TARGET
    target.write_bytes(data)
    try:
        status, output = run_check(root)
        assert_answered(root, status, output, TARGET, tmp_path_factory.mktemp("build"))
    finally:
        target.unlink()


@BUDGET
@given(data=record_bytes())
def test_any_record_gets_a_clean_result_or_located_problems(site_copy, tmp_path_factory, data):
    answer_record(site_copy, tmp_path_factory, data)


@settings(BUDGET, max_examples=max(1, EXAMPLES // 5))  # most of these build: a second each
@given(data=plausible_record())
def test_any_plausible_record_builds_or_gets_located_problems(site_copy, tmp_path_factory, data):
    answer_record(site_copy, tmp_path_factory, data)


@settings(BUDGET, max_examples=max(1, EXAMPLES // 4))
@given(entry=registry_entry())
def test_any_registry_entry_gets_a_clean_result_or_located_problems(site_copy, tmp_path_factory, entry):
    registry = site_copy / REGISTRY
    original = registry.read_bytes()
    registry.write_bytes(original + entry.encode("utf-8", "surrogatepass"))
    try:
        status, output = run_check(site_copy)
        assert_answered(site_copy, status, output, REGISTRY, tmp_path_factory.mktemp("build"))
    finally:
        registry.write_bytes(original)


def test_the_generators_reach_both_outcomes(site_copy):
    """The property is not vacuous: a plain generated record passes, a broken one does not."""
    plain = textwrap.dedent("""\
        ---
        title: 测试条目
        number: 9
        date: 2016-06-01
        departments: [cgj]
        status: 已受理
        ---
        正文。
        """).encode()
    target = site_copy / TARGET
    try:
        target.write_bytes(plain)
        assert run_check(site_copy)[0] == 0
        target.write_bytes(plain.replace(b"number: 9", b"number: &n 9"))
        assert run_check(site_copy)[0] == 1
    finally:
        target.unlink()
