"""jiandu/core/files.py: writing outputs with few system calls, and hashing them back."""

import hashlib
import os

import pytest
from hypothesis import given
from hypothesis import strategies as st

from jiandu.core.files import sha256_and_size, write, write_if_changed


def test_write_makes_missing_folders_and_replaces_what_was_there(tmp_path):
    target = tmp_path / "a" / "b" / "page.html"
    write(str(target), b"first version, longer")
    write(str(target), b"second")
    assert target.read_bytes() == b"second"


def test_unchanged_bytes_keep_the_file_and_its_mtime(tmp_path):
    target = tmp_path / "page.html"
    target.write_bytes(b"same")
    os.utime(target, ns=(0, 1_000_000_000))
    assert write_if_changed(str(target), b"same") is False
    assert target.stat().st_mtime_ns == 1_000_000_000


@pytest.mark.parametrize("new", [b"sam", b"same!", b"Same", b""])
def test_changed_bytes_are_written(tmp_path, new):
    """Shorter, longer, same length or empty: a prefix of the old bytes is not 'the same'."""
    target = tmp_path / "page.html"
    target.write_bytes(b"same")
    assert write_if_changed(str(target), new) is True
    assert target.read_bytes() == new


@given(st.binary(max_size=3 << 20))
def test_hash_and_size_are_those_of_the_bytes(tmp_path_factory, data):
    target = tmp_path_factory.mktemp("h") / "file"
    write(str(target), data)
    assert sha256_and_size(str(target)) == (hashlib.sha256(data).hexdigest(), len(data))
