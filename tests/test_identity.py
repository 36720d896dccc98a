"""The site identity in settings: validated like content at its pelicanconf.py line; the preview
only warns when it is missing, `invoke publish` refuses and names what is missing; publish also
stops on a blocking self-inspection finding."""

from __future__ import annotations

import io
import shutil
from pathlib import Path

import pytest

from jiandu.commands.build import build_or_report, check
from jiandu.commands.deploy import publish
from tests.support.content import PUBLISHABLE_AS_OF, make_publishable
from tests.support.project import PROJECT

IDENTITY = ("JIANDU_SPONSOR", "JIANDU_OPERATOR", "JIANDU_CONTACT", "JIANDU_SITE_CODE", "JIANDU_ICP",
            "JIANDU_POLICE_RECORD")


@pytest.fixture
def project(tree) -> Path:
    """The fixture content with a copy of the project's settings and theme beside it, so that a
    test can edit the settings that this project's publishing reads."""
    shutil.copy(PROJECT / "pelicanconf.py", tree / "pelicanconf.py")
    shutil.copytree(PROJECT / "theme", tree / "theme")
    return make_publishable(tree)


def edit_settings(project: Path, old: str, new: str) -> int:
    """Replace a line of pelicanconf.py; return its line number."""
    conf = project / "pelicanconf.py"
    lines = conf.read_text(encoding="utf-8").splitlines()
    number = next(i for i, line in enumerate(lines) if line.startswith(old))
    lines[number] = new
    conf.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return number + 1


def test_malformed_identity_is_reported_at_its_line(project):
    icp = edit_settings(project, "JIANDU_ICP =", 'JIANDU_ICP = "ICP备案123"')
    code = edit_settings(project, "JIANDU_SITE_CODE =", 'JIANDU_SITE_CODE = "37-01"')
    out = io.StringIO()
    assert check(project / "pelicanconf.py", project, out=out, JIANDU_AS_OF="2016-06-30") == 1
    assert out.getvalue().splitlines()[:2] == [
        f"pelicanconf.py:{code}: 字段 JIANDU_SITE_CODE（网站标识码）：格式无效：“37-01”。"
        " 应写成 3701000001 这样的格式（10 位，前 6 位为行政区划代码）。",
        f"pelicanconf.py:{icp}: 字段 JIANDU_ICP（ICP 备案号）：格式无效：“ICP备案123”。"
        " 应写成 鲁ICP备12345678号-1 这样的格式（ICP 备案号）。",
    ]


def test_contact_needs_known_keys_and_a_valid_email(project):
    line = edit_settings(project, '    "email":', '    "mail": "jiandu@",')
    out = io.StringIO()
    assert check(project / "pelicanconf.py", project, out=out) == 1
    assert out.getvalue().splitlines()[0].startswith("pelicanconf.py:")
    assert "未知字段 mail。 是否指 email？" in out.getvalue()
    assert line > 1


def test_missing_identity_only_warns_in_check_and_build(project, tmp_path):
    line = edit_settings(project, "JIANDU_ICP =", "JIANDU_ICP = None")
    out = io.StringIO()
    assert check(project / "pelicanconf.py", project, out=out) == 0
    assert f"提示：pelicanconf.py:{line}: 缺少网站标识设置 JIANDU_ICP（ICP 备案号）。" in out.getvalue()
    out = io.StringIO()
    assert build_or_report(project / "pelicanconf.py", tmp_path / "out", project, out=out,
                           JIANDU_SEARCH=False) == 0
    assert "缺少网站标识设置 JIANDU_ICP" in out.getvalue() and "invoke publish 不会发布" in out.getvalue()
    footer = (tmp_path / "out/index.html").read_text(encoding="utf-8")
    assert "ICP 备案号" not in footer and "网站标识码" in footer


def test_publish_refuses_without_the_identity_and_names_what_is_missing(project, tmp_path):
    for name in ("JIANDU_SITE_CODE", "JIANDU_POLICE_RECORD"):
        edit_settings(project, f"{name} =", f"{name} = None")
    edit_settings(project, "JIANDU_CONTACT = {", "JIANDU_CONTACT = {}")
    for key in ('    "phone"', '    "email"', '    "address"', "}"):
        edit_settings(project, key, "")
    out = io.StringIO()
    target = tmp_path / "srv"
    status = publish(project / "pelicanconf.py", project, target=str(target), out=out,
                     JIANDU_AS_OF=PUBLISHABLE_AS_OF)
    assert status == 1
    said = out.getvalue().splitlines()
    assert said[-1] == ("缺少网站标识：JIANDU_CONTACT（联系方式）、JIANDU_SITE_CODE（网站标识码）、"
                        "JIANDU_POLICE_RECORD（公安机关备案号）。政府网站须在页脚公开这些信息，未发布；线上网站保持不变。")
    assert not target.exists() and not (project / "public").exists()


def test_publish_stops_on_a_blocking_inspection_finding(project, tmp_path):
    out = io.StringIO()
    target = tmp_path / "srv"
    # At 2016-06-30 the fixture's newest session is 104 days old: the session list is stale.
    status = publish(project / "pelicanconf.py", project, target=str(target), out=out,
                     JIANDU_AS_OF="2016-06-30", JIANDU_SEARCH=False)
    assert status == 1
    text = out.getvalue()
    assert "content/inquiry/2016-02.md:4: 阻断［栏目更新］电视问政列表已 104 天没有新记录" in text
    assert text.splitlines()[-1] == "自查发现阻断问题，未发布；线上网站保持不变。请按报告改正后再发布。"
    assert not target.exists() and (project / "reports/inspection.html").is_file()
    out = io.StringIO()
    assert publish(project / "pelicanconf.py", project, target=str(target), out=out,
                   JIANDU_AS_OF=PUBLISHABLE_AS_OF, JIANDU_SEARCH=False) == 0, out.getvalue()
    assert (target / "current/index.html").is_file()
