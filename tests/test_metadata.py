"""Page metadata as 《政府网站发展指引》 defines it, on every page kind of the fixture site, compared
with the settings and with the content read independently from the fixture's files; and the site
identity in the footer."""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from jiandu.commands.build import read_pelican_settings
from jiandu.commands.testing import FIXTURE
from jiandu.core.settings import jiandu_settings
from tests.support.fixture import REGISTRY, read_record
from tests.support.project import CONF, PROJECT, parse


@pytest.fixture(scope="module")
def settings():
    return jiandu_settings(read_pelican_settings(CONF, PROJECT / FIXTURE))


def metas(soup) -> dict[str, str]:
    out = {}
    for tag in soup.find_all("meta"):
        key = tag.get("name") or tag.get("property")
        if key:
            assert key not in out, f"meta {key} twice"
            out[key] = tag["content"]
    return out


# One page of each kind: (output file, the column it belongs to).
PAGE_KINDS = {
    "index.html": "首页",
    "inquiry/2016-01/index.html": "电视问政",
    "column/2016-001/index.html": "民生无小事、件件有人管",
    "inquiry/index.html": "电视问政",
    "column/2016/index.html": "民生无小事、件件有人管",
    "categories/index.html": "民生无小事、件件有人管",
    "categories/zhan-dao-jing-ying-5a03/index.html": "民生无小事、件件有人管",
    "status/index.html": "民生无小事、件件有人管",
    "status/closed/index.html": "民生无小事、件件有人管",
    "departments/index.html": "部门",
    "departments/cgj/index.html": "部门",
    "departments/by/overdue/index.html": "部门",
    "districts/hy/index.html": "部门",
    "commitments/index.html": "承诺台账",
    "commitments/overdue/index.html": "承诺台账",
    "archive/index.html": "往期",
    "archive/2016/index.html": "往期",
    "data/index.html": "开放数据",
    "search/index.html": "搜索",
    "elder/index.html": "长辈版",
}
SITE_FIELDS = ("SiteName", "SiteDomain", "SiteIDCode", "ColumnName", "ColumnDescription", "ColumnKeywords",
               "ColumnType", "description", "og:title", "og:description", "og:url", "og:image", "og:type")


@pytest.mark.parametrize("path", sorted(PAGE_KINDS))
def test_every_page_kind_has_the_guideline_fields_from_settings(fixture_site, settings, path):
    soup = parse(fixture_site / path)
    m = metas(soup)
    for name in SITE_FIELDS:
        assert m.get(name, "").strip(), f"{path}: {name}"
    public = settings.public_url
    url = f"{public}/{path.removesuffix('index.html')}"
    assert m["SiteName"] == settings.site_name
    assert m["SiteDomain"] == urlsplit(public).hostname == "jiandu.example.gov.cn"
    assert m["SiteIDCode"] == settings.site_code == "3701000099"
    assert m["ColumnName"] == PAGE_KINDS[path]
    assert soup.find("link", rel="canonical")["href"] == m["og:url"] == url
    assert soup.title.get_text() == f"{m['og:title']} · {settings.site_name}"
    assert m["og:description"] == m["description"] and len(m["description"]) <= 120
    assert m["og:image"] == f"{public}/theme/images/share.png"
    assert (fixture_site / "theme/images/share.png").read_bytes().startswith(b"\x89PNG")
    assert m["og:locale"] == "zh_CN"
    article = path.startswith(("inquiry/2016-", "column/2016-")) and "/2016/" not in path
    assert (m["og:type"] == "article") == article
    assert ("PubDate" in m) == article and ("article:published_time" in m) == article


def test_titles_are_unique_across_the_fixture(fixture_site):
    titles = {}
    for file in sorted(fixture_site.rglob("*.html")):
        soup = parse(file)
        if soup.find("meta", attrs={"name": "robots", "content": "noindex"}):
            continue  # redirects and the 404 page
        title = soup.title.get_text()
        assert title not in titles, f"{file} and {titles[title]}"
        titles[title] = file


@pytest.mark.parametrize("source", ["column/2016-001.md", "column/2016-004.md", "inquiry/2016-01.md",
                                    "inquiry/2016-02.md"])
