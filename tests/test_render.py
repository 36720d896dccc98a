"""The theme's Jinja environment takes shorter ways through calls, macros and escaping than Jinja's
own; what a template prints, and what it refuses, must be exactly what Jinja's own would give."""

from enum import StrEnum
from functools import partial

import markupsafe
import pytest
from jinja2 import DictLoader, Environment, StrictUndefined, pass_context
from jinja2.exceptions import UndefinedError

from jiandu.build.render import ThemeEnvironment, escape

COMPONENTS = """
{% macro tag(status, label='默认', heading='h3') %}<{{ heading }} class="t">{{ label }}：{{ status }}</{{ heading }}>{% endmacro %}
{% macro framed(title) %}<div title="{{ title }}">{{ caller() }}</div>{% endmacro %}
{% macro anything() %}{{ varargs|join(',') }}|{{ kwargs|dictsort|join(',') }}{% endmacro %}
"""

PAGE = """{% from "components.html" import tag, framed, anything %}
{{ tag(status) }}{{ tag(status, heading='h2') }}{{ tag(status, '标签', 'h4') }}{{ tag(status=status) }}
{% for s in [status, hostile, number] %}{{ tag(s, label=loop.index) }}{% if not loop.last %}、{% endif %}{% endfor %}
{% call framed(hostile) %}{{ tag(hostile) }}{% endcall %}
{{ anything(1, hostile, x=hostile) }}
{{ plain(hostile) }}|{{ bound(hostile) }}|{{ with_context() }}|{{ safe }}|{{ number }}|{{ nothing }}
"""


class Status(StrEnum):
    OPEN = "<办理中>"


@pass_context
def page_name(context):
    return context["page"]


def environments() -> list[Environment]:
    made = []
    for cls in (Environment, ThemeEnvironment):
        env = cls(loader=DictLoader({"components.html": COMPONENTS, "page.html": PAGE}),
                  autoescape=True, undefined=StrictUndefined, cache_size=-1)
        env.globals.update(plain=lambda s: s + "&", bound=partial(str.upper), with_context=page_name)
        made.append(env)
    return made


CONTEXT = {"status": Status.OPEN, "hostile": "\"'><script>alert(1)</script>&amp;", "number": 7,
           "safe": markupsafe.Markup("<b>已核实</b>"), "nothing": None, "page": "<p>"}


def test_a_page_renders_as_with_jinjas_own_environment():
    jinja, theme = (env.get_template("page.html").render(CONTEXT) for env in environments())
    assert "&lt;script&gt;" in theme and "<script>" not in theme  # the comparison means something
    assert theme == jinja


@pytest.mark.parametrize(("source", "error"), [
    ("{{ tag(status, colour='red') }}", TypeError),  # no such parameter
    ("{{ tag(status, '标签', 'h4', 'extra') }}", TypeError),  # too many arguments
    ("{{ tag(status, label='a', heading='b', caller=none) }}", TypeError),
    ("{{ tag(missing_name) }}", UndefinedError),
])
def test_a_wrong_call_fails_as_with_jinjas_own_environment(source, error):
    for env in environments():
        template = env.from_string('{% from "components.html" import tag %}' + source)
        with pytest.raises(error):
            template.render(CONTEXT)


@pytest.mark.parametrize("value", ["", "plain 文本", "<a href=\"x\">'&'</a>", markupsafe.Markup("<i>x</i>"),
                                   Status.OPEN, 3, 2.5, None, ["<", ">"]])
def test_escape_is_markupsafes(value):
    assert escape(value) == markupsafe.escape(value)
    assert type(escape(value)) is markupsafe.Markup
