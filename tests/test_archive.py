"""Edition packages made by `invoke archive` from a git repository holding the fixture site: the
bag validates with bagit, the WARC reads back with warcio, the index and the /archive/ page list
them, and archiving is reproducible."""

import base64
import hashlib
import io
import json
import shutil
import tarfile
from pathlib import Path

import bagit
import pytest
from warcio.archiveiterator import ArchiveIterator

from jiandu.build.manifest import file_sha256, site_files
from jiandu.commands.build import build
from jiandu.content.edition_index import load_editions
from jiandu.core.problems import Problems
from jiandu.core.routes import public_url
from jiandu.editions.archive import CONTENT_TYPES, archive, build_at_ref
from tests.support.fixture import REGISTRY
from tests.support.git import commit_all, git, make_repo
from tests.support.project import parse


def run_archive(repo: Path, ref: str = "HEAD") -> tuple[int, str]:
    out = io.StringIO()
    return archive(repo, ref, out=out), out.getvalue()


@pytest.fixture(scope="module")
def archived(tmp_path_factory):
    repo = make_repo(tmp_path_factory.mktemp("archive") / "repo")
    status, message = run_archive(repo)
    assert status == 0, message
    editions = load_editions(repo, Problems())
    assert len(editions) == 1
    return repo, editions[0]


def unpack_bag(repo: Path, edition, into: Path) -> Path:
    with tarfile.open(repo / "archives" / edition.package("bag").name) as tar:
        tar.extractall(into, filter="data")
    return into / f"jiandu-{edition.label}-bag"


def test_edition_label_and_facts_come_from_git(archived):
    repo, edition = archived
    commit = git(repo, "rev-parse", "HEAD")
    assert edition.commit == commit
    assert edition.label == f"2016-06-30-{commit[:8]}"
    assert edition.commit_time == "2016-06-30T12:00:00Z"
    assert edition.site_url == "https://jiandu.example.gov.cn"
    assert (edition.sessions, edition.entries, edition.departments) == (2, 4, len(REGISTRY))
    for package in edition.packages:
        file = repo / "archives" / package.name
        assert (package.sha256, package.size) == (file_sha256(file), file.stat().st_size)


def test_bag_validates_and_describes_the_edition(archived, tmp_path):
    repo, edition = archived
    bag_dir = unpack_bag(repo, edition, tmp_path)
    assert [p.name for p in tmp_path.iterdir()] == [bag_dir.name]  # one top-level directory,
    assert edition.package("bag").name == f"{bag_dir.name}.tar.gz"  # named like the file (RFC 8493 4.2)
    bag = bagit.Bag(str(bag_dir))
    bag.validate()  # raises BagValidationError on any missing, extra or altered file
    assert bag.version_info == (1, 0)
    assert bag.algorithms == ["sha256"]
    assert {k: bag.info[k] for k in ("Source-Commit", "As-Of-Date", "Edition-Label", "Count-Inquiry-Sessions",
                                     "Count-Column-Entries", "Count-Departments", "Site-URL")} == {
        "Source-Commit": edition.commit, "As-Of-Date": "2016-06-30", "Edition-Label": edition.label,
        "Count-Inquiry-Sessions": "2", "Count-Column-Entries": "4",
        "Count-Departments": str(edition.departments), "Site-URL": "https://jiandu.example.gov.cn"}
    payload = site_files(bag_dir / "data")
    listed = json.loads((bag_dir / "data/manifest.json").read_text(encoding="utf-8"))["files"]
    assert payload == sorted([f["path"] for f in listed] + ["manifest.json"])
    assert "column/2016-001/index.html" in payload


def test_bag_validation_catches_a_changed_payload_file(archived, tmp_path):
    repo, edition = archived
    bag_dir = unpack_bag(repo, edition, tmp_path)
    page = bag_dir / "data/column/2016-001/index.html"
    page.write_bytes(page.read_bytes().replace(b"</main>", b"<a href='https://spam.example'>x</a></main>"))
    with pytest.raises(bagit.BagValidationError):
        bagit.Bag(str(bag_dir)).validate()


def sha1_base32(data: bytes) -> str:
    return "sha1:" + base64.b32encode(hashlib.sha1(data).digest()).decode()


def test_warc_has_one_response_per_file_with_matching_digests(archived, tmp_path):
    repo, edition = archived
    payload = unpack_bag(repo, edition, tmp_path) / "data"
    files = site_files(payload)
    by_url = {public_url(edition.site_url, f): f for f in files}
    seen = []
    with (repo / "archives" / edition.package("warc").name).open("rb") as handle:
        records = list(_records(handle))
    assert records[0]["type"] == "warcinfo"
    assert f"jiandu-source-commit: {edition.commit}" in records[0]["body"].decode()
    for record in records[1:]:
        assert record["type"] == "response"
        path = by_url[record["uri"]]
        body = (payload / path).read_bytes()
        assert record["body"] == body, path
        assert record["payload_digest"] == sha1_base32(body), path
        assert record["content_type"] == CONTENT_TYPES.get(Path(path).suffix, "application/octet-stream")
        assert record["date"] == "2016-06-30T12:00:00Z"
        assert record["warcinfo_id"] == records[0]["id"]
        seen.append(path)
    assert sorted(seen) == files  # exactly one record per output file
    assert by_url["https://jiandu.example.gov.cn/"] == "index.html"
    assert by_url["https://jiandu.example.gov.cn/column/2016-001/"] == "column/2016-001/index.html"
    types = {Path(f).suffix: r["content_type"] for f, r in zip(seen, records[1:], strict=True)}
    assert types[".html"] == "text/html; charset=utf-8" and types[".atom"] == "application/atom+xml"
    assert types[".css"] == "text/css; charset=utf-8" and types[".csv"] == "text/csv; charset=utf-8"