def test_record_pages_carry_the_article_fields_from_the_content(fixture_site, settings, source):
    front, body = read_record(source)
    kind, name = source.removesuffix(".md").split("/")
    page = f"{kind}/{name}/"
    m = metas(parse(fixture_site / page / "index.html"))
    assert m["ArticleTitle"] == front["title"] == m["og:title"]
    assert m["PubDate"] == f"{front['date']} 00:00"
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}", m["PubDate"])
    assert m["article:published_time"] == str(front["date"])
    assert m["Url"] == m["og:url"] == f"{settings.public_url}/{page}"
    assert m["Author"] == settings.sponsor
    assert m["Description"] == m["description"]
    assert m["Image"] == m["og:image"]
    if kind == "column":
        assert m["ContentSource"] == "《民生无小事、件件有人管》专栏"
        assert m["Description"] == (body if len(body) <= 120 else body[:119] + "…")
        ids = front["departments"] + ([front["district"]] if front.get("district") else [])
        expected = [REGISTRY[i].get("short") or REGISTRY[i]["name"] for i in ids]
        if front.get("category"):
            expected.append(front["category"])
        assert m["Keywords"].split(",") == [*expected, "民生专栏"]
    else:
        assert m["ContentSource"] == front.get("program", settings.program)
        for segment in front["segments"]:
            assert segment["topic"] in m["Description"]
        assert m["Keywords"].endswith(",电视问政")


def test_page_without_an_address_and_redirects_are_not_indexed(fixture_site, settings):
    missing = parse(fixture_site / "404.html")
    assert missing.find("link", rel="canonical") is None
    assert metas(missing)["robots"] == "noindex"
    redirect = parse(fixture_site / "column/2016-003/index.html")
    assert metas(redirect)["robots"] == "noindex"
    assert redirect.find("link", rel="canonical")["href"] == f"{settings.public_url}/column/2016-004/"


def test_published_pages_take_their_address_from_siteurl(tmp_path):
    from jiandu.commands.build import build

    site = tmp_path / "site"
    build(PROJECT / "publishconf.py", site, PROJECT / FIXTURE, JIANDU_AS_OF="2016-06-30", JIANDU_SEARCH=False,
          SITEURL="https://staging.example.gov.cn")
    m = metas(parse(site / "column/2016-001/index.html"))
    assert m["Url"] == "https://staging.example.gov.cn/column/2016-001/"
    assert m["SiteDomain"] == "staging.example.gov.cn"


def test_footer_shows_the_site_identity_with_lookup_links(fixture_site, settings):
    for path in ("index.html", "column/2016-001/index.html", "404.html"):
        footer = parse(fixture_site / path).select_one("footer .jd-identity")
        items = {dt.get_text(): dd for dt, dd in zip(footer.select("dt"), footer.select("dd"), strict=True)}
        assert items["主办单位"].get_text() == settings.sponsor
        assert items["承办单位"].get_text() == settings.operator
        assert items["联系电话"].get_text() == settings.contact.phone
        assert items["电子邮箱"].a["href"] == f"mailto:{settings.contact.email}"
        assert items["网站标识码"].get_text() == settings.site_code
        icp = items["ICP 备案号"].a
        assert icp.get_text() == settings.icp and icp["href"] == "https://beian.miit.gov.cn/"
        police = items["公安机关备案号"].a
        digits = re.search(r"\d{14}", settings.police_record).group()
        assert police.get_text() == settings.police_record
        assert police["href"] == f"https://beian.mps.gov.cn/#/query/webSearch?code={digits}"
        mark = footer.select_one("a.jd-identity__mark")
        assert mark["href"] == settings.conac_url
        src = mark.img["src"]
        assert not src.startswith(("http://", "https://", "//")) or path == "404.html"
        assert (fixture_site / "theme/images/conac-mark.svg").is_file() and mark.img["alt"]


def test_guideline_fields_come_from_settings_not_the_theme(tmp_path):
    from jiandu.commands.testing import build_fixture_site

    site = build_fixture_site(PROJECT, tmp_path / "out", SITENAME="某区执法监督网", JIANDU_SITE_CODE="3701020001",
                              JIANDU_PUBLIC_URL="https://jd.example.gov.cn")
    m = metas(parse(site / "departments/index.html"))
    assert (m["SiteName"], m["SiteIDCode"], m["SiteDomain"]) == ("某区执法监督网", "3701020001", "jd.example.gov.cn")
    assert Path(site / "column/2016-001/qr.svg").read_text().count("https://jd.example.gov.cn/column/2016-001/") == 1
