"""Permanent URLs: `aliases` keep old addresses alive as redirect pages, and `invoke check` fails
when an address of the last archived edition would disappear."""

import io

import pytest

from jiandu.commands.build import build, build_or_report, check
from jiandu.commands.testing import FIXTURE_AS_OF, build_fixture_site
from tests.support.content import ENTRY, problems, write
from tests.support.project import CONF, PROJECT, parse
from tests.support.publish import archive_edition, line_in

HINT = "例如 column/2016-045/（网站内的旧路径，不含域名）。"


def entry_with_aliases(*aliases: str) -> str:
    return ENTRY.replace("status: 已受理\n", "status: 已受理\naliases:\n" + "".join(f"  - {a}\n" for a in aliases))


@pytest.mark.parametrize("alias, message", [
    ("https://old.example.gov.cn/a/", "旧网址“https://old.example.gov.cn/a/”应为网站内的路径，不含 http:// 和域名。"),
    ("column/../secret/", "旧网址“column/../secret/”无效：只能包含字母、数字和 . _ ~ -，以 / 分隔。"),
    ("column/2016 045/", "旧网址“column/2016 045/”无效：只能包含字母、数字和 . _ ~ -，以 / 分隔。"),
    ("'/?p=45'", "旧网址“/?p=45”不能包含 ? 或 #。"),
    ("files/report.pdf", "旧网址“files/report.pdf”不是网页地址，无法设置跳转。"),
])
def test_invalid_alias(tree, alias, message):
    write(tree, "content/column/2016-009.md", entry_with_aliases(alias))
    assert problems(tree) == [f"content/column/2016-009.md:8: 字段 aliases[1]（旧网址）：{message} {HINT}"]


ADDRESSES_TAKEN = [
    pytest.param(entry_with_aliases("/column/2016-001"), [
        "content/column/2016-009.md:8: 旧网址 column/2016-001/ 是另一条记录现在的网址。"
        " 见 content/column/2016-001.md；一个网址只能属于一条记录，请核对旧网址。"], id="alias_may_not_be_another_records_url"),
    pytest.param(entry_with_aliases("column/2016-009/"), [
        "content/column/2016-009.md:8: 旧网址 column/2016-009/ 就是本记录现在的网址。 请删除这一条 aliases。"], id="alias_may_not_be_the_records_own_url"),
    # 2016-004 already keeps column/2016-003/; the same address written another way is the same.
    pytest.param(entry_with_aliases("/column/2016-003/index.html"), [
        "content/column/2016-009.md:8: 旧网址 column/2016-003/ 重复。"
        " 已在 content/column/2016-004.md:11 使用；一个旧网址只能跳转到一条记录。"], id="alias_may_redirect_to_one_record_only"),
]


@pytest.mark.parametrize("text, expected", ADDRESSES_TAKEN)
def test_an_address_belongs_to_one_record_only(tree, text, expected):
    write(tree, "content/column/2016-009.md", text)
    assert problems(tree) == expected


def test_alias_may_not_take_the_address_of_a_generated_page(tree, tmp_path):
    write(tree, "content/column/2016-009.md", entry_with_aliases("departments/cgj/"))
    expected = ("content/column/2016-009.md:8: 旧网址 departments/cgj/ 与网站上现有的页面重复。"
                " 旧网址不能占用现有页面的地址；请删除这一条 aliases，或核对旧网址。")
    assert problems(tree) == [expected]
    out = io.StringIO()
    assert build_or_report(CONF, tmp_path / "out", tree, out=out) == 1
    assert out.getvalue().splitlines()[0] == expected
    assert not (tmp_path / "out").exists()


def test_fixture_redirect_page_points_to_the_current_url(fixture_site):
    soup = parse(fixture_site / "column/2016-003/index.html")
    assert soup.select_one('meta[http-equiv="refresh"]')["content"] == "0; url=../2016-004/"
    # The canonical link names the permanent address even in the preview (JIANDU_PUBLIC_URL).
    assert soup.select_one('link[rel="canonical"]')["href"] == "https://jiandu.example.gov.cn/column/2016-004/"
    link = soup.select_one("main a.jd-redirect__link")  # readable and followable without refresh or JS
    assert link["href"] == "../2016-004/" and link.get_text() == "/column/2016-004/"
    assert soup.h1.get_text() == "本页网址已变更"
    assert "老旧小区何时有物业" in soup.select_one("main").get_text()