def _records(handle):
    for record in ArchiveIterator(handle, check_digests="raise"):
        yield {
            "type": record.rec_type, "uri": record.rec_headers.get_header("WARC-Target-URI"),
            "id": record.rec_headers.get_header("WARC-Record-ID"),
            "warcinfo_id": record.rec_headers.get_header("WARC-Warcinfo-ID"),
            "date": record.rec_headers.get_header("WARC-Date"),
            "payload_digest": record.rec_headers.get_header("WARC-Payload-Digest"),
            "content_type": record.http_headers.get_header("Content-Type") if record.http_headers else None,
            "body": record.content_stream().read(),
        }


def test_archiving_again_reproduces_the_same_packages(archived):
    repo, edition = archived
    before = {p.name: (repo / "archives" / p.name).read_bytes() for p in edition.packages}
    status, message = run_archive(repo)
    assert status == 0
    assert "重新生成的归档文件与索引中记录的完全一致" in message
    assert {name: (repo / "archives" / name).read_bytes() for name in before} == before


def test_archive_page_lists_each_package_with_its_hash(archived, tmp_path):
    repo, edition = archived
    build(repo / "pelicanconf.py", tmp_path / "site", repo, JIANDU_AS_OF="2016-06-30")
    soup = parse(tmp_path / "site/archive/index.html")
    article = soup.select_one("section.jd-editions article.jd-edition")
    assert article.h3.get_text() == f"版本 {edition.label}"
    facts = dict(zip([dt.get_text() for dt in article.select("dt")], [dd.get_text() for dd in article.select("dd")],
                     strict=True))
    assert facts["数据截至"] == "2016年6月30日" and facts["源提交"] == edition.commit
    rows = [(r.th.get_text(), r.select_one("td[data-label=SHA-256]").get_text()) for r in article.select("tbody tr")]
    assert rows == [(p.name, p.sha256) for p in edition.packages]


def test_archive_page_says_when_nothing_is_archived_yet(fixture_site):
    section = parse(fixture_site / "archive/index.html").select_one("section.jd-editions")
    assert section.select("article") == []
    assert section.select_one(".jd-editions__empty").get_text() == "尚无归档版本。"


def test_a_ref_is_built_with_its_own_code(archived, tmp_path):
    """An old edition comes out as it was published: the code of the ref renders it, not today's."""
    repo, _ = archived
    clone = tmp_path / "clone"
    git(tmp_path, "clone", "-q", str(repo), str(clone))
    render = clone / "jiandu/site/citations.py"  # where date_cn, the date on every page, lives
    render.write_text(render.read_text(encoding="utf-8").replace(
        'f"{value.year}年{value.month}月{value.day}日"', 'f"{value.year}年{value.month}月{value.day}日（旧版代码）"'),
        encoding="utf-8")
    commit_all(clone, "2016-07-01T09:00:00+08:00", "change the code only")
    build_at_ref(clone, "HEAD", tmp_path / "new")
    build_at_ref(clone, "HEAD~1", tmp_path / "old")
    footer = lambda site: parse(site / "index.html").select_one("footer time").get_text()
    assert footer(tmp_path / "new") == "2016年6月30日（旧版代码）"
    assert footer(tmp_path / "old") == "2016年6月30日"


def test_archive_refuses_an_edition_that_drops_a_published_url(archived, tmp_path):
    repo, _ = archived
    clone = tmp_path / "clone"
    git(tmp_path, "clone", "-q", str(repo), str(clone))
    shutil.copytree(repo / "archives", clone / "archives")
    entry = clone / "content/column/2016-005.md"
    entry.write_text(entry.read_text(encoding="utf-8").replace("number: 5\n", "number: 6\n"), encoding="utf-8")
    commit_all(clone, "2016-07-02T09:00:00+08:00", "renumber 2016-005 as 2016-006")
    status, message = run_archive(clone)
    assert status == 1
    assert "/column/2016-005/" in message and "aliases" in message
    assert len(load_editions(clone, Problems())) == 1  # nothing was added
    entry.write_text(entry.read_text(encoding="utf-8").replace("number: 6\n", "number: 6\naliases: [column/2016-005/]\n"),
                     encoding="utf-8")
    commit_all(clone, "2016-07-02T10:00:00+08:00", "keep the old address")
    status, message = run_archive(clone)
    assert status == 0, message
    assert [e.as_of.isoformat() for e in load_editions(clone, Problems())] == ["2016-06-30", "2016-07-02"]


def test_archive_of_invalid_content_reports_each_problem_and_writes_nothing(archived, tmp_path):
    repo, _ = archived
    clone = tmp_path / "clone"
    git(tmp_path, "clone", "-q", str(repo), str(clone))
    entry = clone / "content/column/2016-002.md"
    entry.write_text(entry.read_text(encoding="utf-8").replace("number: 2\n", "number: 7\n"), encoding="utf-8")
    commit_all(clone, "2016-07-03T09:00:00+08:00", "break a link")
    status, message = run_archive(clone)
    assert status == 1
    assert message.splitlines()[1:] == [
        "content/inquiry/2016-01.md:15: 链接目标 column/2016-002 不存在。 是否指 column/2016-001？",
        "共发现 1 个问题（1 problem(s)），未生成网站。"]
    assert not (clone / "archives").exists()
