"""Build a project with directory listings returned in a scrambled order.

Usage: python shuffled_build.py PROJECT OUTPUT SEED

The file system usually lists a directory in the same order in two copies, which would hide code
that depends on that order. Here os.scandir and os.listdir return their entries shuffled with
SEED before the build starts, so two builds with different seeds see different orders.
"""

import os
import random
import sys
from pathlib import Path

_scandir, _listdir = os.scandir, os.listdir


class _Entries:
    """What os.scandir returns: an iterator that is also a context manager."""

    def __init__(self, entries):
        self._it = iter(entries)

    def __iter__(self):
        return self

    def __next__(self):
        return next(self._it)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False

    def close(self):
        pass


def _shuffled(items, seed):
    items = list(items)
    random.Random(seed).shuffle(items)
    return items


def main(project: Path, output: Path, seed: int) -> None:
    def scandir(path="."):
        with _scandir(path) as it:
            return _Entries(_shuffled(it, seed))

    os.scandir = scandir
    os.listdir = lambda path=".": _shuffled(_listdir(path), seed)

    from jiandu.commands.build import build

    build(project / "publishconf.py", output, project)


if __name__ == "__main__":
    main(Path(sys.argv[1]), Path(sys.argv[2]), int(sys.argv[3]))
