"""Content in a test tree: records written from one front-matter builder, front matter read back
with plain YAML (never the model), and the problems `invoke check` reports."""

import io
import textwrap
from pathlib import Path

import yaml

from jiandu.commands.build import check
from tests.support.project import CONF

# The front matter of a valid column record; `record` changes any of it.
FIELDS = {"title": "测试条目", "number": 9, "date": "2016-06-01", "departments": "[cgj]", "status": "已受理"}


def record(body: str = "正文。", extra: str = "", **fields) -> str:
    """A column record's file: FIELDS with `fields` changed, then `extra` (more front-matter lines,
    each ending in a newline), then the body. The title is on line 2 and the body starts on line
    8 plus the lines of `extra`."""
    head = "".join(f"{key}: {value}\n" for key, value in {**FIELDS, **fields}.items())
    return f"---\n{head}{extra}---\n{body}\n"


# The valid record that validation cases break one field at a time.
ENTRY = record()


def write(tree: Path, rel: str, text: str) -> None:
    path = tree / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")


def front_matter(text: str) -> dict:
    """The front matter of a record's text, read with plain YAML."""
    return yaml.safe_load(text.split("---\n", 2)[1])


def body(text: str) -> str:
    return text.split("---\n", 2)[2]


def problems(tree: Path, **settings) -> list[str]:
    """The `path:line: message` lines of `invoke check` on `tree`, at the fixture's as-of date."""
    out = io.StringIO()
    status = check(CONF, tree, out=out, **{"JIANDU_AS_OF": "2016-06-30", **settings})
    lines = out.getvalue().splitlines()
    assert status == (1 if len(lines) > 1 else 0)
    return lines[:-1] if status else []


# The fixture as a bureau could publish it, past the self-inspection that publish runs first: an
# as-of date within the update periods, and a record for the one department that has none.
PUBLISHABLE_AS_OF = "2016-06-10"


def make_publishable(tree: Path) -> Path:
    write(tree, "content/column/2016-030.md", record(
        "槐荫区市场监管综合执法大队已受理。", title="市场摊位整改", number=30, date="2016-06-08",
        departments="[hy-scjg]"))
    return tree
