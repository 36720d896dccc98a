"""A small declarative schema: each field knows its type, whether it is required, and its message.

Validation walks one file's located data, collects every problem with its line, and returns the
converted values. Names of keys are the staff-facing interface; labels are shown in messages.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from jiandu.core.problems import Problems
from jiandu.core.source import Key, Located, shorten


class Invalid(Exception):
    def __init__(self, message: str, suggestion: str = ""):
        super().__init__(message)
        self.message = message
        self.suggestion = suggestion


@dataclass
class Field:
    label: str  # Chinese name shown to staff
    required: bool = False

    def convert(self, value: Any, ctx: Context, key: Key) -> Any:
        return value


@dataclass
class Text(Field):
    def convert(self, value, ctx, key):
        if isinstance(value, bool) or not isinstance(value, (str, int, float)):
            raise Invalid(f"应为一段文字，实际为{_kind(value)}。")
        text = str(value).strip()
        if not text:
            raise Invalid("不能为空。")
        return text


@dataclass
class Integer(Field):
    minimum: int = 1
    maximum: int | None = None
    hint: str = ""  # what the number means, said when it is out of range

    def convert(self, value, ctx, key):
        if isinstance(value, str) and value.strip().isascii() and value.strip().isdigit():
            value = self._digits(value.strip())
        if isinstance(value, bool) or not isinstance(value, int):
            digits = re.sub(r"\D", "", str(value))
            hint = f"请只写数字，例如 {int(digits)}。" if 0 < len(digits) <= 18 else "请只写数字。"
            raise Invalid(f"应为整数，实际为{quote(value)}。", hint)
        if value < self.minimum or (self.maximum is not None and value > self.maximum):
            raise self._out_of_range(str(value))
        return value

    def _digits(self, text: str) -> int | str:
        """Digits YAML left as text: with a leading zero (once octal), or too many for an int."""
        if len(text) > 1 and text.startswith("0"):
            plain = text.lstrip("0") or "0"
            raise Invalid(f"不能以 0 开头：{quote(text)}。",
                          f"请写成 {shorten(plain)}（以 0 开头的数字在 YAML 中会被当作八进制，"
                          "0101 会变成 65）。")
        if len(text) > 18:
            raise self._out_of_range(text)
        return text  # quoted digits, "9": reported as text, as before

    def _out_of_range(self, digits: str) -> Invalid:
        if self.maximum is None:
            return Invalid(f"应不小于 {self.minimum}，实际为 {shorten(digits)}。", self.hint)
        looks = _as_date(digits)
        hint = f"{digits} 看起来是日期 {looks}，日期请写在 date 字段。" if looks else ""
        return Invalid(f"应在 {self.minimum} 到 {self.maximum} 之间，实际为 {shorten(digits)}。",
                       hint + self.hint)


def _as_date(digits: str) -> str | None:
    """20161230 -> "2016-12-30", if it is a real date."""
    if len(digits) != 8:
        return None
    text = f"{digits[:4]}-{digits[4:6]}-{digits[6:]}"
    try:
        parse_date(text)
    except Invalid:
        return None
    return text


DATE_RE = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")


def parse_date(value: Any) -> date:
    if isinstance(value, date):
        return value
    match = DATE_RE.match(str(value).strip())
    if not match:
        raise Invalid(f"日期格式无效：{quote(value)}。", "请写成 2017-03-05 这样的格式（年-月-日）。")
    try:
        return date(*map(int, match.groups()))
    except ValueError:
        raise Invalid(f"日期不存在：{quote(value)}。", "请核对月份和日期。") from None


@dataclass
class Date(Field):
    def convert(self, value, ctx, key):
        return parse_date(value)


@dataclass
class Bool(Field):
    def convert(self, value, ctx, key):
        if not isinstance(value, bool):
            raise Invalid(f"应为 true 或 false，实际为{quote(value)}。")
        return value


@dataclass
class Choice(Field):
    """One of `options`, returned as the option itself (e.g. a vocabulary enum member)."""

    options: tuple[str, ...] = ()
    hints: dict = field(default_factory=dict)  # value -> what to tell staff instead

    def convert(self, value, ctx, key):
        text = Text.convert(self, value, ctx, key)
        for option in self.options:
            if option == text:
                return option
        raise Invalid(f"取值{quote(text)}无效。",
                      self.hints.get(text, f"可选值：{'、'.join(self.options)}。"))


URL_RE = re.compile(r"^https?://[^\s/$.?#][^\s]*$", re.IGNORECASE)


@dataclass
class Url(Field):
    def convert(self, value, ctx, key):
        text = Text.convert(self, value, ctx, key)
        if not URL_RE.match(text):
            raise Invalid(f"不是有效的网址：{quote(text)}。", "网址应以 http:// 或 https:// 开头。")
        return text


@dataclass
class Custom(Field):
    """A field converted by a function of (value, ctx) that raises Invalid."""

    func: Callable[[Any, Context], Any] = lambda value, ctx: value

    def convert(self, value, ctx, key):
        return self.func(value, ctx)


@dataclass
class ListOf(Field):
    item: Field = field(default_factory=Field)
    min_items: int = 0
    single_ok: bool = False  # accept a lone value as a one-item list

    def convert(self, value, ctx, key):
        if self.single_ok and not isinstance(value, list) and value is not None:
            value = [value]
        if not isinstance(value, list):
            raise Invalid(f"应为列表（每项以“- ”开头），实际为{_kind(value)}。")
        if len(value) < self.min_items:
            raise Invalid(f"至少需要 {self.min_items} 项。")
        out = []
        for i, item in enumerate(value):
            converted = ctx.convert(self.item, item, key + (i,))
            if converted is not _MISSING:
                out.append(converted)
        return out


@dataclass
class Struct(Field):
    schema: Schema | None = None

    def convert(self, value, ctx, key):
        if not isinstance(value, dict):
            raise Invalid(f"应为“字段: 值”的结构，实际为{_kind(value)}。")
        return ctx.validate(self.schema, value, key)


@dataclass
class Schema:
    """An ordered list of (name, field) pairs, as in MkDocs' config schema."""

    fields: list[tuple[str, Field]]

    def names(self) -> list[str]:
        return [name for name, _ in self.fields]