def test_published_redirect_has_an_absolute_canonical_link(tmp_path):
    site = tmp_path / "site"
    build(PROJECT / "publishconf.py", site, PROJECT / "tests/fixtures/site", JIANDU_AS_OF=FIXTURE_AS_OF)
    soup = parse(site / "column/2016-003/index.html")
    assert soup.select_one('link[rel="canonical"]')["href"] == "https://jiandu.example.gov.cn/column/2016-004/"
    assert soup.select_one("main a.jd-redirect__link").get_text() == "https://jiandu.example.gov.cn/column/2016-004/"


def test_aliases_in_other_forms_become_redirect_pages(tree, tmp_path):
    write(tree, "content/column/2016-009.md", entry_with_aliases("/minsheng/2016/9", "legacy/page-9.html"))
    site = build_fixture_site(PROJECT, tmp_path / "out", root=tree)
    for old, target in (("minsheng/2016/9/index.html", "../../../column/2016-009/"),
                        ("legacy/page-9.html", "../column/2016-009/")):
        soup = parse(site / old)
        assert soup.select_one('meta[http-equiv="refresh"]')["content"] == f"0; url={target}"


def test_check_fails_when_a_published_url_disappears_without_alias(tree, fixture_site):
    label, name = archive_edition(tree, fixture_site / "manifest.json")
    assert problems(tree) == []  # the same content: every address is still there
    entry = tree / "content/column/2016-005.md"
    entry.write_text(entry.read_text(encoding="utf-8").replace("number: 5\n", "number: 6\n"), encoding="utf-8")
    line = line_in(tree / "archives" / name, '"column/2016-005/index.html"')
    assert problems(tree) == [
        f"archives/{name}:{line}: 网址 /column/2016-005/ 在上一归档版本 {label} 中已发布，按现在的内容生成后将不再存在。"
        " 若该记录已改为 column/2016-006，请在 content/column/2016-005.md 的 front matter 中加入"
        " aliases: [column/2016-005/]。"]
    entry.write_text(entry.read_text(encoding="utf-8").replace("number: 6\n", "number: 6\naliases: [column/2016-005/]\n"),
                     encoding="utf-8")
    assert problems(tree) == []


def test_check_reports_every_lost_url_of_a_removed_department(tree, fixture_site):
    _, name = archive_edition(tree, fixture_site / "manifest.json")
    registry = tree / "content/departments.yml"
    text = registry.read_text(encoding="utf-8")
    start = text.index("- id: hy-scjg")  # a department no record names
    registry.write_text(text[:start] + text[text.index("- id:", start + 1):], encoding="utf-8")
    found = problems(tree)
    assert [p.split(": ")[1].split(" ")[1] for p in found] == ["/departments/hy-scjg/feed.atom", "/departments/hy-scjg/"]
    assert found[0].endswith(" 已发布的网址不能消失：请恢复该页面，或在接替它的记录中用 aliases 填写这个旧网址。")


def test_check_reports_a_missing_edition_manifest(tree, fixture_site):
    _, name = archive_edition(tree, fixture_site / "manifest.json")
    (tree / "archives" / name).unlink()
    out = io.StringIO()
    assert check(CONF, tree, out=out, JIANDU_AS_OF=FIXTURE_AS_OF) == 1
    assert out.getvalue().splitlines()[0] == (
        f"archives/{name}:1: 无法读取上一归档版本 2016-06-30-0123abcd 的文件清单。"
        " 该文件由 invoke archive 生成并应随 editions.json 一起提交；请从 git 历史中恢复。")


def test_broken_editions_index_is_a_problem_with_its_line(tree):
    (tree / "archives").mkdir()
    (tree / "archives/editions.json").write_text('{\n  "format": "jiandu-editions/1",\n  "editions": [\n}\n',
                                                 encoding="utf-8")
    assert problems(tree) == [
        "archives/editions.json:4: 归档索引不是有效的 JSON：Expecting value。"
        " 该文件由 invoke archive 生成，请勿手工修改；可从 git 历史中恢复。"]
