"""Rendering: one Jinja environment on the theme, page-relative URLs, and writing files."""

from __future__ import annotations

from collections.abc import Callable
from contextvars import ContextVar
from functools import partial
from pathlib import Path
from types import BuiltinFunctionType, FunctionType, MethodType

import markupsafe
from jinja2 import Environment, FileSystemLoader, StrictUndefined, Template
from jinja2.runtime import Context, Macro, missing
from markupsafe import Markup

from jiandu.content.model import Site
from jiandu.core import routes
from jiandu.core.identity import identity_of
from jiandu.core.settings import Settings
from jiandu.core.vocabulary import CommitmentStatus, EntryStatus, Kind, Level
from jiandu.site.charts import bar_chart
from jiandu.site.citations import date_cn
from jiandu.site.indexes import effective_status
from jiandu.site.pages import DataFile, Page

# Links from the page being rendered: relative to it, or absolute (SITEURL) for a page served at
# any depth such as 404.html. Kept out of the template context so that component macros can be
# imported without context, and so compiled once per build.
_LINKS: ContextVar[Callable[[str], str]] = ContextVar("jiandu_links")


def url(target: str) -> str:
    """The theme's link helper: a target relative to the page being rendered."""
    return _LINKS.get()(target)


# Callables that Jinja calls as they are unless marked with pass_context and the like.
_PLAIN_CALLABLES = frozenset({FunctionType, BuiltinFunctionType, MethodType, partial})


class ThemeContext(Context):
    """Jinja's context with a short way through `call`, which every `{{ f(x) }}` in a template
    goes through, hundreds of thousands of times a build: the general way asks each callable,
    and its `__call__`, whether it wants the context passed. A macro wants the evaluation
    context (Macro.__call__ is pass_eval_context); a plain function or method without a marker
    wants nothing. Anything else takes the general way."""

    def call(__self, __obj, *args, **kwargs):  # Jinja's own signature
        kind = type(__obj)
        if kind is not Macro and (kind not in _PLAIN_CALLABLES or hasattr(__obj, "jinja_pass_arg")):
            return super().call(__obj, *args, **kwargs)
        if kwargs:
            kwargs.pop("_loop_vars", None)
            kwargs.pop("_block_vars", None)
        try:
            if kind is Macro:
                return _call_macro(__obj, args, kwargs, __self.eval_ctx)
            return __obj(*args, **kwargs)
        except StopIteration:
            return __self.environment.undefined(
                "value was undefined because a callable raised a StopIteration exception")


def _call_macro(macro: Macro, args: tuple, kwargs: dict, eval_ctx):
    """What Macro.__call__ does for a macro without `caller` or catch-alls: its arguments in
    order, `missing` for those not given (the macro's function puts in the defaults)."""
    count = macro._argument_count
    if macro.caller or macro.catch_kwargs or macro.catch_varargs or len(args) > count:
        return macro(eval_ctx, *args, **kwargs)
    if kwargs:
        names = macro.arguments[len(args):]
        if not kwargs.keys() <= set(names):
            return macro(eval_ctx, *args, **kwargs)  # Jinja's own TypeError
        args = (*args, *(kwargs.get(name, missing) for name in names))
    elif len(args) < count:
        args = (*args, *(missing,) * (count - len(args)))
    html = macro._func(*args)
    return _markup(Markup, html) if eval_ctx.autoescape else html


# Markup(text) for a plain str, without Markup.__new__ in Python: what every `{{ … }}` makes.
_markup = str.__new__
_escape_text = markupsafe._escape_inner  # the C function behind markupsafe.escape


def escape(value) -> Markup:
    """markupsafe.escape, the same text with fewer steps for the two kinds that every page prints
    thousands of times: a plain string, and the Markup that a macro returned."""
    kind = type(value)
    if kind is str:
        return _markup(Markup, _escape_text(value))
    if kind is Markup:
        return value  # already safe, and immutable: what markupsafe would copy
    return markupsafe.escape(value)


class ThemeTemplate(Template):
    """A theme template whose compiled code escapes output with `escape` above. The compiled
    module imports Jinja's `escape` (markupsafe's) as a global of its own, so that one name is
    replaced, before any of its functions runs."""

    @classmethod
    def _from_namespace(cls, environment, namespace, globals):
        namespace["escape"] = escape
        return super()._from_namespace(environment, namespace, globals)


class ThemeEnvironment(Environment):
    """Jinja's environment with each template's globals as one flat dict, not a ChainMap: every
    render copies them and every macro import compares their names, thousands of times a build.
    The theme's globals are all set before the first template is loaded and never change."""

    context_class = ThemeContext
    template_class = ThemeTemplate

    def make_globals(self, d: dict | None) -> dict:
        return {**self.globals, **(d or {})}


def make_env(theme: Path, settings: Settings, css: bytes) -> Environment:
    """The theme's environment for one pipeline. Its globals are helpers and settings only, fixed
    for the pipeline's life, so that Jinja keeps the modules of component macros imported without
    context; what changes from build to build reaches templates through `shared_context`."""
    env = ThemeEnvironment(
        loader=FileSystemLoader(str(theme / "templates")),
        autoescape=True,
        trim_blocks=True,
        lstrip_blocks=True,
        undefined=StrictUndefined,
        auto_reload=False,  # a theme change starts a new pipeline; no stat() per page
        # A plain dict, not Jinja's locked LRU: every render looks up each template it imports.
        cache_size=-1,
    )
    env.policies["json.dumps_kwargs"] = {"sort_keys": True, "ensure_ascii": False}  # |tojson
    siteurl = settings.site_url
    env.globals.update(
        url=url, routes=routes, Kind=Kind, Level=Level, EntryStatus=EntryStatus,
        CommitmentStatus=CommitmentStatus, bar_chart=bar_chart,
        SITENAME=settings.site_name, SITEURL=siteurl,
        # Canonical links and link targets as printed on paper: absolute when published.
        absolute_url=partial(routes.absolute, siteurl),
        css_url=routes.versioned(routes.CSS_BUNDLE, css),
        identity=identity_of(settings),
    )
    env.filters.update(date_cn=date_cn)
    return env


def css_bundle(theme: Path) -> bytes:
    """Component stylesheets concatenated in name order: one request for the whole theme."""
    parts = sorted((theme / "css").glob("*.css"))
    return b"\n".join(p.read_bytes() for p in parts)


def shared_context(site: Site) -> dict:
    """What every page may show besides its own context: the registry, the as-of date, and helpers
    bound to them. A change to either rewrites every page (Pipeline.update)."""
    status_of = partial(effective_status, as_of=site.as_of)
    return {"depts": site.departments, "as_of": site.as_of, "status_of": status_of}


def render_page(env: Environment, page: Page, shared: dict) -> bytes:
    template = env.get_template(page.template)
    if page.context.get("absolute_urls", False):
        links = partial(routes.absolute, env.globals["SITEURL"])
    else:
        links = routes.PageLinks(page.path)
    token = _LINKS.set(links)
    try:
        html = template.render({**shared, **page.context, "page_path": page.path, "page_url": page.url})
    finally:
        _LINKS.reset(token)
    return html.encode("utf-8")


def render_output(env: Environment, output: Page | DataFile, site: Site, shared: dict) -> bytes:
    """The bytes of one output: a page rendered with its context, or a data file produced."""
    if isinstance(output, DataFile):
        return output.produce(site, *output.args)
    return render_page(env, output, shared)