_MISSING = object()
MAX_UNKNOWN = 20  # unknown keys reported one by one in a structure


@dataclass
class Context:
    """Validation state of one file: where it is, what it found, and shared lookups."""

    path: str
    located: Located
    problems: Problems
    lookups: Any = None  # e.g. the department registry

    def fail(self, key: Key, name: str, err: Invalid) -> None:
        self.problems.add(self.path, self.located.line(key), f"{name}：{err.message}", err.suggestion)

    def convert(self, fld: Field, value: Any, key: Key) -> Any:
        try:
            return fld.convert(value, self, key)
        except Invalid as err:
            self.fail(key, _display(key, fld), err)
            return _MISSING

    def validate(self, schema: Schema, data: dict, key: Key = ()) -> dict:
        out: dict = {}
        known = schema.names()
        unknown = [name for name in data if name not in known]
        for name in unknown[:MAX_UNKNOWN]:
            close = difflib.get_close_matches(str(name), known, n=1, cutoff=0.6)
            hint = f"是否指 {close[0]}？" if close else f"可用字段：{', '.join(known)}。"
            self.problems.add(self.path, self.located.line(key + (name,)),
                              f"未知字段 {shorten(str(name))}。", hint)
        if len(unknown) > MAX_UNKNOWN:
            self.problems.add(self.path, self.located.line(key + (unknown[MAX_UNKNOWN],)),
                              f"另有 {len(unknown) - MAX_UNKNOWN} 个未知字段，此处不再逐个列出。")
        for name, fld in schema.fields:
            value = data.get(name)
            if value is None or value == "" or value == []:
                if fld.required:
                    # An empty `name:` line is the place to fill in; else the enclosing block.
                    at = key + (name,) if name in data else key
                    self.problems.add(self.path, self.located.line(at),
                                      f"缺少必填字段 {name}（{fld.label}）。")
                out[name] = None
                continue
            converted = self.convert(fld, value, key + (name,))
            out[name] = None if converted is _MISSING else converted
        out["_line"] = self.located.line(key)
        out["_key"] = key
        return out


def _display(key: Key, fld: Field) -> str:
    path = "".join(f"[{k + 1}]" if isinstance(k, int) else f".{k}" for k in key).lstrip(".")
    return f"字段 {path or '文件'}（{fld.label}）"


def quote(value: Any) -> str:
    return f"“{shorten(str(value))}”"


def _kind(value: Any) -> str:
    if isinstance(value, dict):
        return "结构（字段: 值）"
    if isinstance(value, list):
        return "列表"
    if value is None:
        return "空值"
    return quote(value)
