"""The whole fixture output against the committed expected tree (regenerate: invoke regenerate-expected)."""

import difflib

from jiandu.commands.testing import EXPECTED
from tests.support.project import PROJECT


def files(root):
    return {p.relative_to(root).as_posix(): p for p in sorted(root.rglob("*")) if p.is_file()}


def test_output_matches_expected_tree(fixture_site):
    built, expected = files(fixture_site), files(PROJECT / EXPECTED)
    assert sorted(built) == sorted(expected), "pages added or removed; run: invoke regenerate-expected"
    for name, path in built.items():
        got, want = path.read_bytes(), expected[name].read_bytes()
        if got != want:
            diff = difflib.unified_diff(want.decode().splitlines(), got.decode().splitlines(),
                                        f"expected/{name}", f"built/{name}", lineterm="", n=2)
            raise AssertionError("\n".join(list(diff)[:60]) + "\n(if intended: invoke regenerate-expected)")
