"""The vocabulary enums: what staff write becomes a member, and every member has its URL and style."""

import re

from jiandu.commands.build import read_pelican_settings
from jiandu.commands.testing import FIXTURE, FIXTURE_AS_OF
from jiandu.content.tree import load_site
from jiandu.core.settings import jiandu_settings
from jiandu.core.vocabulary import CommitmentStatus, EntryStatus, Kind, Level
from tests.support.project import CONF, PROJECT

CSS = "\n".join(p.read_text(encoding="utf-8") for p in (PROJECT / "theme/css").glob("*.css"))


def test_every_status_has_a_styled_tag_and_its_own_url():
    for statuses in (EntryStatus, CommitmentStatus):
        assert len({s.slug for s in statuses}) == len(statuses)
        for status in statuses:
            assert re.fullmatch(r"[a-z-]+", status.slug)
            assert f".jd-tag--{status.modifier} " in CSS, status


def test_only_overdue_is_never_written_by_staff():
    assert CommitmentStatus.OVERDUE not in CommitmentStatus.stated()
    assert set(CommitmentStatus.stated()) | {CommitmentStatus.OVERDUE} == set(CommitmentStatus)
    assert CommitmentStatus.choices() == "已兑现、推进中 或 未启动"


def test_front_matter_words_are_read_into_members():
    root = PROJECT / FIXTURE
    site = load_site(root, jiandu_settings(read_pelican_settings(CONF, root, JIANDU_AS_OF=FIXTURE_AS_OF)))
    assert {type(d.level) for d in site.departments.values()} == {Level}
    assert {d.level for d in site.departments.values()} == set(Level)
    assert {r.kind for r in site.inquiries} == {Kind.INQUIRY}
    assert {r.kind for r in site.entries} == {Kind.COLUMN}
    assert {type(e.status) for e in site.entries} == {EntryStatus}
    stated = {c.status for r in site.inquiries for s in r.segments for c in s.commitments}
    assert stated and {type(s) for s in stated} == {CommitmentStatus}
    assert CommitmentStatus.OVERDUE not in stated
    history = [h.status for e in site.entries for h in e.history]
    assert history and all(isinstance(h, EntryStatus) for h in history)
