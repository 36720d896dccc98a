"""Typed settings: defaults declared once, every JIANDU_* key validated, all problems in one run."""

import io
import sys
from dataclasses import FrozenInstanceError, fields
from datetime import date
from pathlib import Path

import pytest

from jiandu.commands.build import build_or_report, check
from jiandu.core.problems import ContentError
from jiandu.core.settings import DEFAULTS, KEYS, Settings, jiandu_settings
from tests.support.project import CONF


def problems_of(values: dict) -> list[str]:
    with pytest.raises(ContentError) as err:
        jiandu_settings(values)
    return [line for line in err.value.problems.report().splitlines() if not line.startswith("共发现")]


def test_every_field_has_one_key_and_one_default():
    assert sorted(KEYS.values()) == sorted(f.name for f in fields(Settings))
    assert KEYS["JIANDU_PAGE_SIZE"] == "page_size" and KEYS["SITEURL"] == "site_url"
    assert jiandu_settings({}) == DEFAULTS


def test_values_are_converted_to_their_types():
    settings = jiandu_settings({"JIANDU_ROOT": "/srv/site", "JIANDU_AS_OF": "2017-06-30", "JIANDU_PAGE_SIZE": 20,
                                "JIANDU_LINK_ALLOWLIST": ["Gov.CN ", "example.org"], "SITEURL": "https://x.gov.cn"})
    assert settings.root == Path("/srv/site") and settings.content_folder == Path("/srv/site/content")
    assert settings.as_of == date(2017, 6, 30)
    assert settings.page_size == 20
    assert settings.link_allowlist == ("gov.cn", "example.org")
    assert settings.site_url == "https://x.gov.cn"
    with pytest.raises(FrozenInstanceError):
        settings.page_size = 3


def test_unknown_key_names_the_nearest_setting():
    (line,) = problems_of({"JIANDU_PAGESIZE": 20})
    assert line.startswith("pelicanconf.py:1: 未知设置 JIANDU_PAGESIZE。 是否指 JIANDU_PAGE_SIZE？可用设置：")


@pytest.mark.parametrize(("key", "value", "message"), [
    ("JIANDU_PAGE_SIZE", "50", "JIANDU_PAGE_SIZE 应为正整数。"),
    ("JIANDU_PAGE_SIZE", 0, "JIANDU_PAGE_SIZE 应为正整数。"),
    ("JIANDU_LATEST", True, "JIANDU_LATEST 应为正整数。"),
    ("JIANDU_SEARCH", "yes", "JIANDU_SEARCH 应为 True 或 False。"),
    ("JIANDU_PROGRAM", 3, "JIANDU_PROGRAM 应为文字。"),
    ("JIANDU_SERVICE_NUMBERS", "12345", "JIANDU_SERVICE_NUMBERS 应为文字列表。"),
    ("JIANDU_AS_OF", "2017-13-01", "JIANDU_AS_OF："),
])
def test_wrong_types_are_reported(key, value, message):
    (line,) = problems_of({key: value})
    assert line.startswith(f"pelicanconf.py:1: {message}")


def test_every_settings_problem_in_one_run():
    lines = problems_of({"JIANDU_PAGE_SIZE": "x", "JIANDU_SEARCH": 1, "JIANDU_NOPE": 1})
    assert len(lines) == 3


def test_check_reports_a_bad_setting_without_a_traceback(tree):
    out = io.StringIO()
    assert check(CONF, tree, out=out, JIANDU_FEED_SIZE=-1) == 1
    assert "pelicanconf.py:1: JIANDU_FEED_SIZE 应为正整数。" in out.getvalue()


def test_build_prints_what_it_made_instead_of_pelicans_zero_articles(tree, tmp_path, capsys):
    output = tmp_path / "site"
    assert build_or_report(CONF, output, tree, out=sys.stdout, JIANDU_AS_OF="2016-06-30", JIANDU_SEARCH=False) == 0
    printed = capsys.readouterr().out
    assert "Processed 0 articles" not in printed and "Done:" not in printed
    files = [p for p in output.rglob("*") if p.is_file()]
    pages = sum(p.suffix == ".html" for p in files)
    feeds = sum(p.suffix == ".atom" for p in files)
    data = sum(p.suffix in (".json", ".csv", ".xml", ".txt") and p.name != "manifest.json" for p in files)
    inquiries = len(list((tree / "content/inquiry").glob("*.md")))
    entries = len(list((tree / "content/column").glob("*.md")))
    assert (f"已生成 {inquiries} 期电视问政、{entries} 期专栏、" in printed)
    codes = sum(p.name == "qr.svg" for p in files)
    assert codes == inquiries + entries
    assert f"：{pages} 个网页、{feeds} 个订阅源、{data} 个数据文件、{codes} 个二维码，输出文件共 {len(files)} 个" in printed
    assert printed.rstrip().endswith(f"网站已生成：{output}")


def test_publishconf_reads_the_pelicanconf_beside_it(tmp_path):
    """Two projects published from one process each get their own development settings."""
    import shutil

    from jiandu.commands.build import read_pelican_settings
    from tests.support.project import PROJECT

    names = {}
    for name in ("甲站", "乙站"):
        folder = tmp_path / name
        (folder / "content").mkdir(parents=True)
        shutil.copy(PROJECT / "publishconf.py", folder / "publishconf.py")
        conf = (PROJECT / "pelicanconf.py").read_text(encoding="utf-8")
        (folder / "pelicanconf.py").write_text(conf + f"\nSITENAME = {name!r}\n", encoding="utf-8")
        names[name] = read_pelican_settings(folder / "publishconf.py")["SITENAME"]
    assert names == {"甲站": "甲站", "乙站": "乙站"}
